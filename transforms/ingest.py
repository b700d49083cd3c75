"""One district file's bytes → landing rows (every cell as text + provenance) and file findings."""

import hashlib
import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from transforms.fields import COMMUNITY_LEVEL, LABELS, REQUIRED_FIELDS, SUBMISSION_FIELDS, TOWN_LEVEL
from transforms.headers import detect_header
from transforms.readers import cell_text, read_file
from transforms.tables import SheetTable, extract_table

SKIPPED_SHEET_WORDS = ("说明", "封面", "填报要求", "示例", "模板说明")
# Skipped only as the whole name: "便民服务事项目录" is the data sheet, "目录" a table of contents.
SKIPPED_SHEET_NAMES = ("目录",)
LANDING_COLUMNS = (
    ["district", "source_file", "file_sha256", "sheet", "row_number"]
    + [f.name for f in SUBMISSION_FIELDS]
    + ["extras"]
)
LANDING_SCHEMA = pa.schema([(c, pa.int32() if c == "row_number" else pa.dictionary(pa.int32(), pa.string()))
                           for c in LANDING_COLUMNS])
_TOWN_SHEET_KEYS = {"镇街道", "镇", "街道", "镇级", "街道级", "镇街", "乡镇", "便民服务中心"}
_COMMUNITY_SHEET_KEYS = {"村社区", "新村社区", "村", "社区", "村级", "社区级", "村居", "便民服务站"}
_COMMUNITY_SUFFIXES = ("村", "社区", "居委会", "村委会", "居")
_PUNCT = re.compile(r"[\s()（）\[\]【】]")


@dataclass
class IngestContext:
    """What reading needs to know: header synonyms and the district's towns."""

    synonyms: dict[str, str]
    towns: dict[str, list[str]] = field(default_factory=dict)  # district -> town names


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

    @property
    def usable(self) -> bool:
        return self.rows.num_rows > 0


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _key(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text or ""))


def _sheet_site(sheet_name: str | None, towns: list[str]) -> tuple[str, str, str]:
    """(town, community, site_level) implied by a sheet's name; '' where it says nothing."""
    if not sheet_name:
        return "", "", ""
    key = _key(sheet_name)
    if key in _TOWN_SHEET_KEYS:
        return "", "", TOWN_LEVEL
    if key in _COMMUNITY_SHEET_KEYS:
        return "", "", COMMUNITY_LEVEL
    for town in towns:
        if key == _key(town):
            return town, "", TOWN_LEVEL
    if key.endswith(_COMMUNITY_SUFFIXES):
        return "", sheet_name.strip(), COMMUNITY_LEVEL
    return "", "", ""


def town_from_path(source_file: str, towns: list[str]) -> str:
    """The longest known town name that the file's path mentions, or ''."""
    hits = [t for t in towns if t and t in source_file]
    return max(hits, key=len) if hits else ""


def ingest_file(data: bytes, source_file: str, district: str, context: IngestContext) -> IngestResult:
    digest = sha256(data)
    result = read_file(data, source_file)
    findings = [FileFinding(p.rule, p.message, p.sheet) for p in result.problems]
    towns = context.towns.get(district, [])
    path_town = town_from_path(source_file, towns)
    sheets = []
    for sheet in result.sheets:
        if sheet.name and (any(word in sheet.name for word in SKIPPED_SHEET_WORDS)
                           or sheet.name.strip() in SKIPPED_SHEET_NAMES):
            continue
        if not any(any(cell_text(c).strip() for c in row) for row in sheet.rows):
            continue
        header = detect_header(sheet, context.synonyms)
        if header is None:
            findings.append(FileFinding(
                "header_not_found",
                f"未找到表头：前15行中没有'{LABELS['item_name']}'等列名，本工作表未读取。请使用标准列名。",
                sheet.name, severity="warning"))
            continue
        table = extract_table(sheet, header)
        if not table.row_numbers:
            continue
        findings += [
            FileFinding("column_missing", f"未找到'{LABELS[name]}'列：请在表中增加该列并逐项填写。", sheet.name, field=name)
            for name in REQUIRED_FIELDS if name not in header.columns
        ]
        sheet_town, sheet_community, sheet_level = _sheet_site(sheet.name, towns)
        for column, value in (("town", sheet_town or path_town), ("community", sheet_community),
                              ("site_level", sheet_level)):
            table.columns[column] = _default(table.columns[column], value)
        sheets.append((sheet.name, table))
    if not sheets:
        if not any(f.severity == "error" for f in findings):
            findings.append(FileFinding(
                "no_item_rows",
                f"文件中没有可读取的事项行：未找到含'{LABELS['item_name']}'列的表格，或表格为空。",
            ))
        return empty_result(district, source_file, digest, findings)
    return IngestResult(district, source_file, digest, _landing_table(sheets, district, source_file, digest), findings)


def _landing_table(sheets: list[tuple[str | None, SheetTable]], district: str, source_file: str,
                   digest: str) -> pa.Table:
    """The file's rows in LANDING_SCHEMA. Text columns are dictionary-encoded: a district repeats the
    same legal basis or materials in thousands of rows, and encoding each distinct value once is
    several times faster than encoding every cell."""
    count = sum(len(table.row_numbers) for _, table in sheets)
    constants = {"district": district, "source_file": source_file, "file_sha256": digest}

    def joined(lists) -> list:
        lists = list(lists)
        return lists[0] if len(lists) == 1 else list(itertools.chain.from_iterable(lists))

    arrays = []
    for name in LANDING_COLUMNS:
        if name == "row_number":
            arrays.append(pa.array(joined(table.row_numbers for _, table in sheets), pa.int32()))
        elif name in constants:
            arrays.append(pa.DictionaryArray.from_arrays(pa.array(np.zeros(count, np.int32)),
                                                         pa.array([constants[name]], pa.string())))
        elif name == "sheet":
            arrays.append(_dictionary_column(joined([sheet] * len(table.row_numbers) for sheet, table in sheets)))
        elif name == "extras":
            arrays.append(_dictionary_column(joined(table.extras for _, table in sheets)))
        else:
            arrays.append(_dictionary_column(joined(table.columns[name] for _, table in sheets)))
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


def _default(values: list[str], value: str) -> list[str]:
    """The column with its blank cells set to what the sheet's name or the file's path says."""
    if not value:
        return values
    return [v if v.strip() else value for v in values]
