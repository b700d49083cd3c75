"""Words in a name that say only where, by whom or how an item is asked for — not which item it is.

Districts write 残疾人证办理（街道办理）, [人社]失业登记, 医保：异地就医备案, 申请高龄津贴 or
临时救助服务 for the catalog's 残疾人证办理, 失业登记 …. These words are noise unless the catalog tells
two items apart by them (it lists both 失业登记 and 失业登记申请, say): then they are meaning there.

- 地点 (places: 街道, 社区, 便民服务中心, 窗口 …) and 部门 (departments: 人社, 民政局 …), alone or
  with handling verbs (办理, 代办, 受理 …), or the verbs alone ((代办), (帮办代办)), in a bracket: a
  group of kind 'place' or 'department',
  noise kinds the catalog's families may still split on (transforms/catalog_index.py).
- 部门 before the name ([人社]…, 医保：…, 卫健-…): a tag, dropped.
- 前缀 / 后缀 (申请…, 办理…, …申请, …服务): dropped or added where only that makes the catalog's name.

The words come from the reference folder's noise_words.csv (staff edit it) and the catalog's own
departments (its 主管部门 / 实施主体 column, with their short forms: 青岛市民政局 → 民政局, 民政).
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property

from transforms.name_identity import NameIdentity
from transforms.names import name_key_of_text

KINDS = {"部门": "department", "地点": "place", "前缀": "prefix", "后缀": "suffix"}
HANDLING_VERBS = ("帮代办", "帮办", "代办", "办理", "受理", "收件", "初审", "承办", "负责", "代收", "代理", "审核",
                  "转报", "上报", "经办", "窗口", "办")
RULE_MARK = "人工核对规则"  # in the evidence of a name a rule from people's answers decided
MIN_CORE = 4  # a name left shorter than this by dropping words is no longer evidence of an item
_PLACE_PREFIX = re.compile(r"^(?:.{1,8}?(?:省|市|区|县|自治州|州))+")  # 青岛市, 山东省青岛市
_DEPARTMENT_SUFFIX = re.compile(r"(?:委员会|办公室|局|厅|委)$")
DEPARTMENT_ENDINGS = ("局", "厅", "委", "委员会", "办", "办公室", "所", "中心", "部门")  # 民政 → 民政局, 民政部门 …


def _with_endings(words) -> frozenset[str]:
    return frozenset(w + ending for w in words for ending in ("", *DEPARTMENT_ENDINGS))


@dataclass(frozen=True)
class NoiseWords:
    departments: frozenset[str]
    places: frozenset[str]
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    # Rules people's answers made (transforms/learned_noise.py): (kind, word), kind bracket/prefix/suffix.
    learned: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping]) -> "NoiseWords":
        """Rows of noise_words.csv: 类型 (部门, 地点, 前缀, 后缀) and 写法."""
        words: dict[str, list[str]] = {kind: [] for kind in KINDS.values()}
        for row in rows:
            kind = KINDS.get((row.get("类型") or "").strip())
            key = name_key_of_text(row.get("写法") or "")
            if kind and key and key not in words[kind]:
                words[kind].append(key)
        return cls(_with_endings(words["department"]), frozenset(words["place"]),
                   tuple(sorted(words["prefix"], key=len, reverse=True)),
                   tuple(sorted(words["suffix"], key=len, reverse=True)))

    def with_departments(self, names: Iterable[str]) -> "NoiseWords":
        """These words plus the catalog's departments and their short forms (青岛市民政局 → 民政局, 民政)."""
        found = set(self.departments)
        for name in names:
            key = name_key_of_text(name) if isinstance(name, str) else ""
            local = _PLACE_PREFIX.sub("", key)
            short = _DEPARTMENT_SUFFIX.sub("", local)
            found.update(word for word in (key, local) if len(word) >= 2)
            if len(short) >= 2:
                found |= _with_endings([short])
        return replace(self, departments=frozenset(found))

    def with_rules(self, rules: Iterable) -> "NoiseWords":
        """These words plus the rules people's answers made (objects with kind and word)."""
        return replace(self, learned=self.learned | {(rule.kind, rule.word) for rule in rules})

    @cached_property
    def _bracket(self) -> re.Pattern:
        def alternatives(words):
            return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"

        verbs, departments, places = (alternatives(words) for words in (HANDLING_VERBS, self.departments, self.places))

        def unit(department_group: str) -> str:  # one place, department or verb phrase
            return (f"(?:在|由|到)?(?:({department_group}(?:{departments})+)(?:{verbs})*"
                    f"|(?:(?:{places})级?)+(?:{verbs})*|(?:{verbs})+)")

        # The first phrase tells the kind; more may follow (镇街受理、区级代办).
        return re.compile(f"{unit('?P<department>')}(?:[、,，]?{unit('?:')})*")

    def bracket_kind(self, text: str) -> str | None:
        """'place' or 'department' when a bracket's words say only where or by whom, else None."""
        found = self._bracket.fullmatch(text)
        if found is None:
            return None
        return "department" if found.group("department") else "place"

    def reclassify(self, identity: NameIdentity) -> NameIdentity:
        """The identity with its brackets of where and by whom as groups of those noise kinds, and
        the brackets people's rules made noise as 'learned'."""
        groups = {(self._other_kind(text), text) if kind == "other" else (kind, text) for kind, text in identity.groups}
        return identity if groups == identity.groups else NameIdentity(identity.core, frozenset(groups))

    def _other_kind(self, text: str) -> str:
        if ("bracket", text) in self.learned:
            return "learned"
        return self.bracket_kind(text) or "other"

    def variants(self, core: str, told_apart: frozenset[str]) -> list[tuple[str, str]]:
        """The core with a department tag or an action word dropped (or an action word added), at
        most two changes, each with what was changed (for people); words in told_apart (the catalog
        tells items apart by them) are left alone."""
        found: dict[str, str] = {}
        frontier = [(core, [])]
        for _ in range(2):
            following = []
            for text, changes in frontier:
                for changed, change in self._one_change(text, told_apart):
                    if len(changed) >= MIN_CORE and changed != core and changed not in found:
                        found[changed] = "、".join(changes + [change])
                        following.append((changed, changes + [change]))
            frontier = following
        return list(found.items())

    @cached_property
    def _department_lengths(self) -> tuple[int, ...]:
        return tuple(sorted({len(word) for word in self.departments}))

    def _one_change(self, text: str, told_apart: frozenset[str]):
        # Every department word the name starts with, not only the longest: 公安办理… is 公安 + 办理…,
        # though 公安办 is a department word too.
        for length in self._department_lengths:
            tag = text[:length]
            if length < len(text) and tag in self.departments and tag not in told_apart:
                yield text[length:], f"去掉部门标注'{tag}'"
        for word in self.prefixes:
            if word not in told_apart:
                yield (text[len(word):], f"去掉'{word}'") if text.startswith(word) else (word + text, f"加上'{word}'")
        for word in self.suffixes:
            if word not in told_apart:
                yield (text[:-len(word)], f"去掉'{word}'") if text.endswith(word) else (text + word, f"加上'{word}'")
        for kind, word in sorted(self.learned):  # people's rules only drop their word
            if word in told_apart:
                continue
            if kind == "prefix" and text.startswith(word):
                yield text[len(word):], f"去掉'{word}'（{RULE_MARK}）"
            elif kind == "suffix" and text.endswith(word):
                yield text[:-len(word)], f"去掉'{word}'（{RULE_MARK}）"

    def told_apart(self, cores: Iterable[str]) -> frozenset[str]:
        """The words the catalog tells items apart by: an item's core is another's with the word
        added before (部门, 前缀) or after (后缀) it."""
        known = set(cores)
        found = set()
        for core in known:
            for end in range(2, len(core) - 1):  # every split of a core into a word and another core
                if core[end:] in known and (core[:end] in self.departments or core[:end] in self.prefixes):
                    found.add(core[:end])
                if core[:end] in known and core[end:] in self.suffixes:
                    found.add(core[end:])
        return frozenset(found)


NO_NOISE_WORDS = NoiseWords(frozenset(), frozenset(), (), ())
