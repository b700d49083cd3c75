"""Great Expectations in a process of its own gives the answers GX gives here, at the night's
priority, and a refresh never waits on it when it dies or is not needed."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from expectations import gx_process
from expectations.gx_process import IN_PROCESS, GxProcess
from expectations.rules import ROW_RULES, Rule, publish_rules
from expectations.runner import data_docs, rule_columns, run_rules

ROWS = pd.DataFrame([
    {**{c: True for c in rule_columns(ROW_RULES)}, "code_kind": "basic", "statutory_days": 20.0,
     "promised_days": 5.0, "item_id": 10},
    {**{c: True for c in rule_columns(ROW_RULES)}, "code_kind": "unknown", "statutory_days": 5.0,
     "promised_days": 20.0, "present_item_name": None, "item_id": 11},
])


@pytest.fixture(scope="module")
def gx():
    process = GxProcess()
    yield process
    process.close()


def test_the_process_gives_the_answers_of_this_process(gx):
    passed, failures = gx.run_rules(ROWS, "rows", ROW_RULES, "item_id")
    expected_passed, expected = run_rules(ROWS, "rows", ROW_RULES, "item_id")
    assert passed is expected_passed is False
    assert len(expected) >= 2 and set(failures["row_id"]) == {11}
    pd.testing.assert_frame_equal(failures, expected)


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="niceness is POSIX's")
def test_the_process_answers_at_the_nights_priority(gx):
    """The night waits for its answers: a lowered process is waited on at low priority (a night at
    niceness 19 beside two busy processes on two cores spent 265 s of its 307 s validating)."""
    gx.run_rules(ROWS, "rows", ROW_RULES, "item_id")  # GX imported, a rule set answered
    assert os.getpriority(os.PRIO_PROCESS, gx._process.pid) == os.getpriority(os.PRIO_PROCESS, 0)


def test_the_process_writes_the_runs_data_docs(gx, tmp_path):
    docs = data_docs(tmp_path / "data_docs", "mulu-test")
    candidate = pd.DataFrame({"site_level": ["镇(街道)", "村(社区)"], "catalog_code": ["000120001000"] * 2})
    passed, _ = gx.run_rules(candidate, "publish_audit", publish_rules(None, 0.10), docs=docs)
    assert passed
    assert (tmp_path / "data_docs" / "index.html").exists()
    assert [page for page in (tmp_path / "data_docs" / "validations").rglob("*.html") if "mulu-test" in str(page)], \
        "the validation is filed under the run"


def test_an_error_in_the_process_is_raised_here(gx):
    unknown = [Rule("x.unknown", "ExpectNoSuchThing", {"column": "item_id"}, "item_id", "m", "h")]
    with pytest.raises(AttributeError):
        gx.run_rules(ROWS, "broken", unknown, "item_id")
    passed, _ = gx.run_rules(ROWS.iloc[:1], "rows", ROW_RULES, "item_id")
    assert passed, "the process goes on after an error"


def test_a_killed_process_leaves_the_rules_to_this_process():
    process = GxProcess()
    try:
        os.kill(process._process.pid, signal.SIGKILL)
        process._process.join(10)
        passed, failures = process.run_rules(ROWS, "rows", ROW_RULES, "item_id")
        assert not passed and set(failures["row_id"]) == {11}
    finally:
        process.close()


def test_a_refresh_that_does_not_start_ends_the_process_at_once(monkeypatch):
    monkeypatch.delitem(__import__("sys").modules, "great_expectations", raising=False)
    gx_process.prestart()
    started = gx_process._started
    assert started is not None and started.alive()
    began = time.monotonic()
    gx_process.discard()
    assert not started.alive() and time.monotonic() - began < 5, "ended in the middle of importing GX"
    assert gx_process._started is None


def test_a_process_that_holds_gx_runs_the_rules_itself(monkeypatch):
    """The flow's refreshes in a test session, say: no second process, and a prestarted one is ended."""
    import great_expectations  # noqa: F401

    monkeypatch.setattr(gx_process, "_started", None)
    assert gx_process.start() is IN_PROCESS
    monkeypatch.delitem(__import__("sys").modules, "great_expectations")
    gx_process.prestart()
    started = gx_process._started
    monkeypatch.setitem(__import__("sys").modules, "great_expectations", great_expectations)
    assert gx_process.start() is IN_PROCESS
    assert not started.alive() and gx_process._started is None


def test_closing_the_process_leaves_nothing_to_the_resource_tracker(tmp_path):
    """Killed outright, the process would leave the lock GX's imports registered (tqdm's), and the
    night's log would end with multiprocessing's warning about a leaked semaphore."""
    script = tmp_path / "close.py"
    script.write_text(textwrap.dedent("""
        import time
        import pandas as pd
        from expectations.gx_process import GxProcess
        from expectations.rules import ROW_RULES
        from expectations.runner import rule_columns

        if __name__ == "__main__":
            row = {**{c: True for c in rule_columns(ROW_RULES)}, "code_kind": "basic", "statutory_days": 20.0,
                   "promised_days": 5.0, "item_id": 1}
            used = GxProcess()
            print(used.run_rules(pd.DataFrame([row]), "rows", ROW_RULES, "item_id")[0])
            used.close()
            unused = GxProcess()
            time.sleep(2)  # in the middle of importing GX
            unused.close()
            print("closed")
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "closed"]
    assert "leaked" not in done.stderr, done.stderr[-2000:]
