"""transforms.matching: distinct (name, code) pairs → catalog item, or people with candidates.

Queries and catalog are normalized exactly as the warehouse does it (names_table, codes_table,
alias keys by name_key), so each case reads as "a district wrote X; the catalog holds Y".
"""

import json

import pandas as pd
import pytest

from transforms.codes import code_key
from transforms.matching import MatchSettings, match_pairs
from transforms.name_identity import alias_key, identity_of_name
from transforms.normalize import codes_table, names_table

CATALOG_ITEMS = [
    ("370500001001", "食品经营许可(新办)"),
    ("370500001002", "食品经营许可(变更)"),
    ("370500002002", "燃气经营许可证注销"),
    ("002000149001", "城乡居民基本养老保险参保登记"),
    ("002000149002", "城乡居民基本养老保险变更登记"),
    ("370500277000", "高龄老人生活补贴"),
    ("370500003000", "农村危房改造补助(县级)"),
    ("370500004000", "残疾人证办理"),
    ("370500005001", "建筑垃圾处置核准(县级)"),
    ("370500005002", "建筑垃圾处置核准(镇级)"),
    ("370500006000", "最低生活保障金给付"),
    ("370500007000", "特困人员救助供养"),
    ("370500008001", "医疗机构执业变更(即办件)(县级)"),
    ("370500009001", "拖拉机/联合收割机驾驶证转入"),
    ("370500010001", "省际间调运林草植物检疫证书新办核发"),
    ("370500011000", "污染防治协议公证指引"),
]
GAS_CHANGE = "燃气经营许可证变更"
GAS_CANCEL_CODE = "370500002002"
NAME_COLUMNS = ["name_key", "name_situations", "name_qualifier", "name_notes", "name_guide"]


def catalog_frame(items, alternatives=None):
    """The catalog as warehouse/build.py hands it over: names normalized, every code key of an item."""
    names = names_table([name for _, name in items])
    alternatives = alternatives or {}
    return pd.DataFrame({
        "code": [code for code, _ in items],
        "name": [name for _, name in items],
        **{c: names[c] for c in NAME_COLUMNS},
        "code_keys": [[code_key(code), *alternatives.get(code, [])] for code, _ in items],
    })


def alias_frame(pairs):
    return pd.DataFrame({
        "alias_key": [alias_key(alias) for alias, _, _ in pairs],
        "code": [code for _, code, _ in pairs],
        "method": [method for _, _, method in pairs],
    })


CATALOG = catalog_frame(CATALOG_ITEMS)
ALIASES = alias_frame([("高龄津贴", "370500277000", "alias"), ("低保金领取", "370500006000", "reviewed"),
                       ("老年优待证", "999999999999", "alias")])


def match(pairs, catalog=CATALOG, aliases=ALIASES, settings=MatchSettings()):
    names = names_table([name for name, _ in pairs])
    codes = codes_table([code for _, code in pairs])
    queries = pd.DataFrame({**{c: names[c] for c in NAME_COLUMNS},
                            "code_key": [code_key(t) for t in codes["code_text"]]})
    return match_pairs(queries, catalog, aliases, settings)


def match_one(name, code="", **kwargs):
    return match([(name, code)], **kwargs).iloc[0]


def candidate_codes(row):
    return [code for code, _ in json.loads(row["candidates"])]


@pytest.mark.parametrize("name, code, catalog_code, method", [
    pytest.param("残疾人证办理", "", "370500004000", "name", id="exact name"),
    pytest.param(" 残疾人证 办理。", "", "370500004000", "name", id="exact after spaces and punctuation"),
    pytest.param("残疾人证办理（县级）", "", "370500004000", "name",
                 id="bracket qualifier (县级) on the query falls back to the core key"),
    pytest.param("农村危房改造补助", "", "370500003000", "name",
                 id="catalog name carries (县级), query does not: core key"),
    pytest.param("农村危房改造补助（县级行使）", "", "370500003000", "name", id="(县级行使) is the level 县级"),
    pytest.param("建筑垃圾处置核准（县级权限）", "", "370500005001", "name", id="level-split catalog: (县级权限) → 县级 item"),
    pytest.param("建筑垃圾处置核准(镇级)", "", "370500005002", "name", id="level-split catalog: (镇级) → 镇级 item"),
    pytest.param("食品经营许可（变更）", "", "370500001002", "name", id="situation-split catalog: (变更) → 变更 item"),
    pytest.param("食品经营许可(新办)", "", "370500001001", "name", id="situation-split catalog: (新办) → 新办 item"),
    pytest.param("高龄津贴", "", "370500277000", "alias", id="registered alias"),
    pytest.param("高龄津贴（县级）", "", "370500277000", "alias", id="alias with a bracket qualifier"),
    pytest.param("低保金领取", "", "370500006000", "reviewed", id="alias answered by staff"),
    pytest.param("污染防治协议公正指引", "", "370500011000", "fuzzy", id="same-sounding typo 公正/公证"),
    pytest.param("城乡居民基本养老保险之参保登记", "", "002000149001", "fuzzy", id="之 added"),
    pytest.param("食品经营许可变更", "", "370500001002", "name", id="the sub-item's bracket written plainly"),
    pytest.param("医疗机构执业变更（即办件）", "", "370500008001", "name", id="level bracket dropped"),
    pytest.param("农村危房改造补助（网办）", "", "370500003000", "name", id="网办 marker is noise"),
    pytest.param("残疾人证", "370500004000", "370500004000", "code", id="code match accepted with a similar name"),
    pytest.param("残疾人证办理", "370500004000", "370500004000", "code", id="code and name agree"),
    pytest.param("", "370500004000", "370500004000", "code", id="empty name with a valid code"),
    pytest.param("", "3705-0000-4000", "370500004000", "code", id="code written with dashes"),
    pytest.param("残疾人证办理", "370599999000", "370500004000", "name", id="code not in catalog, exact name"),
])
def test_accepted_matches(name, code, catalog_code, method):
    row = match_one(name, code)
    assert (row["catalog_code"], row["match_method"]) == (catalog_code, method)
    assert row["evidence"]
    if code and code_key(code) not in set(CATALOG["code"]) and "-" not in code:
        assert row["code_repair"] == "not_in_catalog"


@pytest.mark.parametrize("name, code, method, must_be_candidates", [
    pytest.param("食品经营许可", "", "review", ["370500001001", "370500001002"],
                 id="situation-split catalog, bare name: review with both, never auto"),
    pytest.param("食品经营许可（延续）", "", "review", ["370500001001", "370500001002"],
                 id="situation the catalog lacks: review"),
    pytest.param("建筑垃圾处置核准", "", "review", ["370500005001", "370500005002"],
                 id="level-split catalog, bare name: review"),
    pytest.param(GAS_CHANGE, "", "review", [GAS_CANCEL_CODE],
                 id="燃气经营许可证变更 is not 燃气经营许可证注销"),
    pytest.param("高龄老人生活补贴", "370500004000", "review", ["370500004000", "370500277000"],
                 id="code → 残疾人证办理, name → 高龄老人生活补贴: review with both"),
    pytest.param("高龄津贴", "370500004000", "review", ["370500004000", "370500277000"],
                 id="code and alias disagree: review with both"),
    pytest.param("完全无关的事项名称", "370500004000", "review", ["370500004000"],
                 id="code in catalog but the name is unrelated: review"),
    pytest.param("宠物犬只登记", "", "none", [], id="unrelated name: none, maybe a new item"),
    pytest.param("城乡居民养老保险参保登记", "", "review", ["002000149001"], id="a dropped word is meaning"),
    pytest.param("医疗机构执业变更（承诺件）（县级）", "", "review", ["370500008001"],
                 id="承诺件 is never 即办件"),
    pytest.param("拖拉机/联合收割机驾驶证转出", "", "review", ["370500009001"], id="转出 is never 转入"),
    pytest.param("省内调运林草植物检疫证书新办核发", "", "review", ["370500010001"], id="省内 is never 省际间"),
    pytest.param("老年优待证", "", "none", [], id="a bundled alias of a code not in the catalog is ignored"),
    pytest.param("", "", "none", [], id="neither name nor code"),
])
def test_unaccepted_matches(name, code, method, must_be_candidates):
    row = match_one(name, code)
    assert row["match_method"] == method
    assert pd.isna(row["catalog_code"])
    assert set(must_be_candidates) <= set(candidate_codes(row))
    assert row["evidence"]


@pytest.mark.parametrize("catalog_items, query", [
    pytest.param([(GAS_CANCEL_CODE, "燃气经营许可证注销")], GAS_CHANGE, id="only 注销 in catalog, query 变更"),
    pytest.param([(GAS_CANCEL_CODE, "燃气经营许可证注销")], "燃气经营许可证 变更 ", id="query with stray spaces"),
    pytest.param([("370500002001", "燃气经营许可证变更")], "燃气经营许可证注销", id="only 变更 in catalog, query 注销"),
    pytest.param([(GAS_CANCEL_CODE, "城镇管道燃气经营企业燃气经营许可证注销")], "城镇管道燃气经营企业燃气经营许可证变更",
                 id="long names score high, the words still differ"),
    pytest.param([("1", "人体器官肝脏移植医师执业资格认定")], "人体器官肺脏移植医师执业资格认定",
                 id="肝/肺 share a radical only: not a typo"),
])
def test_a_differing_word_is_never_accepted(catalog_items, query):
    row = match_one(query, catalog=catalog_frame(catalog_items))
    assert row["match_method"] == "review"
    assert pd.isna(row["catalog_code"])


def test_a_sibling_the_catalog_lacks_is_not_matched_through_the_code_it_shares():
    """实验动物生产许可(延续) is not in the catalog; its 目录编码 is shared with (变更) and (注销)."""
    catalog = catalog_frame([("A1", "实验动物生产许可(变更)"), ("A2", "实验动物生产许可(注销)")],
                            alternatives={"A1": ["440100001000"], "A2": ["440100001000"]})
    assert match_one("实验动物生产许可(延续)", "440100001000", catalog=catalog)["match_method"] == "review"
    row = match_one("实验动物生产许可(注销)", "440100001000", catalog=catalog)
    assert (row["catalog_code"], row["match_method"]) == ("A2", "code")


def test_a_repeated_name_is_matched_by_its_code_or_by_people():
    catalog = catalog_frame([("P1", "律师事务所设立许可"), ("C1", "律师事务所设立许可")])
    assert match_one("律师事务所设立许可", catalog=catalog)["match_method"] == "review"
    row = match_one("律师事务所设立许可", "C1", catalog=catalog)
    assert (row["catalog_code"], row["match_method"]) == ("C1", "code")


def test_lost_leading_zeros_are_restored_to_a_code_of_the_catalog_s_own_length():
    catalog = catalog_frame([("0051230001", "残疾人证办理")])  # a local 10-digit code
    row = match_one("残疾人证办理", "51230001", catalog=catalog)
    assert (row["catalog_code"], row["code_repair"]) == ("0051230001", "leading_zeros_restored")


def test_both_gas_items_in_catalog_each_matches_its_own():
    catalog = catalog_frame([("370500002001", "燃气经营许可证变更"), (GAS_CANCEL_CODE, "燃气经营许可证注销")])
    result = match([(GAS_CHANGE, ""), ("燃气经营许可证注销", "")], catalog=catalog)
    assert result["catalog_code"].tolist() == ["370500002001", GAS_CANCEL_CODE]


def test_fuzzy_ranks_best_candidates_first_among_many_zero_scores():
    """Scores are uint8; negating them unsigned once ranked 0-score items above the 92-score one."""
    row = match_one("城乡居民养老保险参保登记")
    assert candidate_codes(row)[0] == "002000149001"
    assert row["match_score"] >= 90


def test_code_match_runner_up_is_another_item():
    row = match_one("残疾人证", "370500004000")
    assert row["runner_up_code"] != "370500004000"


def test_each_query_row_keeps_its_own_result():
    pairs = [("残疾人证办理", ""), ("食品经营许可", ""), ("", "370500004000"), ("宠物犬只登记", "")]
    result = match(pairs)
    assert result["match_method"].tolist() == ["name", "review", "code", "none"]
    assert len(result) == len(pairs)


def test_empty_queries_and_empty_catalog():
    assert match([]).empty
    row = match_one("残疾人证办理", catalog=catalog_frame([]))
    assert row["match_method"] == "none"


def test_identity_keeps_the_groups_that_tell_siblings_apart():
    assert identity_of_name("食品经营许可（变更）").flat == identity_of_name("食品经营许可变更").core
    assert identity_of_name("医疗机构执业变更（承诺件）").key != identity_of_name("医疗机构执业变更（即办件）").key
    assert identity_of_name("残疾人证办理（县级行使）").flat == "残疾人证办理"


def test_a_name_with_another_body_s_implementation_code_goes_to_people():
    """The catalog holds the provincial 律师执业证书注销审核; a row sends the city body's 实施编码 (not in the
    catalog) with the same name: the code says it is another item, so people decide."""
    catalog = catalog_frame([("114400000069401674244010900200502", "律师执业证书注销审核")])
    row = match_one("律师执业证书注销审核", "11440100007483180K344010900200502", catalog=catalog)
    assert row["match_method"] == "review" and "实施编码不在目录中" in row["evidence"]
    basic = match_one("律师执业证书注销审核", "440109002005", catalog=catalog)  # a 基本编码 names no body
    assert (basic["catalog_code"], basic["match_method"]) == ("114400000069401674244010900200502", "name")


def test_a_district_s_own_implementation_code_of_a_catalog_s_basic_code_is_the_item():
    """The catalog identifies items by 基本编码; a district sends its own 实施编码 (its credit code, a level
    digit and the 基本编码): that is its implementation of the catalog's item, matched by code."""
    row = match_one("残疾人证办理", "11370212MB1234567X2370500004000")
    assert (row["catalog_code"], row["match_method"]) == ("370500004000", "code")
    assert "实施编码" in row["evidence"] and row["code_repair"] is None
    sibling = match_one("食品经营许可(变更)", "11370212MB1234567X2370500001001")
    assert sibling["match_method"] == "review", "the code's item and the name's item differ"


def test_a_name_written_as_one_catalog_item_s_beats_a_code_of_another_item():
    """The verbatim name is the strongest evidence; the code is flagged (code.other_item), not trusted."""
    from transforms.matching import verbatim_of, verbatim_unique

    pairs = [("高龄老人生活补贴", "370500004000"), ("高龄老人生活补贴 ", "370500004000"), ("高龄老人的生活补贴", "370500004000")]
    names, codes = names_table([n for n, _ in pairs]), codes_table([c for _, c in pairs])
    queries = pd.DataFrame({**{c: names[c] for c in NAME_COLUMNS},
                            "name_verbatim": verbatim_of(names["raw"], verbatim_unique(CATALOG["name"])),
                            "code_key": [code_key(t) for t in codes["code_text"]]})
    verbatim, spaced, other = match_pairs(queries, CATALOG, ALIASES).itertuples()
    assert (verbatim.catalog_code, verbatim.match_method, verbatim.coded_item) == ("370500277000", "name", "370500004000")
    assert "逐字一致" in verbatim.evidence and "残疾人证办理" in verbatim.evidence
    assert spaced.catalog_code == "370500277000", "spaces around a name are not part of it"
    assert other.match_method == "review", "not written as the catalog writes it: the conflict goes to people"
