"""申请材料 cells: one cell holding a numbered or separated list of materials, split into entries."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from transforms.text import clean_text, to_simplified, unify_brackets


@dataclass(frozen=True)
class Material:
    name: str
    required: bool | None = True
    original: str = ""  # 原件 | 复印件 | 原件及复印件 | ""
    copies: int | None = None
    note: str = ""


# Circled numbers must become "(n)" before NFKC, which would turn ① into a bare "1".
_CIRCLED = str.maketrans(
    {
        **{chr(0x2460 + i): f"({i + 1})" for i in range(20)},  # ①..⑳
        **{chr(0x3251 + i): f"({i + 21})" for i in range(15)},  # ㉑..㉟
        **{chr(0x32B1 + i): f"({i + 36})" for i in range(15)},  # ㊱..㊿
        **{chr(0x2776 + i): f"({i + 1})" for i in range(10)},  # ❶..❿
        **{chr(0x2780 + i): f"({i + 1})" for i in range(10)},  # ➀..➉
        **{chr(0x278A + i): f"({i + 1})" for i in range(10)},  # ➊..➓
    }
)
_CN = "一二三四五六七八九十"
_CN_VALUES = {c: i + 1 for i, c in enumerate(_CN)}
# Numbering styles, each capturing the number. A list is numbered when a style counts 1, 2, 3 …
_NUMBERINGS = (
    re.compile(r"(?<![\d.(])(\d{1,2})\s*[.、)](?!\d)"),
    re.compile(r"\((\d{1,2})\)"),
    re.compile(rf"(?<![\u4e00-\u9fff])([{_CN}]{{1,3}})、"),
    re.compile(rf"\(([{_CN}]{{1,3}})\)"),
)
_LEADING_NUMBER = re.compile(rf"^(?:\d{{1,2}}[.、)]|\(\d{{1,2}}\)|[{_CN}]{{1,3}}、|\([{_CN}]{{1,3}}\))(?!\d)")
_OPENERS, _CLOSERS = "(《“", ")》”"
_ENTRY_SEPARATORS = re.compile("[\n;。]+")
_LIST_SEPARATORS = re.compile("[\n;。、]+")
_PREAMBLE = re.compile(r".*(?::|以下|如下|材料|清单)")
_EDGES = re.compile(r"^[\s,;:。.、]+|[\s,;:。.、]+$")
_NONE = frozenset({"无", "/", "-", "—", "暂无", "不需要", "无需材料", "无需提供材料"})

_OPTIONAL = re.compile(r"非必要|非必须|非必需|非必填|如有|若有|选填|可选|选择提供|必要时|如需|容缺|视情况|有则提供")
_BOTH = re.compile(r"原件(?:及|和|与|、|或|加|\+|/)?复印件|复印件(?:及|和|与|、|加|\+|/)?原件")
_ORIGINAL = re.compile("原件")
_COPY = re.compile("复印件|复印")
_COPIES = re.compile(rf"(?:一式|各|共)?(\d{{1,2}}|[{_CN}两]{{1,3}})份")
_GROUP = re.compile(r"\(([^()]*)\)")
_FLAG_ONLY = re.compile(r"[\s,;:、.。及和与或各]*")
_NON_WORD = re.compile(r"[\W_]+")


def _cn_number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    if s == "两":
        return 2
    if s == "十":
        return 10
    if len(s) == 1:
        return _CN_VALUES.get(s)
    tens, _, ones = s.partition("十")
    if not _:
        return None
    return (_CN_VALUES.get(tens, 0) if tens else 1) * 10 + (_CN_VALUES.get(ones, 0) if ones else 0)


def _inside_brackets(s: str, at: int) -> bool:
    before = s[:at]
    return before.count("(") > before.count(")") or before.count("《") > before.count("》")


def _numbered_markers(s: str) -> list[re.Match]:
    """The markers of the longest 1, 2, 3 … sequence among the numbering styles."""
    best: list[re.Match] = []
    for style in _NUMBERINGS:
        expected, accepted = 1, []
        for m in style.finditer(s):
            if _cn_number(m[1]) == expected and not _inside_brackets(s, m.start()):
                accepted.append(m)
                expected += 1
        if len(accepted) > len(best):
            best = accepted
    return best


def _split_top_level(s: str, separators: re.Pattern) -> list[str]:
    """Split on separators outside () 《》 “”."""
    if not any(c in s for c in _OPENERS):
        return separators.split(s)
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(s):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        elif depth == 0 and separators.fullmatch(ch):
            pieces.append(s[start:i])
            start = i + 1
    pieces.append(s[start:])
    return pieces


def _entries(s: str) -> list[str]:
    markers = _numbered_markers(s)
    if len(markers) >= 2:
        preamble = s[: markers[0].start()].strip()
        ends = [m.start() for m in markers[1:]] + [len(s)]
        entries = [s[m.end() : end] for m, end in zip(markers, ends)]
        if preamble and not _PREAMBLE.fullmatch(preamble):
            entries.insert(0, preamble)
        return entries
    if markers and not s[: markers[0].start()].strip():
        s = s[markers[0].end() :]
    pieces = _split_top_level(s, _ENTRY_SEPARATORS)
    if len([p for p in pieces if p.strip()]) <= 1:
        pieces = _split_top_level(s, _LIST_SEPARATORS)
    return pieces


def _parse_entry(entry: str) -> Material | None:
    text = _EDGES.sub("", " ".join(entry.split()))
    text = _EDGES.sub("", _LEADING_NUMBER.sub("", text))
    if not text:
        return None
    required = _OPTIONAL.search(text) is None
    original = "原件及复印件" if _BOTH.search(text) else "原件" if _ORIGINAL.search(text) else "复印件" if _COPY.search(text) else ""
    copies_match = _COPIES.search(text)
    copies = _cn_number(copies_match[1]) if copies_match else None
    text = _COPIES.sub("", _COPY.sub("", _ORIGINAL.sub("", _BOTH.sub("", text))))

    notes = []
    groups = list(_GROUP.finditer(text))
    for m in reversed(groups):  # drop flag-only groups anywhere; trailing groups become notes
        inner = m[1]
        flag_only = _FLAG_ONLY.fullmatch(_OPTIONAL.sub("", inner)) is not None
        trailing = not _EDGES.sub("", text[m.end() :])
        if flag_only or trailing:
            if not flag_only:
                notes.insert(0, _EDGES.sub("", inner))
            text = text[: m.start()] + text[m.end() :]
    name, _, description = text.partition(":") if ":" in text else text.partition(",")
    name = _EDGES.sub("", name)
    if not name:
        return None
    notes.append(_EDGES.sub("", description))
    return Material(name, required, original, copies, "；".join(n for n in notes if n))


def split_materials(value) -> tuple[Material, ...]:
    """The entries of one 申请材料 cell, numbering stripped; () when empty or 无."""
    raw = value.translate(_CIRCLED) if isinstance(value, str) else value
    s = unify_brackets(to_simplified(clean_text(raw)))
    if not s or "".join(s.split()) in _NONE:
        return ()
    parsed = (_parse_entry(e) for e in _entries(s))
    return tuple(m for m in parsed if m is not None)


def material_key(name: str) -> str:
    """A material name without spaces, punctuation or book-title marks, case-folded."""
    return _NON_WORD.sub("", name).casefold()


def materials_key(entries: Iterable[Material]) -> str:
    """Canonical text of a material list (sorted, deduped names), to compare two lists."""
    return "；".join(sorted({material_key(m.name) for m in entries} - {""}))
