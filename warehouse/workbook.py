"""xlsx helpers shared by the published list, the reports and the review sheet (xlsxwriter)."""

import pandas as pd

# Cells are data, never formulas or links: also spares xlsxwriter a regex search per string.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def write_sheet(workbook, name: str, frame: pd.DataFrame, widths: dict[str, int] | None = None) -> None:
    """A sheet with a frozen, filtered Chinese header; cells written a row at a time."""
    sheet = workbook.add_worksheet(name[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                  "valign": "vcenter"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for col, title in enumerate(frame.columns):
        sheet.set_column(col, col, (widths or {}).get(title, 16), wrap)
    sheet.write_row(0, 0, [str(title) for title in frame.columns], header)
    cells = frame.to_numpy(dtype=object, copy=True)  # a view can be read-only (pandas copy-on-write)
    cells[pd.isna(cells)] = None
    # By type, not write_row: its per-cell type dispatch was most of a province's report time.
    write_string, write_number, write = sheet.write_string, sheet.write_number, sheet.write
    for row, values in enumerate(cells.tolist(), start=1):
        for col, value in enumerate(values):
            if value is None:  # left empty
                continue
            if type(value) is str:
                write_string(row, col, value)
            elif type(value) in (int, float):
                write_number(row, col, value)
            else:
                write(row, col, value)
    sheet.freeze_panes(1, 0)
    if len(frame):
        sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
