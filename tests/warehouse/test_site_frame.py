"""The sites' 网上可办 bar (seed §二(三)3) is the 中心's and the 站's: a 便民服务点 has none."""

import pandas as pd

from expectations.rules import ONLINE_SHARE
from warehouse import checks, db


def test_a_point_is_not_held_to_the_online_bar():
    con = db.connect(":memory:")
    con.execute("INSERT INTO core.catalog_items (catalog_code, item_name, name_key, item_type_code, is_online) "
                "VALUES ('A', '高龄津贴', '高龄津贴', '01', false)")
    for i, (community, point, level) in enumerate([(None, None, "镇(街道)"), ("团岛社区", None, "村(社区)"),
                                                   ("团岛社区", "团岛社区邮政便民服务点", "村(社区)")]):
        con.execute("INSERT INTO core.site_items (item_id, district, town, community, site_point, site_level, "
                    "catalog_code) VALUES (?, '市南区', '八大峡街道', ?, ?, ?, 'A')", [i, community, point, level])
    rows = {(r["community"], r["site_point"]): r for r in checks.site_frame(con, ONLINE_SHARE).to_dict("records")}
    assert rows[("", "")]["online_share_ok"] is False and rows[("团岛社区", "")]["online_share_ok"] is False
    point = rows[("团岛社区", "团岛社区邮政便民服务点")]
    assert point["online_share"] == 0 and pd.isna(point["online_share_ok"]) and pd.isna(point["online_share_required"])
