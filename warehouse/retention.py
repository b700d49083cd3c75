"""How long the warehouse keeps each run's findings.

A province's night finds millions of problems; kept for every night they would grow the warehouse
by hundreds of millions of rows a year. Kept: the findings of the last KEEP_RUNS runs (what staff
and the next night's carried findings read), and of the last built run of every month (the run
whose findings the monthly report of that month shows, warehouse/month_stats.py). The per-run
figures (audit.site_stats, audit.district_stats, audit.runs) are small and kept for ever.
"""

import duckdb

from warehouse.month_stats import BUILT

KEEP_RUNS = 30  # about a month of nights


def prune_findings(con: duckdb.DuckDBPyConnection, keep_runs: int = KEEP_RUNS) -> int:
    """Delete the findings no one reads any more (see above); returns how many rows."""
    built = ", ".join(f"'{status}'" for status in BUILT)
    [(deleted,)] = con.execute(f"""
        WITH ranked AS (
            SELECT run_id, status IN ({built}) AS built,
                   row_number() OVER (ORDER BY started_at DESC) AS recent,
                   row_number() OVER (PARTITION BY status IN ({built}), strftime(started_at, '%Y-%m')
                                      ORDER BY started_at DESC) AS in_month
            FROM audit.runs)
        DELETE FROM audit.findings
        WHERE run_id IN (SELECT run_id FROM ranked WHERE recent > ? AND NOT (built AND in_month = 1))
    """, [keep_runs]).fetchall()
    return deleted
