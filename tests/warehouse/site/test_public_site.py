"""The public site (公开公示): written from published versions, every page linked, escaped and small,
swapped in whole. The browser tests are in tests/flows/test_public_site_browser.py."""

import json
import os
import re
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pandas as pd
import pytest

from warehouse import db
from warehouse.site import public_site
from warehouse.site.public_site import SITE_DIR, build_site
from warehouse.publish import CATALOG_COLUMNS, publish
from warehouse.site.pages import code_file, item_path

TOWN, COMMUNITY = "镇(街道)", "村(社区)"
HOSTILE = "<script>alert(1)</script>&补贴"


def item(code, name, level=TOWN, **elements):
    row = {c: None for c in CATALOG_COLUMNS}
    row.update(site_level=level, catalog_code=code, item_name=name, item_type="行政给付", department="区民政局",
               legal_basis="《社会救助暂行办法》第九条；《山东省社会救助办法》第十条", exercise_levels="县级",
               acceptance_conditions="具有本地户籍的困难家庭。", materials="申请书；居民身份证；户口簿",
               statutory_limit="20个工作日", promised_limit="10个工作日", fee_charged=False, handling_type="承诺件",
               is_online=True, is_proxy=True, district_count=1, site_count=1)
    row.update(elements)
    return row


EXTRAS = json.dumps({"服务对象": "1；2", "办理地点": "各镇(街道)便民服务中心综合受理窗口", "实施主体组织机构代码": "006939756",
                     "咨询电话": "0532-12345678",
                     "办理流程": "申请人提出申请，镇(街道)受理并审核，区民政局审批，结果通过便民服务站送达申请人。" * 2},
                    ensure_ascii=False)
VERSION_1 = [
    item("370700136000", "低保边缘家庭认定", guide_extras=EXTRAS),
    item("370700136000", "低保边缘家庭认定", level=COMMUNITY, guide_extras=EXTRAS),
    item("000500300000", HOSTILE),
    item("#12", "临时救助（急难型）", legal_basis=None, materials=None, department=None, item_type=None),
    item("000700152001", "残疾人证办理", item_type="行政确认", department="区残联"),
]
SITES = [  # (district, town, community or None, level, code)
    ("市南区", "八大峡街道", None, TOWN, "370700136000"),
    ("市南区", "八大峡街道", "团岛社区", COMMUNITY, "370700136000"),
    ("市南区", "八大峡街道", None, TOWN, "000500300000"),
    ("市南区", "八大峡街道", None, TOWN, "#12"),
    ("崂山区", "沙子口街道", None, TOWN, "000700152001"),
    ("崂山区", "沙子口街道", None, TOWN, "370700136000"),
]


def publish_version(con, rows, sites, run_id):
    con.execute("DELETE FROM core.site_items")
    for i, (district, town, community, level, code) in enumerate(sites):
        con.execute("INSERT INTO core.site_items (item_id, district, town, community, site_level, catalog_code, "
                    "match_method) VALUES (?, ?, ?, ?, ?, ?, 'code')", [i, district, town, community, level, code])
    return publish(con, run_id, pd.DataFrame(rows)[CATALOG_COLUMNS])


@pytest.fixture()
def warehouse(tmp_path):
    con = db.connect(tmp_path / "mulu.duckdb")
    con.execute("INSERT INTO core.aliases VALUES ('低保边缘', '低保边缘户认定', '370700136000', 'alias', NULL, NULL)")
    publish_version(con, VERSION_1, SITES, "run-1")
    version_2 = [r for r in VERSION_1 if r["catalog_code"] != "000700152001"]
    version_2 = [dict(r, promised_limit="5个工作日") if r["catalog_code"] == "370700136000" else r for r in version_2]
    version_2.append(item("000500301000", "重度残疾人护理补贴"))
    publish_version(con, version_2, [s for s in SITES if s[4] != "000700152001"]
                    + [("崂山区", "沙子口街道", None, TOWN, "000500301000")], "run-2")
    yield con
    con.close()


@pytest.fixture()
def site(warehouse, tmp_path) -> Path:
    build_site(warehouse, 2, tmp_path / "out", {"市南区": "370202", "崂山区": "370212"})
    return tmp_path / "out" / SITE_DIR


def pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}


def test_every_published_item_has_a_guide_with_every_element(site):
    codes = {"370700136000", "000500300000", "#12", "000500301000"}
    assert {p.name for p in (site / "items").iterdir()} == {f"{code_file(c)}.html" for c in codes}
    guide = (site / item_path("370700136000")).read_text(encoding="utf-8")
    assert 'data-item-code="370700136000"' in guide and "<h1>低保边缘家庭认定</h1>" in guide
    for label in ("事项编码", "事项类型", "设定依据", "受理条件", "申请材料", "法定办结时限", "承诺办结时限", "是否收费",
                  "办件类型", "行使层级", "网上可办", "便民服务层级", "开展站点", "版本记录"):
        assert f">{label}<" in guide, label
    assert "<li>《社会救助暂行办法》第九条</li>" in guide, "依据 as a list"
    assert "<td>居民身份证</td>" in guide, "材料 as a table"
    assert ">服务对象<" in guide and "办理地点" in guide and "<h2>办理流程</h2>" in guide, "the catalog's other elements"
    assert "006939756" not in guide, "identifier columns stay off the guide"
    assert "低保边缘户认定" in guide, "aliases are named"
    empty = (site / item_path("#12")).read_text(encoding="utf-8")
    assert empty.count(public_site.MISSING) >= 3, "a missing element is said, not hidden"
    assert not any(re.search(r">\s*nan\s*<|>None<", text) for text in pages(site).values()), "no empty value as a word"


def test_every_name_and_text_is_escaped(site):
    for path, text in pages(site).items():
        assert "<script>alert" not in text, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;补贴" in (site / item_path("000500300000")).read_text(encoding="utf-8")


def test_every_link_leads_to_a_file_of_the_site(site):
    checked = 0
    for path, text in pages(site).items():
        for link in re.findall(r'(?:href|src)="([^"#?]+)', text):
            target = (site / path).parent / unquote(link)
            assert target.resolve().is_file(), f"{path} → {link}"
            assert site.resolve() in target.resolve().parents, f"{path} → {link} leaves the site"
            checked += 1
    assert checked > 200


def test_browse_from_a_district_down_to_a_community(site):
    district = (site / "sites/市南区/index.html").read_text(encoding="utf-8")
    assert "八大峡街道/index.html" in unquote(district)
    town = (site / "sites/市南区/八大峡街道/index.html").read_text(encoding="utf-8")
    assert "团岛社区.html" in unquote(town) and 'data-item-code="000500300000"' in town
    community = (site / "sites/市南区/八大峡街道/团岛社区.html").read_text(encoding="utf-8")
    assert re.findall(r'<tr data-item-code="([^"]+)"', community) == ["370700136000"]
    guide = unquote((site / item_path("370700136000")).read_text(encoding="utf-8"))
    assert "sites/市南区/八大峡街道/index.html" in guide and "团岛社区" in guide and "sites/崂山区/index.html" in guide
    assert 'href="../sites/市南区/八大峡街道/团岛社区.html">团岛社区</a>' in guide, "开展站点 links to the station"
    index = unquote((site / "index.html").read_text(encoding="utf-8"))
    assert index.index("sites/市南区/index.html") < index.index("sites/崂山区/index.html"), "districts by 区划代码"


def test_facets_count_items_and_decode_audience_codes(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "按服务对象浏览" in index and "自然人" in index and "企业法人" in index
    listing = (site / "lists/audience/自然人.html").read_text(encoding="utf-8")
    assert re.findall(r'<tr data-item-code="([^"]+)"', listing) == ["370700136000"]
    everything = (site / "lists/all/全部事项.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<tr data-item-code=", everything)) == 4


def test_changes_say_what_was_added_adjusted_and_withdrawn(site):
    v2 = (site / "changes/v0002.html").read_text(encoding="utf-8")
    assert "新增（1 项）" in v2 and "调整（2 项）" in v2 and "取消（1 项）" in v2
    assert "承诺办结时限：<del>10个工作日</del> → <ins>5个工作日</ins>" in v2
    assert 'data-item-code="000700152001"' in v2 and item_path("000700152001") not in v2, "a withdrawn item has no page"
    overview = (site / "changes.html").read_text(encoding="utf-8")
    assert "changes/v0001.html" in overview and "changes/v0002.html" in overview
    history = (site / item_path("370700136000")).read_text(encoding="utf-8")
    assert "调整" in history and "新增" in history and "承诺办结时限" in history


def test_downloads_open_in_real_readers(site):
    data = json.loads((site / "data/items.json").read_text(encoding="utf-8"))
    assert data["version"] == 2 and len(data["items"]) == 5
    assert data["items"][0]["guide_extras"] == {} or isinstance(data["items"][0]["guide_extras"], dict)
    workbook = openpyxl.load_workbook(site / "data/便民服务事项指导目录清单.xlsx", read_only=True)
    assert workbook.sheetnames == [TOWN, COMMUNITY]
    header = [c.value for c in next(workbook[TOWN].iter_rows(max_row=1))]
    assert "事项名称" in header and "服务对象" in header and "其他指南要素" not in header
    csv = pd.read_csv(site / "data/便民服务事项指导目录清单.csv", encoding="utf-8-sig", dtype=str)
    assert len(csv) == 5 and set(csv["事项编码"]) >= {"#12", "000500301000"}
    search = (site / "data/search-index.js").read_text(encoding="utf-8")
    payload = json.loads(search.removeprefix("window.MULU_SEARCH=").removesuffix(";\n"))
    rows = {r[0]: r for r in payload["items"]}
    assert set(rows) == {"370700136000", "000500300000", "#12", "000500301000"}
    assert "低保边缘户认定" in rows["370700136000"][2] and rows["#12"][7] == "items/_2312.html"


def test_pages_stay_small(site):
    sizes = {path: len(text.encode()) for path, text in pages(site).items()}
    assert max(sizes.values()) <= 150_000


def test_a_new_build_replaces_the_site_in_one_step_and_a_failed_one_changes_nothing(warehouse, site, monkeypatch):
    out = site.parent
    first = os.readlink(site)
    build_site(warehouse, 2, out)
    second = os.readlink(site)
    assert site.is_symlink() and second != first
    builds = {p.name for p in (out / public_site.BUILDS_DIR).iterdir() if p.is_dir()}
    assert builds == {Path(first).name, Path(second).name}, "the build before stays for readers mid-visit"
    build_site(warehouse, 2, out)
    assert Path(first).name not in {p.name for p in (out / public_site.BUILDS_DIR).iterdir()}, "older ones go"

    def broken(self):
        raise RuntimeError("disk full")

    current = os.readlink(site)
    monkeypatch.setattr(public_site.SiteWriter, "write_changes", broken)
    with pytest.raises(RuntimeError):
        build_site(warehouse, 2, out)
    assert os.readlink(site) == current and (site / "index.html").is_file()
    assert not [p for p in (out / public_site.BUILDS_DIR).iterdir() if p.name.startswith(".tmp-")]


def test_a_site_folder_written_another_way_is_moved_aside(warehouse, tmp_path):
    out = tmp_path / "elsewhere"
    (out / SITE_DIR).mkdir(parents=True)
    (out / SITE_DIR / "index.html").write_text("old", encoding="utf-8")
    build_site(warehouse, 2, out)
    assert (out / SITE_DIR).is_symlink() and "便民服务事项指导目录" in (out / SITE_DIR / "index.html").read_text("utf-8")
    assert any((p / "index.html").is_file() and (p / "index.html").read_text("utf-8") == "old"
               for p in (out / public_site.BUILDS_DIR).iterdir() if p.name.startswith("old-"))


def test_large_lists_are_paged_and_a_guide_offered_everywhere_keeps_to_its_budget(warehouse, tmp_path, monkeypatch):
    monkeypatch.setattr(public_site, "CHANGES_PER_PAGE", 2)
    monkeypatch.setattr(public_site, "PAGE_ITEMS", 3)
    monkeypatch.setattr(public_site, "OFFERED_BUDGET", 780)  # the towns fit, with the community names they do not
    build_site(warehouse, 1, tmp_path / "out")
    site = tmp_path / "out" / SITE_DIR
    first = (site / "changes/v0001.html").read_text(encoding="utf-8")
    assert "第 1/3 页" in first and "changes/v0001-3.html" in first and (site / "changes/v0001-3.html").is_file()
    assert (site / "lists/all/全部事项-2.html").is_file()
    everywhere = (site / item_path("370700136000")).read_text(encoding="utf-8")
    section = everywhere[everywhere.index("<h2>开展站点</h2>"):everywhere.index("<h2>版本记录</h2>")]
    assert "团岛社区" not in section and "八大峡街道" in section, "community names go first, counts stay"
    assert "1 个村(社区)便民服务站" in section
