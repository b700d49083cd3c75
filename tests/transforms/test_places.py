"""transforms.communities and the places of rows: the communities list, listed names kept whole,
sections and merged cells that never override a row's own cells."""

import pytest

from tests.transforms.test_ingest import CONTEXT, xlsx_bytes
from transforms.communities import CommunityList, community_key, community_lists, list_problems
from transforms.ingest import IngestContext, ingest_file
from transforms.row_sites import assign_sites
from transforms.sites import parse_site

DISTRICT = "崂山区"
TOWNS = ["沙子口街道", "王哥庄街道", "北宅街道"]
LIST = community_lists([
    {"区市名称": DISTRICT, "镇街名称": town, "村社区名称": name}
    for town, names in {
        "沙子口街道": ["东麦窑社区", "河坝村", "1号院社区", "2号院社区", "东村", "沙子口社区"],
        "王哥庄街道": ["东台村", "青山一区社区", "青山二区社区", "东村", "港东A座社区", "港东B座社区"],
        "北宅街道": ["北宅社区"],
    }.items() for name in names
])[DISTRICT]


def rows_of(community_cells, town_cells=None, source_file="崂山区/清单.xlsx", sections=None, communities=LIST):
    blank = [""] * len(community_cells)
    return assign_sites(town_cells or blank, community_cells, blank, blank, sections or blank, None, source_file,
                        DISTRICT, TOWNS, communities)


@pytest.mark.parametrize("written, town, listed", [
    pytest.param("东麦窑社区居委会", "沙子口街道", "东麦窑社区", id="社区居委会"),
    pytest.param("东麦窑社区居民委员会", "沙子口街道", "东麦窑社区", id="社区居民委员会"),
    pytest.param("东麦窑居委会", "沙子口街道", "东麦窑社区", id="居委会 for the 社区"),
    pytest.param("东麦窑社区便民服务站", "沙子口街道", "东麦窑社区", id="the station's name"),
    pytest.param("河坝村民委员会", "沙子口街道", "河坝村", id="村民委员会"),
    pytest.param("河坝社区", "沙子口街道", "河坝村", id="村改居: the listed 村 written 社区"),
    pytest.param("沙子口街道东麦窑社区", "沙子口街道", "东麦窑社区", id="the town in front"),
    pytest.param("沙子口社区", "沙子口街道", "沙子口社区", id="a listed community named after its town"),
    pytest.param("一号院社区", "沙子口街道", "1号院社区", id="a Chinese numeral for the listed digit"),
    pytest.param("2号院社区居委会", "沙子口街道", "2号院社区", id="a digit kept"),
    pytest.param("青山1区社区", "王哥庄街道", "青山一区社区", id="1区 is 一区"),
    pytest.param("港东b座社区", "王哥庄街道", "港东B座社区", id="a Latin letter, any case"),
])
def test_a_written_community_takes_its_listed_name(written, town, listed):
    sites = rows_of([written], [town])
    assert (sites.towns, sites.communities) == ([town], [listed])
    assert not sites.unknown_communities


def test_names_that_differ_by_a_digit_or_a_letter_stay_two_places():
    assert len({community_key(n) for n in ("1号院社区", "2号院社区", "港东A座社区", "港东B座社区")}) == 4
    assert parse_site("1号院社区", TOWNS, DISTRICT).community == "1号院社区"
    assert parse_site("港东A座社区便民服务站", TOWNS, DISTRICT).community == "港东A座社区"
    sites = rows_of(["1号院社区", "2号院社区", "青山一区社区", "青山二区社区"],
                    ["沙子口街道", "沙子口街道", "王哥庄街道", "王哥庄街道"])
    assert sites.communities == ["1号院社区", "2号院社区", "青山一区社区", "青山二区社区"]


def test_a_community_file_that_names_no_town_is_placed_by_the_list():
    sites = rows_of(["东麦窑社区", "东麦窑社区"], source_file="崂山区/东麦窑社区便民服务站事项清单.xlsx")
    assert sites.towns == ["沙子口街道", "沙子口街道"] and sites.communities == ["东麦窑社区"] * 2
    assert sites.evidence[0].startswith("镇(街道)：村(社区)名单")


def test_a_name_listed_under_two_towns_is_not_placed_by_the_list():
    sites = rows_of(["东村"], source_file="崂山区/东村.xlsx")
    assert sites.towns == [""], "东村 is under 沙子口街道 and 王哥庄街道: reported (site.unknown), never guessed"
    above = rows_of(["", "东村"], ["王哥庄街道", ""])
    assert above.towns == ["王哥庄街道", "王哥庄街道"], "the town above is one of the list's: other evidence"
    wrong = rows_of(["", "东台村"], ["北宅街道", ""])
    assert wrong.towns == ["北宅街道", "王哥庄街道"], "the list places 东台村 before the town above is tried"


def test_without_a_list_a_bare_community_stays_unplaced():
    sites = rows_of(["东麦窑社区"], source_file="崂山区/东麦窑社区.xlsx", communities=CommunityList({}))
    assert sites.towns == [""]


def test_a_community_its_town_does_not_list_is_used_and_reported():
    sites = rows_of(["西麦窑社区"], ["沙子口街道"])
    assert (sites.towns, sites.communities) == (["沙子口街道"], ["西麦窑社区"])
    assert sites.unknown_communities == {("沙子口街道", "西麦窑社区"): "村(社区)列"}
    unlisted_town = rows_of(["某某社区"], ["新城镇"])
    assert not unlisted_town.unknown_communities, "a town without a list says nothing of its communities"


def test_a_section_naming_a_town_never_overrides_the_rows_own_community():
    sites = rows_of(["东麦窑社区", ""], sections=["沙子口街道便民服务中心"] * 2)
    assert sites.towns == ["沙子口街道", "沙子口街道"]
    assert sites.communities == ["东麦窑社区", ""]
    assert sites.levels == ["村(社区)", "镇(街道)"]


HEADER = ["所属镇街", "村（社区）", "事项名称", "事项编码", "办理时限"]


def test_a_merged_town_column_with_blank_separators_keeps_every_community():
    """The hidden city's sheet: 所属镇街 merged down the table, 村（社区） merged per block, blank rows between."""
    rows = [HEADER,
            [None, None, "高龄津贴", "370520001000", "5个工作日"],
            [None, None, "残疾人证办理", "370500004000", "即办"],
            [None, None, None, None, None],
            [None, None, "高龄津贴", "370520001000", "5个工作日"],
            [None, None, "残疾人证办理", "370500004000", "即办"],
            [None, None, None, None, None],
            [None, None, "高龄津贴", "370520001000", "5个工作日"]]
    merges = [(1, 0, 7, 0, "沙子口街道"), (1, 1, 2, 1, "沙子口街道便民服务中心"), (4, 1, 5, 1, "东麦窑社区")]
    rows[7][1] = "河坝村委会"
    context = IngestContext(CONTEXT.synonyms, {DISTRICT: TOWNS}, None, {DISTRICT: LIST})
    result = ingest_file(xlsx_bytes(("清单", rows, merges)), "崂山区/沙子口街道.xlsx", DISTRICT, context)
    got = result.rows.select(["row_number", "town", "community", "site_level"]).to_pylist()
    assert [(r["row_number"], r["town"], r["community"], r["site_level"]) for r in got] == [
        (2, "沙子口街道", "", "镇(街道)"), (3, "沙子口街道", "", "镇(街道)"),
        (5, "沙子口街道", "东麦窑社区", "村(社区)"), (6, "沙子口街道", "东麦窑社区", "村(社区)"),
        (8, "沙子口街道", "河坝村", "村(社区)")]


def test_a_section_row_inside_a_merged_town_block_still_opens_its_site():
    header = ["所属镇街", "事项名称", "事项编码", "办理时限"]
    body = [[None, "一、东麦窑社区便民服务站", None, None], [None, "高龄津贴", "370520001000", "5个工作日"],
            [None, "二、河坝村便民服务站", None, None], [None, "高龄津贴", "370520001000", "5个工作日"]]
    context = IngestContext(CONTEXT.synonyms, {DISTRICT: TOWNS}, None, {DISTRICT: LIST})
    result = ingest_file(xlsx_bytes(("清单", [header, *body], [(1, 0, 4, 0, "沙子口街道")])), "崂山区/汇总.xlsx",
                         DISTRICT, context)
    got = result.rows.select(["row_number", "town", "community"]).to_pylist()
    assert [(r["row_number"], r["town"], r["community"]) for r in got] == [
        (3, "沙子口街道", "东麦窑社区"), (5, "沙子口街道", "河坝村")]


def test_unknown_communities_are_one_finding_each():
    rows = [["镇街", "村居", "事项名称", "事项编码"], ["沙子口街道", "西麦窑社区", "高龄津贴", "370520001000"],
            ["沙子口街道", "西麦窑社区", "残疾人证办理", "370500004000"]]
    context = IngestContext(CONTEXT.synonyms, {DISTRICT: TOWNS}, None, {DISTRICT: LIST})
    result = ingest_file(xlsx_bytes(("清单", rows, [])), "崂山区/汇总.xlsx", DISTRICT, context)
    found = [f for f in result.findings if f.rule == "site.unknown_community"]
    assert len(found) == 1 and "西麦窑社区" in found[0].message and found[0].severity == "warning"


def test_a_point_is_a_site_of_its_own_on_its_community_or_its_town():
    sites = rows_of(["和港社区邮政便民服务点", "东麦窑社区", "", ""],
                    ["沙子口街道", "沙子口街道", "沙子口街道", "沙子口街道"],
                    sections=["", "", "六、沙子口农商银行便民服务点", ""])
    assert sites.points == ["和港社区邮政便民服务点", "", "沙子口农商银行便民服务点", ""]
    assert sites.communities == ["和港社区", "东麦窑社区", "", ""]
    assert sites.levels == ["村(社区)", "村(社区)", "镇(街道)", "镇(街道)"]
    assert "便民服务点：分节行" in sites.evidence[2]


def test_a_point_section_row_opens_the_points_block():
    """The hidden city: 六、…农商银行便民服务点 left the 点's rows on the station of the section above."""
    header = ["事项名称", "事项编码", "办理时限"]
    body = [["一、东麦窑社区便民服务站", None, None], ["高龄津贴", "370520001000", "5个工作日"],
            ["二、东麦窑社区农商银行便民服务点", None, None], ["高龄津贴", "370520001000", "5个工作日"],
            ["三、北宅农商银行便民服务点", None, None], ["高龄津贴", "370520001000", "5个工作日"]]
    context = IngestContext(CONTEXT.synonyms, {DISTRICT: TOWNS}, None, {DISTRICT: LIST})
    result = ingest_file(xlsx_bytes(("清单", [header, *body], [])), "崂山区/汇总.xlsx", DISTRICT, context)
    got = result.rows.select(["row_number", "town", "community", "site_point", "site_level"]).to_pylist()
    assert [tuple(r.values()) for r in got] == [
        (3, "沙子口街道", "东麦窑社区", "", "村(社区)"),
        (5, "沙子口街道", "东麦窑社区", "东麦窑社区农商银行便民服务点", "村(社区)"),
        (7, "北宅街道", "", "北宅农商银行便民服务点", "镇(街道)")]


def test_a_point_named_by_its_file():
    sites = rows_of(["和港社区"], source_file="崂山区/第一批/和港社区邮政便民服务点服务事项.xlsx",
                    communities=community_lists([{"区市名称": DISTRICT, "镇街名称": "王哥庄街道",
                                                  "村社区名称": "和港社区"}])[DISTRICT])
    assert (sites.towns, sites.communities, sites.points) == (["王哥庄街道"], ["和港社区"], ["和港社区邮政便民服务点"])


def test_a_title_row_names_the_sheets_site():
    header = ["事项名称", "事项编码", "办理时限"]
    rows = [["王哥庄街道东台村便民服务事项清单"], header, ["高龄津贴", "370520001000", "5个工作日"]]
    result = ingest_file(xlsx_bytes(("Sheet2", rows, [])), "崂山区/王哥庄街道便民服务事项.xlsx", DISTRICT,
                         IngestContext(CONTEXT.synonyms, {DISTRICT: TOWNS}, None, {DISTRICT: LIST}))
    [row] = result.rows.select(["town", "community", "site_evidence"]).to_pylist()
    assert (row["town"], row["community"]) == ("王哥庄街道", "东台村") and "村(社区)：标题行" in row["site_evidence"]


def test_a_placeholder_in_the_community_column_is_the_towns_own_row():
    sites = rows_of(["/", "—", "无"], ["沙子口街道"] * 3)
    assert sites.communities == ["", "", ""] and sites.levels == ["镇(街道)"] * 3


def test_a_community_file_whose_name_the_list_has_twice_says_which_towns():
    rows = [["村（社区）", "事项名称", "事项编码"], ["东村", "高龄津贴", "370520001000"]]
    context = IngestContext(CONTEXT.synonyms, {DISTRICT: TOWNS}, None, {DISTRICT: LIST})
    result = ingest_file(xlsx_bytes(("Sheet1", rows, [])), "崂山区/东村事项清单.xlsx", DISTRICT, context)
    assert result.rows["town"].to_pylist() == [""]
    [finding] = [f for f in result.findings if f.rule == "site.community_in_several_towns"]
    assert "沙子口街道" in finding.message and "王哥庄街道" in finding.message and finding.severity == "error"


def test_a_town_stem_in_front_of_a_community_gives_way_to_the_town_the_file_names():
    towns = ["兴山街道", "安兴路街道"]
    sites = assign_sites([""], [""], [""], [""], ["二、兴山山庄社区便民服务站"], None, "市南区/安兴路街道.csv", "市南区",
                         towns, CommunityList({}))
    assert (sites.towns, sites.communities) == (["安兴路街道"], ["兴山山庄社区"])
    alone = assign_sites([""], [""], [""], [""], ["二、兴山山庄社区便民服务站"], None, "市南区/汇总.csv", "市南区",
                         towns, CommunityList({}))
    assert (alone.towns, alone.communities) == (["兴山街道"], ["山庄社区"]), "nothing else names a town"
    assert parse_site("北底社区居民委员会", ["北底镇"]).community == "北底社区", "the stem's own 社区, not 社区居委会"


def test_the_lists_own_problems_are_listed_at_once():
    rows = [{"区市名称": DISTRICT, "镇街名称": "沙子口街道", "村社区名称": "东麦窑社区服务站"},
            {"区市名称": DISTRICT, "镇街名称": "沙子口街道", "村社区名称": "东麦窑社区"},
            {"区市名称": DISTRICT, "镇街名称": "北宅街道", "村社区名称": "1号院社区居委会"},
            {"区市名称": DISTRICT, "镇街名称": "某某街道", "村社区名称": "河坝村"},
            {"区市名称": "某区", "镇街名称": "某某街道", "村社区名称": "河坝村"},
            {"区市名称": DISTRICT, "镇街名称": "沙子口街道", "村社区名称": ""}]
    problems = list_problems(rows, {DISTRICT: TOWNS})
    assert [(p["row_number"], p["rule"]) for p in problems] == [
        (2, "reference.community_name_nonstandard"), (3, "reference.community_repeated"),
        (4, "reference.community_name_nonstandard"), (5, "reference.community_town_unknown"),
        (6, "reference.community_district_unknown"), (7, "reference.community_incomplete")]
    assert "'1号院社区'" in problems[2]["message"], "the standard form keeps the digit"
    assert list_problems([{"区市名称": DISTRICT, "镇街名称": "沙子口街道", "村社区名称": "2号院社区"}],
                         {DISTRICT: TOWNS}) == []


def test_variants_never_merge_two_listed_names():
    both = community_lists([{"区市名称": DISTRICT, "镇街名称": "沙子口街道", "村社区名称": n}
                            for n in ("河坝村", "河坝社区", "青山一区社区", "青山二区社区")])[DISTRICT]
    sites = rows_of(["河坝社区居委会", "河坝村委会", "青山2区社区", "河坝"], ["沙子口街道"] * 4, communities=both)
    assert sites.communities == ["河坝社区", "河坝村", "青山二区社区", "河坝"]
    assert sites.unknown_communities == {("沙子口街道", "河坝"): "村(社区)列"}, "河坝 could be either: reported"


def test_a_file_is_sent_its_own_districts_list_only():
    from transforms.ingest import context_for

    lists = {DISTRICT: LIST, "市南区": CommunityList({"八大峡街道": ["团岛社区"]})}
    context = IngestContext(CONTEXT.synonyms, {DISTRICT: TOWNS}, None, lists)
    assert context_for(context, DISTRICT).communities == {DISTRICT: LIST}
    assert context_for(context, "城阳区").communities == {}
    assert context_for(IngestContext(CONTEXT.synonyms), DISTRICT).communities == {}
