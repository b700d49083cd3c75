"""The user's catalog as lookups for matching: by code, by name, by family of siblings.

The catalog is the truth about items, and it teaches three things here:
- which codes identify items (its own code, the alternative codes of its other code columns, and
  the 基本编码 inside a 实施编码), and which of them several items share;
- which names repeat (such a name alone cannot identify an item);
- which bracketed groups tell siblings apart. Items whose names share a core form a family
  (实验动物生产许可 (变更)/(注销)/(新申请)/(延续)); a group that some siblings carry and others
  don't is *distinguishing* for that family, even of a noise kind such as (县级)/(镇级).
"""

from dataclasses import dataclass, field

from transforms.blocking import BigramBlocker
from transforms.codes import normalize_code
from transforms.name_identity import NOISE_KINDS, Group, NameIdentity
from transforms.noise_words import NO_NOISE_WORDS, NoiseWords


@dataclass(frozen=True)
class Family:
    members: tuple[int, ...]
    distinguishing: frozenset[Group]  # groups carried by some members but not all
    split_kinds: frozenset[str]  # kinds of those groups


def _index(pairs) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for key, i in pairs:
        if key and i not in index.setdefault(key, []):
            index[key].append(i)
    return index


@dataclass
class CatalogIndex:
    codes: list[str]  # catalog_code of each item
    names: list[str]
    identities: list[NameIdentity]
    code_keys: list[list[str]]  # every code key that names the item (its own first)
    noise: NoiseWords = NO_NOISE_WORDS  # words of where, by whom, how (identities already reclassified by it)
    by_code: dict[str, list[int]] = field(init=False)
    by_key: dict[str, list[int]] = field(init=False)
    by_flat: dict[str, list[int]] = field(init=False)
    by_verbatim: dict[str, list[int]] = field(init=False)  # each name as written (clean_text)
    families: dict[str, Family] = field(init=False)
    position: dict[str, int] = field(init=False)
    digit_lengths: tuple[int, ...] = field(init=False)
    cores: list[str] = field(init=False)
    blocker: BigramBlocker = field(init=False)
    told_apart: frozenset[str] = field(init=False)  # noise words the catalog tells items apart by

    def __post_init__(self):
        own = _index((keys[0], i) for i, keys in enumerate(self.code_keys) if keys)
        others = _index((k, i) for i, keys in enumerate(self.code_keys) for k in keys[1:])
        # An item's own code wins over another item's alternative code.
        self.by_code = {**others, **own}
        self.position = {code: i for i, code in enumerate(self.codes)}
        self.by_key = _index((ident.key, i) for i, ident in enumerate(self.identities) if ident.core)
        self.by_flat = _index((ident.flat, i) for i, ident in enumerate(self.identities) if ident.core)
        self.by_verbatim = _index((name, i) for i, name in enumerate(self.names) if isinstance(name, str))
        members = _index((ident.core, i) for i, ident in enumerate(self.identities) if ident.core)
        self.families = {core: _family(ids, self.identities) for core, ids in members.items()}
        self.digit_lengths = tuple(sorted({len(k) for keys in self.code_keys for k in keys if k.isdigit()}))
        self.cores = list(members)
        self.blocker = BigramBlocker(self.cores)
        self.told_apart = self.noise.told_apart(self.cores)

    def items_for_code(self, key: str) -> tuple[list[int], str]:
        """Items a district's code key names, and a repair made to find them ('' or
        'leading_zeros_restored': digits that lost their leading zeros to Excel, padded to a
        length the catalog's codes have)."""
        if not key:
            return [], ""
        if key in self.by_code:
            return self.by_code[key], ""
        if key.isdigit():
            for length in self.digit_lengths:
                if length > len(key) and (padded := key.zfill(length)) in self.by_code:
                    return self.by_code[padded], "leading_zeros_restored"
        return [], ""

    def implemented_items(self, key: str) -> list[int]:
        """Items a district's 实施编码 or 业务办理项编码 implements through the 基本编码 inside it, where
        the catalog identifies items by that 基本编码: the district's own implementation of the
        catalog's item. A catalog of 实施编码 names no item so: another body's 实施编码 is another item."""
        parts = normalize_code(key)
        if parts.kind not in ("implementation", "business") or not parts.basic_code:
            return []
        return [i for i in self.by_code.get(parts.basic_code, []) if self.is_own_code(parts.basic_code, i)]

    def is_own_code(self, key: str, i: int) -> bool:
        """Whether the key is item i's own code (not an alternative or a 基本编码 several items share)."""
        return bool(self.code_keys[i]) and self.code_keys[i][0] in (key, key.zfill(len(self.code_keys[i][0])))

    def compatible(self, written: NameIdentity, i: int) -> bool:
        """Whether item i can be what a name with the same core says, given its groups.

        A group only the name carries is fine when it is noise the family does not split on; a
        group only the item carries is fine when it does not tell the item from a sibling."""
        family = self.families[self.identities[i].core]
        mine = self.identities[i].groups
        if any(kind not in NOISE_KINDS or kind in family.split_kinds for kind, _ in written.groups - mine):
            return False
        # A group only the item has: noise it does not split on is fine; a situation or note may be
        # what sets it apart from an item the catalog does not hold (…核发 vs …核发(延期)).
        return not any(g in family.distinguishing or g[0] not in NOISE_KINDS for g in mine - written.groups)


def _family(ids: list[int], identities: list[NameIdentity]) -> Family:
    sets = [identities[i].groups for i in ids]
    common = frozenset.intersection(*sets)
    distinguishing = frozenset().union(*sets) - common
    return Family(tuple(ids), distinguishing, frozenset(kind for kind, _ in distinguishing))
