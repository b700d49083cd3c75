"""What a column's cells say it holds, for headers that are unknown, ambiguous or wrong.

Each field with a recognizable content has a test of one cell; a column's score for a field is the
share of its sampled non-empty cells that pass. Names and codes are recognized because the user's
catalog knows them; vocabularies, 《…》 legal texts, durations, yes/no flags and site names by
their shape. Fields without such a test (受理条件, 备注 …) are known by their header only.
"""

import re
from dataclasses import dataclass, field

from transforms.codes import code_key, code_text, normalize_code
from transforms.durations import MAX_PLAUSIBLE_DAYS, parse_duration
from transforms.fees import parse_fee
from transforms.flags import parse_yes_no
from transforms.name_identity import identity_of_name
from transforms.sites import parse_site
from transforms.vocab import Vocabulary

SAMPLE_CELLS = 300  # the caller samples rows spread over the sheet
# A column is taken as a field when at least this share of its cells look like it.
CONTENT_SHARE = {"item_name": 0.3, "item_code": 0.5}
DEFAULT_SHARE = 0.6

_LAW = re.compile(r"《[^》]+》|条例|法》|办法|规定|第[一二三四五六七八九十百零\d]+条|〔\d{4}〕|\[\d{4}\]")
_FEE = re.compile(r"收费|价格|物价|计费|费用|工本费|费标准|发改价|价费|费发|价发")
_MATERIAL = re.compile(r"表|证|书|复印件|原件|证明|照片|材料|申请|合同|协议|报告|清单|图")
_MATERIAL_LIST = re.compile(r"[、；;\n]|^\s*\d+[.、．]")
_DEPARTMENT = re.compile(r"(?:局|委员会|委|办公室|办|中心|厅|部|院|所|站|队|政府|公司|协会|法院|检察院)$")
_DURATION_WORDS = re.compile(r"\d|[一二三四五六七八九十]|即办|当场|即时|立即")
_DURATION_UNIT = re.compile(r"日|天|月|周|星期|小时|即办|当场|即时|立即|办结")


@dataclass(frozen=True)
class ContentKnowledge:
    """What reading knows besides header words: the catalog's names and codes, the vocabularies,
    the district's towns. Built once per run and sent to the reader processes."""

    name_keys: frozenset[str] = frozenset()  # catalog names: core and flat keys
    code_keys: frozenset[str] = frozenset()  # catalog codes, alternatives and 基本编码 inside them
    vocabulary: Vocabulary | None = None
    towns: dict[str, list[str]] = field(default_factory=dict)

    @property
    def knows_catalog(self) -> bool:
        return bool(self.name_keys or self.code_keys)


def _vocab_test(knowledge: ContentKnowledge, name: str, many: bool = False):
    vocab = knowledge.vocabulary
    if vocab is None:
        return None

    def test(cell: str) -> bool:
        if cell.isdigit():  # 1, 2, 3 … are as likely a 序号 as a code: no evidence
            return False
        if many:
            terms, unknown = vocab.lookup_many(name, cell)
            return bool(terms) and not unknown
        return vocab.lookup(name, cell) is not None

    return test


def is_catalog_name(cell: str, knowledge: ContentKnowledge) -> bool:
    identity = identity_of_name(cell)
    return bool(identity.core) and (identity.core in knowledge.name_keys or identity.flat in knowledge.name_keys)


def is_code(cell: str, knowledge: ContentKnowledge) -> bool:
    if code_key(code_text(cell)) in knowledge.code_keys:
        return True
    return normalize_code(cell).kind in ("basic", "implementation", "business", "local")


def cell_tests(knowledge: ContentKnowledge, district: str = "") -> dict:
    """field -> a test of one cell's text."""
    towns = knowledge.towns.get(district, [])
    tests = {
        "item_code": lambda c: is_code(c, knowledge),
        "legal_basis": lambda c: bool(_LAW.search(c)) and not _FEE.search(c),
        "fee_basis": lambda c: bool(_FEE.search(c)) and bool(_LAW.search(c)),
        "fee": lambda c: parse_fee(c).charged is not None and not _LAW.search(c),
        "statutory_limit": lambda c: _is_duration(c),
        "online": lambda c: parse_yes_no(c) is not None,
        "materials": lambda c: bool(_MATERIAL.search(c)) and (bool(_MATERIAL_LIST.search(c)) or len(c) <= 30),
        "department": lambda c: len(c) <= 24 and bool(_DEPARTMENT.search(c)) and not parse_site(c, towns).town,
        "town": lambda c: (s := parse_site(c, towns, district)).town != "" and not s.community,
        "community": lambda c: parse_site(c, towns, district).community != "",
        "seq": lambda c: c.isdigit() and len(c) <= 5,
    }
    if knowledge.name_keys:
        tests["item_name"] = lambda c: is_catalog_name(c, knowledge)
    for name, vocabulary, many in (("item_type", "item_type", False), ("handling_type", "handling_type", False),
                                   ("exercise_levels", "exercise_level", True), ("site_level", "site_level", False)):
        test = _vocab_test(knowledge, vocabulary, many)
        if test is not None:
            tests[name] = test
    return tests


def _is_duration(cell: str) -> bool:
    if not _DURATION_WORDS.search(cell) or len(cell) > 40:
        return False
    parsed = parse_duration(cell)
    if not _DURATION_UNIT.search(cell):  # a bare number: a count of days, not a telephone number
        return parsed.days is not None and parsed.days <= MAX_PLAUSIBLE_DAYS
    return parsed.days is not None or parsed.issue in ("negative", "zero_with_unit", "absurd")


# Cells that say nothing about what a column holds (无 stands in a 收费依据 column as in a 受理条件 one).
PLACEHOLDERS = frozenset({"无", "/", "-", "—", "暂无", "无此项", "不涉及", "/ ", "空"})


def sample(values) -> list[str]:
    """Up to SAMPLE_CELLS non-empty cells of a column (text), stripped; placeholders left out."""
    out = []
    for value in values:
        text = value.strip()
        if text and text not in PLACEHOLDERS:
            out.append(text)
            if len(out) >= SAMPLE_CELLS:
                break
    return out


def score(cells: list[str], test) -> float:
    if not cells:
        return 0.0
    distinct: dict[str, bool] = {}
    passed = 0
    for cell in cells:
        if cell not in distinct:
            distinct[cell] = bool(test(cell))
        passed += distinct[cell]
    return passed / len(cells)


def threshold(field_name: str) -> float:
    return CONTENT_SHARE.get(field_name, DEFAULT_SHARE)


def counts_up(cells: list[str]) -> bool:
    """A 序号 column: whole numbers going up by one (sampled rows: by one stride), restarting per
    site; not counts of days, which go up and down."""
    numbers = [int(c) for c in cells if c.isdigit() and len(c) <= 5]
    if len(numbers) < 3 or len(numbers) < 0.9 * len(cells):
        return False
    pairs = list(zip(numbers, numbers[1:]))
    up = [b - a for a, b in pairs if b > a]
    if len(up) < 0.8 * len(pairs):
        return False
    return max(up.count(step) for step in set(up)) >= 0.6 * len(up)
