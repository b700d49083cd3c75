"""Noise people's answers prove: when staff answer the same kind of difference the same way again and
again, it becomes a rule for the whole catalog.

A kind of difference is one word by which a written name differs from the item people chose: a
bracket (…（代为申请）) or a word before or after the name (网上申请…, …一件事). When RULE_ANSWERS
answers (3 unless set) chose, for a name carrying the word, the item the name names without it — and
no answer ever chose otherwise for such a name — the word is noise (warehouse/noise_rules.py stores
the rule with who answered and when). One answer against it retires it. A word the catalog tells
items apart by (a family split on that bracket, 失业登记 and 失业登记申请 both listed) never
becomes a rule.
"""

from dataclasses import dataclass, field
from datetime import datetime

from transforms.catalog_index import CatalogIndex
from transforms.name_identity import NameIdentity

RULE_ANSWERS = 3  # consistent answers that make a rule
MAX_AFFIX = 6  # characters of a word before or after a name that can be one word
KIND_WORDS = {"bracket": "括号", "prefix": "前缀", "suffix": "后缀"}


@dataclass(frozen=True)
class Word:
    kind: str  # bracket, prefix, suffix
    word: str

    def describe(self) -> str:
        return f"{KIND_WORDS[self.kind]}'{self.word}'"


@dataclass(frozen=True)
class Answer:
    """One of people's answers: the name as written, its identity (reclassified by the noise words in
    use), the decision (code, new_item, not_item), the chosen item's place in the catalog index."""
    name: str
    identity: NameIdentity
    decision: str
    item: int | None
    decided_by: str
    decided_at: datetime


@dataclass
class Evidence:
    agreeing: list[Answer] = field(default_factory=list)
    against: list[Answer] = field(default_factory=list)


def word_between(written: NameIdentity, item: NameIdentity) -> Word | None:
    """The one word by which a written name differs from an item's name, or None (no difference, or
    more than one word)."""
    if written.core == item.core:
        extra, missing = written.groups - item.groups, item.groups - written.groups
        if len(extra) == 1 and not missing:
            kind, text = next(iter(extra))
            return Word("bracket", text) if kind == "other" else None
        return None
    if written.groups != item.groups or not item.core:
        return None
    extra = len(written.core) - len(item.core)
    if 1 <= extra <= MAX_AFFIX and written.core.endswith(item.core):
        return Word("prefix", written.core[:extra])
    if 1 <= extra <= MAX_AFFIX and written.core.startswith(item.core):
        return Word("suffix", written.core[len(item.core):])
    return None


def without(written: NameIdentity, word: Word) -> NameIdentity | None:
    """The name without the word, or None when it does not carry it (or nothing would be left)."""
    if word.kind == "bracket":
        group = ("other", word.word)
        return NameIdentity(written.core, written.groups - {group}) if group in written.groups else None
    if word.kind == "prefix" and written.core.startswith(word.word) and len(written.core) > len(word.word):
        return NameIdentity(written.core[len(word.word):], written.groups)
    if word.kind == "suffix" and written.core.endswith(word.word) and len(written.core) > len(word.word):
        return NameIdentity(written.core[:-len(word.word)], written.groups)
    return None


def evidence_for_words(answers: list[Answer], index: CatalogIndex) -> dict[Word, Evidence]:
    """Per word some answer's name differs from its chosen item by: the answers that chose, for a name
    carrying it, the one item the name names without it (agreeing), and those that chose otherwise
    (against: another item, a new item, not an item)."""
    found: dict[Word, Evidence] = {}
    for answer in answers:
        if answer.decision == "code" and answer.item is not None:
            word = word_between(answer.identity, index.identities[answer.item])
            if word is not None:
                found.setdefault(word, Evidence())
    for word, evidence in found.items():
        for answer in answers:
            stripped = without(answer.identity, word)
            named = index.by_key.get(stripped.key, []) if stripped is not None else []
            if len(named) != 1:
                continue
            if answer.decision == "code" and answer.item == named[0]:
                evidence.agreeing.append(answer)
            else:
                evidence.against.append(answer)
    return found


def told_apart_by_catalog(word: Word, index: CatalogIndex) -> bool:
    """Whether the catalog tells items apart by the word: a family split on the bracket, or two
    items' names that differ by it alone."""
    if word.kind == "bracket":
        return any(("other", word.word) in family.distinguishing or ("learned", word.word) in family.distinguishing
                   for family in index.families.values())
    if word.word in index.told_apart:
        return True
    cores = index.families
    return any((word.word + core if word.kind == "prefix" else core + word.word) in cores for core in cores)


def rules_from_answers(answers: list[Answer], index: CatalogIndex,
                       threshold: int = RULE_ANSWERS) -> dict[Word, Evidence]:
    """The words people's answers make noise: at least `threshold` agreeing answers, none against,
    and not a word the catalog tells items apart by."""
    return {word: evidence for word, evidence in evidence_for_words(answers, index).items()
            if len(evidence.agreeing) >= threshold and not evidence.against
            and not told_apart_by_catalog(word, index)}
