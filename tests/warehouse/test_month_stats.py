"""Which run stands for a month, and the month arithmetic of the monthly report."""

from datetime import date, datetime

from warehouse import db
from warehouse.month_stats import month_end, state_run
from warehouse.reports.monthly import previous_months


def test_month_arithmetic():
    assert month_end("2026-11") == date(2026, 12, 1) and month_end("2026-12") == date(2027, 1, 1)
    assert previous_months("2026-02", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def _run(con, run_id: str, started: datetime, status: str, kept: bool) -> None:
    con.execute("INSERT INTO audit.runs (run_id, started_at, status) VALUES (?, ?, ?)", [run_id, started, status])
    if kept:
        con.execute("INSERT INTO audit.district_stats (run_id, district) VALUES (?, '市南区')", [run_id])


def test_a_month_stands_on_its_last_run_that_built_the_site_items():
    con = db.connect(":memory:")
    _run(con, "sep", datetime(2026, 9, 30, 2), "published", True)
    _run(con, "oct-a", datetime(2026, 10, 3, 2), "blocked", True)
    _run(con, "oct-b", datetime(2026, 10, 31, 23, 59), "published", True)
    _run(con, "oct-c", datetime(2026, 10, 20, 2), "unchanged", False)   # built nothing
    _run(con, "oct-d", datetime(2026, 10, 21, 2), "failed", False)
    _run(con, "dec", datetime(2026, 12, 1, 0, 0), "published", True)    # the next month's first minute
    assert state_run(con, "2026-09") == "sep"
    assert state_run(con, "2026-10") == "oct-b"
    assert state_run(con, "2026-11") == "oct-b"  # no run in November: the state carries over
    assert state_run(con, "2026-08") is None
    assert state_run(con, "2026-12") == "dec"


def test_a_warehouse_from_before_figures_were_kept_uses_its_latest_build_only():
    con = db.connect(":memory:")
    _run(con, "old", datetime(2026, 9, 1, 2), "published", False)
    _run(con, "latest", datetime(2026, 10, 1, 2), "published", False)
    assert state_run(con, "2026-10") == "latest"   # figures computed from core.site_items now
    assert state_run(con, "2026-09") is None       # what September looked like is not known
