"""Findings are kept for the last runs and for the run that stands for each month, no longer."""

from datetime import datetime, timedelta

from warehouse.db import connect
from warehouse.retention import prune_findings


def test_findings_of_old_runs_go_except_each_months_last_built_run():
    con = connect(":memory:")
    start = datetime(2026, 1, 1, 2, 0)
    runs = []  # (run_id, started_at, status): a night every 10 days over five months, one failed
    for night in range(15):
        status = "failed" if night == 13 else "published"
        runs.append((f"r{night:02d}", start + timedelta(days=10 * night), status))
    for run_id, started, status in runs:
        con.execute("INSERT INTO audit.runs (run_id, started_at, status) VALUES (?, ?, ?)", [run_id, started, status])
        con.execute("INSERT INTO audit.findings (run_id, rule, severity, message) VALUES (?, 'r', 'error', 'm')",
                    [run_id])

    months = {}
    for run_id, started, status in runs:
        if status == "published":
            months[started.strftime("%Y-%m")] = run_id  # the last built run of each month
    expected = sorted({"r12", "r13", "r14", *months.values()})  # the three latest, and each month's
    assert expected == ["r03", "r05", "r08", "r11", "r12", "r13", "r14"]

    assert prune_findings(con, keep_runs=3) == 15 - len(expected)
    assert [row[0] for row in con.sql("SELECT run_id FROM audit.findings ORDER BY run_id").fetchall()] == expected
    assert prune_findings(con, keep_runs=3) == 0
