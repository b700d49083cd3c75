"""Keep the landed rows in step with the inbox, never losing a district's last good rows.

Each file version read keeps its rows as one parquet file in the rows folder beside the warehouse
(`mulu.duckdb` → `mulu.landing/`). The reader process writes it itself, so rows never travel
through the warehouse's writer; `landing.files` records which parquet file holds each file's last
good rows, and the view `landing.rows` reads exactly those.

Rules (see README, "What happens to a bad file"):
- a file whose sha256 equals the version last read is not read again;
- a readable file replaces the rows of its previous version (same path);
- an unreadable or empty file keeps its previous version's rows and gets findings;
- a file gone from the inbox drops its rows, unless its district's folder has no files at all
  (an emptied folder is more likely an accident than the district withdrawing every item).
"""

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from transforms.ingest import LANDING_COLUMNS, FileFinding, IngestResult

ROWS_DIR_SUFFIX = ".landing"


@dataclass(frozen=True)
class InboxFile:
    source_file: str  # relative to the inbox, with '/'
    district: str
    file_sha256: str
    size_bytes: int


@dataclass(frozen=True)
class LandedFile:
    """One file's reading as its reader process reports it: the rows stay in rows_file."""

    district: str
    source_file: str
    file_sha256: str
    row_count: int
    rows_file: str | None  # name in the rows folder; None when the file gave no rows
    findings: list[FileFinding]


def rows_dir(warehouse: str | Path) -> Path:
    """The folder of landed rows that belongs to a warehouse file."""
    return Path(warehouse).with_suffix(ROWS_DIR_SUFFIX)


def rows_file_name(source_file: str, file_sha256: str) -> str:
    """Named by path and content: a re-read of the same version rewrites the same file."""
    return hashlib.sha256(f"{source_file}\0{file_sha256}".encode()).hexdigest()[:32] + ".parquet"


def write_rows(result: IngestResult, directory: Path) -> LandedFile:
    """Write a reading's rows as parquet (atomically: a crash leaves no half file). Runs in the reader."""
    name = None
    if result.usable:
        name = rows_file_name(result.source_file, result.file_sha256)
        directory.mkdir(parents=True, exist_ok=True)
        partial = directory / f"{name}.{os.getpid()}.partial"
        pq.write_table(result.rows, partial)
        os.replace(partial, directory / name)
    return LandedFile(result.district, result.source_file, result.file_sha256, result.rows.num_rows, name,
                      result.findings)


def files_to_read(con: duckdb.DuckDBPyConnection, inbox: list[InboxFile], directory: Path) -> list[InboxFile]:
    """The inbox files whose content differs from the version last read, or whose rows are lost."""
    known = {
        source_file: sha256
        for source_file, sha256, rows_file, status in con.sql(
            "SELECT source_file, file_sha256, rows_file, status FROM landing.files").fetchall()
        if status != "loaded" or (directory / rows_file).exists()
    }
    return [f for f in inbox if known.get(f.source_file) != f.file_sha256]


def store_landed(con: duckdb.DuckDBPyConnection, landed: LandedFile, size_bytes: int, run_id: str) -> None:
    """Record one file's reading: which rows file is its last good version, and its problems (one
    transaction)."""
    previous = con.execute("SELECT good_sha256, rows_file FROM landing.files WHERE source_file = ?",
                           [landed.source_file]).fetchall()
    usable = landed.rows_file is not None
    good_sha256, rows_file = (landed.file_sha256, landed.rows_file) if usable else \
        (previous[0] if previous else (None, None))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM landing.file_findings WHERE source_file = ?", [landed.source_file])
        con.execute("DELETE FROM landing.files WHERE source_file = ?", [landed.source_file])
        con.execute(
            "INSERT INTO landing.files (source_file, district, file_sha256, size_bytes, status, row_count, "
            "good_sha256, read_run_id, read_at, rows_file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [landed.source_file, landed.district, landed.file_sha256, size_bytes,
             "loaded" if usable else "rejected", landed.row_count, good_sha256, run_id, datetime.now(), rows_file],
        )
        if landed.findings:
            findings = pd.DataFrame([
                {"source_file": landed.source_file, "file_sha256": landed.file_sha256, "sheet": f.sheet,
                 "field": f.field, "rule": f.rule, "severity": f.severity, "message": f.message}
                for f in landed.findings
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
    for table in ("landing.file_findings", "landing.files"):
        con.execute(f"DELETE FROM {table} WHERE source_file IN (SELECT unnest(?::VARCHAR[]))", [gone])
    return gone


def refresh_rows_view(con: duckdb.DuckDBPyConnection, directory: Path | None) -> int:
    """Point the view landing.rows at the rows files landing.files lists; returns how many.

    A listed file that has gone missing (someone emptied the rows folder) is unlisted: its inbox
    file is then read again by the next run (files_to_read), or, if it was a kept last good
    version, that version is lost and the file's status says so."""
    listed = [r[0] for r in con.sql("SELECT DISTINCT rows_file FROM landing.files WHERE rows_file IS NOT NULL "
                                    "ORDER BY 1").fetchall()]
    missing = [name for name in listed if directory is None or not (directory / name).exists()]
    if missing:
        con.execute("UPDATE landing.files SET rows_file = NULL, good_sha256 = NULL, row_count = 0, "
                    "status = 'rejected' WHERE rows_file IN (SELECT unnest(?::VARCHAR[]))", [missing])
    paths = [(directory / name).resolve() for name in listed if name not in missing]
    columns = ", ".join(LANDING_COLUMNS)
    if paths:
        files = ", ".join("'" + p.as_posix().replace("'", "''") + "'" for p in paths)
        source = f"SELECT {columns} FROM read_parquet([{files}])"
    else:
        nulls = ", ".join(f"NULL::{'INTEGER' if c == 'row_number' else 'VARCHAR'} AS {c}" for c in LANDING_COLUMNS)
        source = f"SELECT {nulls} WHERE false"
    con.execute(f"CREATE OR REPLACE VIEW landing.rows AS {source}")
    return len(paths)


def remove_unlisted_rows_files(con: duckdb.DuckDBPyConnection, directory: Path) -> int:
    """Delete rows files no longer listed (replaced or removed versions, a crashed run's leftovers)."""
    if not directory.is_dir():
        return 0
    listed = {r[0] for r in con.sql("SELECT rows_file FROM landing.files WHERE rows_file IS NOT NULL").fetchall()}
    removed = 0
    for path in directory.iterdir():
        if path.is_file() and path.name not in listed and path.suffix in (".parquet", ".partial"):
            path.unlink()
            removed += 1
    return removed


def move_rows_table_to_files(con: duckdb.DuckDBPyConnection, directory: Path) -> int:
    """Schema 1 → 2: the rows of the table landing.rows become rows files; returns files written."""
    written = 0
    for source_file, good_sha256 in con.sql(
            "SELECT source_file, good_sha256 FROM landing.files WHERE good_sha256 IS NOT NULL").fetchall():
        rows = con.sql(f"SELECT {', '.join(LANDING_COLUMNS)} FROM landing.rows WHERE source_file = ? "
                       "ORDER BY sheet, row_number", params=[source_file]).to_arrow_table()
        if rows.num_rows == 0:
            continue
        directory.mkdir(parents=True, exist_ok=True)
        name = rows_file_name(source_file, good_sha256)
        pq.write_table(rows, directory / name)
        con.execute("UPDATE landing.files SET rows_file = ? WHERE source_file = ?", [name, source_file])
        written += 1
    con.execute("DROP TABLE landing.rows")
    return written
