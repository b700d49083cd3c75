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
_CIRCLED_CHARS = re.compile("[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf\u2776-\u2793]")
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
_EDGE_CHARS = " \n,;:。.、"  # stripped from the ends of an entry, name or note
_NONE = frozenset({"无", "/", "-", "—", "暂无", "不需要", "无需材料", "无需提供材料"})

_OPTIONAL = re.compile(r"非必要|非必须|非必需|非必填|如有|若有|选填|可选|选择提供|必要时|如需|容缺|视情况|有则提供")
_FORM = re.compile(r"原件(?:及|和|与|、|或|加|\+|/)?复印件|复印件(?:及|和|与|、|加|\+|/)?原件|原件|复印件|复印")
_FORM_OF = {"原件": "原件", "复印件": "复印件", "复印": "复印件"}
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
    tens, ten, ones = s.partition("十")
    if not ten:
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
    text = " ".join(entry.split()).strip(_EDGE_CHARS)
    text = _LEADING_NUMBER.sub("", text).strip(_EDGE_CHARS)
    if not text:
        return None
    required = _OPTIONAL.search(text) is None
    forms = {_FORM_OF.get(f, "原件及复印件") for f in _FORM.findall(text)}
    original = "原件及复印件" if len(forms) > 1 else forms.pop() if forms else ""
    copies_match = _COPIES.search(text)
    copies = _cn_number(copies_match[1]) if copies_match else None
    text = _COPIES.sub("", _FORM.sub("", text))

    notes = []
    groups = list(_GROUP.finditer(text))
    for m in reversed(groups):  # drop flag-only groups anywhere; trailing groups become notes
        inner = m[1]
        flag_only = _FLAG_ONLY.fullmatch(_OPTIONAL.sub("", inner)) is not None
        trailing = not text[m.end() :].strip(_EDGE_CHARS)
        if flag_only or trailing:
            if not flag_only:
                notes.insert(0, inner.strip(_EDGE_CHARS))
            text = text[: m.start()] + text[m.end() :]
    name, _, description = text.partition(":") if ":" in text else text.partition(",")
    name = name.strip(_EDGE_CHARS)
    if not name:
        return None
    notes.append(description.strip(_EDGE_CHARS))
    return Material(name, required, original, copies, "；".join(n for n in notes if n))


def split_materials(value) -> tuple[Material, ...]:
    """The entries of one 申请材料 cell, numbering stripped; () when empty or 无."""
    raw = value.translate(_CIRCLED) if isinstance(value, str) and _CIRCLED_CHARS.search(value) else value
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
