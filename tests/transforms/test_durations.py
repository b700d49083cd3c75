import pytest
from hypothesis import given, settings, strategies as st

from transforms.durations import Duration, parse_duration


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("即办", Duration(0.0, immediate=True), id="即办"),
        pytest.param("当场办结", Duration(0.0, immediate=True), id="当场办结"),
        pytest.param("当场办理", Duration(0.0, immediate=True), id="当场办理"),
        pytest.param("立即办结", Duration(0.0, immediate=True), id="立即办结"),
        pytest.param("即时办结", Duration(0.0, immediate=True), id="即时办结"),
        pytest.param("即办（材料齐全）", Duration(0.0, immediate=True, note="材料齐全"), id="immediate with note"),
        pytest.param("1个工作日", Duration(1.0, "工作日"), id="working days"),
        pytest.param("1个工作日内", Duration(1.0, "工作日"), id="within working days"),
        pytest.param("5日", Duration(5.0, "自然日"), id="日 is calendar days"),
        pytest.param("5天", Duration(5.0, "自然日"), id="天 is calendar days"),
        pytest.param("五个工作日", Duration(5.0, "工作日"), id="chinese numeral"),
        pytest.param("十五个工作日", Duration(15.0, "工作日"), id="chinese teens"),
        pytest.param("二十个工作日", Duration(20.0, "工作日"), id="chinese tens"),
        pytest.param("九十九天", Duration(99.0, "自然日"), id="chinese ninety-nine"),
        pytest.param("两个工作日", Duration(2.0, "工作日"), id="两"),
        pytest.param("0.5个工作日", Duration(0.5, "工作日"), id="half a working day"),
        pytest.param("１５个工作日（不含公示）", Duration(15.0, "工作日", note="不含公示"), id="note in brackets"),
        pytest.param("法定:20个工作日内办结", Duration(20.0, "工作日"), id="prefix and filler words"),
        pytest.param("1个月", Duration(30.0, "自然日", note="1个月"), id="one month"),
        pytest.param("3个月", Duration(90.0, "自然日", note="3个月"), id="three months"),
        pytest.param("5-10个工作日", Duration(10.0, "工作日", note="5-10个工作日"), id="range takes the upper bound"),
        pytest.param("0个工作日", Duration(None, "工作日", note="0个工作日", issue="zero_with_unit"),
                     id="zero days with a unit is an error, not 即办"),
        pytest.param("-5个工作日", Duration(None, note="-5个工作日", issue="negative"), id="negative"),
        pytest.param("9999个工作日", Duration(None, "工作日", note="9999个工作日", issue="absurd"), id="absurd"),
        pytest.param("20(工作日)", Duration(20.0, "工作日"), id="unit in brackets, as published lists write it"),
        pytest.param("无", Duration(None, issue="not_applicable"), id="无: no limit"),
        pytest.param("30", Duration(30.0, issue="unit_missing"), id="bare number"),
        pytest.param(30.0, Duration(30.0, issue="unit_missing"), id="number cell"),
        pytest.param("无", Duration(None, issue="not_applicable"), id="no limit"),
        pytest.param("", Duration(None, issue="empty"), id="empty"),
        pytest.param(None, Duration(None, issue="empty"), id="none"),
        pytest.param("视情况而定", Duration(None, issue="unparsed"), id="garbage"),
    ],
)
def test_parse_duration(value, expected):
    assert parse_duration(value) == expected


@settings(max_examples=300)
@given(st.one_of(st.text(), st.text(alphabet="0123456789一二十百两半个工作日天月即办()（）-.内", max_size=20)))
def test_parse_duration_never_raises(value):
    result = parse_duration(value)
    assert result.days is None or result.days >= 0
