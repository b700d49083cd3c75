"""transforms.blocking: blocked fuzzy candidates agree with comparing everything."""

import csv
import random

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from transforms.blocking import BigramBlocker, bigrams
from transforms.names import name_key
from warehouse.reference import SEEDS_DIR


def catalog_keys():
    with (SEEDS_DIR / "catalog.csv").open(encoding="utf-8-sig") as f:
        return [name_key(row["事项名称"]) for row in csv.DictReader(f)]


def variants(keys, rng):
    """Names as districts spell them: characters dropped, swapped, added."""
    out = []
    for key in keys:
        chars = list(key)
        chars.pop(rng.randrange(len(chars)))
        if rng.random() < 0.5:
            chars.insert(rng.randrange(len(chars)), "基")
        out.append("".join(chars))
    return out


@pytest.mark.parametrize("key, grams", [
    pytest.param("低保", {"低保"}, id="two characters: one bigram"),
    pytest.param("临时救助", {"临时", "时救", "救助"}, id="overlapping bigrams"),
    pytest.param("证", {"证"}, id="one character is its own gram"),
    pytest.param("", set(), id="empty"),
])
def test_bigrams(key, grams):
    assert bigrams(key) == grams


def test_blocked_top_candidate_equals_brute_force():
    keys = catalog_keys()
    queries = variants(keys, random.Random(7))
    blocker = BigramBlocker(keys)
    scores = process.cdist(queries, keys, scorer=fuzz.ratio)
    for row, query in enumerate(queries):
        best = float(np.round(scores[row].max()))
        blocked = blocker.top(query, cutoff=55)
        if best >= 55:
            assert blocked and blocked[0][1] == best, query


def test_common_bigrams_are_skipped_but_never_leave_a_query_without_candidates():
    keys = [f"事项{i:04d}登记" for i in range(1000)] + ["临时救助"]
    blocker = BigramBlocker(keys)
    assert "登记" in blocker.common
    assert blocker.candidates("临时救助申请") == [1000]
    assert blocker.candidates("登记")  # only common grams: fall back to them
