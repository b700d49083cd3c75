"""`mulu review`: the review queue out to an xlsx, and people's decisions back into the warehouse."""

from pathlib import Path

import pandas as pd

from transforms.readers import cell_text, read_file
from transforms.review import parse_decisions
from transforms.learned_noise import RULE_ANSWERS
from warehouse import db
from warehouse.build import catalog_for_matching
from warehouse.noise_rules import remove_rule, rules_frame, update_rules
from warehouse.reference import load_reference
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


def import_review(warehouse: Path, path: Path, reviewer: str, reference: Path | None = None,
                  rule_answers: int = RULE_ANSWERS) -> tuple[dict, list[str]]:
    """Check every decision; store them all, or none when any row has a problem. Then bring the
    rules people's answers make up to date (counts' 'rules': {"made": [...], "retired": [...]})."""
    frame, row_numbers, problems = read_review_sheet(Path(path).read_bytes(), Path(path).name)
    if problems:
        return {}, problems
    con = db.connect(warehouse)
    try:
        decisions, problems = parse_decisions(frame, catalog_codes(con), reviewer, row_numbers)
        if problems:
            return {}, problems
        counts = store_decisions(con, decisions)
        loaded = load_reference(reference)
        with db.transaction(con):
            counts["rules"] = update_rules(con, catalog_for_matching(con, loaded), loaded, rule_answers)
        return counts, []
    finally:
        con.close()


def review_rules(warehouse: Path, remove: str | None, by: str) -> tuple[pd.DataFrame, list]:
    """Every rule (in force first), after retiring those of the word `remove` when given; and the
    rules retired now."""
    con = db.connect(warehouse)
    try:
        removed = []
        if remove:
            with db.transaction(con):
                removed = remove_rule(con, remove, by)
        return rules_frame(con), removed
    finally:
        con.close()
