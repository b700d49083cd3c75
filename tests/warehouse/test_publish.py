"""Write–audit–publish against an in-memory warehouse: versions, the change log, nothing half-done."""

import duckdb
import pytest

from warehouse.db import connect
from warehouse.publish import build_candidate, publish
from warehouse.published_rows import hold_published_rows, mark_new_districts

CATALOG = [
    # code, name, statutory_limit
    ("000120001000", "高龄老人生活补贴", "20个工作日"),
    ("000120002000", "临时救助", "10个工作日"),
    ("000120003000", "残疾人证办理", "15个工作日"),
]


def warehouse(site_rows):
    """site_rows: (district, town, community, site_level, catalog_code, match_method)."""
    con = connect(":memory:")
    for code, name, limit in CATALOG:
        con.execute("""INSERT INTO core.catalog_items (catalog_code, item_name, name_key, item_type, legal_basis,
                       exercise_levels, acceptance_conditions, materials, statutory_limit, promised_limit,
                       fee_charged, handling_type)
                       VALUES (?, ?, ?, '公共服务', '《条例》', '县级', '本地户籍', '身份证', ?, '5个工作日', false, '承诺件')""",
                    [code, name, name, limit])
    for i, (district, town, community, level, code, method) in enumerate(site_rows):
        con.execute("""INSERT INTO core.site_items (item_id, district, town, community, site_level, source_file,
                       row_number, catalog_code, match_method) VALUES (?, ?, ?, ?, ?, 'f.xlsx', ?, ?, ?)""",
                    [i, district, town, community, level, i + 2, code, method])
    return con


ROWS = [
    ("市南区", "八大峡街道", None, "镇(街道)", "000120001000", "code"),
    ("市北区", "辽宁路街道", None, "镇(街道)", "000120001000", "name"),
    ("市北区", "辽宁路街道", "海岸路社区", "村(社区)", "000120002000", "fuzzy"),
    ("市北区", "辽宁路街道", "海岸路社区", "村(社区)", None, "review"),
]


def test_candidate_counts_districts_and_sites_per_level():
    con = warehouse(ROWS)
    candidate = build_candidate(con)
    rows = {(r.site_level, r.catalog_code): (r.district_count, r.site_count) for r in candidate.itertuples()}
    assert rows == {("镇(街道)", "000120001000"): (2, 2), ("村(社区)", "000120002000"): (1, 1)}
    assert list(candidate["legal_basis"].unique()) == ["《条例》"]


@pytest.mark.parametrize("method, included", [
    pytest.param("code", True, id="accepted by code"),
    pytest.param("reviewed", True, id="accepted by people"),
    pytest.param("review", False, id="waiting for review: not published"),
    pytest.param("none", False, id="no match: not published"),
])
def test_only_accepted_matches_are_published(method, included):
    con = warehouse([("市南区", "八大峡街道", None, "镇(街道)", "000120003000", method)])
    assert (len(build_candidate(con)) == 1) is included


def test_versions_change_log_and_unchanged_content():
    con = warehouse(ROWS)
    version, new = publish(con, "run1", build_candidate(con))
    assert (version, new) == (1, True)
    assert con.sql("SELECT change, count(*) FROM catalog_changes GROUP BY 1").fetchall() == [("新增", 2)]

    again, new = publish(con, "run2", build_candidate(con))
    assert (again, new) == (1, False), "same content: no new version"

    con.execute("UPDATE core.catalog_items SET statutory_limit = '30个工作日' WHERE catalog_code = '000120001000'")
    con.execute("""INSERT INTO core.site_items (item_id, district, town, site_level, source_file, row_number,
                   catalog_code, match_method) VALUES (99, '崂山区', '沙子口街道', '镇(街道)', 'g.xlsx', 2, '000120003000', 'code')""")
    con.execute("DELETE FROM core.site_items WHERE catalog_code = '000120002000'")
    version, new = publish(con, "run3", build_candidate(con))
    assert (version, new) == (2, True)
    changes = {(r[0], r[1]): r[2] for r in con.sql(
        "SELECT catalog_code, change, detail FROM catalog_changes WHERE version = 2").fetchall()}
    assert changes == {("000120001000", "变更"): "statutory_limit", ("000120003000", "新增"): None,
                       ("000120002000", "删除"): None}
    assert con.sql("SELECT added, removed, changed FROM catalog_versions WHERE version = 2").fetchall() == [(1, 1, 1)]
    assert con.sql("SELECT DISTINCT version FROM catalog").fetchall() == [(2,)]


def test_publish_is_all_or_nothing():
    con = warehouse(ROWS)
    publish(con, "run1", build_candidate(con))
    broken = build_candidate(con).assign(site_level=None)  # violates the primary key: the insert fails
    with pytest.raises(duckdb.ConstraintException):
        publish(con, "run2", broken.assign(catalog_code="000120009000"))
    assert con.sql("SELECT max(version) FROM catalog_versions").fetchall() == [(1,)]
    assert con.sql("SELECT count(*) FROM published.catalog_items").fetchall() == [(2,)]


def test_the_published_rows_are_each_district_s_published_build_and_nothing_is_copied():
    con = warehouse(ROWS)
    con.execute("INSERT INTO core.district_inputs VALUES ('市南区', 's1', 'run1'), ('市北区', 's2', 'run1')")
    publish(con, "run1", build_candidate(con))
    published = "SELECT district, town, community, catalog_code FROM published.site_items ORDER BY ALL"
    core = published.replace("published.", "core.")
    first = con.sql(published).fetchall()
    assert first == con.sql(core).fetchall() and held(con) == 0

    # run2 builds 市北区 again (one row fewer): until a publish, the published rows stay run1's,
    # also while the build is under way (its build unknown) and after a blocked publish audit.
    rebuild(con, ["市北区"], [r for r in ROWS if r[1] != "辽宁路街道" or r[2] is None])
    assert con.sql(published).fetchall() == first and held(con) == 3
    con.execute("UPDATE core.district_inputs SET built_run = 'run2' WHERE district = '市北区'")
    assert con.sql(published).fetchall() == first, "blocked: run2's build is not published"
    rebuild(con, ["市北区"], [r for r in ROWS if r[1] != "辽宁路街道" or r[2] is None])  # and built once more
    con.execute("UPDATE core.district_inputs SET built_run = 'run3' WHERE district = '市北区'")
    assert con.sql(published).fetchall() == first and held(con) == 3, "held once, not twice"

    publish(con, "run3", build_candidate(con))
    assert con.sql(published).fetchall() == con.sql(core).fetchall() != first and held(con) == 0
    assert con.sql("SELECT * FROM published.site_districts ORDER BY 1").fetchall() == \
        [("市北区", "run3"), ("市南区", "run1")]

    # A whole rebuild after a published night renames the table: held, not copied
    now = con.sql(published).fetchall()
    rebuild(con, None, ROWS)
    assert con.sql(published).fetchall() == now and held(con) == len(now)
    assert con.sql("SELECT count(*) FROM core.district_inputs WHERE built_run IS NOT NULL").fetchall() == [(0,)]
    con.execute("UPDATE core.district_inputs SET built_run = 'run4'")
    publish(con, "run4", build_candidate(con))
    assert con.sql(published).fetchall() == con.sql(core).fetchall() and held(con) == 0

    # a district whose inputs are gone leaves the published rows too
    con.execute("DELETE FROM core.site_items WHERE district = '市南区'")
    con.execute("DELETE FROM core.district_inputs WHERE district = '市南区'")
    publish(con, "run5", build_candidate(con))
    assert con.sql("SELECT DISTINCT district FROM published.site_items").fetchall() == [("市北区",)]


def test_a_new_district_is_not_published_before_a_publish():
    con = warehouse(ROWS[:1])
    con.execute("INSERT INTO core.district_inputs VALUES ('市南区', 's1', 'run1')")
    publish(con, "run1", build_candidate(con))
    rebuild(con, ["市北区"], ROWS[1:])
    assert con.sql("SELECT DISTINCT district FROM published.site_items").fetchall() == [("市南区",)]


def held(con) -> int:
    return con.sql("SELECT count(*) FROM core.site_items_held").fetchall()[0][0]


def rebuild(con, districts, rows):
    """What build_site_items does to core.site_items: hold, delete, insert, mark."""
    hold_published_rows(con, districts)
    chosen = "" if districts is None else " WHERE district IN (SELECT unnest(?::VARCHAR[]))"
    con.execute(f"DELETE FROM core.site_items{chosen}", [] if districts is None else [districts])
    for i, (district, town, community, level, code, method) in enumerate(rows):
        if districts is None or district in districts:
            con.execute("""INSERT INTO core.site_items (item_id, district, town, community, site_level, source_file,
                           row_number, catalog_code, match_method) VALUES (?, ?, ?, ?, ?, 'f.xlsx', ?, ?, ?)""",
                        [100 + i, district, town, community, level, i + 2, code, method])
    mark_new_districts(con)
