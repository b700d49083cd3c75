"""Fuzzy candidates without comparing every name with every catalog item.

A query is compared only with catalog items that share a character bigram with it (Chinese names
have no words: bigrams are the unit). Bigrams found in very many items say little and are skipped
unless nothing else is shared. Scores are rapidfuzz's ratio (Indel similarity on characters).
"""

from rapidfuzz import fuzz, process

COMMON_SHARE = 0.2  # a bigram in more than this share of the items is too common to block on
COMMON_MINIMUM = 100  # … but small catalogs keep every bigram


def bigrams(key: str) -> set[str]:
    return {key[i:i + 2] for i in range(len(key) - 1)} or ({key} if key else set())


class BigramBlocker:
    def __init__(self, catalog_keys: list[str]):
        self.keys = catalog_keys
        index: dict[str, list[int]] = {}
        for i, key in enumerate(catalog_keys):
            for gram in bigrams(key):
                index.setdefault(gram, []).append(i)
        limit = max(COMMON_MINIMUM, int(COMMON_SHARE * len(catalog_keys)))
        self.index = {g: ids for g, ids in index.items() if len(ids) <= limit}
        self.common = {g: ids for g, ids in index.items() if len(ids) > limit}

    def candidates(self, key: str) -> list[int]:
        grams = bigrams(key)
        found = {i for g in grams for i in self.index.get(g, ())}
        if not found:
            found = {i for g in grams for i in self.common.get(g, ())}
        return sorted(found)

    def top(self, key: str, cutoff: float, limit: int = 3) -> list[tuple[int, float]]:
        """The best (index, score) pairs at or above the cutoff, best first."""
        ids = self.candidates(key)
        if not ids:
            return []
        hits = process.extract(key, [self.keys[i] for i in ids], scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff)
        return [(ids[position], float(round(score))) for _, score, position in hits]
