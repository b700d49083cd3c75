"""Run rules as Great Expectations suites over pandas frames and turn the results into findings.

GX validates DataFrames pulled from DuckDB (its SQL engine cannot read DuckDB reliably). One
ephemeral context serves a process; each failed expectation's unexpected rows become finding
records with their provenance, Chinese message and fix hint.
"""

import os
from functools import lru_cache

import pandas as pd

from expectations.rules import Rule

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def build_suite(name: str, rules: list[Rule]):
    import great_expectations as gx
    import great_expectations.expectations as gxe

    expectations = [
        getattr(gxe, r.expectation)(**r.kwargs, meta={"rule": r.rule}) for r in rules
    ]
    return gx.ExpectationSuite(name=name, expectations=expectations)


def rule_columns(rules: list[Rule]) -> list[str]:
    """The columns the rules read: GX copies whole frames while it works, so it gets only these."""
    columns: list[str] = []
    for rule in rules:
        kwargs = rule.kwargs
        for name in [kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B"),
                     *kwargs.get("column_list", [])]:
            if name and name not in columns:
                columns.append(name)
    return columns


def validate(frame: pd.DataFrame, suite_name: str, rules: list[Rule]):
    """The GX ExpectationSuiteValidationResult of the rules over the frame's rule columns."""
    frame = frame[rule_columns(rules)]
    context = _context()
    source_name = f"mulu_{suite_name}"
    try:
        source = context.data_sources.get(source_name)
    except (KeyError, ValueError, LookupError):
        source = context.data_sources.add_pandas(source_name)
    asset = source.add_dataframe_asset(f"frame_{len(source.assets)}")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame})
    return batch.validate(build_suite(suite_name, rules), result_format={"result_format": "COMPLETE"})


FAILURE_COLUMNS = ["row_id", "field", "rule", "severity", "message", "hint"]


def failures_from_result(result, frame: pd.DataFrame, rules: list[Rule], id_column: str | None) -> pd.DataFrame:
    """One record per unexpected row (row_id from id_column); a table-level failure has no row_id."""
    by_rule = {r.rule: r for r in rules}
    parts = []
    for outcome in result.results:
        if outcome.success:
            continue
        rule = by_rule[outcome.expectation_config.meta["rule"]]
        indexes = outcome.result.get("unexpected_index_list")
        ids = frame.loc[indexes, id_column].to_numpy() if (indexes is not None and id_column) else [None]
        parts.append(pd.DataFrame({
            "row_id": ids, "field": rule.field, "rule": rule.rule, "severity": rule.severity,
            "message": rule.message, "hint": rule.hint,
        }))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in FAILURE_COLUMNS})
    return pd.concat(parts, ignore_index=True)


def run_rules(frame: pd.DataFrame, suite_name: str, rules: list[Rule],
              id_column: str | None = None) -> tuple[bool, pd.DataFrame]:
    """(whether every expectation passed, one failure record per failing row or table check)."""
    result = validate(frame, suite_name, rules)
    return bool(result.success), failures_from_result(result, frame, rules, id_column)
