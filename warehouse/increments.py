"""Nights cost what changed: which districts a run must normalize, match and validate again.

A district is rebuilt when its inputs changed since the last build: its files in the inbox (added,
changed, removed, rejected) or the inbox's other notes about it (unsupported or duplicate files).
Everything is rebuilt when anything else the result depends on changed (the context: catalog,
reference data, people's decisions, the pipeline's version), or when the last run that got past
the unchanged check did not finish as published or blocked (it may have left the warehouse
between two states).
"""

import hashlib
import json

import duckdb

from warehouse.month_stats import BUILT

ALL = None  # rebuild every district


def district_signatures(con: duckdb.DuckDBPyConnection, scan) -> dict[str, str]:
    """district → a digest of its inputs: landing.files after this run's ingest, and the scan's notes."""
    notes: dict[str, list[str]] = {}
    for path in scan.ignored:
        notes.setdefault(path.split("/")[0], []).append(f"ignored:{path}")
    for path, (district, original) in scan.duplicates.items():
        notes.setdefault(district, []).append(f"duplicate:{path}:{original}")
    files = dict(con.sql("""
        SELECT district, string_agg(concat_ws(':', source_file, file_sha256, status, coalesce(good_sha256, '')),
                                    '|' ORDER BY source_file)
        FROM landing.files GROUP BY district""").fetchall())
    return {district: hashlib.sha256((files.get(district, "") + "\n" + "\n".join(sorted(notes.get(district, []))))
                                     .encode()).hexdigest()
            for district in set(files) | set(notes)}


def districts_to_rebuild(con: duckdb.DuckDBPyConnection, context: str, signatures: dict[str, str]) -> list[str] | None:
    """The districts whose site items must be built again, sorted; ALL (None) for every one."""
    last = con.sql("""
        SELECT status, context_sha256 FROM audit.runs
        WHERE status IN ('published', 'blocked', 'failed', 'abandoned')
        ORDER BY started_at DESC LIMIT 1""").fetchall()
    if not last or last[0][0] not in BUILT or last[0][1] != context:
        return ALL
    stored = dict(con.sql("SELECT district, signature FROM core.district_inputs").fetchall())
    built = {row[0] for row in con.sql("SELECT DISTINCT district FROM core.site_items").fetchall()}
    changed = {d for d in set(signatures) | set(stored) if signatures.get(d) != stored.get(d)}
    changed |= built - set(signatures)  # rows of a district with no input left
    return sorted(changed)


def store_signatures(con: duckdb.DuckDBPyConnection, run_id: str, signatures: dict[str, str],
                     rebuilt: list[str] | None) -> None:
    """After a build: each district's inputs as built and the run that built its rows (this run for
    the rebuilt ones), and which districts this run rebuilt."""
    built = dict(con.sql("SELECT district, built_run FROM core.district_inputs").fetchall())
    con.execute("DELETE FROM core.district_inputs")
    if signatures:
        con.executemany("INSERT INTO core.district_inputs VALUES (?, ?, ?)",
                        [(district, signature, run_id if rebuilt is ALL or district in rebuilt else built.get(district))
                         for district, signature in sorted(signatures.items())])
    con.execute("UPDATE audit.runs SET rebuilt_districts = ? WHERE run_id = ?",
                [None if rebuilt is ALL else json.dumps(rebuilt, ensure_ascii=False), run_id])
