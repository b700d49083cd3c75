"""What a name says about which item it is: its core and the bracketed groups peeled off it.

transforms/names.py peels bracketed groups off a name: 层级 (县级), 情形 (变更), (指引) and trailing
notes. Here every group gets a kind:

- ``level`` (县级, 镇级 …), ``guide`` (指引) and ``online`` (网办, 全程网办 …) are *noise kinds*
  (and ``place`` (街道办理) and ``department`` (民政局), which the matcher finds with the reference
  data's words: transforms/noise_words.py):
  districts add and drop them freely. They still tell items apart where a catalog uses them to
  (…核发(县级) and …核发(镇级) as two items): transforms/catalog_index.py learns that per family.
- ``situation`` (变更, 注销, 迁入 …), ``handling`` (即办件, 承诺件 …) and ``other`` groups are part of
  the item's identity: 医疗机构执业变更(承诺件) is never 医疗机构执业变更(即办件).
"""

import re
from dataclasses import dataclass
from functools import cached_property

from transforms.names import name_key_of_text, normalize_name

# place, department and learned groups come from the matcher (transforms/noise_words.py: the reference
# data's words of where and by whom, people's rules), never from a name alone: stored alias keys do
# not depend on them.
NOISE_KINDS = frozenset({"level", "guide", "online", "place", "department", "learned"})
Group = tuple[str, str]  # (kind, text)

_ONLINE = re.compile(
    r"(?:全程)?(?:网办|网上办理?|网上可办|可网办|网上申办|一网通办|不见面审批|不见面|掌上办|指尖办|零跑腿|全程网上办理)")
_HANDLING = {"即办": "即办件", "即办件": "即办件", "承诺": "承诺件", "承诺件": "承诺件", "上报件": "上报件",
             "联办件": "联办件", "并联审批件": "并联审批件"}
_LEVEL_NOISE = re.compile("行使|权限|实施|办理|事权")


def level_text(qualifier: str) -> str:
    """One comparable spelling of a level qualifier: 县级行使, 县级权限 → 县级; 区级 → 县级."""
    return _LEVEL_NOISE.sub("", qualifier or "").replace("区级", "县级")


def note_group(note: str) -> Group:
    """The kind of one trailing bracketed note, with its comparable text."""
    key = name_key_of_text(note)
    if key in _HANDLING:
        return "handling", _HANDLING[key]
    if _ONLINE.fullmatch(key):
        return "online", "网办"
    return "other", key


@dataclass(frozen=True)
class NameIdentity:
    core: str  # the name key without peeled groups
    groups: frozenset[Group]

    @cached_property  # asked for again and again while matching
    def meaningful(self) -> frozenset[Group]:
        """Groups that are part of the identity wherever they appear."""
        return frozenset(g for g in self.groups if g[0] not in NOISE_KINDS)

    @cached_property
    def key(self) -> str:
        """Every group included: two names with the same key are written the same way."""
        return self.core + "".join(f"|{kind}:{text}" for kind, text in sorted(self.groups))

    @cached_property
    def flat(self) -> str:
        """Core and meaningful groups run together: 实验动物生产许可(变更) ≡ 实验动物生产许可变更."""
        return self.core + "".join(text for _, text in sorted(self.meaningful, key=lambda g: g[1]))


def identity_of(name_key: str, situations: str = "", qualifier: str = "", notes: str = "",
                guide: bool = False) -> NameIdentity:
    """The identity of a normalized name, from the columns names_table writes."""
    groups: set[Group] = set()
    for level in filter(None, (qualifier or "").split("；")):
        groups.add(("level", level_text(level)))
    for situation in filter(None, (situations or "").split("、")):
        groups.add(("situation", situation))
    for note in filter(None, (notes or "").split("；")):
        group = note_group(note)
        if group[1]:
            groups.add(group)
    if guide is True:
        groups.add(("guide", "指引"))
    return NameIdentity(name_key or "", frozenset(groups))


def identity_of_name(name: str) -> NameIdentity:
    """The identity of a raw name (aliases, tests)."""
    parts = normalize_name(name)
    return identity_of(parts.key, "、".join(parts.situations), "；".join(filter(None, [parts.level_qualifier])),
                       "；".join(parts.notes), parts.guide)


def alias_key(name: str) -> str:
    """The key an alias is stored and looked up by: its core and meaningful groups (noise ignored)."""
    return identity_of_name(name).flat


GROUP_WORDS = {"level": "层级", "guide": "指引标记", "online": "网办标记", "situation": "办理情形",
               "handling": "办件类型", "other": "括号内容", "place": "办理地点", "department": "部门",
               "learned": "人工核对规则认定的括号"}  # noise_words.RULE_MARK in the evidence


def describe(groups) -> str:
    """Groups as people read them: 层级'县级'、网办标记'网办'."""
    return "、".join(f"{GROUP_WORDS[kind]}'{text}'" for kind, text in sorted(groups))
