"""Words of where, by whom and how (transforms/noise_words.py): noise the catalog proves, never a word
the catalog tells items apart by, and never a guess that moves an earlier match to another item."""

import pandas as pd
import pytest

from tests.transforms.test_matching import CATALOG_ITEMS, NAME_COLUMNS, catalog_frame
from transforms.codes import code_key
from transforms.matching import ACCEPTED_METHODS, match_pairs
from transforms.normalize import codes_table, names_table
from warehouse.reference import load_reference

NOISE = load_reference().noise_words
EMPTY_ALIASES = pd.DataFrame(columns=["alias_key", "code", "method"])


def match(pairs, items=CATALOG_ITEMS, departments=None, noise=NOISE):
    names, codes = names_table([n for n, _ in pairs]), codes_table([c for _, c in pairs])
    queries = pd.DataFrame({**{c: names[c] for c in NAME_COLUMNS},
                            "code_key": [code_key(t) for t in codes["code_text"]]})
    catalog = catalog_frame(items)
    if departments:
        catalog["department"] = departments
    return match_pairs(queries, catalog, EMPTY_ALIASES, noise=noise)


def one(name, code="", **kwargs):
    return match([(name, code)], **kwargs).iloc[0]


@pytest.mark.parametrize("name, dropped", [
    ("残疾人证办理（街道办理）", "街道办理"),
    ("残疾人证办理(社区代办)", "社区代办"),
    ("残疾人证办理（便民服务中心受理）", "便民服务中心受理"),
    ("残疾人证办理（村级代办）", "村级代办"),
    ("残疾人证办理（民政局）", "民政局"),
    ("【民政】残疾人证办理", "民政"),
    ("民政：残疾人证办理", "民政"),
    ("[人社]城乡居民基本养老保险参保登记", "人社"),
    ("申请高龄老人生活补贴", "申请"),
    ("高龄老人生活补贴申请", "申请"),
    ("特困人员救助供养服务", "服务"),
    ("【民政】申请高龄老人生活补贴", "申请"),
])
def test_a_word_of_where_by_whom_or_how_is_dropped_and_named(name, dropped):
    row = one(name)
    expected = {"残疾人证": "370500004000", "城乡居民": "002000149001", "高龄老人": "370500277000",
                "特困人员": "370500007000"}
    assert row["catalog_code"] == next(code for stem, code in expected.items() if stem in name)
    assert row["match_method"] == "name" and dropped in row["evidence"]
    assert one(name, "").equals(row)


def test_without_the_words_the_same_names_wait_for_people():
    for name in ("残疾人证办理（街道办理）", "[人社]城乡居民基本养老保险参保登记", "申请高龄老人生活补贴"):
        assert one(name, noise=NOISE.__class__(frozenset(), frozenset(), (), ()))["match_method"] not in ACCEPTED_METHODS


def test_a_code_with_the_name_but_for_noise_is_certain_and_says_what_was_dropped():
    row = one("残疾人证办理（街道办理）", "370500004000")
    assert (row["catalog_code"], row["match_method"]) == ("370500004000", "code")
    assert "街道办理" in row["evidence"]
    tagged = one("[人社]城乡居民基本养老保险参保登记", "002000149001")
    assert tagged["match_method"] == "code" and "人社" in tagged["evidence"]


def test_the_catalog_s_departments_are_department_words():
    items = CATALOG_ITEMS + [("370500012000", "政务数据共享申请审核")]
    departments = [None] * len(CATALOG_ITEMS) + ["青岛市大数据发展管理局"]
    row = one("【大数据发展管理】政务数据共享申请审核", items=items, departments=departments)
    assert (row["catalog_code"], row["match_method"]) == ("370500012000", "name")
    assert one("【大数据发展管理】政务数据共享申请审核", items=items)["match_method"] != "name", \
        "not a department of this catalog nor of noise_words.csv"


def test_a_word_the_catalog_tells_items_apart_by_is_meaning():
    told_apart = [("1", "失业登记"), ("2", "失业登记申请"), ("3", "就业困难人员认定申请")]
    assert one("就业困难人员认定", items=told_apart)["match_method"] == "review", \
        "the catalog tells 失业登记 from 失业登记申请: 申请 is meaning in it"
    assert one("就业困难人员认定", items=told_apart[2:])["catalog_code"] == "3", "a catalog that does not: noise"
    assert one("申请失业登记", items=told_apart)["match_method"] == "review"
    assert one("失业登记申请", items=told_apart)["catalog_code"] == "2"
    # A family of siblings split on where it is done: the bracket is meaning in that family.
    split = [("1", "居住证签注(街道办理)"), ("2", "居住证签注(社区代办)")]
    assert one("居住证签注", items=split)["match_method"] == "review"
    assert one("居住证签注（街道办理）", items=split)["catalog_code"] == "1"


def test_meaning_stays_meaning():
    for name in ("燃气经营许可证变更（街道办理）", "食品经营许可（延续）（社区代办）", "城乡居民基本养老保险注销登记服务",
                 "【民政】宠物犬只登记"):
        assert one(name)["match_method"] not in ACCEPTED_METHODS, name


def test_the_words_never_move_a_match_the_catalog_already_made():
    names = [name for _, name in CATALOG_ITEMS] + ["残疾人证", "高龄老人生活补贴（县级）", "食品经营许可（新办）"]
    before = match([(n, "") for n in names], noise=NOISE.__class__(frozenset(), frozenset(), (), ()))
    after = match([(n, "") for n in names])
    accepted = before["match_method"].isin(ACCEPTED_METHODS)
    assert (after.loc[accepted, "catalog_code"] == before.loc[accepted, "catalog_code"]).all()


def test_a_department_tag_is_dropped_even_where_a_longer_department_word_starts_the_name():
    items = CATALOG_ITEMS + [("370500013000", "办理往来台湾通行证其他签注")]
    row = one("[公安]办理往来台湾通行证其他签注", items=items)  # 公安办 is a department word too
    assert (row["catalog_code"], row["match_method"]) == ("370500013000", "name") and "'公安'" in row["evidence"]
