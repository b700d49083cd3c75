"""Which site items are published, without copying them.

published.site_items (views.sql) is each district's rows of its published build
(published.site_districts). While core.site_items holds that build the rows are core's; a run that
builds a district again first moves the district's published rows to core.site_items_held, where
they stay until the next publish, so a blocked night leaves the published list as it was.

A full rebuild after a published night (nothing held, every district's rows in core published)
renames the table to held instead: a province's 6.5 M rows are not copied. Publishing points
published.site_districts at core's builds and empties held.
"""

import duckdb

from warehouse.sql_literal import text_list

# Districts whose published rows are core's: core holds the build that is published.
SERVED = """SELECT i.district FROM core.district_inputs i
            JOIN published.site_districts p ON p.district = i.district AND p.built_run = i.built_run"""


def hold_published_rows(con: duckdb.DuckDBPyConnection, districts: list[str] | None) -> None:
    """Before core.site_items of `districts` (all when None) is built again, in the caller's
    transaction: their published rows move to held, and their builds are unknown until the run
    records them (increments.store_signatures), so no half-made build is ever published."""
    chosen = "" if districts is None else f"district IN ({text_list(districts)})"
    if districts is None and _all_published_from_core(con):
        con.execute("DROP TABLE core.site_items_held")
        con.execute("ALTER TABLE core.site_items RENAME TO site_items_held")
        con.execute("CREATE TABLE core.site_items AS SELECT * FROM core.site_items_held WITH NO DATA")
    else:
        con.execute(f"INSERT INTO core.site_items_held BY NAME SELECT * FROM core.site_items "
                    f"WHERE district IN ({SERVED}){' AND ' + chosen if chosen else ''}")
    con.execute(f"UPDATE core.district_inputs SET built_run = NULL{' WHERE ' + chosen if chosen else ''}")


def mark_new_districts(con: duckdb.DuckDBPyConnection) -> None:
    """After the build: a district core holds rows of for the first time is known, with no build
    yet, so its rows are not published before a publish says so."""
    con.execute("""INSERT INTO core.district_inputs (district, signature, built_run)
                   SELECT DISTINCT district, '', NULL FROM core.site_items
                   WHERE district IS NOT NULL AND district NOT IN (SELECT district FROM core.district_inputs)""")


def publish_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Make core's builds the published ones (in the publish's transaction); nothing is held any more."""
    con.execute("DELETE FROM published.site_districts")
    con.execute("INSERT INTO published.site_districts SELECT district, built_run FROM core.district_inputs "
                "WHERE built_run IS NOT NULL")
    con.execute("DROP TABLE core.site_items_held")  # not DELETE: a province's held rows go at once
    con.execute("CREATE TABLE core.site_items_held AS SELECT * FROM core.site_items WITH NO DATA")


def upgrade_published_table(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 4: published.site_items was a table of copied rows. The rows core does not serve as
    published move to held; the table gives way to the view."""
    tables = con.sql("SELECT 1 FROM duckdb_tables() WHERE schema_name = 'published' AND table_name = 'site_items'")
    if not tables.fetchall():
        return
    con.execute(f"""INSERT INTO core.site_items_held BY NAME SELECT * FROM published.site_items
                    WHERE district IS NOT NULL AND district IN (SELECT district FROM core.district_inputs)
                      AND district NOT IN ({SERVED})""")
    con.execute("DROP TABLE published.site_items")


def _all_published_from_core(con: duckdb.DuckDBPyConnection) -> bool:
    """Nothing held, and every district core holds rows of is published from core."""
    [(held,)] = con.sql("SELECT count(*) FROM (SELECT 1 FROM core.site_items_held LIMIT 1)").fetchall()
    [(other,)] = con.sql(f"""SELECT count(*) FROM (SELECT DISTINCT district FROM core.site_items)
                             WHERE district IS NULL OR district NOT IN ({SERVED})""").fetchall()
    return held == 0 and other == 0
