"""The review loop against the warehouse: export the queue as an xlsx, store people's decisions.

Decisions are stored whole or not at all; a decision equal to the stored one changes nothing, so
importing the same file twice is harmless. A decision naming a catalog item also makes the name a
'reviewed' alias, used by every later run for any district that spells the item that way.
"""

from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import xlsxwriter

from transforms.name_identity import alias_key
from transforms.review import CHOICES, DECISION_COLUMN, KEY_COLUMN, Decision, review_sheet
from warehouse.db import transaction
from warehouse.workbook import WORKBOOK_OPTIONS


RULE_CHECK_HINT = "（按人工核对规则自动确定；无误请留空，不对请选择其他决定）"


def review_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The review sheet: the queue, then the names a rule from people's answers decided, to check (a
    blank 决定 accepts them, another answer retires the rule): the view pairs_to_check."""
    queue = con.sql("SELECT * EXCLUDE (checked_for), checked_for = 'rule' AS by_rule FROM pairs_to_check "
                    "ORDER BY by_rule, row_count DESC, review_key").df()
    queue.loc[queue["by_rule"], "match_evidence"] += RULE_CHECK_HINT
    catalog = con.sql("SELECT * FROM core.catalog_items").df()
    return review_sheet(queue, catalog)


def write_review_workbook(frame: pd.DataFrame, path: Path) -> Path:
    """The sheet, with a dropdown of decisions and the key column hidden; written then renamed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.tmp")
    workbook = xlsxwriter.Workbook(partial, WORKBOOK_OPTIONS)
    sheet = workbook.add_worksheet("待核对事项")
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    choose = workbook.add_format({"bg_color": "#FFF2CC", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_row(0, 0, list(frame.columns), header)
    cells = frame.to_numpy(dtype=object, copy=True)  # a view can be read-only (pandas copy-on-write)
    cells[pd.isna(cells)] = None
    for row, values in enumerate(cells.tolist(), start=1):
        sheet.write_row(row, 0, values)
    for col, title in enumerate(frame.columns):
        width = 30 if ("名称" in title or "材料" in title or "文件" in title or "判断" in title) else 12
        sheet.set_column(col, col, width, choose if title == DECISION_COLUMN else wrap,
                         {"hidden": title == KEY_COLUMN})
    decision_col = list(frame.columns).index(DECISION_COLUMN)
    sheet.data_validation(1, decision_col, max(len(frame), 1), decision_col, {
        "validate": "list", "source": list(CHOICES),
        "input_title": "核对决定", "input_message": "选择候选1/2/3、其他编码（并填写编码）、新事项或不是事项",
        "error_title": "无效的决定", "error_message": f"请从下拉列表中选择：{'、'.join(CHOICES)}",
    })
    sheet.freeze_panes(1, 2)
    if len(frame):
        sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
    workbook.close()
    partial.replace(path)
    return path


def catalog_codes(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.sql("SELECT catalog_code FROM core.catalog_items").fetchall()}


def store_decisions(con: duckdb.DuckDBPyConnection, decisions: list[Decision],
                    now: datetime | None = None) -> dict[str, int]:
    """Store every decision in one transaction; returns counts of new, changed and unchanged ones."""
    now = now or datetime.now()
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    with transaction(con):
        for d in decisions:
            stored = con.execute("SELECT decision, catalog_code FROM core.review_decisions WHERE review_key = ?",
                                 [d.review_key]).fetchall()
            if stored and stored[0] == (d.decision, d.catalog_code):
                counts["unchanged"] += 1
                continue
            counts["changed" if stored else "new"] += 1
            con.execute("DELETE FROM core.review_decisions WHERE review_key = ?", [d.review_key])
            con.execute("INSERT INTO core.review_decisions VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [d.review_key, d.raw_name, d.basic_code, d.decision, d.catalog_code, d.decided_by, now])
            key = alias_key(d.raw_name)
            if key:
                con.execute("DELETE FROM core.aliases WHERE alias_key = ? AND method = 'reviewed'", [key])
                if d.decision == "code":
                    con.execute("""INSERT INTO core.aliases (alias_key, alias, catalog_code, method, decided_by, decided_at)
                                   VALUES (?, ?, ?, 'reviewed', ?, ?) ON CONFLICT (alias_key) DO UPDATE SET
                                   catalog_code = excluded.catalog_code, method = 'reviewed',
                                   decided_by = excluded.decided_by, decided_at = excluded.decided_at""",
                                [key, d.raw_name, d.catalog_code, d.decided_by, now])
    return counts
