import pytest

from transforms.vocab import Term, Vocabulary

ROWS = [
    {"vocabulary": "事项类型", "code": "01", "label": "行政许可", "spelling": "许可"},
    {"vocabulary": "事项类型", "code": "05", "label": "行政给付", "spelling": "给付"},
    {"vocabulary": "事项类型", "code": "20", "label": "公共服务", "spelling": "公共服务事项"},
    {"vocabulary": "行使层级", "code": "3", "label": "市级", "spelling": None},
    {"vocabulary": "行使层级", "code": "4", "label": "县级", "spelling": "区(市)级"},
    {"vocabulary": "行使层级", "code": "5", "label": "镇（乡、街道）级", "spelling": "镇级"},
    {"vocabulary": "行使层级", "code": "5", "label": "镇（乡、街道）级", "spelling": "街道级"},
]
VOCAB = Vocabulary.from_rows(ROWS)
COUNTY, TOWN, CITY = Term("4", "县级"), Term("5", "镇（乡、街道）级"), Term("3", "市级")


@pytest.mark.parametrize(
    "vocabulary, value, expected",
    [
        pytest.param("事项类型", "行政许可", Term("01", "行政许可"), id="label"),
        pytest.param("事项类型", " 許可 ", Term("01", "行政许可"), id="traditional spelling with spaces"),
        pytest.param("事项类型", "01", Term("01", "行政许可"), id="code"),
        pytest.param("事项类型", "1", Term("01", "行政许可"), id="code without its leading zero"),
        pytest.param("事项类型", 20.0, Term("20", "公共服务"), id="code read as a float"),
        pytest.param("行使层级", "镇（乡、街道）级", TOWN, id="full-width brackets"),
        pytest.param("行使层级", "镇(乡、街道)级", TOWN, id="half-width brackets"),
        pytest.param("行使层级", "区（市）级", COUNTY, id="local spelling"),
        pytest.param("行使层级", "许可", None, id="spellings are vocabulary-specific"),
        pytest.param("行使层级", "省级", None, id="unknown value"),
        pytest.param("没有这个词表", "县级", None, id="unknown vocabulary"),
        pytest.param("行使层级", None, None, id="empty"),
    ],
)
def test_lookup(vocabulary, value, expected):
    assert VOCAB.lookup(vocabulary, value) == expected


@pytest.mark.parametrize(
    "value, terms, unknown",
    [
        pytest.param("县级,镇（乡、街道）级", (COUNTY, TOWN), (), id="dunhao inside brackets is not a separator"),
        pytest.param("3、4、5", (CITY, COUNTY, TOWN), (), id="codes split on dunhao"),
        pytest.param("县级；镇级", (COUNTY, TOWN), (), id="semicolon and local spelling"),
        pytest.param("4,5", (COUNTY, TOWN), (), id="codes split on comma"),
        pytest.param("镇级 县级 县级", (COUNTY, TOWN), (), id="whitespace, deduped, sorted by code"),
        pytest.param("县级/省级|乡级", (COUNTY,), ("省级", "乡级"), id="unknown pieces reported"),
        pytest.param("镇（乡、街道）级、市级", (CITY, TOWN), (), id="dunhao outside brackets separates"),
        pytest.param("", (), (), id="empty"),
    ],
)
def test_lookup_many(value, terms, unknown):
    assert VOCAB.lookup_many("行使层级", value) == (terms, unknown)


def test_terms_sorted_by_code():
    assert [t.code for t in VOCAB.terms("行使层级")] == ["3", "4", "5"]


def test_conflicting_rows_are_all_reported_at_once():
    rows = ROWS + [
        {"vocabulary": "行使层级", "code": "6", "label": "村（社区）级", "spelling": "镇级"},
        {"vocabulary": "行使层级", "code": "4", "label": "区级", "spelling": ""},
        {"vocabulary": "行使层级", "code": "", "label": "省级", "spelling": ""},
    ]
    with pytest.raises(ValueError) as error:
        Vocabulary.from_rows(rows)
    message = str(error.value)
    assert "镇级" in message and "区级" in message and "row 10" in message
