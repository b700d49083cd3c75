"""Run a scalar normalizer over a column once per distinct value (columns repeat values heavily)."""

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd


def _distinct(series: pd.Series, fn: Callable) -> tuple[np.ndarray, list]:
    """Codes into the distinct values and fn of each distinct value; missing values reach fn as None."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    values = uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)
    return codes, [fn(None if _is_missing(v) else v) for v in values]


def _is_missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like values: not missing
        return False


def _object_array(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):  # element-wise: numpy would unpack tuple results
        out[i] = v
    return out


def map_distinct(series: pd.Series, fn: Callable) -> pd.Series:
    """fn applied to every value, computed once per distinct value; index and name preserved."""
    codes, results = _distinct(series, fn)
    return pd.Series(_object_array(results).take(codes), index=series.index, name=series.name, dtype=object)


def apply_fields(series: pd.Series, fn: Callable, fields: Mapping[str, str]) -> pd.DataFrame:
    """Columns {out_col: getattr(fn(value), attr)} for fields {out_col: attr}, fn run once per distinct value."""
    codes, results = _distinct(series, fn)
    columns = {}
    for out_col, attr in fields.items():
        distinct = [getattr(r, attr) for r in results]
        if any(isinstance(v, tuple) for v in distinct):
            column = pd.Series(_object_array(distinct), dtype=object)
        else:
            column = pd.Series(distinct, dtype=_dtype(distinct))
        columns[out_col] = column.take(codes).set_axis(series.index)
    return pd.DataFrame(columns, index=series.index)


def _dtype(values: list):
    """Nullable booleans stay booleans (pandas would make an object column of True/None)."""
    kinds = {type(v) for v in values if v is not None}
    if kinds and kinds <= {bool, np.bool_}:
        return "boolean"
    return None
