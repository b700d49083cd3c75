"""Bring a warehouse written by an earlier schema version up to the current one, step by step.

warehouse/db.py calls upgrade() inside one transaction when it opens a warehouse older than its
SCHEMA_VERSION; each step is what changed in that version. The steps import their transforms
when they run: opening a current warehouse imports none of them.
"""

from pathlib import Path

import duckdb

from transforms.fields import LANDING_COLUMNS
from warehouse import landing
from warehouse.published_rows import upgrade_published_table


def upgrade(con: duckdb.DuckDBPyConnection, found: int, current: int, rows_folder: Path | None) -> None:
    if found < 2:  # landing.rows was a table; its rows move to parquet files in the rows folder
        _add_landing_columns(con)
        landing.move_rows_table_to_files(con, rows_folder)
    if found < 3:  # names are identified with their bracket groups: stored keys are computed again
        rekey(con)
    if found < 4:  # published.site_items was a table of copied rows; it is a view of core and held
        _list_unknown_builds(con)
        upgrade_published_table(con)
    con.execute("UPDATE audit.schema_version SET version = ?", [current])


def _add_landing_columns(con: duckdb.DuckDBPyConnection) -> None:
    """The table landing.rows of schema 1 lacks the landed columns added since (site, site_evidence,
    site_point): they are added empty, as the rows view reads a rows file without them."""
    present = {c for (c,) in con.sql("SELECT column_name FROM (DESCRIBE landing.rows)").fetchall()}
    for column in LANDING_COLUMNS:
        if column not in present:
            con.execute(f"ALTER TABLE landing.rows ADD COLUMN {column} VARCHAR")


def _list_unknown_builds(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse from before core.district_inputs (1218eec, early in schema 3) lists no district:
    each district of its site items is listed with no known build, so core's rows are not taken for
    the published ones and the published copy is held until the next publish (a blocked night
    keeps it), as for the districts a schema 3 warehouse lists."""
    published = con.execute("""SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()
                               AND schema_name = 'published' AND table_name = 'site_items'""").fetchall()[0][0]
    held = " UNION ALL SELECT district FROM published.site_items" if published else ""  # none published yet
    con.execute(f"""INSERT INTO core.district_inputs (district, signature, built_run)
                    SELECT DISTINCT district, '', NULL FROM (SELECT district FROM core.site_items{held})
                    WHERE district IS NOT NULL AND district NOT IN (SELECT district FROM core.district_inputs)""")


def rekey(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 2 → 3: names are identified by core and bracket groups (transforms/name_identity.py);
    the stored alias keys and review keys are computed again from the words people decided on."""
    from transforms.codes import code_key, code_text
    from transforms.matching import review_key
    from transforms.name_identity import alias_key, identity_of_name

    aliases = con.sql("SELECT * FROM core.aliases").df()
    aliases["alias_key"] = [alias_key(a) for a in aliases["alias"]]
    aliases = aliases[aliases["alias_key"] != ""].drop_duplicates("alias_key", keep="last")
    decisions = con.sql("SELECT * FROM core.review_decisions ORDER BY decided_at").df()
    decisions["review_key"] = [review_key(identity_of_name(n or ""), code_key(code_text(c)))
                               for n, c in zip(decisions["raw_name"], decisions["basic_code"])]
    decisions = decisions.drop_duplicates("review_key", keep="last")
    for table, frame in (("core.aliases", aliases), ("core.review_decisions", decisions)):
        con.register("rekeyed", frame)
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM rekeyed")
        con.unregister("rekeyed")
