"""Decide what each column of a sheet holds, from its header word and its cells.

A header word (the synonym table) is the start. Where the cells contradict it (a column headed
事项类型 holding 即办件/承诺件, 事项类别 holding 行政许可/公共服务, 依据 holding fee documents, 村社区
holding town and community names), or where the word is unknown, the cells decide. Every such
decision is returned as an inference for people to see; a column nothing can be made of is
returned as unplaced (it is kept as an extra, never dropped).
"""

import re
from dataclasses import dataclass, field

from transforms.column_content import ContentKnowledge, cell_tests, counts_up, score, threshold
from transforms.durations import parse_duration

# Fields a header word is often mistaken for: the cells of a column headed with the key are also
# tested for these.
CONFUSABLE = {
    "item_type": ("handling_type", "item_family"),
    "item_family": ("item_type", "handling_type"),
    "handling_type": ("item_type",),
    "legal_basis": ("fee_basis",),
    "fee_basis": ("legal_basis",),
    "fee": ("fee_basis",),
    "town": ("community", "site"),
    "community": ("town", "site"),
    "site": ("town", "community"),
    "site_level": ("town", "community", "site"),
    "statutory_limit": ("promised_limit",),
    "promised_limit": ("statutory_limit",),
}
# Fields whose cells cannot be told apart by content alone: the header decides, or nothing does.
SAME_TEST = {"promised_limit": "statutory_limit", "proxy": "online"}
# Unknown headers are tried for these, best first on ties (never for fields content cannot tell).
CONTENT_FIELDS = ("item_name", "item_code", "item_type", "handling_type", "exercise_levels", "site_level",
                  "site", "town", "community", "legal_basis", "fee_basis", "statutory_limit", "fee",
                  "materials", "department", "seq")
MIN_SITE_CELLS = 1  # a column is a 服务站点 column when it names both towns and communities
SWAP = {"statutory_limit": "promised_limit", "promised_limit": "statutory_limit"}
# Words in an unknown header that say which of two fields with the same cells it is.
YES_NO_HINTS = (("网", "online"), ("线上", "online"), ("代", "proxy"), ("费", "fee"))
HEADER_FRAGMENTS = ((re.compile("费.*依据|依据.*费"), "fee_basis"), (re.compile("条件|前提"), "acceptance_conditions"),
                    (re.compile("层级|层次"), "exercise_levels"),
                    (re.compile("材料|要件"), "materials"), (re.compile("依据"), "legal_basis"),
                    (re.compile("备注|说明"), "note"), (re.compile("部门|单位|主体|机关"), "department"))
LIMIT_HINTS = (("承诺", "promised_limit"), ("法定", "statutory_limit"), ("时限", "promised_limit"),
               ("期限", "promised_limit"), ("时间", "promised_limit"), ("天", "promised_limit"))


@dataclass
class Assignment:
    columns: dict[str, int] = field(default_factory=dict)
    inferred: list[tuple[str, str, str]] = field(default_factory=list)  # (header, field, why, in Chinese)
    unplaced: list[str] = field(default_factory=list)


class _Scorer:
    def __init__(self, cells: dict[int, list[str]], knowledge: ContentKnowledge, district: str):
        self.cells, self.tests, self.cache = cells, cell_tests(knowledge, district), {}

    def __call__(self, col: int, name: str) -> float:
        if name == "site":
            return self._site(col)
        test = self.tests.get(SAME_TEST.get(name, name))
        if test is None:
            return 0.0
        key = (col, SAME_TEST.get(name, name))
        if key not in self.cache:
            cells = self.cells[col][:60] if name == "item_name" else self.cells[col]
            self.cache[key] = score(cells, test)
        return self.cache[key]

    def _site(self, col: int) -> float:
        town, community = self(col, "town"), self(col, "community")
        return town + community if round(min(town, community) * len(self.cells[col])) >= MIN_SITE_CELLS else 0.0

    def testable(self, name: str) -> bool:
        return name == "site" or SAME_TEST.get(name, name) in self.tests


def assign_fields(texts: list[str], by_header: dict[int, str], cells: dict[int, list[str]],
                  knowledge: ContentKnowledge, district: str = "", rows: list[list[str]] | None = None) -> Assignment:
    """columns: field -> column; inferred: (header, field, why) where the cells decided.
    rows: the sampled rows' cells as text, to tell two time-limit columns apart by their values."""
    scorer = _Scorer(cells, knowledge, district)
    claims: list[tuple[int, str, float, bool]] = []  # (col, field, share, by its header word)
    out = Assignment()
    for col in range(len(texts)):
        if not cells.get(col) and col not in by_header:
            continue
        header_field = by_header.get(col)
        decided = _decide(col, texts[col], header_field, scorer)
        if decided is None:
            if texts[col] or cells.get(col):
                out.unplaced.append(texts[col] or f"第{col + 1}列")
            continue
        name, share = decided
        claims.append((col, name, share, name == header_field))
    taken: dict[str, tuple[int, float, bool]] = {}
    # Header words first, then the stronger content; a later claim on a taken field is unplaced.
    for col, name, share, by_word in sorted(claims, key=lambda c: (not c[3], -c[2], c[0])):
        if name in taken and SWAP.get(name) and SWAP[name] not in taken and not by_word:
            name = SWAP[name]  # a second time-limit column: the other limit
        elif name in taken:  # a second 收费 column holding documents: the field it is mistaken for
            free = [(scorer(col, other), other) for other in CONFUSABLE.get(name, ())
                    if other not in taken and scorer.testable(other)]
            share, other = max(free, default=(0.0, None))
            if other is not None and share > 0:
                name, by_word = other, False
        if name in taken:
            out.unplaced.append(texts[col] or f"第{col + 1}列")
            continue
        taken[name] = (col, share, by_word)
        out.columns[name] = col
        if not by_word:
            why = f"列名含'{word}'" if (word := _fragment_word(texts[col], name)) and share == 0 else \
                f"{share:.0%}的单元格符合"
            out.inferred.append((texts[col] or f"第{col + 1}列", name, why))
    if rows and not ({"statutory_limit", "promised_limit"} <= {n for n, (_, _, w) in taken.items() if w}):
        _order_limits(out, rows, texts)
    out.columns = dict(sorted(out.columns.items(), key=lambda kv: kv[1]))
    return out


def _order_limits(out: Assignment, rows: list[list[str]], texts: list[str]) -> None:
    """Two time-limit columns not both named by their header: the promised one is the shorter
    (承诺 ≤ 法定) in most rows; swap them when the cells say the other way round."""
    statutory, promised = out.columns.get("statutory_limit"), out.columns.get("promised_limit")
    if statutory is None or promised is None:
        return
    longer = shorter = 0
    for row in rows:
        if max(statutory, promised) >= len(row):
            continue
        a, b = parse_duration(row[statutory]).days, parse_duration(row[promised]).days
        if a is not None and b is not None and a != b:
            longer += b > a
            shorter += b < a
    if longer > shorter:
        out.columns["statutory_limit"], out.columns["promised_limit"] = promised, statutory
        out.inferred = [(h, f, w) for h, f, w in out.inferred if f not in ("statutory_limit", "promised_limit")]
        for name, col in (("statutory_limit", promised), ("promised_limit", statutory)):
            out.inferred.append((texts[col] or f"第{col + 1}列", name, "两列时限中较长的为法定、较短的为承诺"))


def _decide(col: int, text: str, header_field: str | None, scorer: _Scorer) -> tuple[str, float] | None:
    if header_field in ("town", "community") and scorer(col, "site") > scorer(col, header_field):
        return "site", scorer(col, "site")  # a column naming town centres and community stations alike
    if header_field is not None:
        own = scorer(col, header_field) if scorer.testable(header_field) else None
        if own is not None and own >= 0.5:
            return header_field, own
        rivals = [(scorer(col, other), other) for other in CONFUSABLE.get(header_field, ())
                  if scorer.testable(other)]
        best = max(rivals, default=(0.0, None))
        if best[1] is not None and best[0] >= threshold(best[1]) and best[0] > (own or 0.0):
            return best[1], best[0]
        return header_field, own if own is not None else 1.0
    # A telling word in an unknown header (准入条件, 办理要件) says more than a content test can.
    word = next(((field_name, 0.0) for pattern, field_name in HEADER_FRAGMENTS if pattern.search(text)), None)
    if word is not None:
        return word
    if counts_up(scorer.cells[col]):
        return "seq", 1.0
    flags = scorer(col, "online")
    if flags >= 0.8:
        return next(((name, flags) for word, name in YES_NO_HINTS if word in text), None)
    ranked = [(scorer(col, name), -i, name) for i, name in enumerate(CONTENT_FIELDS) if scorer.testable(name)]
    share, _, name = max(ranked, default=(0.0, 0, None))
    if name in ("statutory_limit", "seq"):
        limit = scorer(col, "statutory_limit")
        hinted = next((field_name for word, field_name in LIMIT_HINTS if word in text), None)
        if limit >= threshold("statutory_limit") and hinted:
            return hinted, limit
    if name is None or share < threshold(name):
        return None
    return name, share


def _fragment_word(text: str, name: str) -> str:
    return next((m[0] for pattern, field_name in HEADER_FRAGMENTS if field_name == name and (m := pattern.search(text))),
                "")
