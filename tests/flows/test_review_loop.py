"""The review loop through a real xlsx: export, decide in a spreadsheet program (openpyxl), import, refresh."""

import shutil

import openpyxl
import pytest

from flows.cli import main
from flows.refresh import nightly_refresh
from warehouse.db import read_rows
from transforms.review import DECISION_COLUMN, KEY_COLUMN, OTHER_CODE_COLUMN

pytestmark = pytest.mark.slow


def fill(path, choose):
    """Fill the 决定 column with choose(row as dict) -> (decision, other_code) and save, like a person would."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    filled = 0
    for row in sheet.iter_rows(min_row=2):
        values = dict(zip(header, (cell.value for cell in row)))
        decision, other = choose(values)
        if decision:
            row[header.index(DECISION_COLUMN)].value = decision
            row[header.index(OTHER_CODE_COLUMN)].value = other
            filled += 1
    workbook.save(path)
    return filled


@pytest.fixture(scope="module")
def refreshed(small_city, tmp_path_factory, prefect_harness):
    base = tmp_path_factory.mktemp("review")
    shutil.copytree(small_city / "inbox", base / "inbox")
    paths = {"inbox": str(base / "inbox"), "warehouse": str(base / "mulu.duckdb"), "out": str(base / "out")}
    nightly_refresh(**paths)
    return base, paths


def test_export_import_refresh_accepts_the_reviewed_rows(refreshed, capsys):
    base, paths = refreshed
    queue_before = read_rows(paths["warehouse"], "SELECT review_key, candidates FROM review_queue")
    assert queue_before, "the small sample has uncertain names"
    sheet = base / "待核对事项.xlsx"
    assert main(["review", "export", str(sheet), "--warehouse", paths["warehouse"]]) == 0

    workbook = openpyxl.load_workbook(sheet)
    assert workbook.active.max_row == len(queue_before) + 1
    assert workbook.active.data_validations.dataValidation, "the decision column has a dropdown"

    filled = fill(sheet, lambda row: ("候选1", None) if row.get("候选1编码") else ("新事项", None))
    assert main(["review", "import", str(sheet), "--warehouse", paths["warehouse"], "--by", "张三"]) == 0
    assert f"新决定 {filled} 条" in capsys.readouterr().out

    summary = nightly_refresh(**paths)
    assert summary["status"] == "published" and summary["files_read"] == 0, "decisions alone make a new run"

    decided = read_rows(paths["warehouse"], """
        SELECT d.decision, d.catalog_code, s.match_method, s.catalog_code, d.decided_by
        FROM core.review_decisions d JOIN site_items s USING (review_key)""")
    assert decided
    for decision, chosen, method, code, who in decided:
        assert who == "张三"
        if decision == "code":
            assert (method, code) == ("reviewed", chosen)
        else:
            assert (method, code) == ("none", None)
    # Every decided pair left the queue. (A reviewed alias may raise new questions: the same name sent
    # with a code of another item now conflicts with what people said, and is asked about.)
    assert read_rows(paths["warehouse"], """SELECT count(*) FROM review_queue
                                          WHERE review_key IN (SELECT review_key FROM core.review_decisions)""") == [(0,)]
    assert len(read_rows(paths["warehouse"], "SELECT * FROM review_queue")) < len(queue_before) / 5
    [(aliases,)] = read_rows(paths["warehouse"], "SELECT count(*) FROM core.aliases WHERE method = 'reviewed'")
    assert aliases > 0


def test_importing_the_same_file_twice_changes_nothing(refreshed, capsys):
    base, paths = refreshed
    sheet = base / "待核对事项.xlsx"
    before = read_rows(paths["warehouse"], "SELECT * FROM core.review_decisions ORDER BY review_key")
    assert main(["review", "import", str(sheet), "--warehouse", paths["warehouse"], "--by", "李四"]) == 0
    assert "新决定 0 条，修改 0 条" in capsys.readouterr().out
    assert read_rows(paths["warehouse"], "SELECT * FROM core.review_decisions ORDER BY review_key") == before


def test_a_sheet_with_bad_rows_applies_nothing_and_lists_every_problem(refreshed, tmp_path, capsys):
    base, paths = refreshed
    before = read_rows(paths["warehouse"], "SELECT count(*) FROM core.review_decisions")
    sheet = tmp_path / "坏的核对表.xlsx"
    shutil.copy(base / "待核对事项.xlsx", sheet)
    workbook = openpyxl.load_workbook(sheet)
    ws = workbook.active
    header = [cell.value for cell in ws[1]]
    ws.cell(2, header.index(DECISION_COLUMN) + 1, "随便")
    ws.cell(3, header.index(DECISION_COLUMN) + 1, "其他编码")
    ws.cell(3, header.index(OTHER_CODE_COLUMN) + 1, "999999999999")
    ws.cell(4, header.index(KEY_COLUMN) + 1).value = None  # (cell(r, c, None) would change nothing)
    workbook.save(sheet)

    assert main(["review", "import", str(sheet), "--warehouse", paths["warehouse"]]) == 2
    err = capsys.readouterr().err
    assert "第2行" in err and "第3行" in err and "第4行" in err and "未导入任何决定" in err
    assert read_rows(paths["warehouse"], "SELECT count(*) FROM core.review_decisions") == before
