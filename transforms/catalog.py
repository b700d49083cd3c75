"""Read the user's master catalog (the 指导目录 rows are matched to) and report its problems.

The catalog is the truth about items: mulu learns from it and never rejects it for not looking
like the bundled one. It is read through the same readers and header synonyms as district files.
Of several code columns (实施编码, 业务办理项编码, 目录编码 …) the one unique per row identifies the
items; the others are kept as alternative codes a district may send. Repeated or empty codes and
names and empty elements are catalog findings for staff (the 目录问题 report), handled as well as
they can be; only a catalog in which no item can be identified at all is refused.
"""

import re
from dataclasses import dataclass

import pandas as pd

from transforms.codes import code_key, code_text
from transforms.fields import LABELS, SUBMISSION_FIELDS
from transforms.headers import HeaderMap, header_key, lookup_header
from transforms.name_identity import identity_of
from transforms.normalize import names_table
from transforms.readers import cell_text, read_file
from transforms.tables import extract_table

CATALOG_FIELDS = [f.name for f in SUBMISSION_FIELDS if f.name not in ("town", "community", "site", "seq", "note")]
# Elements a published guide needs: an empty one is a catalog finding, never a reason to withhold the list.
GUIDE_ELEMENTS = ("item_type", "legal_basis", "exercise_levels", "acceptance_conditions", "materials",
                  "statutory_limit", "promised_limit", "fee", "handling_type")
HEADER_SEARCH_ROWS = 15
EMPTY_WORDS = frozenset({"", "无", "/", "-", "—", "暂无", "null", "none", "nan"})
_CODE_HEADER = re.compile("编码|代码|编号|code", re.IGNORECASE)
_CODE_VALUE = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-_.·/ ]{5,}")


class CatalogUnusable(Exception):
    """No item can be identified in the catalog: the night cannot run."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CatalogFinding:
    rule: str
    message: str  # Chinese, for staff
    row_number: int | None = None
    field: str | None = None
    value: str | None = None
    catalog_code: str | None = None
    severity: str = "warning"


@dataclass
class CodeColumns:
    identifying: int | None  # column index of the code that identifies items
    alternatives: list[int]  # other code columns, kept as codes a district may send
    headers: dict[int, str]


def _blank(value: str) -> bool:
    return value.strip().casefold() in EMPTY_WORDS


def _header(sheet, synonyms) -> tuple[int, dict[str, int]] | None:
    """The header row: the one among the first rows naming the most fields, among rows naming
    the item's name or code."""
    best = None
    for index in range(min(HEADER_SEARCH_ROWS, len(sheet.rows))):
        mapped: dict[str, int] = {}
        for col, value in enumerate(sheet.rows[index]):
            field = lookup_header(cell_text(value), synonyms)
            if field and field not in mapped:
                mapped[field] = col
        if ("item_name" in mapped or "item_code" in mapped) and (best is None or len(mapped) > len(best[1])):
            best = index, mapped
    return best


def _code_columns(sheet, header_index: int, mapped: dict[str, int]) -> CodeColumns:
    """Every column holding item codes, by header word and content; the identifying one is unique
    per row (the synonym-mapped 事项编码 column first among equals)."""
    headers = {col: cell_text(v).strip() for col, v in enumerate(sheet.rows[header_index]) if cell_text(v).strip()}
    data = sheet.rows[header_index + 1:]
    stats = {}
    for col, text in headers.items():
        if col != mapped.get("item_code") and not _CODE_HEADER.search(header_key(text)):
            continue
        values = [code_text(cell_text(r[col])) for r in data if col < len(r)]
        filled = [v for v in values if not _blank(v)]
        if not filled:
            continue
        codelike = sum(1 for v in filled if _CODE_VALUE.fullmatch(v)) / len(filled)
        distinct = len(set(filled)) / len(filled)
        if col == mapped.get("item_code") or (codelike >= 0.9 and distinct >= 0.5):
            stats[col] = (len(set(filled)) == len(filled), len(filled) / max(len(values), 1), distinct)
    if not stats:
        return CodeColumns(None, [], headers)
    preferred = mapped.get("item_code")

    def rank(col):
        unique, fill, distinct = stats[col]
        return (unique and fill >= 0.95, round(distinct, 2), col == preferred, fill)

    identifying = max(stats, key=rank)
    return CodeColumns(identifying, [c for c in stats if c != identifying], headers)


def read_catalog(data: bytes, filename: str, synonyms: dict[str, str]) -> tuple[pd.DataFrame, list[CatalogFinding]]:
    """(raw catalog rows with English columns, row_number and alt_codes; findings).

    Raises CatalogUnusable when no item can be identified (no readable table, no name and no code
    column, or no rows)."""
    result = read_file(data, filename)
    problems = [p.message for p in result.problems]
    for sheet in result.sheets:
        found = _header(sheet, synonyms)
        if found is None:
            continue
        header_index, mapped = found
        codes = _code_columns(sheet, header_index, mapped)
        columns = dict(mapped)
        if codes.identifying is not None:
            columns["item_code"] = codes.identifying
        # The catalog's other columns (服务对象, 办理地点, 咨询电话 …) are guide elements too.
        code_columns = {codes.identifying, *codes.alternatives}
        guide_columns = {col: text for col, text in codes.headers.items()
                         if col not in mapped.values() and col not in code_columns}
        header = HeaderMap(header_index + 1, columns, guide_columns, (sheet.row_numbers[header_index],))
        table = extract_table(sheet, header)
        if not table.row_numbers:
            raise CatalogUnusable([f"{filename}：目录表头下没有事项行"])
        frame = pd.DataFrame({name: table.columns[name] for name in CATALOG_FIELDS})
        frame["row_number"] = table.row_numbers
        frame["guide_extras"] = [extras if extras not in ("", "{}") else None for extras in table.extras]
        by_number = dict(zip(sheet.row_numbers, sheet.rows))
        frame["alt_codes"] = [
            [v for v in (code_text(cell_text(by_number[n][c])) if c < len(by_number[n]) else "" for c in codes.alternatives)
             if not _blank(v)]
            for n in table.row_numbers]
        findings = [CatalogFinding("catalog.column_missing", f"目录没有'{LABELS[name]}'列，该要素须由各区(市)报送补充",
                                   field=name) for name in GUIDE_ELEMENTS if name not in columns]
        if "item_name" not in columns:
            findings.append(CatalogFinding("catalog.column_missing", "目录没有'事项名称'列：事项只能按编码匹配",
                                           field="item_name"))
        if codes.identifying is None:
            findings.append(CatalogFinding("catalog.column_missing", "目录没有事项编码列：以行号暂代编码，事项只能按名称匹配",
                                           field="item_code"))
        frame.attrs["present_fields"] = sorted(columns)
        if codes.identifying is not None:
            others = "、".join(f"'{codes.headers[c]}'" for c in codes.alternatives)
            findings.insert(0, CatalogFinding(
                "catalog.code_columns",
                f"按'{codes.headers[codes.identifying]}'列识别事项" + (f"；{others}作为区(市)可能报送的备选编码" if others else ""),
                field="item_code", severity="info"))
        return frame, findings
    raise CatalogUnusable([f"{filename}：{p}" for p in problems] or [
        f"{filename}：未找到目录表头：需要'事项名称'或'事项编码'列（前{HEADER_SEARCH_ROWS}行中）"])


def check_catalog(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[CatalogFinding]]:
    """The catalog with one identifying `catalog_code` per row, and every problem found.

    An empty code becomes '#<row>' and a repeated code (on a row with another name) '<code>#<row>':
    those items can then be matched by name only. A row repeating another row's code and name is
    the same item written twice and is left out. Names that repeat can only be matched by code or
    by people."""
    findings: list[CatalogFinding] = []
    rows = frame["row_number"].tolist()
    texts = [code_text(v) for v in frame["item_code"]]
    names = names_table(frame["item_name"])
    identities = [identity_of(k, s, q, n, g) for k, s, q, n, g in zip(
        names["name_key"], names["name_situations"], names["name_qualifier"],
        names["name_notes"].fillna(""), names["name_guide"])]
    codes, keep, first_row = [], [], {}
    for i, (row, text) in enumerate(zip(rows, texts)):
        name = cell_text(frame["item_name"].iloc[i]).strip()
        if not identities[i].core:
            findings.append(CatalogFinding("catalog.name_empty", "事项名称为空：该事项只能按编码匹配", row, "item_name",
                                           catalog_code=text or None))
        if _blank(text):
            codes.append(f"#{row}")
            keep.append(True)
            findings.append(CatalogFinding("catalog.code_empty", f"事项编码为空：暂以'#{row}'代替，该事项只能按名称匹配",
                                           row, "item_code", value=name, catalog_code=f"#{row}"))
            continue
        key = code_key(text)
        if key in first_row:
            other, other_identity = first_row[key]
            if other_identity == identities[i].key:
                codes.append(text)
                keep.append(False)
                findings.append(CatalogFinding("catalog.row_repeated", f"与第{other}行的编码和名称相同，按同一事项处理",
                                               row, "item_code", value=text, catalog_code=text))
                continue
            codes.append(f"{text}#{row}")
            keep.append(True)
            findings.append(CatalogFinding(
                "catalog.code_repeated", f"事项编码与第{other}行重复而名称不同：本行暂以'{text}#{row}'代替，只能按名称匹配",
                row, "item_code", value=text, catalog_code=f"{text}#{row}"))
            continue
        first_row[key] = (row, identities[i].key)
        codes.append(text)
        keep.append(True)
    out = frame.assign(catalog_code=codes)[keep].reset_index(drop=True)
    kept_identities = [ident for ident, k in zip(identities, keep) if k]
    by_name: dict[str, list[int]] = {}
    for i, ident in enumerate(kept_identities):
        if ident.core:
            by_name.setdefault(ident.key, []).append(i)
    for positions in by_name.values():
        if len(positions) > 1:
            where = "、".join(str(out["row_number"][p]) for p in positions)
            for p in positions:
                findings.append(CatalogFinding(
                    "catalog.name_repeated", f"事项名称在第{where}行重复出现（编码不同）：该名称只能按编码或人工核对匹配",
                    int(out["row_number"][p]), "item_name", value=out["item_name"][p],
                    catalog_code=out["catalog_code"][p]))
    present = frame.attrs.get("present_fields", CATALOG_FIELDS)
    for name in (n for n in GUIDE_ELEMENTS if n in present):
        for p in out.index[[_blank(cell_text(v)) for v in out[name]]]:
            findings.append(CatalogFinding("catalog.element_empty", f"'{LABELS[name]}'为空", int(out["row_number"][p]),
                                           name, catalog_code=out["catalog_code"][p]))
    return out, findings
