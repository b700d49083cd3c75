"""Open the DuckDB warehouse and keep its schema and views in place."""

import os
from contextlib import contextmanager
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"
# Bump when schema.sql changes in a way CREATE ... IF NOT EXISTS cannot apply to an existing file.
SCHEMA_VERSION = 1


class WarehouseVersionError(Exception):
    """The warehouse file was made by a mulu with another schema."""


# DuckDB would otherwise take up to 80 % of the machine's memory as cache; it spills past this.
MEMORY_LIMIT = os.environ.get("MULU_DUCKDB_MEMORY_LIMIT", "1GB")


def connect(path: str | Path = ":memory:") -> duckdb.DuckDBPyConnection:
    """A connection with the schema and the views applied (idempotent)."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")  # it would print into the nightly log
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    # A run commits once per file; checkpointing the WAL into the file each time would write the
    # rows twice. DuckDB checkpoints when the connection closes at the end of the run.
    con.execute("SET checkpoint_threshold = '1GB'")
    _check_schema_version(con, path)
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
    con.execute((SQL_DIR / "views.sql").read_text(encoding="utf-8"))
    return con


def _check_schema_version(con: duckdb.DuckDBPyConnection, path) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    con.execute("CREATE TABLE IF NOT EXISTS audit.schema_version (version INTEGER NOT NULL)")
    found = [row[0] for row in con.execute("SELECT version FROM audit.schema_version").fetchall()]
    if not found:
        con.execute("INSERT INTO audit.schema_version VALUES (?)", [SCHEMA_VERSION])
    elif found[0] != SCHEMA_VERSION:
        con.close()
        raise WarehouseVersionError(
            f"仓库文件 {path} 由另一版本的 mulu 创建（结构版本 {found[0]}，当前 {SCHEMA_VERSION}）。"
            "请指定新的 --warehouse 文件，或先备份后删除旧文件。")


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
