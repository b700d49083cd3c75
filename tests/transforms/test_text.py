import math
import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from transforms.text import _INVISIBLE, clean_text, normal_form, to_simplified, unify_brackets

LAYOUT = list(" \u3000\u00a0\t\n\r\u200b\ufeff\u2060\u00ad")
MESSY = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(list("发票領用（县级）【】《》、12１２aA") + LAYOUT), max_size=40),
)


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param(None, "", id="none is empty"),
        pytest.param(math.nan, "", id="nan is empty"),
        pytest.param("", "", id="empty stays empty"),
        pytest.param("  高龄津贴  ", "高龄津贴", id="outer spaces stripped"),
        pytest.param("高龄\u3000\u3000津贴", "高龄 津贴", id="ideographic spaces collapse to one"),
        pytest.param("高龄\u00a0\t津贴", "高龄 津贴", id="nbsp and tab become one space"),
        pytest.param("高\u200b龄\ufeff津\u2060贴\u00ad", "高龄津贴", id="zero-width and soft hyphen removed"),
        pytest.param("高龄\x07津贴", "高龄津贴", id="control characters removed"),
        pytest.param("发票领用（县级）", "发票领用(县级)", id="full-width brackets to ascii"),
        pytest.param("８市１２３", "8市123", id="full-width digits to ascii"),
        pytest.param("身份证、户口簿", "身份证、户口簿", id="dunhao is kept"),
        pytest.param("1.身份证 \r\n\r\n  2.户口簿  ", "1.身份证\n2.户口簿", id="lines kept, stripped, empties dropped"),
        pytest.param(3, "3", id="numbers become text"),
    ],
)
def test_clean_text(value, expected):
    assert clean_text(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("發票領用", "发票领用", id="traditional to simplified"),
        pytest.param("发票领用", "发票领用", id="simplified unchanged"),
        pytest.param("ABC-123", "ABC-123", id="ascii untouched"),
        pytest.param("乾縣", to_simplified("乾县"), id="traditional and simplified spellings meet"),
    ],
)
def test_to_simplified(value, expected):
    assert to_simplified(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("【县级】", "(县级)", id="lenticular brackets"),
        pytest.param("〔2022〕", "(2022)", id="tortoise shell brackets"),
        pytest.param("[a]{b}", "(a)(b)", id="square and curly brackets"),
        pytest.param("a\\b", "a/b", id="backslash to slash"),
    ],
)
def test_unify_brackets(value, expected):
    assert unify_brackets(value) == expected


def test_normal_form_ignores_width_spaces_and_script():
    assert normal_form("镇（鄉、街道） 級") == normal_form("镇(乡、街道)级") == "镇(乡、街道)级"


@settings(max_examples=300)
@given(MESSY)
def test_clean_text_is_idempotent(s):
    assert clean_text(clean_text(s)) == clean_text(s)


@settings(max_examples=300)
@given(MESSY)
def test_clean_text_loses_only_layout(s):
    """Every non-space character of the NFKC text survives, in order; only invisibles go."""
    expected = [c for c in unicodedata.normalize("NFKC", _INVISIBLE.sub("", s)) if not c.isspace()]
    assert [c for c in clean_text(s) if not c.isspace()] == expected
