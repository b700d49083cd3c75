import math

import pandas as pd
import pytest

from transforms.columns import apply_fields, map_distinct
from transforms.durations import parse_duration
from transforms.names import normalize_name


def test_map_distinct_calls_once_per_distinct_value_and_keeps_the_index():
    calls = []

    def fn(value):
        calls.append(value)
        return f"<{value}>"

    series = pd.Series(["a", "b", "a", None, "a"], index=[10, 20, 30, 40, 50], name="raw")
    result = map_distinct(series, fn)
    assert result.tolist() == ["<a>", "<b>", "<a>", "<None>", "<a>"]
    assert result.index.tolist() == [10, 20, 30, 40, 50] and result.name == "raw"
    assert len(calls) == 3 and set(calls) == {"a", "b", None}


@pytest.mark.parametrize(
    "missing",
    [pytest.param(None, id="none"), pytest.param(math.nan, id="nan"), pytest.param(pd.NA, id="pd.NA")],
)
def test_missing_values_reach_fn_as_none(missing):
    seen = []
    map_distinct(pd.Series(["x", missing], dtype=object), lambda v: seen.append(v))
    assert None in seen and len(seen) == 2


def test_map_distinct_keeps_tuple_results_whole():
    result = map_distinct(pd.Series(["a", "b"]), lambda v: (v, v))
    assert result.tolist() == [("a", "a"), ("b", "b")]


def test_apply_fields():
    series = pd.Series(["发票领用(县级)", "高龄津贴（指引）", "发票领用(县级)", None], index=list("wxyz"))
    frame = apply_fields(series, normalize_name, {"name_key": "key", "is_guide": "guide", "level": "level_qualifier"})
    assert frame.index.tolist() == list("wxyz")
    assert frame["name_key"].tolist() == ["发票领用", "高龄津贴", "发票领用", ""]
    assert frame["is_guide"].tolist() == [False, True, False, False]
    assert frame["level"].tolist() == ["县级", "", "县级", ""]


def test_apply_fields_dtypes():
    frame = apply_fields(
        pd.Series(["5个工作日", "即办", "", "5个工作日"]),
        parse_duration,
        {"promised_days": "days", "is_immediate": "immediate"},
    )
    assert frame["promised_days"].dtype == "float64"
    assert frame["promised_days"].isna().tolist() == [False, False, True, False]
    assert frame["is_immediate"].tolist() == [False, True, False, False]


def test_empty_series():
    assert apply_fields(pd.Series([], dtype=object), normalize_name, {"k": "key"}).empty
    assert map_distinct(pd.Series([], dtype=object), normalize_name).empty
