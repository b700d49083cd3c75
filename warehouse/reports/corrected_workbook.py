"""Write one corrected copy (修正稿) of a district file as xlsx: the file's own sheets, rows, columns
and merged cells, read as the night read them (transforms/readers.py), with the corrections.

Every cell keeps its value and type but the corrected ones, which hold the standard value on a
yellow fill; every problem cell carries a comment (问题说明 and 修改建议). csv and xls come back as
xlsx: a csv's records are its rows, every cell text (a code keeps its leading zeros). Fonts,
colours and column widths of the original are not carried: calamine reads values, not styles.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from transforms.readers import Sheet, read_file
from warehouse.workbook import WORKBOOK_OPTIONS

CORRECTED_FILL = "#FFFF00"
COMMENT_SIZE = {"x_scale": 2.5, "y_scale": 2.5}
CSV_SHEET = "Sheet1"
MIN_WIDTH, MAX_WIDTH = 8, 40
ORIGINAL_SHOWN = 200  # characters of a corrected cell's old value its comment repeats


@dataclass(frozen=True)
class CellFix:
    """One problem cell: its file's sheet (None for a csv), the person-visible row, the field read
    there; value: the standard value to write (None: keep the cell); comment: what was found."""
    sheet: str | None
    row_number: int
    field: str
    value: str | None
    comment: str


def _merged_owner(sheet: Sheet) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """(row index, column index) of every cell in a merged range → the range."""
    owner = {}
    for r0, c0, r1, c1 in sheet.merged:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                owner[(r, c)] = (r0, c0, r1, c1)
    return owner


def _sheet_fixes(sheet: Sheet, layout: dict, fixes: list[CellFix]) -> dict[tuple[int, int], CellFix]:
    """The fixes of one sheet by (row index, column index) into sheet.rows. A fix inside a merged
    range is moved to the range's first cell, and keeps its value only when every row of the range
    has the same fix (one value stands for them all); otherwise only its comment is kept."""
    where = layout.get(sheet.name or "")
    if not where:
        return {}
    index_of_row = {number: i for i, number in enumerate(sheet.row_numbers)}
    owner = _merged_owner(sheet)
    located: dict[tuple[int, int], list[CellFix]] = {}
    for fix in fixes:
        column = where["columns"].get(fix.field)
        row = index_of_row.get(fix.row_number)
        if column is None or row is None:
            continue
        merged = owner.get((row, column))
        located.setdefault((merged[0], merged[1]) if merged else (row, column), []).append(fix)
    out = {}
    for (row, column), cell_fixes in located.items():
        merged = owner.get((row, column))
        rows_covered = {f.row_number for f in cell_fixes}
        values = {f.value for f in cell_fixes}
        whole = merged is None or len(rows_covered) == merged[2] - merged[0] + 1
        value = values.pop() if len(values) == 1 and whole else None
        comment = "\n".join(dict.fromkeys(f.comment for f in cell_fixes))
        if value is None and any(f.value is not None for f in cell_fixes):
            comment += "\n（合并单元格中各行的目录值不同，未自动改正）"
        out[(row, column)] = CellFix(sheet.name, sheet.row_numbers[row], cell_fixes[0].field, value, comment)
    return out


def _write_cell(sheet, row: int, column: int, value, style=None, date_style=None) -> None:
    if value is None or value == "":
        if style is not None:
            sheet.write_blank(row, column, None, style)
        return
    if isinstance(value, str):
        sheet.write_string(row, column, value, style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, column, value, style)
    elif isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        sheet.write_datetime(row, column, value, style or date_style)
    else:
        sheet.write_string(row, column, str(value), style)


def write_corrected_copy(data: bytes, filename: str, layout: dict, fixes: list[CellFix], path: Path) -> bool:
    """Write the copy to path; False (nothing written) when no fix falls on a cell of the file."""
    result = read_file(data, filename)
    by_sheet: dict[str | None, list[CellFix]] = {}
    for fix in fixes:
        by_sheet.setdefault(fix.sheet, []).append(fix)
    placed = {sheet.name: _sheet_fixes(sheet, layout, by_sheet.get(sheet.name, [])) for sheet in result.sheets}
    if not any(placed.values()):
        return False
    csv = result.sheets[0].name is None if result.sheets else False
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    corrected = workbook.add_format({"bg_color": CORRECTED_FILL})
    date_style = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for sheet in result.sheets:
        out = workbook.add_worksheet((sheet.name or CSV_SHEET)[:31])
        sheet_fixes = placed[sheet.name]
        # A workbook's cells go back to their own rows and columns; a csv's records are rows 1, 2, …
        first_row = 0 if csv else sheet.row_numbers[0] - 1 if sheet.row_numbers else 0
        first_column = 0 if csv else sheet.first_column
        owner = _merged_owner(sheet)
        widths: dict[int, int] = {}
        placed_cells = set()

        def place(r: int, c: int, value) -> None:
            placed_cells.add((r, c))
            fix = sheet_fixes.get((r, c))
            shown = fix.value if fix is not None and fix.value is not None else value
            style = corrected if fix is not None and fix.value is not None else None
            row, column = first_row + r, first_column + c
            merged = owner.get((r, c))
            if merged:
                out.merge_range(row, column, first_row + merged[2], first_column + merged[3], None, style)
            _write_cell(out, row, column, shown, style, date_style)
            if fix is not None:
                comment = fix.comment
                if fix.value is not None and not comment.startswith("【已改正】"):
                    was = "（空）" if value is None or value == "" else str(value)[:ORIGINAL_SHOWN]
                    comment = f"【已改正】原为：{was}\n{comment}"
                out.write_comment(row, column, comment, {"author": "mulu", **COMMENT_SIZE})
            if r < 200 and isinstance(shown, str):
                widths[column] = max(widths.get(column, 0), min(len(shown) * 2, MAX_WIDTH))

        for r0, c0, _, _ in sheet.merged:
            place(r0, c0, sheet.rows[r0][c0] if r0 < len(sheet.rows) and c0 < len(sheet.rows[r0]) else None)
        for r, values in enumerate(sheet.rows):
            for c, value in enumerate(values):
                if (r, c) not in owner:
                    place(r, c, value)
        for r, c in sheet_fixes.keys() - placed_cells:  # a blank cell past the end of a short csv record
            place(r, c, None)
        for column, width in widths.items():
            out.set_column(column, column, max(width, MIN_WIDTH))
    workbook.close()
    return True
