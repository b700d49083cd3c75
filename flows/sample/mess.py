"""Cosmetic value variations (noise): pure functions that normalization must undo.

Each function takes a `random.Random` and the clean value and returns the messy value, or None
when the variation does not apply to that value (so the caller tags only real changes).
None of them changes meaning: 20个工作日 may become 二十个工作日 but never 20日 (自然日).
"""

from __future__ import annotations

import random
import re

LEVEL_QUALIFIERS = ("(县级)", "（县级行使）", "（县级权限）", "(市级/县级)", "（市级/县级）", "（指引）", "（县级）")
SITUATION_QUALIFIERS = ("（新办）", "（首次申请）")
DROPPABLE_WORDS = ("基本", "申请", "办理", "服务")
INVISIBLE = ("\u200b", "\ufeff", "\u200c", "\u2060")
SPACES = (" ", "\u3000", "  ", "\u00a0")
GBK_SPACES = (" ", "\u3000", "  ")  # no-break space is not in GBK
TYPE_SPELLINGS = {  # local spellings seen in practice (most are in seeds/vocabularies.csv)
    "行政许可": ("许可", "行政许可事项", "行政审批"),
    "行政处罚": ("处罚", "行政处罚事项"),
    "行政强制": ("强制", "行政强制事项"),
    "行政征收": ("征收", "行政征收事项"),
    "行政给付": ("给付", "行政给付类", "行政给付事项"),
    "行政检查": ("检查", "行政检查事项"),
    "行政确认": ("确认", "行政确认类", "行政确认事项"),
    "行政奖励": ("奖励", "行政奖励事项"),
    "行政裁决": ("裁决", "行政裁决事项"),
    "其他行政权力": ("其他权力", "其他职权", "其他行政权力事项"),
    "公共服务": ("公共服务事项", "公共服务类", "公共服务类事项"),
    "行政备案": ("备案", "行政备案事项"),
}
FEE_NO = ("不收费", "免费", "无", "0元", "×", "N")
FEE_YES = ("收费", "√", "Y")
FLAG_YES = ("√", "Y", "有", "可以")
FLAG_NO = ("×", "N", "无", "不可")
IMMEDIATE = ("当场办结", "即时办结", "立即办结", "当场办理")
_CN_DIGITS = "零一二三四五六七八九"
_DURATION = re.compile(r"^(\d+)(个工作日|个自然日|日|天)(.*)$")


def fullwidth(text: str) -> str:
    """ASCII letters and digits to their full-width forms (８, Ａ)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def chinese_number(n: int) -> str:
    """1..999 in Chinese numerals: 20 -> 二十, 15 -> 十五, 105 -> 一百零五."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _CN_DIGITS[rest] if rest < 10 else
                                 ("一" if rest < 20 else "") + chinese_number(rest))
    return _CN_DIGITS[n // 100] + "百" + tail


# ---- item names -------------------------------------------------------------------------------

def add_qualifier(rng: random.Random, name: str, situation_ok: bool) -> str:
    """Append a level qualifier (县级行使…) or, where allowed, a situation (新办)."""
    if situation_ok and rng.random() < 0.2:
        return name + rng.choice(SITUATION_QUALIFIERS)
    return name + rng.choice(LEVEL_QUALIFIERS)


def mix_brackets(rng: random.Random, name: str) -> str | None:
    """Flip the width of one bracket so half and full width mix: 发票领用(县级行使）."""
    spots = [i for i, c in enumerate(name) if c in "()（）"]
    if not spots:
        return None
    i = rng.choice(spots)
    flip = {"(": "（", ")": "）", "（": "(", "）": ")"}
    return name[:i] + flip[name[i]] + name[i + 1:]


def add_spaces(rng: random.Random, name: str, spaces: tuple[str, ...] = SPACES) -> str:
    where = rng.random()
    space = rng.choice(spaces)
    if where < 0.3:
        return space + name
    if where < 0.6:
        return name + space
    i = rng.randrange(1, max(2, len(name)))
    return name[:i] + space + name[i:]


def add_invisible(rng: random.Random, name: str) -> str:
    i = rng.randrange(0, len(name) + 1)
    return name[:i] + rng.choice(INVISIBLE) + name[i:]


def fullwidth_name(name: str) -> str | None:
    out = fullwidth(name)
    return out if out != name else None


_DOCUMENT = re.compile(r"(?<![认验论保签])证[明书]?")
_LEADING_VERBS = ("办理", "核发", "签发", "申领", "发放", "出具", "开具", "换发", "补发")


def booktitle(rng: random.Random, name: str) -> str | None:
    """Wrap the document an item is about in 《》 (残疾人证迁移 -> 《残疾人证》迁移), or drop 《》."""
    if "《" in name:
        return name.replace("《", "").replace("》", "")
    m = _DOCUMENT.search(name)
    if not m:
        return None
    start = next((len(v) for v in _LEADING_VERBS if name.startswith(v)), 0)
    if not 2 <= m.end() - start <= 14 or any(c in name[start:m.end()] for c in "()（）、"):
        return None
    return name[:start] + "《" + name[start:m.end()] + "》" + name[m.end():]


def drop_or_add_word(rng: random.Random, name: str) -> str | None:
    """Drop a filler word (基本 first) or prefix 办理; the caller checks no other item gets hit."""
    for word in DROPPABLE_WORDS:
        if word in name and len(name) > len(word) + 3:
            return name.replace(word, "", 1)
    if not any(v in name for v in ("办理", "出具", "开具")) and rng.random() < 0.5:
        return "办理" + name
    return None


# ---- codes ------------------------------------------------------------------------------------

def format_code(rng: random.Random, code: str) -> str:
    """Spaces, dashes, full-width digits, lower case or an Excel text apostrophe in a code."""
    style = rng.randrange(6)
    if style == 0 and len(code) == 12:
        return f"{code[:4]}-{code[4:9]}-{code[9:]}"
    if style == 1 and len(code) == 12:
        return f"{code[:2]} {code[2:4]} {code[4:9]} {code[9:]}"
    if style == 2:
        return fullwidth(code)
    if style == 3 and any(c.isalpha() for c in code):
        return code.lower()
    if style == 4:
        return rng.choice((" ", "\u3000", "\t")) + code + rng.choice(("", " "))
    return "'" + code if rng.random() < 0.5 else code + " "


def implementation_code(uscc: str, level_digit: str, code: str) -> str:
    """31-character 实施编码: 统一社会信用代码 + 行使层级 digit + 基本编码."""
    return uscc + level_digit + code


# ---- durations, fees, flags, materials, types ------------------------------------------------

def rewrite_duration(rng: random.Random, text: str) -> str | None:
    """A meaning-preserving rewrite: 20个工作日 -> 二十个工作日/20个工作日内/２０个工作日; 即办 -> 当场办结."""
    if text == "即办":
        return rng.choice(IMMEDIATE)
    m = _DURATION.match(text)
    if not m:
        return None
    n, unit, note = int(m.group(1)), m.group(2), m.group(3)
    style = rng.randrange(5)
    if style == 0 and n < 1000:
        return f"{chinese_number(n)}{unit}{note}"
    if style == 1 and not note and unit == "个工作日":
        return f"{n}{unit}内"
    if style == 2:
        return f"{n} {unit}{note}"
    if style == 3:
        return f"{fullwidth(str(n))}{unit}{note}"
    if unit == "个工作日":
        return f"{n}工作日{note}"
    return f"{chinese_number(n)}{unit}{note}" if n < 1000 else None


def rewrite_fee(rng: random.Random, fee: str) -> str | None:
    if fee == "否":
        return rng.choice(FEE_NO)
    if fee == "是":
        return rng.choice(FEE_YES)
    return None


def rewrite_flag(rng: random.Random, flag: str) -> str | None:
    if flag == "是":
        return rng.choice(FLAG_YES[:2]) if rng.random() < 0.8 else rng.choice(FLAG_YES)
    if flag == "否":
        return rng.choice(FLAG_NO[:2]) if rng.random() < 0.8 else rng.choice(FLAG_NO)
    return None


def split_materials(text: str) -> list[str]:
    return [m.strip() for m in text.split("；") if m.strip()]


def rewrite_materials(rng: random.Random, text: str, newline_share: float = 0.3) -> str | None:
    """Re-join the ；-joined entries with 1. 2. numbering, 、, ; or line breaks."""
    entries = split_materials(text)
    if not entries:
        return None
    if rng.random() < newline_share:
        if rng.random() < 0.6:
            return "\n".join(f"{i}.{m}" for i, m in enumerate(entries, 1))
        return "\n".join(entries) if len(entries) > 1 else f"1、{entries[0]}"
    style = rng.randrange(5)
    if style == 0:
        return "；".join(f"{i}.{m}" for i, m in enumerate(entries, 1))
    if style == 1:
        return " ".join(f"{i}、{m}" for i, m in enumerate(entries, 1))
    if style == 2 and len(entries) > 1 and not any("、" in m for m in entries):
        return "、".join(entries)
    if style == 3 and len(entries) > 1:
        return ";".join(entries)
    return "；".join(f"（{i}）{m}" for i, m in enumerate(entries, 1)) + "。"


def rewrite_type(rng: random.Random, item_type: str) -> str | None:
    spellings = TYPE_SPELLINGS.get(item_type)
    return rng.choice(spellings) if spellings else None
