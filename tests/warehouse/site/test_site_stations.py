"""The 服务站点 pages of a district nothing changed for are linked from the site's last build, and
say in their footer which version wrote them; any change they show writes them again."""

import json
import os

import pandas as pd
import pytest

from tests.conftest import serious_axe_violations
from tests.warehouse.site.test_public_site import CATALOG_COLUMNS, COMMUNITY, SITES, TOWN, VERSION_1, publish_version
from warehouse import db
from warehouse.publish import publish
from warehouse.site.public_site import SITE_DIR, build_site
from warehouse.site.stations import BUILDS_FILE

SHINAN, LAOSHAN = "市南区", "崂山区"


def build(con, out, builds: dict[str, str], rows, sites, run_id):
    con.execute("DELETE FROM core.district_inputs")
    for district, run in builds.items():
        con.execute("INSERT INTO core.district_inputs VALUES (?, ?, ?)", [district, f"signature-{run}", run])
    version, _ = publish_version(con, rows, sites, run_id)
    build_site(con, version, out)
    return version, out / SITE_DIR


def inode(path):
    return os.stat(path).st_ino


@pytest.fixture()
def con(tmp_path):
    con = db.connect(tmp_path / "mulu.duckdb")
    yield con
    con.close()


def test_only_the_changed_districts_pages_are_written_again(con, tmp_path):
    out = tmp_path / "out"
    _, site = build(con, out, {SHINAN: "run-1", LAOSHAN: "run-1"}, VERSION_1, SITES, "run-1")
    shinan_page = site / "sites" / SHINAN / "八大峡街道" / "团岛社区.html"
    laoshan_page = site / "sites" / LAOSHAN / "沙子口街道" / "index.html"  # 崂山区's pages come first
    before = {p: inode(p) for p in (shinan_page, laoshan_page, site / "sites" / LAOSHAN / "index.html")}

    more = SITES + [(SHINAN, "八大峡街道", "湛山社区", COMMUNITY, "370700136000")]  # 市南区 sent a new station
    counted = [dict(r, site_count=2) for r in VERSION_1]  # the list's counts are not on these pages
    version, site = build(con, out, {SHINAN: "run-2", LAOSHAN: "run-1"}, counted, more, "run-2")

    assert version == 2
    assert inode(laoshan_page) == before[laoshan_page] and inode(site / "sites" / LAOSHAN / "index.html") == \
        before[site / "sites" / LAOSHAN / "index.html"], "崂山区 changed nothing: its pages are linked"
    assert "本页内容更新于目录版本 v1" in laoshan_page.read_text(encoding="utf-8")
    assert inode(shinan_page) != before[shinan_page]
    town = (site / "sites" / SHINAN / "八大峡街道" / "index.html").read_text(encoding="utf-8")
    assert "本页内容更新于目录版本 v2" in town and "湛山社区" in town
    assert (site / "sites" / SHINAN / "八大峡街道" / "湛山社区.html").is_file()
    assert "目录版本 v2" in (site / "index.html").read_text(encoding="utf-8")
    stamps = json.loads((site / BUILDS_FILE).read_text(encoding="utf-8"))
    assert {d: s["version"] for d, s in stamps.items()} == {SHINAN: 2, LAOSHAN: 1}

    # The same builds, but an item's name changed: every page listing items is written again.
    renamed = [dict(r, item_name="低保边缘家庭认定（新）") if r["catalog_code"] == "370700136000" else r
               for r in VERSION_1]
    version, site = build(con, out, {SHINAN: "run-1", LAOSHAN: "run-2"}, renamed, more, "run-3")
    assert version == 3
    assert inode(laoshan_page) != before[laoshan_page]
    assert "低保边缘家庭认定（新）" in laoshan_page.read_text(encoding="utf-8")
    assert "本页内容更新于目录版本 v3" in laoshan_page.read_text(encoding="utf-8")


def test_rows_of_no_known_build_and_a_damaged_record_write_the_pages(con, tmp_path):
    out = tmp_path / "out"
    _, site = build(con, out, {}, VERSION_1, SITES, "run-1")  # no district builds: nothing to compare
    page = site / "sites" / SHINAN / "index.html"
    first = inode(page)
    _, site = build(con, out, {}, [dict(r, site_count=2) for r in VERSION_1], SITES, "run-2")
    assert inode(page) != first

    _, site = build(con, out, {SHINAN: "run-1", LAOSHAN: "run-1"}, VERSION_1, SITES, "run-3")
    (site / BUILDS_FILE).write_text("{not json", encoding="utf-8")
    first = inode(page)
    _, site = build(con, out, {SHINAN: "run-1", LAOSHAN: "run-1"}, [dict(r, site_count=3) for r in VERSION_1],
                    SITES, "run-4")
    assert inode(page) != first
    assert "本页内容更新于目录版本 v4" in page.read_text(encoding="utf-8")


def test_a_point_has_a_page_of_its_own_listed_on_its_towns_page(con, tmp_path):
    point = "八大峡农商银行便民服务点"
    con.execute("DELETE FROM core.site_items")
    for i, (district, town, community, level, code) in enumerate(SITES):
        con.execute("INSERT INTO core.site_items (item_id, district, town, community, site_level, catalog_code, "
                    "match_method) VALUES (?, ?, ?, ?, ?, ?, 'code')", [i, district, town, community, level, code])
    con.execute("INSERT INTO core.site_items (item_id, district, town, site_point, site_level, catalog_code, "
                "match_method) VALUES (99, ?, '八大峡街道', ?, ?, '000500300000', 'code')", [SHINAN, point, TOWN])
    version, _ = publish(con, "run-1", pd.DataFrame(VERSION_1)[CATALOG_COLUMNS])
    site = build_site(con, version, tmp_path / "out").path
    town = (site / "sites" / SHINAN / "八大峡街道" / "index.html").read_text(encoding="utf-8")
    assert "<h2>便民服务点</h2>" in town and point in town and "便民服务点 1 个" in town
    page = (site / "sites" / SHINAN / "八大峡街道" / f"{point}.html").read_text(encoding="utf-8")
    assert f"<h1>{point}</h1>" in page and "便民服务点 · 可办事项 1 项" in page
    district = (site / "sites" / SHINAN / "index.html").read_text(encoding="utf-8")
    assert "村(社区)便民服务站 1 个 · 便民服务点 1 个" in district
    assert "1 村居" in (site / "index.html").read_text(encoding="utf-8"), "a 点 is not counted as a 村居"


def test_a_place_page_says_where_and_when_and_the_town_lists_its_silent_stations(con, tmp_path, browser, axe_source):
    from warehouse.coverage import store_places

    store_places(con, {SHINAN: ["八大峡街道"]}, {SHINAN: {"八大峡街道": ["团岛社区", "西藏路社区"]}}, [
        {"site_name": "八大峡街道便民服务中心", "kind": "中心", "district": SHINAN, "town": "八大峡街道", "community": "",
         "partner": "", "address": "团岛二路1号", "phone": "0532-1234567", "hours": "工作日 9:00-17:00",
         "windows": "综合业务、帮办代办、咨询投诉"},
        {"site_name": "团岛社区便民服务站", "kind": "站", "district": SHINAN, "town": "八大峡街道", "community": "团岛社区",
         "partner": "", "address": "团岛三路2号", "phone": "0532-7654321", "hours": "", "windows": ""},
        {"site_name": "团岛社区邮政便民服务点", "kind": "点", "district": SHINAN, "town": "八大峡街道",
         "community": "团岛社区", "partner": "邮政", "address": "", "phone": "", "hours": "营业时间内", "windows": ""}])
    version, site = build(con, tmp_path / "out", {SHINAN: "run-1", LAOSHAN: "run-1"}, VERSION_1, SITES, "run-1")
    town = (site / "sites" / SHINAN / "八大峡街道" / "index.html").read_text(encoding="utf-8")
    assert "<dt>地址</dt><dd>团岛二路1号</dd>" in town and "<dt>办公时间</dt><dd>工作日 9:00-17:00</dd>" in town
    assert "西藏路社区便民服务站<span class=\"count\">暂无公布事项</span>" in town
    assert "团岛社区邮政便民服务点<span class=\"count\">暂无公布事项</span>" in town
    station = (site / "sites" / SHINAN / "八大峡街道" / "团岛社区.html").read_text(encoding="utf-8")
    assert "<dt>联系电话</dt><dd>0532-7654321</dd>" in station and "<dt>办公时间</dt>" not in station
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone, as people look before walking there
    page.goto((site / "sites" / SHINAN / "八大峡街道" / "index.html").as_uri())
    assert "团岛二路1号" in page.inner_text("dl.place")
    assert not serious_axe_violations(page, axe_source)
    page.close()
