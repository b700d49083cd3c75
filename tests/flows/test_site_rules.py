"""Site rules: the share of 依申请 items that are 网上可办, per site, against the seed's bar."""

from flows.validation import validate_sites
from warehouse.db import connect


def warehouse(sites):
    """sites: {(town, community, level): [(type_code, online), …]}"""
    con = connect(":memory:")
    item_id = 0
    for (town, community, level), items in sites.items():
        for type_code, online in items:
            item_id += 1
            code = f"0000000{item_id:05d}"
            con.execute("INSERT INTO core.catalog_items (catalog_code, item_name, name_key, item_type_code, is_online) "
                        "VALUES (?, ?, ?, ?, true)", [code, code, code, type_code])
            con.execute("INSERT INTO core.site_items (item_id, district, town, community, site_level, catalog_code, "
                        "match_method, is_online) VALUES (?, '市南区', ?, ?, ?, ?, 'code', ?)",
                        [item_id, town, community, level, code, online])
    return con


def test_a_site_under_its_bar_gets_a_finding_naming_it_and_the_share():
    con = warehouse({
        ("八大峡街道", None, "镇(街道)"): [("20", True)] * 5 + [("20", False)] * 5 + [("02", False)] * 10,
        ("八大峡街道", "团岛社区", "村(社区)"): [("20", True)] * 6 + [("07", False)] * 4,
    })
    findings = validate_sites(con)
    assert findings[["district", "rule", "severity"]].values.tolist() == [["市南区", "site.online_share", "warning"]]
    assert findings["value"][0] == "八大峡街道：5/10项网上可办（50.0%，应≥60%）", "处罚 items are not 依申请"


def test_a_blank_online_cell_takes_the_catalogs_value():
    con = warehouse({("云南路街道", "", "镇(街道)"): [("20", None)] * 10})
    assert validate_sites(con).empty
