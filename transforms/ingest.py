"""One district file's bytes → landing rows (every cell as text + provenance) and file findings."""

import hashlib
import itertools
from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa

from transforms.fields import LABELS, LANDING_COLUMNS, READER_VERSION, REQUIRED_FIELDS
from transforms.column_content import ContentKnowledge
from transforms.communities import CommunityList
from transforms.headers import detect_header
from transforms.row_sites import assign_sites
from transforms.readers import cell_text, read_file
from transforms.tables import SheetTable, extract_table
from transforms.template_reading import read_template, template_identity

SKIPPED_SHEET_WORDS = ("说明", "封面", "填报要求", "示例", "模板说明")
# Read, but without a finding when nothing is found: "目录" may be a table of contents or the data.
# Skipped only as the whole name: "便民服务事项目录" is the data sheet, "目录" a table of contents.
QUIET_SHEET_NAMES = ("目录", "字典", "下拉选项", "数据字典")
ONCE_PER_FILE = ("column_inferred", "column_unplaced")  # column_missing stays per sheet (checks join on it)
LANDING_SCHEMA = pa.schema([(c, pa.int32() if c == "row_number" else pa.dictionary(pa.int32(), pa.string()))
                           for c in LANDING_COLUMNS])
@dataclass
class IngestContext:
    """What reading needs to know: header synonyms, the district's towns and what the catalog and
    the vocabularies say cells look like (to read columns by their content)."""

    synonyms: dict[str, str]
    towns: dict[str, list[str]] = field(default_factory=dict)  # district -> town names
    knowledge: ContentKnowledge | None = None
    communities: dict[str, CommunityList] = field(default_factory=dict)  # district -> its communities list
    # Today's catalog items as a returned template is compared with them (transforms/template_layout.py).
    catalog_elements: dict[str, bytes | None] = field(default_factory=dict)


def context_for(context: IngestContext, district: str) -> IngestContext:
    """The context one file of a district needs: its district's communities list only (a province's
    lists are megabytes, and the context travels to a reader process with every file)."""
    if not context.communities:
        return context
    own = context.communities.get(district)
    return replace(context, communities={district: own} if own is not None else {})


@dataclass
class FileFinding:
    rule: str
    message: str
    sheet: str | None = None
    severity: str = "error"
    field: str | None = None


@dataclass
class IngestResult:
    district: str
    source_file: str
    file_sha256: str
    rows: pa.Table  # LANDING_SCHEMA; built in arrow, not pandas, as it goes straight to parquet
    findings: list[FileFinding]
    # Where each field was read, by sheet name ('' for a csv): {"first_column": n, "columns": {field: index}}.
    # The corrected copy (warehouse/reports/corrected.py) writes its cells back there.
    layout: dict = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return self.rows.num_rows > 0


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def reading_key(context: IngestContext) -> str:
    """What a file's reading depends on besides the file: a change reads every file again."""
    digest = hashlib.sha256(READER_VERSION.encode())
    knowledge = context.knowledge or ContentKnowledge()
    for part in (sorted(context.synonyms.items()), sorted((d, sorted(t)) for d, t in context.towns.items()),
                 sorted(knowledge.name_keys), sorted(knowledge.code_keys),
                 knowledge.vocabulary.fingerprint() if knowledge.vocabulary else "",
                 sorted((d, sorted((t, sorted(n)) for t, n in c.by_town.items())) for d, c in context.communities.items()),
                 sorted(context.catalog_elements.items())):
        digest.update(repr(part).encode())
    return digest.hexdigest()


def ingest_file(data: bytes, source_file: str, district: str, context: IngestContext) -> IngestResult:
    digest = sha256(data)
    result = read_file(data, source_file)
    findings = [FileFinding(p.rule, p.message, p.sheet) for p in result.problems]
    if (identity := template_identity(result.sheets)) is not None:  # a template mulu made: read exactly
        template = read_template(result.sheets, identity, district, context.catalog_elements)
        findings += [FileFinding(p.rule, p.message, p.sheet, p.severity, p.field) for p in template.problems]
        if not template.sheets:
            return empty_result(district, source_file, digest, findings)
        return IngestResult(district, source_file, digest, _landing_table(template.sheets, district, source_file,
                                                                          digest), findings)
    towns = context.towns.get(district, [])
    knowledge = context.knowledge or ContentKnowledge(towns=context.towns)
    sheets = []
    unknown_towns: dict[str, str] = {}
    unknown_communities: dict[tuple[str, str], str] = {}
    several_towns: dict[str, list[str]] = {}
    communities = context.communities.get(district)
    seen: dict = {}  # column decisions of this file's sheets, by header
    layout: dict = {}
    for sheet in result.sheets:
        if sheet.name and any(word in sheet.name for word in SKIPPED_SHEET_WORDS):
            continue
        if not any(any(cell_text(c).strip() for c in row) for row in sheet.rows):
            continue
        header = detect_header(sheet, context.synonyms, knowledge, district, seen=seen)
        if header is None and (sheet.name or "").strip() in QUIET_SHEET_NAMES:
            continue
        if header is None:
            findings.append(FileFinding(
                "header_not_found",
                f"未找到表头：前15行中没有'{LABELS['item_name']}'等列名，也没有一列是目录中的事项名称或编码，"
                "本工作表未读取。请使用标准列名。", sheet.name, severity="warning"))
            continue
        table = extract_table(sheet, header)
        if not table.row_numbers:
            continue
        findings += _column_findings(header, sheet.name)
        sites = assign_sites(table.columns["town"], table.columns["community"], table.columns["site"],
                             table.columns["site_level"], table.sections, sheet.name, source_file, district, towns,
                             communities, table.title)
        table.columns["town"], table.columns["community"] = sites.towns, sites.communities
        table.columns["site_point"] = sites.points
        table.columns["site_level"] = [given if given.strip() else level
                                       for given, level in zip(table.columns["site_level"], sites.levels)]
        for town, where in sites.unknown_towns.items():
            unknown_towns.setdefault(town, where)
        for place, where in sites.unknown_communities.items():
            unknown_communities.setdefault(place, where)
        several_towns.update(sites.several_towns)
        sheets.append((sheet.name, table, sites.evidence))
        layout[sheet.name or ""] = {"first_column": sheet.first_column, "columns": dict(header.columns)}
    findings += [FileFinding("site.unknown_town", f"'{town}'不在镇(街道)名单中（取自{where}）：已按此名称处理，"
                                                  "请核对，或在参考数据 towns.csv 中增加", severity="warning", field="town")
                 for town, where in sorted(unknown_towns.items())]
    findings += [FileFinding("site.unknown_community", f"'{community}'不在{town}的村(社区)名单中（取自{where}）："
                                                       "已按此名称处理，请核对名称，或在参考数据 communities.csv 中增加",
                             severity="warning", field="community")
                 for (town, community), where in sorted(unknown_communities.items())]
    findings += [FileFinding("site.community_in_several_towns",
                             f"村(社区)名单中'{community}'属于多个镇(街道)（{'、'.join(towns)}），本文件未写明是哪一个："
                             "请在文件中增加所属镇(街道)列，或在文件名中写明镇(街道)", field="town")
                 for community, towns in sorted(several_towns.items())]
    if not sheets:
        if not any(f.severity == "error" for f in findings):
            findings.append(FileFinding(
                "no_item_rows",
                f"文件中没有可读取的事项行：未找到含'{LABELS['item_name']}'列的表格，或表格为空。",
            ))
        return empty_result(district, source_file, digest, findings)
    return IngestResult(district, source_file, digest, _landing_table(sheets, district, source_file, digest),
                        _once(findings), layout)


def _column_findings(header, sheet_name: str | None) -> list[FileFinding]:
    """What the header lacks, what was read from cells, and what could not be placed."""
    found = [FileFinding("column_missing", f"未找到'{LABELS[name]}'列：请在表中增加该列并逐项填写。", sheet_name,
                         field=name)
             for name in REQUIRED_FIELDS if name not in header.columns]
    found += [FileFinding("column_inferred", f"列'{text}'识别为'{LABELS[name]}'（{why}），请核对",
                          severity="warning", field=name)
              for text, name, why in header.inferred]
    found += [FileFinding("column_unplaced", f"列'{text}'未能识别，已作为附加列保留（见 site_items.extras）",
                          severity="warning")
              for text in header.unplaced]
    return found


def _once(findings: list[FileFinding]) -> list[FileFinding]:
    """Each inference once per file, not once per sheet (a sheet per community repeats its header)."""
    seen, out = set(), []
    for f in findings:
        key = (f.rule, f.field, f.message.split("（")[0], f.sheet if f.rule not in ONCE_PER_FILE else None)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _landing_table(sheets: list[tuple[str | None, SheetTable, list[str]]], district: str, source_file: str,
                   digest: str) -> pa.Table:
    """The file's rows in LANDING_SCHEMA. Text columns are dictionary-encoded: a district repeats the
    same legal basis or materials in thousands of rows, and encoding each distinct value once is
    several times faster than encoding every cell."""
    count = sum(len(table.row_numbers) for _, table, _ in sheets)
    constants = {"district": district, "source_file": source_file, "file_sha256": digest}

    def joined(lists) -> list:
        lists = list(lists)
        return lists[0] if len(lists) == 1 else list(itertools.chain.from_iterable(lists))

    arrays = []
    for name in LANDING_COLUMNS:
        if name == "row_number":
            arrays.append(pa.array(joined(table.row_numbers for _, table, _ in sheets), pa.int32()))
        elif name in constants:
            arrays.append(pa.DictionaryArray.from_arrays(pa.array(np.zeros(count, np.int32)),
                                                         pa.array([constants[name]], pa.string())))
        elif name == "sheet":
            arrays.append(_dictionary_column(joined([sheet] * len(table.row_numbers) for sheet, table, _ in sheets)))
        elif name == "extras":
            arrays.append(_dictionary_column(joined(table.extras for _, table, _ in sheets)))
        elif name == "site_evidence":
            arrays.append(_dictionary_column(joined(evidence for _, _, evidence in sheets)))
        else:
            arrays.append(_dictionary_column(joined(table.columns[name] for _, table, _ in sheets)))
    return pa.Table.from_arrays(arrays, schema=LANDING_SCHEMA)


def _dictionary_column(values: list) -> pa.DictionaryArray:
    distinct = defaultdict(itertools.count().__next__)  # value -> its index, the first time it is seen
    indices = np.fromiter(map(distinct.__getitem__, values), dtype=np.int32, count=len(values))
    # A missing value (a csv has no sheet name) is a null index, never a null in the dictionary
    # (parquet cannot write one).
    nulls = indices == distinct[None] if None in distinct else None
    dictionary = pa.array(["" if v is None else v for v in distinct], pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(indices, mask=nulls), dictionary)


def empty_result(district: str, source_file: str, digest: str, findings: list[FileFinding]) -> IngestResult:
    """A file that gave no rows: only its findings."""
    return IngestResult(district, source_file, digest, LANDING_SCHEMA.empty_table(), findings)
