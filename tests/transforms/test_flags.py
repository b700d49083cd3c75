import pytest

from transforms.flags import parse_yes_no


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("是", True, id="是"),
        pytest.param("否", False, id="否"),
        pytest.param(" Y ", True, id="y with spaces"),
        pytest.param("n", False, id="n"),
        pytest.param("√", True, id="check mark"),
        pytest.param("×", False, id="cross"),
        pytest.param("有", True, id="有"),
        pytest.param("无", False, id="无"),
        pytest.param("可", True, id="可"),
        pytest.param("不可", False, id="不可"),
        pytest.param("能", True, id="能"),
        pytest.param("不能", False, id="不能"),
        pytest.param("可以", True, id="可以"),
        pytest.param(1, True, id="integer 1"),
        pytest.param(0.0, False, id="float 0"),
        pytest.param("TRUE", True, id="true upper-case"),
        pytest.param("false", False, id="false"),
        pytest.param("网上可办", True, id="网上可办"),
        pytest.param("不可网办", False, id="不可网办"),
        pytest.param("是（全程网办）", True, id="yes with a bracketed note"),
        pytest.param("否，需到现场", False, id="no with an explanation"),
        pytest.param("部分", None, id="unknown"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="none"),
    ],
)
def test_parse_yes_no(value, expected):
    assert parse_yes_no(value) is expected
