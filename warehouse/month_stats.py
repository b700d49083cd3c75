"""Per-run figures kept for the monthly report: each site's items and 网上可办率, each district's counts.

core.site_items holds only the latest build, so a run that rebuilds it (published or blocked)
records what it found in audit.site_stats and audit.district_stats. A month's state is that of
the last such run started before the month ended; the trend is the same over earlier months.
"""

import json
from datetime import date

import duckdb
import pandas as pd

from expectations.rules import ONLINE_SHARE
from transforms.matching import ACCEPTED_METHODS
from warehouse import checks
from warehouse.sql_literal import text_list

BUILT = ("published", "blocked")  # run statuses that rebuilt core.site_items


def site_stats_sql(districts: list[str] | None = None) -> str:
    """One row per site: its rows, matched rows, 依申请 items, how many 网上可办 and whether that meets the bar.
    Rows whose 镇(街道) could not be placed form a row with town NULL. Of `districts` only when given."""
    accepted = ", ".join(f"'{m}'" for m in ACCEPTED_METHODS)
    chosen = "" if districts is None else f"WHERE district IN ({text_list(districts)})"
    same = " AND ".join(f"r.{c} IS NOT DISTINCT FROM o.{c}" for c in ("district", "town", "community", "site_point",
                                                                                     "site_level"))
    return f"""
    WITH rows AS (
        SELECT district, town, coalesce(community, '') AS community, coalesce(site_point, '') AS site_point,
               site_level, count(*) AS items,
               count(*) FILTER (WHERE match_method IN ({accepted})) AS matched_items
        FROM core.site_items {chosen} GROUP BY ALL
    ), online AS ({checks.site_frame_sql(ONLINE_SHARE, districts)})
    SELECT r.district, r.town, r.community, r.site_point, r.site_level, r.items, r.matched_items,
           coalesce(o.application_items, 0) AS application_items, coalesce(o.online_items, 0) AS online_items,
           o.online_share, o.online_share_required, o.online_share_ok
    FROM rows r LEFT JOIN online o ON {same}
    ORDER BY r.district, r.town, r.community, r.site_point
    """


def district_stats(con: duckdb.DuckDBPyConnection, run_id: str, carried_from: str | None = None,
                   rebuilt: list[str] | None = None) -> pd.DataFrame:
    """One row per district: rows received, matched, waiting for review, the run's errors and
    warnings, when new content last came in, and 全市统一 conformance overall and per element (JSON).
    A district that sends nothing keeps its last submission (warehouse/landing.py), so its rows stay.
    With carried_from (a run's id), the conformance of the districts not in `rebuilt` is that run's."""
    accepted = ", ".join(f"'{m}'" for m in ACCEPTED_METHODS)
    counts = con.execute(f"""
        WITH s AS (SELECT district, count(*) AS rows_received,
                          count(*) FILTER (WHERE match_method IN ({accepted})) AS rows_matched,
                          count(*) FILTER (WHERE match_method IN ('review', 'none')) AS rows_review
                   FROM core.site_items GROUP BY district),
             f AS (SELECT district, count(*) FILTER (WHERE severity = 'error') AS errors,
                          count(*) FILTER (WHERE severity = 'warning') AS warnings
                   FROM audit.findings WHERE run_id = ? GROUP BY district),
             l AS (SELECT district, max(read_at) AS last_received FROM landing.files GROUP BY district)
        SELECT s.district, s.rows_received, s.rows_matched, s.rows_review,
               coalesce(f.errors, 0) AS errors, coalesce(f.warnings, 0) AS warnings, l.last_received
        FROM s LEFT JOIN f USING (district) LEFT JOIN l USING (district) ORDER BY s.district
    """, [run_id]).df()
    conformance = con.sql(checks.conformance_sql(None if carried_from is None else rebuilt)).df()
    elements = [c for c in conformance.columns if c.endswith("_share") and c != "overall_share"]
    conformance["element_shares"] = [
        json.dumps({c.removesuffix("_share"): (None if pd.isna(row[c]) else float(row[c])) for c in elements})
        for _, row in conformance.iterrows()]
    conformance = conformance.rename(columns={"overall_share": "conformance_share"})
    conformance = conformance[["district", "conformance_share", "element_shares"]]
    if carried_from is not None:
        kept = con.execute(f"""
            SELECT district, conformance_share, element_shares FROM audit.district_stats
            WHERE run_id = ? AND (district NOT IN ({text_list(rebuilt)}) OR district IS NULL)""",
                           [carried_from]).df()
        conformance = pd.concat([kept, conformance], ignore_index=True) if not kept.empty else conformance
    return counts.merge(conformance, on="district", how="left")


def record_run_stats(con: duckdb.DuckDBPyConnection, run_id: str, rebuilt: list[str] | None = None) -> None:
    """Keep the figures of the run that just rebuilt core.site_items (after its findings are stored).
    A run that rebuilt some districts (`rebuilt`) carries the others' site figures and conformance
    from the last built run: their rows and everything they depend on are the same."""
    con.execute("DELETE FROM audit.site_stats WHERE run_id = ?", [run_id])
    con.execute("DELETE FROM audit.district_stats WHERE run_id = ?", [run_id])
    carried_from = None if rebuilt is None else _last_figures(con, run_id)
    con.execute(f"INSERT INTO audit.site_stats BY NAME SELECT ? AS run_id, * "
                f"FROM ({site_stats_sql(None if carried_from is None else rebuilt)})", [run_id])
    if carried_from is not None:
        con.execute(f"""INSERT INTO audit.site_stats BY NAME SELECT * REPLACE (? AS run_id) FROM audit.site_stats
                        WHERE run_id = ? AND (district NOT IN ({text_list(rebuilt)}) OR district IS NULL)""",
                    [run_id, carried_from])
    districts = district_stats(con, run_id, carried_from, rebuilt).assign(run_id=run_id)
    con.register("run_district_stats", districts)
    con.execute("INSERT INTO audit.district_stats BY NAME SELECT * FROM run_district_stats")
    con.unregister("run_district_stats")


def _last_figures(con: duckdb.DuckDBPyConnection, run_id: str) -> str | None:
    """The last built run before this one when it kept its figures (the build this run started from)."""
    built = ", ".join(f"'{s}'" for s in BUILT)
    last = con.execute(f"SELECT run_id FROM audit.runs WHERE status IN ({built}) AND run_id <> ? "
                       "ORDER BY started_at DESC LIMIT 1", [run_id]).fetchall()
    if not last or not con.execute("SELECT count(*) FROM audit.district_stats WHERE run_id = ?",
                                   [last[0][0]]).fetchall()[0][0]:
        return None
    return last[0][0]


def month_end(month: str) -> date:
    """The first day after the month 'YYYY-MM'."""
    year, number = (int(part) for part in month.split("-"))
    return date(year + number // 12, number % 12 + 1, 1)


def state_run(con: duckdb.DuckDBPyConnection, month: str) -> str | None:
    """The run whose figures are the month's state: the last run started before the month ended that
    rebuilt core.site_items and kept its figures, or — for a warehouse made before figures were kept —
    the last such run when it is also the latest (its figures are then computed from core.site_items)."""
    built = ", ".join(f"'{s}'" for s in BUILT)
    rows = con.execute(f"""
        SELECT r.run_id, r.run_id IN (SELECT run_id FROM audit.district_stats) AS kept
        FROM audit.runs r WHERE r.status IN ({built}) AND r.started_at < ?
        ORDER BY r.started_at DESC""", [month_end(month)]).fetchall()
    for position, (run_id, kept) in enumerate(rows):
        if kept:
            return run_id
        if position == 0 and latest_built_run(con) == run_id:
            return run_id
    return None


def latest_built_run(con: duckdb.DuckDBPyConnection) -> str | None:
    built = ", ".join(f"'{s}'" for s in BUILT)
    row = con.execute(f"SELECT run_id FROM audit.runs WHERE status IN ({built}) "
                      "ORDER BY started_at DESC LIMIT 1").fetchall()
    return row[0][0] if row else None


def run_stats(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(site figures, district figures) of the run: kept ones, or computed now for the latest built run."""
    sites = con.execute("SELECT * EXCLUDE (run_id) FROM audit.site_stats WHERE run_id = ?", [run_id]).df()
    districts = con.execute("SELECT * EXCLUDE (run_id) FROM audit.district_stats WHERE run_id = ?", [run_id]).df()
    if districts.empty and run_id == latest_built_run(con):
        return con.sql(site_stats_sql()).df(), district_stats(con, run_id)
    return sites, districts
