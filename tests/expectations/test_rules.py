"""Every validation rule fails on a bad row and passes on a good one, through Great Expectations."""

from pathlib import Path

import pandas as pd
import pytest

from expectations.rules import ROW_RULES, publish_rules
from expectations.runner import build_suite, rule_columns, run_rules

GOOD_DEFAULTS = {"code_kind": "basic", "statutory_days": 20.0, "promised_days": 5.0}


def good_value(rule, column):
    if column in GOOD_DEFAULTS:
        return GOOD_DEFAULTS[column]
    return True


def bad_row(rule) -> dict:
    kwargs = rule.kwargs
    if rule.expectation == "ExpectColumnValuesToNotBeNull":
        return {kwargs["column"]: None}
    if rule.expectation == "ExpectColumnValuesToBeInSet":
        return {kwargs["column"]: "unknown" if kwargs["value_set"] != [True] else False}
    if rule.expectation == "ExpectColumnPairValuesAToBeGreaterThanB":
        return {kwargs["column_A"]: 5.0, kwargs["column_B"]: 20.0}
    raise AssertionError(f"no bad row for {rule.expectation}")


@pytest.mark.parametrize("rule", ROW_RULES, ids=[r.rule for r in ROW_RULES])
def test_row_rule_fails_on_the_bad_row_only(rule):
    columns = rule_columns(ROW_RULES)
    good = {c: good_value(rule, c) for c in columns}
    frame = pd.DataFrame([{**good, "item_id": 10}, {**good, **bad_row(rule), "item_id": 11}])
    passed, failures = run_rules(frame, "test_rows", ROW_RULES, id_column="item_id")
    assert not passed
    assert failures[["row_id", "rule"]].values.tolist() == [[11, rule.rule]]
    assert rule.message and rule.hint and rule.severity in ("error", "warning")


def test_rules_that_do_not_apply_pass():
    """NULL check columns mean 'does not apply' for every in-set rule."""
    columns = rule_columns(ROW_RULES)
    row = {c: None for c in columns} | {c: True for c in columns if c.startswith("present_")}
    passed, failures = run_rules(pd.DataFrame([row | {"item_id": 1}]), "test_rows", ROW_RULES, "item_id")
    assert passed and failures.empty


def test_every_rule_is_in_the_suite_the_runner_builds():
    """A suite silently missing expectations would pass everything."""
    suite = build_suite("count", ROW_RULES)
    assert len(suite.expectations) == len(ROW_RULES) == len({r.rule for r in ROW_RULES})


CANDIDATE = pd.DataFrame({
    "site_level": ["镇(街道)", "村(社区)"], "catalog_code": ["000120001000", "000120001000"],
    "item_name": ["a", "a"], "item_type": ["公共服务"] * 2, "legal_basis": ["x"] * 2,
    "exercise_levels": ["县级"] * 2, "acceptance_conditions": ["x"] * 2, "materials": ["x"] * 2,
    "statutory_limit": ["x"] * 2, "promised_limit": ["x"] * 2, "fee_charged": [False] * 2,
    "handling_type": ["承诺件"] * 2,
})


@pytest.mark.parametrize("candidate, previous, rule", [
    pytest.param(CANDIDATE, None, None, id="a good catalog passes"),
    pytest.param(pd.concat([CANDIDATE, CANDIDATE.iloc[:1]]), None, "publish.unique", id="duplicate code per level"),
    pytest.param(CANDIDATE.assign(legal_basis=[None, "x"]), None, None,
                 id="an element the catalog leaves empty is the catalog's finding, never a reason to withhold"),
    pytest.param(CANDIDATE.assign(site_level=["镇(街道)", "区级"]), None, "publish.level", id="unknown level"),
    pytest.param(CANDIDATE, 3, "publish.shrink", id="shrinks by a third against 3 rows"),
    pytest.param(CANDIDATE, 2, None, id="same size as last version"),
])
def test_publish_audit(candidate, previous, rule):
    passed, failures = run_rules(candidate.reset_index(drop=True), "test_publish", publish_rules(previous, 0.10))
    assert passed is (rule is None)
    assert set(failures["rule"]) == ({rule} if rule else set())


def test_allow_shrink_drops_the_shrink_rule():
    assert not any(r.rule == "publish.shrink" for r in publish_rules(100, None))


def test_data_docs_go_to_a_relative_out_folder_too(tmp_path, monkeypatch):
    """`mulu refresh --out data/out` passes a relative folder; GX wants an absolute one."""
    from expectations.runner import data_docs

    monkeypatch.chdir(tmp_path)
    docs = data_docs(Path("data/out/data_docs"), "mulu-test")
    passed, _ = run_rules(CANDIDATE, "publish_audit", publish_rules(None, 0.10), docs=docs)
    assert passed and (tmp_path / "data/out/data_docs/index.html").exists()
