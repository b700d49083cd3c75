"""Corrected copies (修正稿) end to end on the small sample city: a night writes one beside each
district's report for every file with findings; a night on the copies instead of the originals has
no correctable finding left, and no corrected name goes to review."""

import shutil
from pathlib import PurePosixPath

import duckdb
import openpyxl
import pytest

from flows.refresh import nightly_refresh
from warehouse.reports.corrected import SETTLED_BY_CATALOG, cell_fixes_sql, copy_folder_name, copy_path

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nights(small_city, tmp_path_factory, prefect_harness):
    base = tmp_path_factory.mktemp("corrected")
    inbox = base / "inbox"
    shutil.copytree(small_city / "inbox", inbox)
    first = {"inbox": str(inbox), "warehouse": str(base / "mulu.duckdb"), "out": str(base / "out"),
             "reference": str(small_city / "reference")}
    nightly_refresh(**first)
    # The districts send the copies back instead of their files.
    second_inbox = base / "inbox2"
    reports = base / "out" / "reports"
    for original in sorted(p for p in inbox.rglob("*") if p.is_file()):
        source_file = original.relative_to(inbox).as_posix()
        district = source_file.split("/")[0]
        copy = reports / copy_folder_name(district) / copy_path(source_file)
        sent, name = (copy, PurePosixPath(source_file).with_suffix(".xlsx")) if copy.exists() else (original, source_file)
        target = second_inbox / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(sent, target)
    second = {**first, "inbox": str(second_inbox), "warehouse": str(base / "mulu2.duckdb"), "out": str(base / "out2")}
    nightly_refresh(**second)
    return base, first, second


def _corrected_cells(warehouse: str) -> dict[tuple[str, str, int, str], str]:
    """(file without its suffix, sheet, row, field) → the value its copy took, for every district."""
    con = duckdb.connect(warehouse, read_only=True)
    try:
        run_id = con.sql("SELECT max(run_id) FROM audit.runs").fetchall()[0][0]
        districts = [d for (d,) in con.sql("SELECT DISTINCT district FROM core.site_items").fetchall()]
        return {(str(PurePosixPath(f).with_suffix("")), sheet or "Sheet1", r, field): value
                for _, f, sheet, r, field, value, _ in con.execute(cell_fixes_sql(run_id, districts)).fetchall()
                if value is not None}
    finally:
        con.close()


def test_every_file_with_correctable_findings_has_a_highlighted_commented_copy(nights):
    base, first, _ = nights
    corrected = _corrected_cells(first["warehouse"])
    files = {f for f, _, _, _ in corrected}
    assert len(files) >= 5 and len(corrected) >= 200
    reports = base / "out" / "reports"
    for file in files:
        district = file.split("/")[0]
        copy = reports / copy_folder_name(district) / copy_path(file + ".x")
        assert copy.is_file(), copy
        workbook = openpyxl.load_workbook(copy)
        yellow = [c for sheet in workbook for row in sheet.iter_rows() for c in row
                  if c.fill.fgColor.rgb and c.fill.fgColor.rgb.endswith("FFFF00")]
        assert yellow and all(c.comment is not None for c in yellow)
        page = (reports / f"{district}_一次告知.html").read_text(encoding="utf-8")
        assert f'href="{copy.relative_to(reports).as_posix()}"' in page, "the report links its copies"


def test_a_night_on_the_copies_has_no_correctable_finding_left(nights):
    _, first, second = nights
    corrected = _corrected_cells(first["warehouse"])
    con = duckdb.connect(second["warehouse"], read_only=True)
    try:
        left = [(f, sheet, r, field, rule) for f, sheet, r, field, rule in con.sql(
            "SELECT source_file, sheet, row_number, field, rule FROM audit.findings "
            "WHERE run_id = (SELECT max(run_id) FROM audit.runs) AND row_number IS NOT NULL").fetchall()
                if (str(PurePosixPath(f).with_suffix("")), sheet, r, field) in corrected
                and rule.startswith(SETTLED_BY_CATALOG + ("match.",))]
        before, after = (duckdb.connect(w, read_only=True).sql(
            "SELECT count(*) FROM audit.findings WHERE run_id = (SELECT max(run_id) FROM audit.runs)").fetchall()[0][0]
            for w in (first["warehouse"], second["warehouse"]))
    finally:
        con.close()
    assert left == []
    assert after < before / 2, (before, after)


def test_the_report_of_many_identical_problems_is_read_in_one_pass(nights):
    """The district with the most findings: its problem lines are at most a tenth of its findings,
    and its 问题清单 still holds every finding."""
    base, first, _ = nights
    con = duckdb.connect(first["warehouse"], read_only=True)
    try:
        [(district, findings)] = con.sql(
            "SELECT district, count(*) FROM audit.findings WHERE run_id = (SELECT max(run_id) FROM audit.runs) "
            "AND district IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1").fetchall()
    finally:
        con.close()
    workbook = openpyxl.load_workbook(base / "out" / "reports" / f"{district}_一次告知.xlsx", read_only=True)
    lines = workbook["问题汇总"].max_row - 1
    assert workbook["问题清单"].max_row - 1 == findings
    assert findings >= 300 and lines * 10 <= findings, (district, findings, lines)
