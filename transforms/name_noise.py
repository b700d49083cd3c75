"""Do two name keys differ only by noise, or by meaning?

A fuzzy match is accepted only when every difference between the two names is noise: 的/之 added
or dropped, 和/及/与 swapped, or a typo — one character replaced by a same-sounding one (pypinyin,
tones ignored) or a similar-shaped one (a short table of characters clerks confuse). A differing
word, or any change touching a character of an opposite pair (转入/转出, 省内/省际, 增加/减少 …),
is meaning. Punctuation, spaces, widths, brackets and traditional characters are gone before this
(transforms/names.py builds the keys).
"""

from functools import lru_cache

from rapidfuzz.distance import Levenshtein

FILLER_CHARS = frozenset("的之")
CONJUNCTIONS = frozenset("和及与")
# Characters of words that turn an item into its opposite or sibling: never a typo.
OPPOSITE_CHARS = frozenset("入出内外际省市县区镇村增减新旧换补注销设撤迁转即承个单上下正副男女进退开关买卖收支借还存取首初续延变撤停恢")
# Similar-shaped characters clerks confuse (形近字); pairs, each way.
SIMILAR_SHAPES = frozenset(frozenset(p) for p in (
    "己已", "已巳", "己巳", "未末", "士土", "人八", "日曰", "戊戌", "戌戍", "侯候", "拔拨", "辩辨", "辨辫", "准淮",
    "历厉", "赢嬴", "营莹", "段锻", "即既", "帐账", "贷货", "傅博", "析折", "拆折", "免兔", "徽微", "练炼", "籍藉",
    "崇祟", "刺剌", "汩汨", "肓盲", "壶壸", "茶荼", "大太", "太犬", "王玉", "玉主", "千干", "干于", "午牛",
    "体休", "戒戎", "钓钩", "狠狼", "捡检", "验险", "检险", "峻竣", "浚竣", "缉辑", "揖辑", "侍待", "特持", "诗待",
    "杨扬", "场扬", "场汤", "汤扬", "祝视", "祖租", "祖组", "采釆", "证征", "症证", "账胀", "惠慧", "暇瑕",
))
MAX_EDITS = 2  # more noise than this in one name is no longer a spelling of it
MIN_LENGTH = 4  # short names change meaning with any character


@lru_cache(maxsize=8192)
def _sounds(ch: str) -> frozenset[str]:
    from pypinyin import Style, pinyin  # imported on first use: it loads a dictionary

    if not ("\u4e00" <= ch <= "\u9fff"):
        return frozenset()
    return frozenset(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])


def _typo(a: str, b: str) -> str | None:
    """Why one character replaced by another is a typo, or None when it may change the meaning."""
    if a in OPPOSITE_CHARS or b in OPPOSITE_CHARS:
        return None
    if a in CONJUNCTIONS and b in CONJUNCTIONS:
        return f"'{a}'写作'{b}'"
    if frozenset((a, b)) in SIMILAR_SHAPES:
        return f"形近字'{a}'写作'{b}'"
    if _sounds(a) & _sounds(b):
        return f"同音字'{a}'写作'{b}'"
    return None


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
        for a, b in zip(mine, theirs):
            reason = _typo(a, b)
            if reason is None:
                return None
            reasons.append(reason)
    if len(reasons) > MAX_EDITS:
        return None
    return "、".join(reasons)
