"""Find the header row(s) of a sheet and map its columns to canonical fields.

The header may sit below title rows and may span two rows (办理时限 merged over 法定 | 承诺).
Header words are looked up in the staff-edited synonym table (warehouse/seeds/header_synonyms.csv),
compared after removing spaces, line breaks, brackets' contents like （必填） and punctuation.
"""

import re
import unicodedata
from dataclasses import dataclass

from transforms.readers import Sheet, cell_text

HEADER_SEARCH_ROWS = 15
MIN_MAPPED_FIELDS = 3

_NOISE = re.compile(r"[\s*:：'\"“”‘’、,，.。]+")
_BRACKETED = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")


def header_key(text: str) -> str:
    """The comparable form of a header word: NFKC, no spaces, no punctuation."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or ""))


def build_synonym_index(pairs) -> dict[str, str]:
    """{header_key(synonym): field} from (field, synonym) pairs."""
    return {header_key(synonym): field for field, synonym in pairs if header_key(synonym)}


def lookup_header(text: str, synonyms: dict[str, str]) -> str | None:
    key = header_key(text)
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
        field = lookup_header(text, synonyms)
        if field and field not in mapped:
            mapped[field] = col
    return mapped


def detect_header(sheet: Sheet, synonyms: dict[str, str], min_fields: int = MIN_MAPPED_FIELDS) -> HeaderMap | None:
    """The best header among the first rows, or None when no row names enough known fields."""
    best_index, best = None, {}
    for index in range(min(HEADER_SEARCH_ROWS, len(sheet.rows))):
        mapped = _map_row(_filled_header_row(sheet, index), synonyms)
        # Only a row naming the item can be the header (a two-row header's second line may name more).
        if "item_name" in mapped and len(mapped) > len(best):
            best_index, best = index, mapped
    if best_index is None or len(best) < min_fields:
        return None
    name_col = best["item_name"]
    if any(r0 == best_index - 1 and r1 >= best_index and c0 <= name_col <= c1 for r0, c0, r1, c1 in sheet.merged):
        # The second line of a two-row header (事项名称 merged down over it): start at the first line.
        best_index -= 1
        best = _map_row(_filled_header_row(sheet, best_index), synonyms)
    upper = _filled_header_row(sheet, best_index)
    columns = dict(best)
    header_rows = [best_index]
    lower_index = best_index + 1
    if lower_index < len(sheet.rows):
        lower = [cell_text(v) for v in sheet.rows[lower_index]]
        added = _second_header_row(upper, lower, columns, synonyms)
        if added:
            columns.update(added)
            header_rows.append(lower_index)
    header_texts = _combined_header_texts(sheet, header_rows)
    used = set(columns.values())
    extras = {col: text for col, text in enumerate(header_texts) if text and col not in used}
    return HeaderMap(
        first_data_index=header_rows[-1] + 1,
        columns=columns,
        extras=extras,
        header_row_numbers=tuple(sheet.row_numbers[i] for i in header_rows),
    )


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
