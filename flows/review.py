"""`mulu review`: the review queue out to an xlsx, and people's decisions back into the warehouse."""

from pathlib import Path

import pandas as pd

from transforms.readers import cell_text, read_file
from transforms.review import parse_decisions
from warehouse import db
from warehouse.review_store import catalog_codes, review_frame, store_decisions, write_review_workbook


def export_review(warehouse: Path, path: Path) -> int:
    con = db.connect(warehouse)
    try:
        frame = review_frame(con)
    finally:
        con.close()
    write_review_workbook(frame, path)
    return len(frame)


def read_review_sheet(data: bytes, filename: str) -> tuple[pd.DataFrame, list[int], list[str]]:
    """The first sheet as a frame with its header row, the Excel row numbers, and reading problems."""
    result = read_file(data, filename)
    if not result.sheets:
        return pd.DataFrame(), [], [p.message for p in result.problems] or ["核对表为空"]
    sheet = result.sheets[0]
    header = [cell_text(v) for v in sheet.rows[0]]
    rows = [[cell_text(v) for v in row] for row in sheet.rows[1:]]
    return pd.DataFrame(rows, columns=header), sheet.row_numbers[1:], []


def import_review(warehouse: Path, path: Path, reviewer: str) -> tuple[dict[str, int], list[str]]:
    """Check every decision; store them all, or none when any row has a problem."""
    frame, row_numbers, problems = read_review_sheet(Path(path).read_bytes(), Path(path).name)
    if problems:
        return {}, problems
    con = db.connect(warehouse)
    try:
        decisions, problems = parse_decisions(frame, catalog_codes(con), reviewer, row_numbers)
        if problems:
            return {}, problems
        return store_decisions(con, decisions), []
    finally:
        con.close()
