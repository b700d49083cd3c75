"""The 服务站点 pages of a district nothing changed for are linked from the site's last build, and
say in their footer which version wrote them; any change they show writes them again."""

import json
import os

import pytest

from tests.warehouse.site.test_public_site import COMMUNITY, SITES, VERSION_1, publish_version
from warehouse import db
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
