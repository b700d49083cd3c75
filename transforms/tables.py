"""Turn a sheet and its header map into column lists of raw text, one entry per item row.

Blank rows and notes under the table (填表人、说明 …) are skipped; town/community names merged down
a column are filled into every row of their merged block; unmapped columns are kept as extras.
"""

import json
import re
from dataclasses import dataclass
from itertools import compress

from transforms.fields import SUBMISSION_FIELDS
from transforms.headers import HeaderMap
from transforms.readers import Sheet, cell_text
from transforms.sites import section_site

FILL_DOWN_FIELDS = ("town", "community", "site", "site_level")
# A row with neither name nor code still counts as an item row when it fills this many elements.
MIN_ELEMENTS_WITHOUT_NAME = 3
# A note under the table that lands in the name column: "填表人：张三", "注：以上事项…".
_NOTE = re.compile(
    r"^\s*(?:注|备注|说明|填表说明|填报说明|填表人|填报人|填表单位|填报单位|审核人|负责人|联系人|联系电话"
    r"|制表人?|制表日期|填表日期|填报日期|合计|共计|总计)\s*\d*\s*[:：]"
)


_SITE_WORD = re.compile("便民服务|服务中心|服务站|镇|街道|乡|村|社区|居委会")


@dataclass
class SheetTable:
    row_numbers: list[int]
    columns: dict[str, list[str]]  # every SUBMISSION_FIELDS name; "" where the sheet lacks the column
    extras: list[str]  # JSON object text per row, "" when the sheet has no extra columns
    sections: list[str]  # the site named by the last section row above each row ("" when none)
    title: str = ""  # the text of the rows above the header (a title naming the sheet's site)


def _fill_merged_down(sheet: Sheet, header: HeaderMap) -> set[tuple[int, int]]:
    """Fill site cells merged down a block into each of its rows; returns the cells of such blocks
    (row index into the sheet's rows, column): their value belongs to the block, not to one row."""
    cols = {header.columns[f] for f in FILL_DOWN_FIELDS if f in header.columns}
    filled = set()
    for r0, c0, r1, _ in sheet.merged:
        if c0 in cols and r1 > r0 and r0 >= header.first_data_index:
            value = sheet.rows[r0][c0] if c0 < len(sheet.rows[r0]) else ""
            filled.add((r0, c0))
            for r in range(r0 + 1, min(r1, len(sheet.rows) - 1) + 1):
                row = sheet.rows[r]
                if c0 < len(row):
                    row[c0] = value
                    filled.add((r, c0))
    return filled


def extract_table(sheet: Sheet, header: HeaderMap) -> SheetTable:
    """Column lists of the item rows; works column-wise (zip/compress), since sheets are large."""
    merged_filled = _fill_merged_down(sheet, header)
    columns = header.columns
    data = sheet.rows[header.first_data_index:]
    width = max((len(r) for r in data), default=0)
    if any(len(r) < width for r in data):
        data = [r + [""] * (width - len(r)) for r in data]  # ragged csv rows
    by_col = list(zip(*data)) if data else []
    empty = ("",) * len(data)

    def column(col: int | None) -> tuple:
        return by_col[col] if col is not None and col < width else empty

    names, codes = column(columns.get("item_name")), column(columns.get("item_code"))
    elements = [column(c) for f, c in columns.items() if f not in FILL_DOWN_FIELDS and f not in ("seq", "item_name")]
    sections = _sections(data, names, codes, elements,
                         {(r - header.first_data_index, c) for r, c in merged_filled})
    skipped = {i - header.first_data_index for i in _rows_merged_across(sheet, columns)} | set(sections)
    keep = _item_rows(names, codes, elements, skipped | _repeated_headers(header, names))
    select = (lambda values: list(values)) if all(keep) else (lambda values: list(compress(values, keep)))
    out = {}
    for field in SUBMISSION_FIELDS:
        col = columns.get(field.name)
        out[field.name] = _as_text(select(column(col))) if col is not None else [""] * sum(keep)
    kept_rows = select(data) if header.extras else []
    extras = [""] * len(out["item_name"])
    if header.extras:
        extras = [
            json.dumps({h: cell_text(r[c]) for c, h in header.extras.items() if c < len(r) and r[c] != ""},
                       ensure_ascii=False)
            for r in kept_rows
        ]
    row_numbers = select(sheet.row_numbers[header.first_data_index:])
    current, under = "", []
    for i in range(len(data)):
        current = sections.get(i, current)
        under.append(current)
    return SheetTable(row_numbers, out, extras, select(under), _title(sheet, header))


def _title(sheet: Sheet, header: HeaderMap) -> str:
    """The first cell of the rows above the header: a title such as 沙河镇西青坡村便民服务事项清单."""
    top = sheet.row_numbers.index(header.header_row_numbers[0]) if header.header_row_numbers else 0
    for row in sheet.rows[:top]:
        for value in row:
            if text := cell_text(value).strip():
                return text
    return ""


def _repeated_headers(header: HeaderMap, names: tuple) -> set[int]:
    """Rows repeating the header (a second table stacked under the first, with its own header)."""
    col = header.columns.get("item_name")
    word = header.texts[col].strip() if col is not None and col < len(header.texts) else ""
    return {i for i, name in enumerate(names) if word and cell_text(name).strip() == word}


def _sections(data: list, names: tuple, codes: tuple, elements: list[tuple],
              merged_filled: set[tuple[int, int]]) -> dict[int, str]:
    """Rows that name a site and nothing else ("二、河坝村便民服务站（共62项）"): they mark where the
    rows of the next site begin. Values filled down from merged cells do not count: a blank row in a
    merged town block is a separator, not a section naming the town."""
    found = {}
    for i, (name, code) in enumerate(zip(names, codes)):
        if cell_text(code).strip() or not (not cell_text(name).strip() or _SITE_WORD.search(cell_text(name))):
            continue  # the usual item row, checked cheaply
        filled = [t for t in (cell_text(v).strip() for c, v in enumerate(data[i]) if (i, c) not in merged_filled) if t]
        if len(filled) != 1 or cell_text(codes[i]).strip() or not _SITE_WORD.search(filled[0]):
            continue
        if any(cell_text(values[i]).strip() for values in elements):
            continue
        if site := section_site(filled[0]):
            found[i] = site
    return found


def _item_rows(names: tuple, codes: tuple, elements: list[tuple], merged_across: set[int]) -> list[bool]:
    """Which rows are items: a name or a code, or enough elements; never a note under the table."""
    keep = []
    for i, (name, code) in enumerate(zip(names, codes)):
        name = name if type(name) is str else cell_text(name)
        code = code if type(code) is str else cell_text(code)
        if not code.strip() and (i in merged_across or _NOTE.match(name)):
            keep.append(False)
        elif name.strip() or code.strip():
            keep.append(True)
        else:
            filled = sum(1 for values in elements if cell_text(values[i]).strip())
            keep.append(filled >= MIN_ELEMENTS_WITHOUT_NAME)
    return keep


def _as_text(values: list) -> list[str]:
    """Cells as text; a column of strings only (the usual case) is returned as it is."""
    if set(map(type, values)) <= {str}:
        return values
    return [v if type(v) is str else cell_text(v) for v in values]


def _rows_merged_across(sheet: Sheet, columns: dict[str, int]) -> set[int]:
    """Rows holding one cell merged across every mapped column: notes, never items."""
    if not columns:
        return set()
    first_col, last_col = min(columns.values()), max(columns.values())
    return {r for r0, c0, r1, c1 in sheet.merged if c0 <= first_col and c1 >= last_col and c1 > c0
            for r in range(r0, r1 + 1)}


