"""Nights cost what changed: a night with one district's file changed rebuilds that district only,
and ends exactly where a whole rebuild of the same inbox ends."""

import os
import re
import shutil

import duckdb
import pytest

from flows.refresh import nightly_refresh
from tests.flows.conftest import GONE, RESENT

pytestmark = pytest.mark.slow
FINDINGS = """
    SELECT district, source_file, sheet, row_number, field, rule, severity, message, value, standard_value, hint,
           catalog_code
    FROM audit.findings WHERE run_id = (SELECT run_id FROM audit.runs WHERE status IN ('published', 'blocked')
                                        ORDER BY started_at DESC LIMIT 1)
    ORDER BY ALL"""


@pytest.fixture(scope="module")
def whole_rebuild(two_months, small_city, tmp_path_factory):
    """What the incremental night's warehouse holds, built whole in a new one: its inbox, and the
    emptied district's last files (which the warehouse keeps)."""
    _, paths, *_ = two_months
    base = tmp_path_factory.mktemp("whole")
    shutil.copytree(paths["inbox"], base / "inbox")
    shutil.copytree(small_city / "inbox" / GONE, base / "inbox" / GONE)
    summary = nightly_refresh(inbox=str(base / "inbox"), warehouse=str(base / "w.duckdb"), out=str(base / "out"))
    return base, summary


def _read(warehouse: str, sql: str) -> list[tuple]:
    con = duckdb.connect(warehouse, read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_only_the_changed_district_is_built_again(two_months):
    _, paths, _, _, second = two_months
    assert second["rebuilt"] == [RESENT]
    [(rebuilt,)] = _read(paths["warehouse"], "SELECT rebuilt_districts FROM audit.runs ORDER BY started_at DESC LIMIT 1")
    assert rebuilt == f'["{RESENT}"]'


def test_the_incremental_night_ends_where_a_whole_rebuild_ends(two_months, whole_rebuild):
    _, paths, _, _, second = two_months
    base, whole = whole_rebuild
    assert whole["rebuilt"] is None
    columns = [c for (c,) in _read(paths["warehouse"], "SELECT column_name FROM (DESCRIBE core.site_items)")
               if c != "item_id"]  # item ids differ: the other districts keep theirs
    items = f"SELECT {', '.join(columns)} FROM core.site_items ORDER BY ALL"
    assert _read(paths["warehouse"], items) == _read(str(base / "w.duckdb"), items)
    published = items.replace("core.site_items", "published.site_items")  # copied district by district
    assert _read(paths["warehouse"], published) == _read(str(base / "w.duckdb"), published)
    assert _read(paths["warehouse"], FINDINGS) == _read(str(base / "w.duckdb"), FINDINGS)
    digest = "SELECT content_sha256 FROM published.catalog_versions ORDER BY version DESC LIMIT 1"
    assert _read(paths["warehouse"], digest) == _read(str(base / "w.duckdb"), digest)
    assert (second["errors"], second["warnings"]) == (whole["errors"], whole["warnings"])
    for table, differing in (("site_stats", "run_id"), ("district_stats", "run_id, last_received")):
        figures = f"""SELECT * EXCLUDE ({differing}) FROM audit.{table} WHERE run_id = (SELECT run_id FROM audit.runs
                       WHERE status IN ('published', 'blocked') ORDER BY started_at DESC LIMIT 1) ORDER BY ALL"""
        assert _read(paths["warehouse"], figures) == _read(str(base / "w.duckdb"), figures), table


def test_item_ids_run_district_by_district(two_months, whole_rebuild):
    """Every row has an id of its own. A whole build numbers the districts one block after another;
    a night that built one district again numbers its rows after everyone else's, who keep theirs."""
    _, paths, *_ = two_months
    base, _ = whole_rebuild
    blocks = ("SELECT district, min(item_id), max(item_id), count(*), count(DISTINCT item_id) FROM core.site_items "
              "GROUP BY district ORDER BY 2")
    for warehouse in (str(base / "w.duckdb"), paths["warehouse"]):
        found = _read(warehouse, blocks)
        assert all(last - first + 1 == rows == distinct for _, first, last, rows, distinct in found), warehouse
        assert all(before[2] < after[1] for before, after in zip(found, found[1:])), warehouse
    whole = [district for district, *_ in _read(str(base / "w.duckdb"), blocks)]
    assert whole == sorted(whole)
    assert [district for district, *_ in _read(paths["warehouse"], blocks)] == [d for d in whole if d != RESENT] + [RESENT]


def test_the_site_s_station_pages_say_what_a_whole_rebuild_s_say(two_months, whole_rebuild):
    """The other districts' pages are linked from the night before: the same text but the footer."""
    base, *_ = two_months
    whole, _ = whole_rebuild
    footer = re.compile(r"<footer.*?</footer>", re.S)

    def pages(site):
        return {p.relative_to(site).as_posix(): footer.sub("", p.read_text(encoding="utf-8"))
                for p in (site / "sites").rglob("*.html")}

    incremental, rebuilt = pages(base / "out" / "site"), pages(whole / "out" / "site")
    assert incremental.keys() == rebuilt.keys()
    assert [page for page in incremental if incremental[page] != rebuilt[page]] == []
    linked = [p for p in (base / "out" / "site" / "sites").rglob("*.html") if os.stat(p).st_nlink > 1]
    assert linked and not [p for p in linked if f"/sites/{RESENT}/" in p.as_posix()]


def test_item_ids_of_the_other_districts_stay_and_findings_still_point_at_their_rows(two_months):
    _, paths, *_ = two_months
    [(orphans, ids, distinct)] = _read(paths["warehouse"], f"""
        SELECT (SELECT count(*) FROM ({FINDINGS}) f WHERE f.row_number IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM core.site_items s WHERE s.source_file = f.source_file
                    AND s.row_number = f.row_number)),
               count(*), count(DISTINCT item_id) FROM core.site_items""")
    assert orphans == 0 and ids == distinct


def test_only_the_changed_district_s_report_is_written_again(two_months):
    base, *_ = two_months
    reports = base / "out" / "reports"
    builds = sorted(p for p in (base / "out" / ".reports-builds").iterdir() if not p.name.startswith((".", "old-")))
    previous, current = builds[-2], builds[-1]
    assert reports.resolve() == current.resolve()
    for report in current.glob("*_一次告知.xlsx"):
        same = os.stat(report).st_ino == os.stat(previous / report.name).st_ino
        assert same == (not report.name.startswith(RESENT)), report.name


def test_a_changed_catalog_or_a_failed_night_builds_everything(tmp_path):
    from warehouse import db
    from warehouse.increments import districts_to_rebuild

    con = db.connect(":memory:")
    con.execute("INSERT INTO core.district_inputs (district, signature) VALUES ('市南区', 'a'), ('市北区', 'b')")

    def night(run_id, status, context):
        con.execute("INSERT INTO audit.runs (run_id, started_at, status, context_sha256) "
                    "VALUES (?, now() + INTERVAL (?) SECOND, ?, ?)", [run_id, len(run_id), status, context])

    night("r1", "published", "c1")
    assert districts_to_rebuild(con, "c1", {"市南区": "a", "市北区": "b2"}) == ["市北区"]
    assert districts_to_rebuild(con, "c1", {"市南区": "a"}) == ["市北区"]  # its inputs are gone
    assert districts_to_rebuild(con, "c2", {"市南区": "a", "市北区": "b"}) is None  # the catalog changed
    night("r22", "unchanged", "c1")
    assert districts_to_rebuild(con, "c1", {"市南区": "a", "市北区": "b"}) == []
    night("r333", "failed", "c1")
    assert districts_to_rebuild(con, "c1", {"市南区": "a", "市北区": "b"}) is None


def test_a_forced_rebuild_with_the_same_findings_writes_no_report_again(whole_rebuild, tmp_path):
    base, _ = whole_rebuild
    copy = tmp_path / "copy"
    shutil.copytree(base, copy, symlinks=True)
    before = {p.name: p.stat().st_ino for p in (copy / "out" / "reports").iterdir()}
    summary = nightly_refresh(inbox=str(copy / "inbox"), warehouse=str(copy / "w.duckdb"), out=str(copy / "out"),
                              force=True)
    assert summary["rebuilt"] is None  # every district built again …
    after = {p.name: p.stat().st_ino for p in (copy / "out" / "reports").iterdir()}
    district_reports = [name for name in before if name.endswith(("_一次告知.xlsx", "_一次告知.html"))]
    assert len(district_reports) >= 18
    # … but each found what it found before: its report is the same file, linked into the new folder
    assert all(after[name] == before[name] for name in district_reports)


def test_new_reading_rules_build_every_district_again(monkeypatch):
    from flows import steps
    from warehouse import db
    from warehouse.reference import load_reference

    con = db.connect(":memory:")
    options = steps.RefreshOptions(inbox=None, catalog=None, warehouse=None, out=None)
    before = steps.context_fingerprint(b"catalog", load_reference(None), con, options)
    monkeypatch.setattr(steps, "READER_VERSION", steps.READER_VERSION + "-next")
    assert steps.context_fingerprint(b"catalog", load_reference(None), con, options) != before
