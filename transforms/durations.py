"""Time limits (法定/承诺办结时限): "即办", "5个工作日内", "十五个工作日（不含公示）", "3个月" …"""

import re
from dataclasses import dataclass

from transforms.text import clean_text, to_simplified, unify_brackets


@dataclass(frozen=True)
class Duration:
    days: float | None
    unit: str = ""  # 工作日 | 自然日 | "" (unknown)
    immediate: bool = False
    note: str = ""
    issue: str = ""  # empty | unit_missing | not_applicable | unparsed | negative | zero_with_unit | absurd


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_NUMBER = r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+|半"
_UNITS = r"个?(?:工作日|自然日|日历日|日|天|月|周|星期|小时)"
_AMOUNT = re.compile(rf"({_NUMBER})(?:\s*[-~至到]\s*({_NUMBER}))?\s*({_UNITS})")
_BARE_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SAME_DAY = re.compile(r"当[日天]")
_IMMEDIATE = re.compile(
    r"即办|即时办|立即办|当场办|当即办|现场办结|即来即办|随到随办|马上办|立等可取|即时|立即|当场"
)
_NOT_APPLICABLE = frozenset({"无", "/", "-", "—", "无时限", "不适用", "无限制", "暂无", "不限"})
_BRACKETED = re.compile(r"\(([^()]*)\)")
# Words around a limit that say nothing beyond the number and unit.
_FILLER = re.compile(r"^(?:内|以内|之内|办结|完成|办理|办完|[,;:。.、\s])+|[,;:。.、\s]+$")
_UNIT_DAYS = {
    "工作日": (1, "工作日"),
    "自然日": (1, "自然日"),
    "日历日": (1, "自然日"),
    "日": (1, "自然日"),
    "天": (1, "自然日"),
    "月": (30, "自然日"),
    "周": (7, "自然日"),
    "星期": (7, "自然日"),
    "小时": (1 / 24, "自然日"),
}
_CONVERTED_UNITS = {"月", "周", "星期", "小时"}
# A unit written in brackets after the number: "20(工作日)" (real published lists write it so).
_BRACKETED_UNIT = re.compile(rf"^({_NUMBER})\(({_UNITS})\)(.*)$")
_NEGATIVE = re.compile(r"^[-−﹣－负]\s*\d")
MAX_PLAUSIBLE_DAYS = 1000  # beyond this a limit is a typing error (9999个工作日)


def _chinese_number(s: str) -> float | None:
    """一..九百九十九 and 两; None for anything else."""
    if s == "半":
        return 0.5
    total, current = 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            current = current * 10 + _CN_DIGITS[ch] if current else _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return float(total + current)


def _number(s: str) -> float | None:
    if s[0].isdigit():
        return float(s)
    return _chinese_number(s)


def _join_notes(*parts: str) -> str:
    return "；".join(p for p in parts if p)


def parse_duration(value) -> Duration:
    """Days, unit and notes of one time-limit cell; never raises."""
    text = unify_brackets(to_simplified(clean_text(value)))
    text = "".join(text.split())
    if not text:
        return Duration(None, issue="empty")
    if text in _NOT_APPLICABLE:
        return Duration(None, issue="not_applicable")
    if _NEGATIVE.match(text):
        return Duration(None, note=text, issue="negative")
    if m := _BRACKETED_UNIT.match(text):
        text = f"{m[1]}{m[2]}{m[3]}"
    parsed = _parse(text)
    if parsed.days is not None and parsed.days > MAX_PLAUSIBLE_DAYS:
        return Duration(None, parsed.unit, note=text, issue="absurd")
    if parsed.days == 0 and parsed.unit and not parsed.immediate_word:
        return Duration(None, parsed.unit, note=text, issue="zero_with_unit")
    return parsed.duration


@dataclass(frozen=True)
class _Parsed:
    duration: Duration
    immediate_word: bool = False  # 即办, 当场 … (not a number 0)

    @property
    def days(self):
        return self.duration.days

    @property
    def unit(self):
        return self.duration.unit


def _parse(text: str) -> _Parsed:

    bracket_note = _join_notes(*(m.strip() for m in _BRACKETED.findall(text)))
    core = _BRACKETED.sub("", text)

    m = _AMOUNT.search(core)
    if m is None:
        if _IMMEDIATE.search(core):
            return _Parsed(Duration(0.0, immediate=True, note=bracket_note), immediate_word=True)
        if _SAME_DAY.search(core):
            return _Parsed(Duration(1.0, "工作日", note=text))
        if _BARE_NUMBER.fullmatch(core):
            days = float(core)
            return _Parsed(Duration(days, immediate=days == 0, note=bracket_note, issue="unit_missing"))
        return _Parsed(Duration(None, note=bracket_note, issue="unparsed"))

    low, high, unit_word = m[1], m[2], m[3].lstrip("个")
    number = _number(high or low)
    if number is None:
        return _Parsed(Duration(None, note=bracket_note, issue="unparsed"))
    factor, unit = _UNIT_DAYS[unit_word]
    days = round(number * factor, 4)
    conversion = m[0] if unit_word in _CONVERTED_UNITS or high else ""
    rest = _FILLER.sub("", core[m.end() :])
    return _Parsed(Duration(days, unit, immediate=days == 0, note=_join_notes(conversion, bracket_note, rest)),
                   immediate_word=bool(_IMMEDIATE.search(core)))
