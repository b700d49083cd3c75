"""Older warehouses are brought up to the current schema with what they hold."""

import duckdb

from transforms.matching import review_key
from transforms.name_identity import alias_key, identity_of_name
from warehouse import db


def test_a_schema_2_warehouse_keeps_its_aliases_and_decisions_under_the_new_keys(tmp_path):
    path = tmp_path / "mulu.duckdb"
    db.connect(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE audit.schema_version SET version = 2")
    # Keys as schema 2 wrote them: situation words only, '|level', '#basic code'.
    con.execute("INSERT INTO core.aliases VALUES ('高龄津贴', '高龄津贴（县级）', '370500277000', 'reviewed', '张三', now())")
    con.execute("INSERT INTO core.review_decisions VALUES ('医疗机构执业变更|县级#', '医疗机构执业变更（承诺件）（县级）', "
                "NULL, 'new_item', NULL, '张三', now())")
    con.close()

    upgraded = db.connect(path)
    assert upgraded.sql("SELECT version FROM audit.schema_version").fetchall() == [(db.SCHEMA_VERSION,)]
    assert upgraded.sql("SELECT alias_key, catalog_code FROM core.aliases").fetchall() == [
        (alias_key("高龄津贴（县级）"), "370500277000")]
    key = review_key(identity_of_name("医疗机构执业变更（承诺件）（县级）"), "")
    assert upgraded.sql("SELECT review_key, decision FROM core.review_decisions").fetchall() == [(key, "new_item")]
    assert "承诺件" in key, "the handling-type bracket is now part of the identity"
    upgraded.close()


def test_a_schema_3_warehouse_keeps_its_published_site_items_as_they_were(tmp_path):
    """published.site_items was a table of copied rows: a district built again after the last publish
    (its published rows no longer in core) keeps them, held; the others are core's."""
    path = tmp_path / "mulu.duckdb"
    db.connect(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE audit.schema_version SET version = 3")
    con.execute("DROP VIEW published.site_items")
    con.execute("CREATE TABLE published.site_items AS SELECT * FROM core.site_items WITH NO DATA")
    rows = [(1, "市南区", "八大峡街道", "000120001000"), (2, "市北区", "辽宁路街道", "000120001000"),
            (3, "市北区", "辽宁路街道", "000120002000")]
    for item_id, district, town, code in rows:
        con.execute("INSERT INTO published.site_items (item_id, district, town, catalog_code) VALUES (?, ?, ?, ?)",
                    [item_id, district, town, code])
        if item_id != 3:  # 市北区 was built again by a blocked run: one row fewer in core
            con.execute("INSERT INTO core.site_items (item_id, district, town, catalog_code) VALUES (?, ?, ?, ?)",
                        [item_id, district, town, code])
    con.execute("INSERT INTO core.district_inputs VALUES ('市南区', 's', 'run1'), ('市北区', 's', 'run2')")
    con.execute("INSERT INTO published.site_districts VALUES ('市南区', 'run1'), ('市北区', 'run1')")
    con.close()

    upgraded = db.connect(path)
    published = "SELECT item_id, district, town, catalog_code FROM published.site_items ORDER BY item_id"
    assert upgraded.sql(published).fetchall() == rows
    assert upgraded.sql("SELECT item_id FROM core.site_items_held ORDER BY 1").fetchall() == [(2,), (3,)]
    assert upgraded.sql("SELECT table_type FROM information_schema.tables WHERE table_schema = 'published' "
                        "AND table_name = 'site_items'").fetchall() == [("VIEW",)]
    upgraded.close()
