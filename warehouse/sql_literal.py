"""Values written into SQL text, where DuckDB takes no parameters (COPY … TO, read_parquet in a view)."""

from pathlib import Path


def path_literal(path: Path) -> str:
    """A path as a SQL string literal."""
    return "'" + Path(path).as_posix().replace("'", "''") + "'"


def text_list(values) -> str:
    """Texts as a SQL list of string literals, for `… IN (…)`; an empty list matches nothing."""
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) or "NULL"
