"""transforms.matching: distinct (name, code) pairs → catalog item, or people with candidates.

Queries and catalog are normalized exactly as the warehouse does it (names_table, codes_table,
alias keys by name_key), so each case reads as "a district wrote X; the catalog holds Y".
"""

import json

import pandas as pd
import pytest

from transforms.matching import MatchSettings, guard_signature, identity_keys, match_pairs
from transforms.names import name_key
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
]
GAS_CHANGE = "燃气经营许可证变更"
GAS_CANCEL_CODE = "370500002002"


def catalog_frame(items):
    names = names_table([name for _, name in items])
    return pd.DataFrame({
        "code": [code for code, _ in items],
        "name": [name for _, name in items],
        "name_key": names["name_key"],
        "name_situations": names["name_situations"],
        "name_qualifier": names["name_qualifier"],
    })


def alias_frame(pairs):
    return pd.DataFrame({
        "alias_key": [name_key(alias) for alias, _, _ in pairs],
        "code": [code for _, code, _ in pairs],
        "method": [method for _, _, method in pairs],
    })


CATALOG = catalog_frame(CATALOG_ITEMS)
ALIASES = alias_frame([("高龄津贴", "370500277000", "alias"), ("低保金领取", "370500006000", "reviewed")])


def match(pairs, catalog=CATALOG, aliases=ALIASES, settings=MatchSettings()):
    names = names_table([name for name, _ in pairs])
    codes = codes_table([code for _, code in pairs])
    queries = pd.DataFrame({
        "name_key": names["name_key"],
        "name_situations": names["name_situations"],
        "name_qualifier": names["name_qualifier"],
        "basic_code": codes["basic_code"],
    })
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
    pytest.param("城乡居民养老保险参保登记", "", "002000149001", "fuzzy",
                 id="dropped word 基本: fuzzy accepted"),
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
    if code and codes_table([code])["basic_code"][0] not in set(CATALOG["code"]):
        assert "报送编码不在目录中" in row["evidence"]


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
                 id="long names score above the threshold, guard words still differ"),
])
def test_guard_words_stop_fuzzy_even_with_a_low_threshold(catalog_items, query):
    loose = MatchSettings(auto_accept_score=60.0, auto_accept_margin=0.0)
    row = match_one(query, catalog=catalog_frame(catalog_items), settings=loose)
    assert row["match_method"] == "review"
    assert pd.isna(row["catalog_code"])


def test_the_low_threshold_does_accept_when_guard_words_agree():
    loose = MatchSettings(auto_accept_score=60.0, auto_accept_margin=0.0)
    catalog = catalog_frame([("370500002001", "燃气经营许可证变更")])
    row = match_one("燃气经营许可证书变更", catalog=catalog, settings=loose)
    assert (row["catalog_code"], row["match_method"]) == ("370500002001", "fuzzy")


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


@pytest.mark.parametrize("key, signature", [
    pytest.param("燃气经营许可证变更", (("变更",), ()), id="situation word"),
    pytest.param("燃气经营许可证注销", (("注销",), ()), id="another situation word"),
    pytest.param("第二代残疾人证换发", (("换发",), ("二",)), id="number word"),
    pytest.param("城乡居民基本养老保险参保登记", (("登记",), ()), id="登记"),
])
def test_guard_signature(key, signature):
    assert guard_signature(key) == signature


@pytest.mark.parametrize("name_key_, situations, qualifier, keys", [
    pytest.param("食品经营许可", "变更", "", ("食品经营许可变更", "食品经营许可变更", "食品经营许可"), id="situation"),
    pytest.param("食品经营许可", "新办、变更", "", ("食品经营许可变更新办",) * 2 + ("食品经营许可",),
                 id="several situations sorted"),
    pytest.param("农村危房改造补助", "", "县级行使", ("农村危房改造补助|县级", "农村危房改造补助", "农村危房改造补助"),
                 id="level qualifier without 行使"),
    pytest.param("农村危房改造补助", "", "区级", ("农村危房改造补助|县级", "农村危房改造补助", "农村危房改造补助"),
                 id="区级 is 县级"),
    pytest.param("", "", "", ("", "", ""), id="empty"),
])
def test_identity_keys(name_key_, situations, qualifier, keys):
    assert identity_keys(name_key_, situations, qualifier) == keys
