"""Keep landing.rows in step with the inbox, never losing a district's last good rows.

Rules (see README, "What happens to a bad file"):
- a file whose sha256 equals the version last read is not read again;
- a readable file replaces the rows of its previous version (same path);
- an unreadable or empty file keeps its previous version's rows and gets findings;
- a file gone from the inbox drops its rows, unless its district's folder has no files at all
  (an emptied folder is more likely an accident than the district withdrawing every item).
"""

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from transforms.ingest import LANDING_COLUMNS, IngestResult


@dataclass(frozen=True)
class InboxFile:
    source_file: str  # relative to the inbox, with '/'
    district: str
    file_sha256: str
    size_bytes: int


def files_to_read(con: duckdb.DuckDBPyConnection, inbox: list[InboxFile]) -> list[InboxFile]:
    """The inbox files whose content differs from the version last read."""
    known = dict(con.sql("SELECT source_file, file_sha256 FROM landing.files").fetchall())
    return [f for f in inbox if known.get(f.source_file) != f.file_sha256]


def store_result(con: duckdb.DuckDBPyConnection, result: IngestResult, size_bytes: int, run_id: str) -> None:
    """Record one file's reading: its rows when usable, its problems always (one transaction)."""
    now = datetime.now()
    previous = con.execute(
        "SELECT good_sha256 FROM landing.files WHERE source_file = ?", [result.source_file]).fetchall()
    con.execute("BEGIN TRANSACTION")
    try:
        if previous:  # a file seen before: its old findings (and rows, when replaced) go
            con.execute("DELETE FROM landing.file_findings WHERE source_file = ?", [result.source_file])
            con.execute("DELETE FROM landing.files WHERE source_file = ?", [result.source_file])
            if result.usable:
                con.execute("DELETE FROM landing.rows WHERE source_file = ?", [result.source_file])
        if result.usable:
            con.register("incoming_rows", result.rows)
            con.execute(f"INSERT INTO landing.rows ({', '.join(LANDING_COLUMNS)}) SELECT * FROM incoming_rows")
            con.unregister("incoming_rows")
        good = result.file_sha256 if result.usable else (previous[0][0] if previous else None)
        con.execute(
            "INSERT INTO landing.files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [result.source_file, result.district, result.file_sha256, size_bytes,
             "loaded" if result.usable else "rejected", len(result.rows), good, run_id, now],
        )
        if result.findings:
            findings = pd.DataFrame([
                {"source_file": result.source_file, "file_sha256": result.file_sha256, "sheet": f.sheet,
                 "field": f.field, "rule": f.rule, "severity": f.severity, "message": f.message}
                for f in result.findings
            ])
            con.register("incoming_findings", findings)
            con.execute("INSERT INTO landing.file_findings BY NAME SELECT * FROM incoming_findings")
            con.unregister("incoming_findings")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def forget_removed(con: duckdb.DuckDBPyConnection, inbox: list[InboxFile]) -> list[str]:
    """Drop files gone from the inbox (see the module's rules); returns the paths dropped."""
    present = pd.DataFrame({
        "source_file": pd.Series([f.source_file for f in inbox], dtype="str"),
        "district": pd.Series([f.district for f in inbox], dtype="str"),
    })
    con.register("present_files", present)
    gone = [r[0] for r in con.sql("""
        SELECT f.source_file FROM landing.files f
        WHERE f.source_file NOT IN (SELECT source_file FROM present_files)
          AND f.district IN (SELECT district FROM present_files)
    """).fetchall()]
    con.unregister("present_files")
    for table in ("landing.rows", "landing.file_findings", "landing.files"):
        con.execute(f"DELETE FROM {table} WHERE source_file IN (SELECT unnest(?::VARCHAR[]))", [gone])
    return gone
