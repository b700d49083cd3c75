"""Schema 2 → 3: people's answers survive the change of how names are keyed."""

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
