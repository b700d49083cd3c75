"""Turn a sheet and its header map into column lists of raw text, one entry per item row.

Blank rows and notes under the table (填表人、说明 …) are skipped; town/community names merged down
a column are filled into every row of their merged block; unmapped columns are kept as extras.
"""

import json
from dataclasses import dataclass

from transforms.fields import SUBMISSION_FIELDS
from transforms.headers import HeaderMap
from transforms.readers import Sheet

FILL_DOWN_FIELDS = ("town", "community", "site_level")
# A row with neither name nor code still counts as an item row when it fills this many elements.
MIN_ELEMENTS_WITHOUT_NAME = 3


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
    keep: list[int] = []
    for index in range(header.first_data_index, len(sheet.rows)):
        row = sheet.rows[index]
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


def _cell(row: list[str], col: int | None) -> str:
    if col is None or col >= len(row):
        return ""
    return row[col]
