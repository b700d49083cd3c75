"""Turn a sheet and its header map into column lists of raw text, one entry per item row.

Blank rows and notes under the table (填表人、说明 …) are skipped; town/community names merged down
a column are filled into every row of their merged block; unmapped columns are kept as extras.
"""

import json
import re
from dataclasses import dataclass

from transforms.fields import SUBMISSION_FIELDS
from transforms.headers import HeaderMap
from transforms.readers import Sheet

FILL_DOWN_FIELDS = ("town", "community", "site_level")
# A row with neither name nor code still counts as an item row when it fills this many elements.
MIN_ELEMENTS_WITHOUT_NAME = 3
# A note under the table that lands in the name column: "填表人：张三", "注：以上事项…".
_NOTE = re.compile(
    r"^\s*(?:注|备注|说明|填表说明|填报说明|填表人|填报人|填表单位|填报单位|审核人|负责人|联系人|联系电话"
    r"|制表人?|制表日期|填表日期|填报日期|合计|共计|总计)\s*\d*\s*[:：]"
)


@dataclass
class SheetTable:
    row_numbers: list[int]
    columns: dict[str, list[str]]  # every SUBMISSION_FIELDS name; "" where the sheet lacks the column
    extras: list[str]  # JSON object text per row, "" when the sheet has no extra columns


def _fill_merged_down(sheet: Sheet, header: HeaderMap) -> None:
    cols = {header.columns[f] for f in FILL_DOWN_FIELDS if f in header.columns}
    for r0, c0, r1, c1 in sheet.merged:
        if c0 in cols and r1 > r0 and r0 >= header.first_data_index:
            value = sheet.rows[r0][c0] if c0 < len(sheet.rows[r0]) else ""
            for r in range(r0 + 1, min(r1, len(sheet.rows) - 1) + 1):
                row = sheet.rows[r]
                if c0 < len(row):
                    row[c0] = value


def extract_table(sheet: Sheet, header: HeaderMap) -> SheetTable:
    _fill_merged_down(sheet, header)
    columns = header.columns
    name_col = columns.get("item_name")
    code_col = columns.get("item_code")
    element_cols = [c for f, c in columns.items() if f not in FILL_DOWN_FIELDS and f != "seq"]
    wide_rows = _rows_merged_across(sheet, columns)
    keep: list[int] = []
    for index in range(header.first_data_index, len(sheet.rows)):
        row = sheet.rows[index]
        if not _cell(row, code_col).strip() and (index in wide_rows or _NOTE.match(_cell(row, name_col))):
            continue  # a note under the table, landed in the name column
        if _cell(row, name_col).strip() or _cell(row, code_col).strip():
            keep.append(index)
        elif sum(1 for c in element_cols if _cell(row, c).strip()) >= MIN_ELEMENTS_WITHOUT_NAME:
            keep.append(index)
    rows = [sheet.rows[i] for i in keep]
    out = {}
    for field in SUBMISSION_FIELDS:
        col = columns.get(field.name)
        out[field.name] = [_cell(r, col) for r in rows] if col is not None else [""] * len(rows)
    extras = [""] * len(rows)
    if header.extras:
        extras = [
            json.dumps({h: _cell(r, c) for c, h in header.extras.items() if _cell(r, c)}, ensure_ascii=False)
            for r in rows
        ]
    return SheetTable([sheet.row_numbers[i] for i in keep], out, extras)


def _rows_merged_across(sheet: Sheet, columns: dict[str, int]) -> set[int]:
    """Rows holding one cell merged across every mapped column: notes, never items."""
    if not columns:
        return set()
    first_col, last_col = min(columns.values()), max(columns.values())
    return {r for r0, c0, r1, c1 in sheet.merged if c0 <= first_col and c1 >= last_col and c1 > c0
            for r in range(r0, r1 + 1)}


def _cell(row: list[str], col: int | None) -> str:
    if col is None or col >= len(row):
        return ""
    return row[col]
