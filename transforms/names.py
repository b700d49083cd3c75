"""Item names: one display spelling and one matching key, with bracketed qualifiers peeled off.

Only *bracketed* qualifiers are peeled: 燃气经营许可证变更 and 燃气经营许可证注销 are different
items, but 燃气经营许可证(变更) is the item 燃气经营许可证 in the situation 变更.
"""

import re
from dataclasses import dataclass

from transforms.text import clean_text, recompose, to_simplified, unify_brackets


@dataclass(frozen=True)
class NameParts:
    text: str  # display name, qualifiers removed
    key: str  # text without spaces and punctuation, case-folded: the exact-match key
    level_qualifier: str = ""  # e.g. 县级行使, 市级/县级
    situations: tuple[str, ...] = ()  # e.g. (新办, 变更)
    guide: bool = False  # (指引)/(指南)
    notes: tuple[str, ...] = ()  # other trailing bracketed text, e.g. 含…, 依申请


_BOOK_MARKS = re.compile("[《》〈〉]")
_PAREN = re.compile("[()]")
_NON_WORD = re.compile(r"[\W_]+")
# A space survives only between two ASCII letters/digits ("IC 卡" → "IC卡", "ABC 123" stays).
_LOOSE_SPACE = re.compile(r"(?<![A-Za-z0-9]) | (?![A-Za-z0-9])")
_EDGE_CHARS = " \n-—_,，、.。:：;；/·"  # stripped from the ends of a name
_SIMPLE_GROUP = re.compile(r"\(([^()]*)\)")
_LEADING_ENUM = re.compile(r"^(?:\d{1,3}[.、]|[一二三四五六七八九十]{1,3}、)(?=\D)")
_ENUM_GROUP = re.compile(r"\d{1,3}|[一二三四五六七八九十]{1,3}")

_GUIDE_WORDS = frozenset({"指引", "指南", "办事指南", "服务指南", "办事指引"})

_UNIT = r"(?:国家|中央|省|自治区|地|市|州|盟|区|县|旗|乡|镇|街道|村|社区|居)(?:\([^()]{1,8}\))?"
_LEVEL_ONE = (
    rf"(?:{_UNIT}(?:[、/,和及与或]?{_UNIT})*)本?[两三四五]?级"
    r"(?:及以上|以上|及以下|以下)?(?:行使|权限|实施|办理|事权|审批|受理|执行|管理)?"
)
_LEVEL = re.compile(rf"{_LEVEL_ONE}(?:[、/,和及与或]{_LEVEL_ONE})*")
_SITUATION = (
    r"(?:遗失|丢失|损坏|到期)?"
    r"(?:新办|新设|新申请|首次申请|首次办理|首次|初次申请|初次|设立|开办|变更|延续|延期|补办|补发|补领|补证"
    r"|换发|换证|换领|注销|撤销|迁入|迁出|转入|转出|转移|重新申请|恢复|暂停|终止|停止|增项|年检|年审)"
    r"(?:登记|申请|办理|手续)?"
)
_SITUATIONS = re.compile(rf"{_SITUATION}(?:[、/,和及或与]{_SITUATION})*")
_SITUATION_SPLIT = re.compile("[、/,和及或与]")


def _tidy(s: str) -> str:
    if " " in s:
        s = _LOOSE_SPACE.sub("", " ".join(s.split()))
    return s.strip(_EDGE_CHARS)


def _finish(text: str) -> str:
    return recompose(_strip_leading_enumeration(text))


def _segments(s: str) -> list[tuple[bool, str]]:
    """Plain text and top-level bracket groups (inner text); stray ')' dropped, open '(' closed."""
    parts = _SIMPLE_GROUP.split(s)
    if not any("(" in p or ")" in p for p in parts[::2]):  # the usual case: no nesting, balanced
        return [(i % 2 == 1, p) for i, p in enumerate(parts)]
    segments: list[tuple[bool, str]] = []
    depth = open_at = plain_start = 0
    for m in _PAREN.finditer(s):
        i = m.start()
        if s[i] == "(":
            if depth == 0:
                segments.append((False, s[plain_start:i]))
                open_at = i
            depth += 1
        elif depth == 0:
            segments.append((False, s[plain_start:i]))
            plain_start = i + 1
        else:
            depth -= 1
            if depth == 0:
                segments.append((True, s[open_at + 1 : i]))
                plain_start = i + 1
    if depth:
        segments.append((True, s[open_at + 1 :] + ")" * (depth - 1)))
    else:
        segments.append((False, s[plain_start:]))
    return segments


def _strip_leading_enumeration(s: str) -> str:
    while _LEADING_ENUM.match(s):
        s = _tidy(_LEADING_ENUM.sub("", s, count=1))
    return s


def _is_empty_plain(segment: tuple[bool, str]) -> bool:
    return not segment[0] and not segment[1].strip(_EDGE_CHARS)


def normalize_name(value) -> NameParts:
    """Clean, simplify and unify a name; peel bracketed level/situation/guide/note qualifiers."""
    s = _BOOK_MARKS.sub("", unify_brackets(to_simplified(clean_text(value))))
    s = s.replace("\n", " ")
    if "(" not in s and ")" not in s:
        text = _finish(_tidy(s))
        return NameParts(text, name_key_of_text(text))

    levels: list[str] = []
    situations: list[str] = []
    guide = False
    kept: list[tuple[bool, str]] = []
    for is_group, part in _segments(s):
        if not is_group:
            kept.append((False, part))
            continue
        inner = _tidy(part)
        compact = inner.replace(" ", "")
        if not compact:
            continue
        if compact in _GUIDE_WORDS:
            guide = True
        elif _LEVEL.fullmatch(compact):
            levels.append(compact)
        elif _SITUATIONS.fullmatch(compact):
            situations.extend(p for p in _SITUATION_SPLIT.split(compact) if p not in situations)
        else:
            kept.append((True, inner))

    # Trailing groups become notes, unless nothing else would be left of the name.
    last_plain = len(kept) - 1
    while last_plain >= 0 and (kept[last_plain][0] or _is_empty_plain(kept[last_plain])):
        last_plain -= 1
    notes: tuple[str, ...] = ()
    if last_plain >= 0:
        notes = tuple(part for is_group, part in kept[last_plain + 1 :] if is_group)
        kept = kept[: last_plain + 1]
        first = 0
        while kept[first][0] or _is_empty_plain(kept[first]):
            if kept[first][0] and _ENUM_GROUP.fullmatch(kept[first][1]):
                kept[first] = (False, "")
            first += 1

    text = _tidy("".join(f"({part})" if is_group else part for is_group, part in kept))
    text = _finish(text)
    return NameParts(
        text=text,
        key=name_key_of_text(text),
        level_qualifier="；".join(levels),
        situations=tuple(situations),
        guide=guide,
        notes=notes,
    )


def name_key_of_text(text: str) -> str:
    """The matching key of an already normalized name: no spaces or punctuation, case-folded."""
    return _NON_WORD.sub("", text).casefold()


def name_key(value) -> str:
    """Shortcut: the matching key of a raw name."""
    return normalize_name(value).key
