"""Find the header row(s) of a sheet and map its columns to canonical fields.

The header may sit below title rows and may span two rows (办理时限 merged over 法定 | 承诺).
Header words are looked up in the staff-edited synonym table (warehouse/seeds/header_synonyms.csv),
compared after removing spaces, line breaks, brackets' contents like （必填） and punctuation.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from transforms.codes import code_key, code_text
from transforms.column_content import ContentKnowledge, is_catalog_name, sample
from transforms.column_roles import assign_fields
from transforms.readers import Sheet, cell_text

HEADER_SEARCH_ROWS = 15
CONTENT_SEARCH_ROWS = 30  # where the first row the catalog knows is looked for, when header words fail
CONTENT_SAMPLE_ROWS = 300  # rows under the header whose cells tell what a column holds
MIN_MAPPED_FIELDS = 3

_NOISE = re.compile(r"[\s*:：'\"“”‘’、,，.。]+")
_BRACKETED = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")


def header_key(text: str) -> str:
    """The comparable form of a header word: NFKC, no spaces, no punctuation."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or ""))


def build_synonym_index(pairs) -> dict[str, str]:
    """{header_key(synonym): field} from (field, synonym) pairs."""
    return {header_key(synonym): field for field, synonym in pairs if header_key(synonym)}


@lru_cache(maxsize=65536)  # a province's sheets repeat the same few thousand cell texts
def _cached_header_key(text: str) -> str:
    return header_key(text)


def lookup_header(text: str, synonyms: dict[str, str]) -> str | None:
    key = _cached_header_key(text) if isinstance(text, str) else header_key(text)
    if not key:
        return None
    if key in synonyms:
        return synonyms[key]
    stripped = header_key(_BRACKETED.sub("", unicodedata.normalize("NFKC", text)))
    return synonyms.get(stripped)


@dataclass
class HeaderMap:
    first_data_index: int  # index into sheet.rows of the first row below the header
    columns: dict[str, int]  # field -> column index
    extras: dict[int, str]  # column index -> header text of columns kept as extras
    header_row_numbers: tuple[int, ...]
    inferred: list[tuple[str, str, str]] = field(default_factory=list)  # (header, field, why) not by header word
    unplaced: list[str] = field(default_factory=list)  # headers of columns nothing could be made of
    texts: list[str] = field(default_factory=list)  # the header's text of each column ('' when none)


def _filled_header_row(sheet: Sheet, index: int) -> list[str]:
    """The row's cells with horizontally merged header cells filled across their range."""
    row = [cell_text(v) for v in sheet.rows[index]]
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= index <= r1 and c0 < len(row):
            value = cell_text(sheet.rows[r0][c0]) if c0 < len(sheet.rows[r0]) else ""
            for c in range(c0, min(c1, len(row) - 1) + 1):
                row[c] = value
    return row


def _map_row(cells: list[str], synonyms: dict[str, str]) -> dict[str, int]:
    mapped: dict[str, int] = {}
    for col, text in enumerate(cells):
        field_name = lookup_header(text, synonyms)
        if field_name and field_name not in mapped:
            mapped[field_name] = col
    return mapped


def _header_by_words(sheet: Sheet, synonyms: dict[str, str]) -> tuple[int | None, dict[str, int]]:
    """The row among the first ones naming the most fields, among rows naming the item; else the
    row naming the most fields (at least two)."""
    best_index, best, fallback_index, fallback = None, {}, None, {}
    for index in range(min(HEADER_SEARCH_ROWS, len(sheet.rows))):
        mapped = _map_row(_filled_header_row(sheet, index), synonyms)
        # Only a row naming the item can be the header (a two-row header's second line may name more).
        if "item_name" in mapped and len(mapped) > len(best):
            best_index, best = index, mapped
        elif len(mapped) > max(len(fallback), 1):
            fallback_index, fallback = index, mapped
    if best_index is not None:
        return best_index, best
    return fallback_index, fallback


def _first_catalog_row(sheet: Sheet, knowledge: ContentKnowledge) -> int | None:
    """The first row holding a name or a code the catalog knows."""
    for index in range(min(CONTENT_SEARCH_ROWS, len(sheet.rows))):
        for value in sheet.rows[index]:
            text = cell_text(value).strip()
            if text and 2 <= len(text) <= 80 and (is_catalog_name(text, knowledge)
                                                   or code_key(code_text(text)) in knowledge.code_keys):
                return index
    return None


def detect_header(sheet: Sheet, synonyms: dict[str, str], knowledge: ContentKnowledge | None = None,
                  district: str = "", min_fields: int = MIN_MAPPED_FIELDS, seen: dict | None = None) -> HeaderMap | None:
    """The header (by its words, or found above the first row the catalog knows) and what each
    column holds (by header word, checked against its cells; by its cells where the word is
    unknown or contradicted). None when no column holds anything the catalog knows and the
    header words name too little. seen: decisions of this file's earlier sheets, by their header
    texts (a sheet per community repeats one template: its columns are decided once)."""
    knowledge = knowledge or ContentKnowledge()
    index, mapped = _header_by_words(sheet, synonyms)
    if "item_name" not in mapped and knowledge.knows_catalog:
        first_known = _first_catalog_row(sheet, knowledge)
        if first_known is not None and (index is None or index >= first_known):
            index = first_known - 1 if first_known > 0 and _looks_like_header(sheet, first_known - 1, knowledge) \
                else None
            mapped = _map_row(_filled_header_row(sheet, index), synonyms) if index is not None else {}
            if index is None:  # no header at all: the data starts at the first data-like row
                start = first_known
                while start > 0 and sum(1 for v in sheet.rows[start - 1] if cell_text(v).strip()) >= 3:
                    start -= 1
                return _resolve(sheet, HeaderMap(start, {}, {}, ()), [""] * _width(sheet), knowledge,
                                district, synonyms, seen)
    if index is None:
        return None
    header = _rows_of_header(sheet, index, mapped, synonyms)
    resolved = _resolve(sheet, header, _combined_header_texts(sheet, list(_header_indexes(sheet, header))),
                        knowledge, district, synonyms, seen)
    if "item_name" not in resolved.columns and "item_code" not in resolved.columns:
        return None
    if len(resolved.columns) < min_fields and not knowledge.knows_catalog:
        return None
    return resolved


def _width(sheet: Sheet) -> int:
    return max((len(r) for r in sheet.rows[:CONTENT_SEARCH_ROWS]), default=0)


_DATA_CELL = re.compile(r"《|工作日|\d{6,}|即办|承诺件|公共服务|行政许可")


def _looks_like_header(sheet: Sheet, index: int, knowledge: ContentKnowledge) -> bool:
    """A row of words above the first data row, not a data row whose name the catalog lacks."""
    texts = [cell_text(v).strip() for v in sheet.rows[index]]
    filled = [t for t in texts if t]
    if len(filled) < 2 or any(is_catalog_name(t, knowledge) or _DATA_CELL.search(t) for t in filled):
        return False
    following = [cell_text(v).strip() for v in sheet.rows[index + 1]] if index + 1 < len(sheet.rows) else []
    counts = texts[:1] + following[:1]
    return not (len(counts) == 2 and all(c.isdigit() for c in counts) and int(counts[1]) == int(counts[0]) + 1)


def _header_indexes(sheet: Sheet, header: HeaderMap) -> range:
    top = sheet.row_numbers.index(header.header_row_numbers[0]) if header.header_row_numbers else header.first_data_index
    return range(top, header.first_data_index)


def _rows_of_header(sheet: Sheet, best_index: int, best: dict[str, int], synonyms) -> HeaderMap:
    """The header's row(s): a two-row header's first line when the name is merged down over the
    second, and the second line's fields (办理时限 over 法定 | 承诺)."""
    name_col = best.get("item_name")
    if name_col is not None and any(r0 == best_index - 1 and r1 >= best_index and c0 <= name_col <= c1
                                    for r0, c0, r1, c1 in sheet.merged):
        best_index -= 1
        best = _map_row(_filled_header_row(sheet, best_index), synonyms)
    upper = _filled_header_row(sheet, best_index)
    columns = dict(best)
    header_rows = [best_index]
    lower_index = best_index + 1
    if lower_index < len(sheet.rows) and "item_name" in columns:
        lower = [cell_text(v) for v in sheet.rows[lower_index]]
        added = _second_header_row(upper, lower, columns, synonyms)
        if added:
            columns.update(added)
            header_rows.append(lower_index)
    return HeaderMap(header_rows[-1] + 1, columns, {}, tuple(sheet.row_numbers[i] for i in header_rows))


def _resolve(sheet: Sheet, header: HeaderMap, texts: list[str], knowledge: ContentKnowledge, district: str,
             synonyms, seen: dict | None = None) -> HeaderMap:
    """Every column's field, by header word checked against content (column_roles.assign_fields)."""
    key = (tuple(texts), tuple(sorted(header.columns.items())))
    if seen is not None and any(texts) and key in seen:
        columns, extras, inferred, unplaced = seen[key]
        return HeaderMap(header.first_data_index, dict(columns), dict(extras), header.header_row_numbers,
                         list(inferred), list(unplaced), list(texts))
    rows = sheet.rows[header.first_data_index:]
    # Rows spread over the whole sheet: a site column may name only the town's centre in its first block.
    data = rows[::max(1, len(rows) // CONTENT_SAMPLE_ROWS)][:CONTENT_SAMPLE_ROWS]
    width = max(len(texts), max((len(r) for r in data), default=0))
    by_header = {col: f for f, col in header.columns.items()}
    for col, text in enumerate(texts):
        if col not in by_header and (f := lookup_header(text, synonyms)):
            by_header[col] = f  # a second column with a known word: its content decides below
    text_rows = [[cell_text(v) for v in r] for r in data]
    by_col = list(zip(*(r + [""] * (width - len(r)) for r in text_rows))) if text_rows else [()] * width
    cells = {col: sample(by_col[col]) for col in range(width)}
    texts = texts + [""] * (width - len(texts))
    assignment = assign_fields(texts, by_header, cells, knowledge, district, text_rows)
    extras = {col: (texts[col] or f"第{col + 1}列") for col in range(width)
              if col not in assignment.columns.values() and (texts[col] or cells[col])}
    if seen is not None:
        seen[key] = (assignment.columns, extras, assignment.inferred, assignment.unplaced)
    return HeaderMap(header.first_data_index, assignment.columns, extras, header.header_row_numbers,
                     assignment.inferred, assignment.unplaced, texts)


def _second_header_row(upper, lower, columns, synonyms) -> dict[str, int]:
    """Fields named in the row under the header, when that row is a header's second line.

    It is one when the item-name cell under the header is empty (merged down) and some lower
    cell names a field, alone or joined with the merged parent above it (办理时限 + 法定).
    """
    name_col = columns["item_name"]
    if name_col < len(lower) and lower[name_col].strip():
        return {}
    added: dict[str, int] = {}
    for col, text in enumerate(lower):
        if not text.strip():
            continue
        parent = upper[col] if col < len(upper) else ""
        field = lookup_header(parent + text, synonyms) or lookup_header(text, synonyms)
        if field and field not in added:
            added[field] = col
    if not added:
        return {}
    # A lower cell overrides the parent's mapping for its column (收费 over 是否收费 | 收费依据).
    parent_fields = {f for f, c in columns.items() if c in added.values()}
    for field in parent_fields:
        if field not in added:
            columns.pop(field)
    return added


def _combined_header_texts(sheet: Sheet, header_rows: list[int]) -> list[str]:
    texts: list[str] = []
    rows = [_filled_header_row(sheet, i) for i in header_rows]
    width = max(len(r) for r in rows)
    for col in range(width):
        parts = []
        for row in rows:
            text = row[col].strip() if col < len(row) else ""
            if text and text not in parts:
                parts.append(text)
        texts.append("/".join(parts))
    return texts
