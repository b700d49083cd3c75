"""transforms.sites and transforms.row_sites: which 镇(街道) and 村(社区) a cell, a sheet or a path names."""

import pytest

from transforms.row_sites import assign_sites, level_word
from transforms.sites import SiteName, parse_site, section_site, sites_in_path

TOWNS = ["沙子口街道", "王哥庄街道", "新乡镇", "浮山新区街道"]


@pytest.mark.parametrize("cell, town, community", [
    pytest.param("沙子口街道便民服务中心", "沙子口街道", "", id="a listed town's centre"),
    pytest.param("沙子口", "沙子口街道", "", id="a listed town without its suffix"),
    pytest.param("王哥庄东台村", "王哥庄街道", "东台村", id="town stem and village"),
    pytest.param("东麦窑社区便民服务站", "", "东麦窑社区", id="a station without its town"),
    pytest.param("东麦窑村委会", "", "东麦窑村", id="村委会 is the village"),
    pytest.param("团结居民委员会", "", "团结居委会", id="居民委员会 is the 居委会"),
    pytest.param("小园社区居民委员会", "", "小园社区", id="社区居民委员会 is the 社区"),
    pytest.param("新乡村", "", "新乡村", id="a village named like a listed town's stem"),
    pytest.param("沙子口路社区", "", "沙子口路社区", id="a community named after a listed town's stem"),
    pytest.param("沙子口街道路社区", "沙子口街道", "路社区", id="the town's full name before a short community"),
    pytest.param("新城镇西关村便民服务站", "新城镇", "西关村", id="an unlisted town and its village"),
    pytest.param("宁江市万寿镇前进村", "万寿镇", "前进村", id="a 区/县/市 name before an unlisted town"),
    pytest.param("浮山新区街道", "浮山新区街道", "", id="…新区街道 is a town, not a district before one"),
    pytest.param("1.河东村", "", "河东村", id="numbered"),
    pytest.param("南塘社区（35项）", "", "南塘社区", id="with a count"),
    pytest.param("镇村", "", "", id="words for sites are no site"),
    pytest.param("便民服务事项", "", "", id="no site"),
])
def test_parse_site(cell, town, community):
    name = parse_site(cell, TOWNS, "崂山区")
    assert (name.town, name.community) == (town, community)


@pytest.mark.parametrize("parts, town, community", [
    pytest.param(["沙子口街道", "东麦窑社区.xlsx"], "沙子口街道", "东麦窑社区", id="town folder, village file"),
    pytest.param(["附件1：沙子口街道便民服务事项清单.xlsx"], "沙子口街道", "", id="附件 and list words around"),
    pytest.param(["2026年11月", "崂山区王哥庄街道便民服务事项目录（2026年11月）.xlsx"], "王哥庄街道", "",
                 id="district before, date after"),
    pytest.param(["2026年报送", "沙溪镇", "村级", "清单.xlsx"], "沙溪镇", "", id="the town two folders up"),
    pytest.param(["崂山区镇街村居便民服务事项汇总表.xlsx"], "", "", id="a district-wide file names no site"),
    pytest.param(["蓝塘镇", "新村村.csv"], "蓝塘镇", "新村村", id="a village named 新村村"),
])
def test_sites_in_path(parts, town, community):
    name = sites_in_path(parts, TOWNS, "崂山区")
    assert (name.town, name.community) == (town, community)


@pytest.mark.parametrize("text, site", [
    ("二、河坝村便民服务站（共62项）", "河坝村便民服务站"),
    ("上高社区便民服务站事项", "上高社区便民服务站"),
    ("注：以上事项均可代办", ""),
])
def test_section_site(text, site):
    assert section_site(text) == site


@pytest.mark.parametrize("word, level", [("镇街本级", "镇(街道)"), ("街道便民服务中心", "镇(街道)"),
                                         ("村级事项", "村(社区)"), ("东麦窑社区", "")])
def test_level_word(word, level):
    assert level_word(word) == level


def test_a_site_column_names_centres_and_stations_and_a_bare_station_takes_the_town_above():
    cells = ["沙子口街道便民服务中心", "东麦窑社区便民服务站", "王哥庄街道便民服务中心", "东台村便民服务站"]
    blank = [""] * len(cells)
    sites = assign_sites(blank, blank, cells, blank, blank, None, "崂山区/汇总.xlsx", "崂山区", TOWNS)
    assert sites.towns == ["沙子口街道", "沙子口街道", "王哥庄街道", "王哥庄街道"]
    assert sites.communities == ["", "东麦窑社区", "", "东台村"]
    assert sites.levels == ["镇(街道)", "村(社区)", "镇(街道)", "村(社区)"]
    assert "上方最近的镇(街道)行" in sites.evidence[1]


def test_an_unlisted_town_is_used_and_reported():
    sites = assign_sites(["新城镇"], ["西关村"], [""], [""], [""], None, "崂山区/a.csv", "崂山区", TOWNS)
    assert (sites.towns, sites.communities, sites.unknown_towns) == (["新城镇"], ["西关村"], {"新城镇": "镇(街道)列"})


def test_nothing_names_the_town_then_it_stays_empty():
    sites = assign_sites([""], ["西关村"], [""], [""], [""], None, "崂山区/汇总.xlsx", "崂山区", TOWNS)
    assert sites.towns == [""] and sites.communities == ["西关村"]
    assert SiteName().town == ""


def test_an_address_in_the_town_column_gives_way_to_the_town_the_file_names():
    """Found by the province sample: 办理地点 read as the town column; a station's row holds its address."""
    towns = ["惜福镇街道", "夏庄街道"]
    sites = assign_sites(["惜福镇街道便民服务中心", "明府社区党群服务中心大厅"], ["", ""],
                         ["惜福镇街道便民服务中心", "明府社区便民服务站"], ["", ""], ["", ""], None,
                         "城阳区/惜福镇街道便民服务事项清单.csv", "城阳区", towns)
    assert sites.towns == ["惜福镇街道", "惜福镇街道"] and sites.communities == ["", "明府社区"]
    assert "文件名" in sites.evidence[1] and not sites.unknown_towns
    alone = assign_sites(["明府社区党群服务中心大厅"], [""], [""], [""], [""], None, "城阳区/清单.csv", "城阳区", towns)
    assert alone.towns == ["明府社区党群服务中心大厅"] and alone.unknown_towns  # nothing better: used, reported
