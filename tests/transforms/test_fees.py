import pytest
from hypothesis import given, settings, strategies as st

from transforms.fees import Fee, parse_fee


@pytest.mark.parametrize(
    "value, basis, expected",
    [
        pytest.param("不收费", None, Fee(False), id="不收费"),
        pytest.param("免费", None, Fee(False), id="免费"),
        pytest.param("无", None, Fee(False), id="无"),
        pytest.param("否", None, Fee(False), id="否"),
        pytest.param("0元", None, Fee(False, 0.0), id="zero yuan"),
        pytest.param("0", None, Fee(False, 0.0), id="zero"),
        pytest.param("零", None, Fee(False, 0.0), id="chinese zero"),
        pytest.param("收费标准：无", None, Fee(False), id="label and no"),
        pytest.param("是", None, Fee(True), id="是"),
        pytest.param("收费", None, Fee(True), id="收费"),
        pytest.param("10元/件", None, Fee(True, 10.0), id="amount per piece"),
        pytest.param("工本费20元", None, Fee(True, 20.0), id="named fee with amount"),
        pytest.param("1,000元", None, Fee(True, 1000.0), id="thousands separator"),
        pytest.param(
            "按照《山东省行政事业性收费目录》收取", None, Fee(True, basis="《山东省行政事业性收费目录》"),
            id="basis from the text",
        ),
        pytest.param(
            "是", " 鲁价费发〔2019〕12号 ", Fee(True, basis="鲁价费发〔2019〕12号"), id="basis argument, cleaned"
        ),
        pytest.param("", None, Fee(None, issue="empty"), id="empty"),
        pytest.param(None, None, Fee(None, issue="empty"), id="none"),
        pytest.param("详见附件", None, Fee(None, issue="unparsed"), id="not understood"),
    ],
)
def test_parse_fee(value, basis, expected):
    assert parse_fee(value, basis) == expected


@settings(max_examples=300)
@given(st.one_of(st.text(), st.floats(), st.none()), st.one_of(st.text(), st.none()))
def test_parse_fee_never_raises(value, basis):
    assert parse_fee(value, basis).charged in (True, False, None)
