import pytest
from hypothesis import given, settings, strategies as st

from transforms.codes import CodeParts, CodePatterns, normalize_code, type_segment

CREDIT = "11440100007482575H"
SICHUAN = f"511A0138000000-511602000000-000-{CREDIT}-1-00"


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("000115015005", CodeParts("000115015005", "basic", "000115015005"), id="basic"),
        pytest.param(
            " 0001-15015-005 ", CodeParts("000115015005", "basic", "000115015005"), id="spaces and dashes"
        ),
        pytest.param("０００１１５０１５００５", CodeParts("000115015005", "basic", "000115015005"), id="full-width"),
        pytest.param("0001_15015.005", CodeParts("000115015005", "basic", "000115015005"), id="underscore, dot"),
        pytest.param("'000115015005", CodeParts("000115015005", "basic", "000115015005"), id="Excel text mark '"),
        pytest.param(
            f"{CREDIT}3440118009000", CodeParts(f"{CREDIT}3440118009000", "implementation", "440118009000"),
            id="implementation code",
        ),
        pytest.param(
            f"{CREDIT.lower()}3440118009000",
            CodeParts(f"{CREDIT}3440118009000", "implementation", "440118009000"),
            id="lower-case implementation code",
        ),
        pytest.param(
            f"{CREDIT}344011800900001",
            CodeParts(f"{CREDIT}344011800900001", "business", "440118009000"),
            id="business code",
        ),
        pytest.param(SICHUAN, CodeParts(SICHUAN, "local"), id="sichuan local code keeps its dashes"),
        pytest.param("37XK00100", CodeParts("37XK00100", "local"), id="shandong local code"),
        pytest.param(
            "1.2E+11", CodeParts("1.2E+11", "unknown", issue="excel_scientific"), id="lossy excel scientific"
        ),
        pytest.param(
            "3.70520001E+11", CodeParts("3.70520001E+11", "unknown", issue="excel_scientific"),
            id="scientific with implied trailing zeros is not exact",
        ),
        pytest.param(
            "3.70520001001E+11",
            CodeParts("370520001001", "basic", "370520001001", "excel_scientific_restored"),
            id="scientific carrying all 12 digits",
        ),
        pytest.param("370520001000.0", CodeParts("370520001000", "basic", "370520001000"), id="float suffix"),
        pytest.param(370520001000.0, CodeParts("370520001000", "basic", "370520001000"), id="float cell"),
        pytest.param(
            "115015005", CodeParts("000115015005", "basic", "000115015005", "leading_zeros_restored"),
            id="national item lost its leading zeros",
        ),
        pytest.param(
            "1.15015005E+08", CodeParts("000115015005", "basic", "000115015005", "leading_zeros_restored"),
            id="scientific and leading zeros",
        ),
        pytest.param(
            "20520001000", CodeParts("20520001000", "unknown", issue="wrong_length"),
            id="11 digits: no province 02, not restored",
        ),
        pytest.param("12345", CodeParts("12345", "unknown", issue="wrong_length"), id="too short to restore"),
        pytest.param("无", CodeParts("无", "unknown", issue="unrecognized"), id="text"),
        pytest.param("", CodeParts("", "empty"), id="empty"),
        pytest.param(None, CodeParts("", "empty"), id="none"),
    ],
)
def test_normalize_code(value, expected):
    assert normalize_code(value) == expected


def test_configured_local_pattern():
    patterns = CodePatterns.from_strings(local=[r"QD-\d{4}"])
    assert normalize_code("qd-0001", patterns) == CodeParts("QD-0001", "local")
    assert normalize_code("37XK00100", patterns).kind == "unknown"


def test_invalid_patterns_are_all_reported_at_once():
    with pytest.raises(ValueError) as error:
        CodePatterns.from_strings(basic="(", local=["[", r"\d+"])
    assert "basic" in str(error.value) and "local[0]" in str(error.value)


@pytest.mark.parametrize(
    "code, expected",
    [
        pytest.param("000115015005", "01", id="basic code"),
        pytest.param("3720", "", id="too short"),
        pytest.param(None, "", id="none"),
    ],
)
def test_type_segment(code, expected):
    assert type_segment(code) == expected


@settings(max_examples=300)
@given(st.one_of(st.text(), st.floats(), st.integers(), st.none()))
def test_normalize_code_never_raises(value):
    assert normalize_code(value).kind in {"basic", "implementation", "business", "local", "empty", "unknown"}
