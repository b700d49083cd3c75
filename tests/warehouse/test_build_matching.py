"""warehouse/build.py: a large night's pairs are matched in two processes, with one process's answers."""

import os
import signal

import pandas as pd

from tests.transforms.test_matching import ALIASES, CATALOG, CATALOG_ITEMS, NAME_COLUMNS
from transforms.codes import code_key
from transforms.matching import MatchSettings, match_pairs
from transforms.normalize import codes_table, names_table
from warehouse import build
from warehouse.reference import load_reference

NOISE = load_reference().noise_words  # the bundled words, as a night without a reference folder uses


def queries() -> pd.DataFrame:
    """Pairs of every kind: exact, noisy, aliased, unknown, with and without (damaged) codes."""
    pairs = []
    for code, name in CATALOG_ITEMS:
        pairs += [(name, ""), (name, code), (f" {name}。", code[1:]), (name + "（县级）", ""), (name[:-1], code),
                  (name, "999999999999")]
    pairs += [("高龄津贴", ""), ("低保金领取", "370500006000"), ("老年优待证", ""), ("不存在的事项", "")]
    names = names_table([name for name, _ in pairs])
    codes = codes_table([code for _, code in pairs])
    return pd.DataFrame({**{c: names[c] for c in NAME_COLUMNS}, "code_key": [code_key(t) for t in codes["code_text"]]})


def test_matching_in_a_second_process_gives_the_same_answers(monkeypatch):
    pairs = queries()
    alone = match_pairs(pairs, CATALOG, ALIASES, MatchSettings(), noise=NOISE)
    monkeypatch.setattr(build, "MATCH_WORKER_MIN_PAIRS", 10)
    worker = build._match_worker(started=True)
    try:
        halves = build._match(pairs, CATALOG, ALIASES, MatchSettings(), None, NOISE, worker)
    finally:
        worker.shutdown()
    assert len(halves) == len(pairs) > 2 * 10 and halves.index.tolist() == alone.index.tolist()
    pd.testing.assert_frame_equal(halves, alone)
    assert set(alone["match_method"]) >= {"name", "code", "alias", "review"}  # the kinds were all there


def test_a_small_night_matches_in_its_own_process():
    pairs = queries()
    worker = build._match_worker(started=False)
    try:
        build._match(pairs, CATALOG, ALIASES, MatchSettings(), None, NOISE, worker)
        assert not worker._processes  # never started: a handful of pairs is not worth a process
    finally:
        worker.shutdown()


def test_a_worker_that_died_leaves_the_matching_to_the_run(monkeypatch):
    pairs = queries()
    monkeypatch.setattr(build, "MATCH_WORKER_MIN_PAIRS", 10)
    worker = build._match_worker(started=True)
    try:
        (pid,) = worker._processes
        os.kill(pid, signal.SIGKILL)
        matched = build._match(pairs, CATALOG, ALIASES, MatchSettings(), None, NOISE, worker)
    finally:
        worker.shutdown()
    pd.testing.assert_frame_equal(matched, match_pairs(pairs, CATALOG, ALIASES, MatchSettings(), noise=NOISE))
