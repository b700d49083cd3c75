"""Open the DuckDB warehouse and keep its schema and views in place."""

import os
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse import coverage, landing, landing_files, upgrades

SQL_DIR = Path(__file__).parent / "sql"
# Bump when schema.sql changes in a way CREATE ... IF NOT EXISTS cannot apply to an existing file,
# and add the step that brings a warehouse of the version before up to it to warehouse/upgrades.py.
SCHEMA_VERSION = 4


class WarehouseVersionError(Exception):
    """The warehouse file was made by a mulu with another schema."""


# DuckDB would otherwise take up to 80 % of the machine's memory as cache; it spills past this.
MEMORY_LIMIT = os.environ.get("MULU_DUCKDB_MEMORY_LIMIT", "1GB")


def connect(path: str | Path = ":memory:") -> duckdb.DuckDBPyConnection:
    """A connection with the schema and the views applied (idempotent); an older warehouse is
    upgraded in place. An in-memory warehouse has no rows folder, so nothing can be landed in it."""
    in_memory = str(path) == ":memory:"
    if not in_memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    rows_folder = None if in_memory else landing_files.rows_dir(path)
    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")  # it would print into the nightly log
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    # A run commits several times; checkpointing the WAL into the file each time would write the
    # rows twice. DuckDB checkpoints when the connection closes at the end of the run.
    con.execute("SET checkpoint_threshold = '1GB'")
    found = _schema_version(con, path)
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
    if found is not None and found < SCHEMA_VERSION:
        with transaction(con):
            upgrades.upgrade(con, found, SCHEMA_VERSION, rows_folder)
    con.execute((SQL_DIR / "views.sql").read_text(encoding="utf-8"))
    coverage.create_coverage_view(con)
    landing.refresh_rows_view(con, rows_folder)
    return con


def _schema_version(con: duckdb.DuckDBPyConnection, path) -> int | None:
    """The version the warehouse was made with; None for a new one (stamped with the current)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    con.execute("CREATE TABLE IF NOT EXISTS audit.schema_version (version INTEGER NOT NULL)")
    found = [row[0] for row in con.execute("SELECT version FROM audit.schema_version").fetchall()]
    if not found and _has_tables(con):
        # Made before the version guard (f6a3dec): schema 1 took such a warehouse as its own.
        con.execute("INSERT INTO audit.schema_version VALUES (1)")
        return 1
    if not found:
        con.execute("INSERT INTO audit.schema_version VALUES (?)", [SCHEMA_VERSION])
        return None
    if found[0] > SCHEMA_VERSION:
        con.close()
        raise WarehouseVersionError(
            f"仓库文件 {path} 由更新版本的 mulu 创建（结构版本 {found[0]}，当前 {SCHEMA_VERSION}）。"
            "请升级 mulu，或指定另一个 --warehouse 文件。")
    return found[0]


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the file holds mulu's tables besides the version's: a new warehouse is stamped before any."""
    return bool(con.execute("""SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()
                               AND schema_name IN ('landing', 'core', 'audit', 'published')
                               AND NOT (schema_name = 'audit' AND table_name = 'schema_version')""").fetchall()[0][0])


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """All or nothing: commit on success, roll back on any error."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def read_rows(path: str | Path, sql: str, params=None) -> list[tuple]:
    """Rows of a query against a warehouse file, through a read-only connection closed again at once."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params=None):
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None
