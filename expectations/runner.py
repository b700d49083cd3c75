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

FINDING_COLUMNS = ["district", "source_file", "sheet", "row_number", "field", "rule", "severity",
                   "message", "value", "hint", "catalog_code"]


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


def validate(frame: pd.DataFrame, suite_name: str, rules: list[Rule]):
    """The GX ExpectationSuiteValidationResult of the rules over the frame."""
    context = _context()
    source_name = f"mulu_{suite_name}"
    try:
        source = context.data_sources.get(source_name)
    except (KeyError, ValueError, LookupError):
        source = context.data_sources.add_pandas(source_name)
    asset = source.add_dataframe_asset(f"frame_{len(source.assets)}")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame})
    return batch.validate(build_suite(suite_name, rules), result_format={"result_format": "COMPLETE"})


def findings_from_result(result, frame: pd.DataFrame, rules: list[Rule]) -> pd.DataFrame:
    """One finding per unexpected row; a table-level failure becomes one finding without a row."""
    by_rule = {r.rule: r for r in rules}
    parts = []
    for outcome in result.results:
        if outcome.success:
            continue
        rule = by_rule[outcome.expectation_config.meta["rule"]]
        indexes = outcome.result.get("unexpected_index_list")
        if indexes is None:
            parts.append(pd.DataFrame([{"field": rule.field, "rule": rule.rule, "severity": rule.severity,
                                        "message": rule.message, "hint": rule.hint}]))
            continue
        rows = frame.loc[indexes]
        part = pd.DataFrame({
            column: rows[column].to_numpy() if column in rows else None
            for column in ("district", "source_file", "sheet", "row_number", "catalog_code")
        })
        part["field"] = rule.field
        part["rule"] = rule.rule
        part["severity"] = rule.severity
        part["message"] = rule.message
        part["hint"] = rule.hint
        part["value"] = rows[rule.value_column].astype("str").to_numpy() if rule.value_column else None
        parts.append(part)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in FINDING_COLUMNS})
    return pd.concat(parts, ignore_index=True).reindex(columns=FINDING_COLUMNS)


def run_rules(frame: pd.DataFrame, suite_name: str, rules: list[Rule]) -> tuple[bool, pd.DataFrame]:
    """(whether every expectation passed, findings)."""
    result = validate(frame, suite_name, rules)
    return bool(result.success), findings_from_result(result, frame, rules)
