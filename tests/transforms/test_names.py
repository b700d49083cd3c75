import time

import pytest
from hypothesis import given, settings, strategies as st

from transforms.names import NameParts, name_key, normalize_name


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param(
            "发票领用(县级行使）", NameParts("发票领用", "发票领用", level_qualifier="县级行使"),
            id="mixed half and full brackets with level",
        ),
        pytest.param(
            "《出生医学证明》首次签发", NameParts("出生医学证明首次签发", "出生医学证明首次签发"),
            id="book title marks removed, contents kept",
        ),
        pytest.param(
            "燃气经营许可证变更", NameParts("燃气经营许可证变更", "燃气经营许可证变更"),
            id="unbracketed situation is part of the name",
        ),
        pytest.param(
            "燃气经营许可证（变更）", NameParts("燃气经营许可证", "燃气经营许可证", situations=("变更",)),
            id="bracketed situation peeled",
        ),
        pytest.param(
            "燃气经营许可证【新办、变更】",
            NameParts("燃气经营许可证", "燃气经营许可证", situations=("新办", "变更")),
            id="several situations in one bracket",
        ),
        pytest.param(
            "城乡居民养老保险参保登记（市级/县级）（指引）",
            NameParts("城乡居民养老保险参保登记", "城乡居民养老保险参保登记", "市级/县级", guide=True),
            id="level alternatives and guide",
        ),
        pytest.param(
            "高龄津贴（县级权限）", NameParts("高龄津贴", "高龄津贴", "县级权限"), id="level with 权限",
        ),
        pytest.param(
            "高龄津贴(市级、县级)", NameParts("高龄津贴", "高龄津贴", "市级、县级"), id="levels joined by dunhao",
        ),
        pytest.param(
            "个体工商户登记(区(市)级)", NameParts("个体工商户登记", "个体工商户登记", "区(市)级"),
            id="nested bracket inside level",
        ),
        pytest.param(
            "个体工商户登记(镇（乡、街道）级)",
            NameParts("个体工商户登记", "个体工商户登记", "镇(乡、街道)级"),
            id="town level spelling",
        ),
        pytest.param(
            "高龄津贴(指南)", NameParts("高龄津贴", "高龄津贴", guide=True), id="guide in brackets",
        ),
        pytest.param(
            "临时救助(含急难型)(依申请)",
            NameParts("临时救助", "临时救助", notes=("含急难型", "依申请")),
            id="other trailing brackets become notes",
        ),
        pytest.param(
            "村(社区)便民服务证明", NameParts("村(社区)便民服务证明", "村社区便民服务证明"),
            id="bracket inside the name is kept",
        ),
        pytest.param(
            "  發票 領用 （縣級） ", NameParts("发票领用", "发票领用", "县级"),
            id="traditional, stray spaces and level",
        ),
        pytest.param("IC 卡 办理", NameParts("IC卡办理", "ic卡办理"), id="space kept only between latin"),
        pytest.param("８市 证明\\复印", NameParts("8市证明/复印", "8市证明复印"), id="full-width digit and backslash"),
        pytest.param("高\u200b龄津贴", NameParts("高龄津贴", "高龄津贴"), id="invisible characters removed"),
        pytest.param("(1)高龄津贴", NameParts("高龄津贴", "高龄津贴"), id="leading bracketed enumeration dropped"),
        pytest.param("1、高龄津贴", NameParts("高龄津贴", "高龄津贴"), id="leading enumeration dropped"),
        pytest.param("(含急难型)", NameParts("(含急难型)", "含急难型"), id="a name that is only a note keeps it"),
        pytest.param("(县级)", NameParts("", "", "县级"), id="only a qualifier leaves an empty name"),
        pytest.param("A(b(c", NameParts("A", "a", notes=("b(c)",)), id="unclosed brackets are closed"),
        pytest.param(None, NameParts("", ""), id="none"),
    ],
)
def test_normalize_name(value, expected):
    assert normalize_name(value) == expected


@pytest.mark.parametrize(
    "a, b",
    [
        pytest.param("发票领用(县级行使）", "发票领用", id="qualifier does not change the key"),
        pytest.param("“出生医学证明”首次签发", "《出生医学证明》首次签发", id="quotes and book marks"),
        pytest.param("城乡居民·养老保险-参保登记", "城乡居民养老保险参保登记", id="punctuation ignored"),
    ],
)
def test_same_key(a, b):
    assert name_key(a) == name_key(b)


def test_situation_outside_brackets_keeps_items_apart():
    assert name_key("燃气经营许可证变更") != name_key("燃气经营许可证注销")


NAMEISH = st.one_of(
    st.text(max_size=40),
    st.text(
        alphabet=st.sampled_from(
            list("發票领用县级行使市区镇乡街道村社区变更新办注销指引南含依申请12一、/\\-_.·《》“”")
            + list("()（）【】[]〔〕{} \u3000\u200b\n")
        ),
        max_size=40,
    ),
)


@settings(max_examples=300)
@given(NAMEISH)
def test_normalize_name_is_idempotent(s):
    text = normalize_name(s).text
    assert normalize_name(text).text == text


def test_twenty_thousand_distinct_names_are_fast():
    names = [f"城乡居民基本养老保险参保登记{i}（县级）" if i % 3 else f"發票領用{i}" for i in range(20_000)]
    normalize_name("warm up(县级)")
    start = time.perf_counter()
    for name in names:
        normalize_name(name)
    assert time.perf_counter() - start < 2.0  # ~0.3 s on a busy 2-core machine; generous for CI
