"""Run rules as Great Expectations suites over pandas frames and turn the results into findings.

GX validates DataFrames pulled from DuckDB (its SQL engine cannot read DuckDB reliably). Each
failed expectation's unexpected rows become finding records with their provenance, Chinese
message and fix hint; a run can also add its results to GX Data Docs.
"""

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from expectations.rules import Rule

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

RESULT_FORMAT = {"result_format": "COMPLETE"}  # the unexpected rows' indexes become findings
DOCS_SITE = "mulu"


def new_context(docs_dir: Path | None = None):
    """An in-memory GX context; with docs_dir, one Data Docs site there for a run's validations."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        context.add_data_docs_site(DOCS_SITE, {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(Path(docs_dir).resolve())},  # GX wants it absolute
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "show_cta_footer": False},
        })
    return context


@dataclass(frozen=True)
class DataDocs:
    """One run's Data Docs: its validations are filed under the run's name and time.

    Use one per run, so the site's index lists every suite of the run together. Plain data, so a
    run can hand it to the process that runs GX (expectations/gx_process.py), which makes the GX
    context for it there (docs_context).
    """
    docs_dir: Path
    run_name: str
    run_time: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


def data_docs(docs_dir: Path, run_name: str) -> DataDocs:
    return DataDocs(Path(docs_dir).resolve(), run_name)  # resolved here: GX wants it absolute


_docs_context: tuple[DataDocs, object] | None = None  # the last run's: a run validates its suites in turn


def docs_context(docs: DataDocs):
    """The GX context holding `docs`' validations, made on its first use in this process."""
    global _docs_context
    if _docs_context is None or _docs_context[0] != docs:
        _docs_context = (docs, new_context(docs.docs_dir))
    return _docs_context[1]


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


def validate(frame: pd.DataFrame, suite_name: str, rules: list[Rule], docs: DataDocs | None = None,
             asset: str | None = None):
    """The GX ExpectationSuiteValidationResult of the rules over the frame's rule columns.

    docs: the run's Data Docs; the validation is then stored under the run's name and added to them,
    its data asset named `asset` (where the frame came from). Without docs, a throwaway context.
    """
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

    frame = frame[rule_columns(rules)]
    asset = asset or suite_name
    context = docs_context(docs) if docs else new_context()
    batch_definition = (context.data_sources.add_pandas(f"mulu_{suite_name}").add_dataframe_asset(asset)
                        .add_batch_definition_whole_dataframe("all"))
    suite = build_suite(suite_name, rules)
    if docs is None:
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(suite, result_format=RESULT_FORMAT)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=context.suites.add(suite)))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name=suite_name, validation_definitions=[definition], result_format=RESULT_FORMAT))
    run_results = checkpoint.run(batch_parameters={"dataframe": frame},
                                 run_id=RunIdentifier(run_name=docs.run_name, run_time=docs.run_time)).run_results
    identifier, result = next(iter(run_results.items()))
    # A DataFrame batch has no asset name in its batch spec, and the page would say "Data asset: None".
    result.meta["batch_spec"] = {**result.meta.get("batch_spec", {}), "data_asset_name": asset}
    context.validation_results_store.set(identifier, result)
    context.build_data_docs(site_names=[DOCS_SITE],
                            resource_identifiers=[identifier, ExpectationSuiteIdentifier(name=suite_name)])
    return result


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


def run_rules(frame: pd.DataFrame, suite_name: str, rules: list[Rule], id_column: str | None = None,
              docs: DataDocs | None = None, asset: str | None = None) -> tuple[bool, pd.DataFrame]:
    """(whether every expectation passed, one failure record per failing row or table check)."""
    result = validate(frame, suite_name, rules, docs, asset)
    return bool(result.success), failures_from_result(result, frame, rules, id_column)
