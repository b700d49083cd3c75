"""Open the DuckDB warehouse and keep its schema and views in place."""

from contextlib import contextmanager
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"


def connect(path: str | Path = ":memory:") -> duckdb.DuckDBPyConnection:
    """A connection with the schema and the views applied (idempotent)."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")  # it would print into the nightly log
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
    con.execute((SQL_DIR / "views.sql").read_text(encoding="utf-8"))
    return con


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


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params=None):
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None
