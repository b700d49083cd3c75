"""Keep the landed rows in step with the inbox, never losing a district's last good rows.

Each file version read keeps its rows as one parquet file in the rows folder beside the warehouse
(`mulu.duckdb` → `mulu.landing/`). The reader process writes it itself (warehouse/landing_files.py),
so rows never travel through the warehouse's writer; `landing.files` records which parquet file
holds each file's last good rows, and the view `landing.rows` reads exactly those.

Rules (see README, "What happens to a bad file"):
- a file whose sha256 equals the version last read is not read again;
- a readable file replaces the rows of its previous version (same path);
- an unreadable or empty file keeps its previous version's rows and gets findings;
- a file gone from the inbox drops its rows, unless its district's folder has no files at all
  (an emptied folder is more likely an accident than the district withdrawing every item).

pandas and pyarrow are imported where rows are stored: a night with nothing new never needs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from transforms.fields import LANDING_COLUMNS
from warehouse.landing_files import rows_file_name
from warehouse.sql_literal import path_literal

if TYPE_CHECKING:
    from warehouse.landing_files import LandedFile

# After the landed columns, landing.rows gives each row's place in its rows file (0, 1, …): with
# the file, it names the row, and core.site_items numbers its rows by it (warehouse/build.py).
PLACE_COLUMN = "landed_row"
FILE_FINDING_COLUMNS = ["source_file", "file_sha256", "sheet", "field", "rule", "severity", "message"]


@dataclass(frozen=True)
class InboxFile:
    source_file: str  # relative to the inbox, with '/'
    district: str
    file_sha256: str
    size_bytes: int


def files_to_read(con: duckdb.DuckDBPyConnection, inbox: list[InboxFile], directory: Path,
                  reading_key: str | None = None) -> list[InboxFile]:
    """The inbox files whose content differs from the version last read, whose rows are lost (a
    loaded file whose rows file is gone is read again), or that were read with other reference
    data, catalog or reader (reading_key: transforms.ingest.reading_key)."""
    known = {
        source_file: sha256
        for source_file, sha256, rows_file, status, key in con.sql(
            "SELECT source_file, file_sha256, rows_file, status, reading_key FROM landing.files").fetchall()
        if (status == "rejected" or (rows_file is not None and (directory / rows_file).exists()))
        and (reading_key is None or key == reading_key)
    }
    return [f for f in inbox if known.get(f.source_file) != f.file_sha256]


def store_readings(con: duckdb.DuckDBPyConnection, readings: list[tuple[LandedFile, int]], run_id: str,
                   reading_key: str | None = None) -> None:
    """Record file readings (each with its size in bytes) in one transaction: which rows file holds
    each file's last good version, and each file's problems."""
    if not readings:
        return
    paths = [landed.source_file for landed, _ in readings]
    previous = {source_file: (good_sha256, rows_file) for source_file, good_sha256, rows_file in con.execute(
        "SELECT source_file, good_sha256, rows_file FROM landing.files WHERE source_file IN (SELECT unnest(?))",
        [paths]).fetchall()}
    now = datetime.now()
    files, findings = [], []
    for landed, size_bytes in readings:
        usable = landed.rows_file is not None
        good_sha256, rows_file = (landed.file_sha256, landed.rows_file) if usable else \
            previous.get(landed.source_file, (None, None))
        files.append({"source_file": landed.source_file, "district": landed.district,
                      "file_sha256": landed.file_sha256, "size_bytes": size_bytes,
                      "status": "loaded" if usable else "rejected", "row_count": landed.row_count,
                      "good_sha256": good_sha256, "read_run_id": run_id, "read_at": now, "rows_file": rows_file,
                      "reading_key": reading_key})
        findings += [{"source_file": landed.source_file, "file_sha256": landed.file_sha256, "sheet": f.sheet,
                      "field": f.field, "rule": f.rule, "severity": f.severity, "message": f.message}
                     for f in landed.findings]
    import pandas as pd

    con.register("incoming_files", pd.DataFrame(files))
    con.register("incoming_findings", pd.DataFrame(findings, columns=FILE_FINDING_COLUMNS))
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("landing.file_findings", "landing.files"):
            con.execute(f"DELETE FROM {table} WHERE source_file IN (SELECT unnest(?))", [paths])
        con.execute("INSERT INTO landing.files BY NAME SELECT * FROM incoming_files")
        con.execute("INSERT INTO landing.file_findings BY NAME SELECT * FROM incoming_findings")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("incoming_files")
        con.unregister("incoming_findings")


def forget_removed(con: duckdb.DuckDBPyConnection, inbox: list[InboxFile]) -> list[str]:
    """Drop files gone from the inbox (see the module's rules); returns the paths dropped."""
    import pandas as pd

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

    A listed file that has gone missing (someone emptied the rows folder) is unlisted: a loaded
    file is then read again (files_to_read); a rejected file's kept last good version is lost, and
    `submissions` no longer says it is in use."""
    listed = [r[0] for r in con.sql("SELECT DISTINCT rows_file FROM landing.files WHERE rows_file IS NOT NULL "
                                    "ORDER BY 1").fetchall()]
    missing = [name for name in listed if directory is None or not (directory / name).exists()]
    if missing:
        con.execute("UPDATE landing.files SET rows_file = NULL, good_sha256 = NULL "
                    "WHERE rows_file IN (SELECT unnest(?::VARCHAR[]))", [missing])
    paths = [(directory / name).resolve() for name in listed if name not in missing]
    if paths:
        files = ", ".join(map(path_literal, paths))
        # Rows files written by an older mulu may lack a column: it reads as NULL until they are read again.
        present = {r[0] for r in con.sql(f"DESCRIBE SELECT * FROM read_parquet([{files}], union_by_name = true)").fetchall()}
        columns = ", ".join(c if c in present else f"NULL::{'INTEGER' if c == 'row_number' else 'VARCHAR'} AS {c}"
                            for c in LANDING_COLUMNS)
        source = (f"SELECT {columns}, file_row_number AS {PLACE_COLUMN} "
                  f"FROM read_parquet([{files}], union_by_name = true, file_row_number = true)")
    else:
        nulls = ", ".join(f"NULL::{'INTEGER' if c == 'row_number' else 'VARCHAR'} AS {c}" for c in LANDING_COLUMNS)
        source = f"SELECT {nulls}, NULL::BIGINT AS {PLACE_COLUMN} WHERE false"
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
    import pyarrow.parquet as pq

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
