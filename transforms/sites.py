"""Site names: which 镇(街道) and 村(社区) a cell, a sheet name or a file path names.

A site is named many ways: 沙子口街道, 沙子口街道便民服务中心, 沙子口街道办事处, 东麦窑社区便民服务站,
沙子口街道东麦窑社区, 东麦窑村委会. A town is taken from the district's towns list when the text names
one (沙子口 → 沙子口街道); a name not in the list is still used when it looks like a site (…镇,
…街道, …乡), and the caller reports it for staff to add. …村, …社区, …居委会 and the like are
communities (transforms/communities.py matches them to the communities list). A …便民服务点 is an
outlet run with a post office, a bank or a shop: a site of its own, under the town and, where its
name says one, the community it stands in (和港社区邮政便民服务点 → 和港社区).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from transforms.text import clean_text

TOWN_SUFFIXES = ("街道", "镇", "乡")
COMMUNITY_SUFFIXES = ("社区居委会", "村委会", "居委会", "村民委员会", "居民委员会", "社区", "村")
# Words around a site's name that are not part of it.
_SERVICE_WORDS = re.compile(
    r"(?:党群|政务|综合)?(?:便民服务(?:中心|站|点|室|大厅)|服务中心|服务站|办事处|人民政府|政府)$")
_TOWN = re.compile(r"([\u4e00-\u9fff]{1,10}?(?:街道|镇|乡))(?![\u4e00-\u9fff]{0,1}(?:级|村|区))")
_COMMUNITY = re.compile(r"([\u4e00-\u9fff]{1,12}?(?:社区|村|居委会|村委会))")
_NOT_SITE = re.compile(r"便民服务事项|事项|目录|清单|说明|汇总|附件|模板|填报|统计|各镇|各村|各乡")
_GENERIC = re.compile("[镇街道乡村社区居委会各全本级]*")
# Digits and Latin letters are kept: they can be part of a place's name (…1区, A座社区).
_POINT = re.compile(r"(?:便民服务点|服务点)$")
_PUNCT = re.compile(r"[\s()（）\[\]【】:：,，、._\-—]+")
# A file name's numbering, copy marks and dates are not: 附件1, 2026年, (1), v2.
_FILE_NUMBERS = re.compile(r"^(?:附件|附表|表)?\d+(?:年度?|月)?|\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?|[vV]\d+$|\d+$")


@dataclass(frozen=True)
class SiteName:
    town: str = ""  # as the towns list spells it, or as written when not in the list
    community: str = ""
    town_known: bool = True  # the town is in the towns list (or there is no town)
    level_word: str = ""  # 镇(街道) or 村(社区) when the text says which level (便民服务中心 / 站)
    point: str = ""  # a 便民服务点's name (…便民服务点), '' for a centre or a station
    # The community the whole text names when the town was read from a stem in front of it
    # (兴山山庄社区: 兴山街道's 山庄社区, or the community 兴山山庄社区 where another source names the town).
    whole: str = ""


def _strip_service_words(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _SERVICE_WORDS.sub("", text)
    return text


def _known_town(text: str, towns: list[str]) -> str:
    """The listed town that the text names or starts with (沙子口 and 沙子口街道 → 沙子口街道)."""
    best = ""
    for town in towns:
        stem = _stem(town)
        if (text.startswith(town) or (stem != town and text.startswith(stem))) and len(town) > len(best):
            best = town
    return best


def parse_site(value, towns: list[str], district: str = "", is_listed=None) -> SiteName:
    """The town, community and 便民服务点 a cell names; empty parts where it names none.
    is_listed(name): whether the communities list has the name (兴山山庄社区 is then one community,
    not 兴山街道's 山庄社区)."""
    text = _SECTION_COUNT.sub("", _SECTION_ENUM.sub("", clean_text(value))).strip()  # 1.河东村（32项）
    text = _PUNCT.sub("", text)
    if district:
        text = text.removeprefix(district)
    if not text or _NOT_SITE.search(text):
        return SiteName()
    if _POINT.search(text) and len(text) > 4:
        return _point(text, towns, is_listed)
    level = ""
    if re.search(r"便民服务站|服务站|村委会|居委会", text):
        level = "村(社区)"
    elif re.search(r"便民服务中心|办事处|人民政府", text):
        level = "镇(街道)"
    text = _strip_service_words(text)
    town, known, whole = _known_town(text, towns), True, ""
    if town:
        by_stem = not text.startswith(town)
        rest = text[len(_stem(town)):] if by_stem else text.removeprefix(town)
        whole = community_name(text) if by_stem else ""
        if rest in COMMUNITY_SUFFIXES or community_name(rest) in COMMUNITY_SUFFIXES:  # 新乡村 is a village, not 新乡镇's
            town, rest = "", text
        elif by_stem and is_listed and is_listed(community_name(text)):  # a listed name starting with the stem
            town, rest = "", text
        elif by_stem and _one_character_name(rest):  # 北安路社区 is a community, not 北安街道's 路社区
            town, rest = "", text
    elif (m := _TOWN.match(text)) and (m[1] == text or text[len(m[1]):].endswith(COMMUNITY_SUFFIXES)):
        # 宁江市万寿镇: the town is 万寿镇 (a 区/县/市 name may stand before it)
        town, known, rest = _clean_prefix(m[1]), False, text[len(m[1]):]
    else:
        rest = text
    community = community_name(rest)
    if _GENERIC.fullmatch(town + community):  # 镇村, 镇街村居: words for sites, not a site's name
        return SiteName()
    if not (town or community):
        return SiteName()
    if community:
        level = "村(社区)"
    return SiteName(town, community, known, level or "镇(街道)", whole=whole if town and community else "")


def _point(text: str, towns: list[str], is_listed) -> SiteName:
    """A 便民服务点: its name, and the town and community its name starts with (before the partner:
    和港社区邮政便民服务点, 龙泉街道农商银行便民服务点); a name that starts with neither has neither."""
    place = _POINT.sub("", text)
    name = place + "便民服务点"
    town = _known_town(place, towns)
    rest = place[len(town):] if town and place.startswith(town) else place[len(_stem(town)):] if town else place
    if town and not place.startswith(town) and rest.startswith(("社区", "村")):  # 北底社区邮政…: 北底社区, not 北底镇
        town, rest = "", place
    if not town and (m := _TOWN.match(place)) and len(m[1]) < len(place):
        town, rest = _clean_prefix(m[1]), place[len(m[1]):]
    community = ""
    for end in range(2, len(rest)):  # the shortest start ending in 社区/村 with a partner after it
        head = rest[:end + 1]
        if head.endswith(("社区", "村")) and len(head) >= 3 and end + 1 < len(rest):
            community = head
            break
    if community and is_listed and not is_listed(community):
        longer = [rest[:e + 1] for e in range(len(community), len(rest) - 1)
                  if rest[:e + 1].endswith(("社区", "村")) and is_listed(rest[:e + 1])]
        community = longer[0] if longer else community
    level = "村(社区)" if community else "镇(街道)"
    return SiteName(town, community, not town or town in towns, level, name)


_COMMITTEE = (("社区居民委员会", "社区"), ("社区居委会", "社区"), ("村民委员会", "村"), ("村委会", "村"),
              ("居民委员会", "居委会"))


def community_name(text: str) -> str:
    """A community's name when the text is one (东麦窑村委会 → 东麦窑村), else ''."""
    if len(text) < 2 or not text.endswith(COMMUNITY_SUFFIXES):
        return ""
    for long, short in _COMMITTEE:
        if text.endswith(long) and len(text) > len(long):
            return text.removesuffix(long) + short
    return text


def _one_character_name(text: str) -> bool:
    """路社区, 里村: one character before a community suffix, too short to be a name of its own."""
    return any(text.endswith(suffix) and len(text) == len(suffix) + 1 for suffix in COMMUNITY_SUFFIXES)


@lru_cache(maxsize=65536)  # called for every listed town on every site cell
def _stem(town: str) -> str:
    for suffix in TOWN_SUFFIXES:
        if town.endswith(suffix) and len(town) > len(suffix) + 1:
            return town.removesuffix(suffix)
    return town


def site_in_title(text: str, towns: list[str], district: str = "") -> SiteName:
    """The site a title row above the header names ("沙河镇西青坡村便民服务事项清单"), read as a file name."""
    return _site_in_file_name(text, towns, district) if len(clean_text(text)) <= 60 else SiteName()


def sites_in_path(parts: list[str], towns: list[str], district: str = "") -> SiteName:
    """The town and community the folders and the file name of a path name, deepest last: a file
    "沙子口街道/东麦窑社区.xlsx" names both; "附件1：沙子口街道便民服务事项清单.xlsx" the town."""
    town, community, point, known = "", "", "", True
    for part in parts:
        stem = re.sub(r"\.[A-Za-z]{2,4}$", "", part)
        name = _site_in_file_name(stem, towns, district)
        if name.town:
            town, known = name.town, name.town_known
        if name.community:
            community = name.community
        point = name.point or point
    return SiteName(town, community, known, "村(社区)" if community else ("镇(街道)" if town else ""), point)


_FILE_WORDS = re.compile(r"便民服务|政务服务|服务事项|事项|清单|目录|汇总|报送|统计|填报|表$")


def _site_in_file_name(stem: str, towns: list[str], district: str) -> SiteName:
    """A site named in a file or folder name, before words like 便民服务事项清单:
    "附件1：沙子口街道便民服务事项清单", "宁江市万寿镇前进村便民服务站事项清单", "新村村"."""
    text = _PUNCT.sub("", clean_text(stem))
    if district:
        text = text.replace(district, "")
    if (end := text.find("便民服务点")) > 0:  # 和港社区邮政便民服务点服务事项: the 点's whole name
        text = text[:end + len("便民服务点")]
        return parse_site(re.sub(r"^(?:附件|关于|报送|附|表)+", "", _FILE_NUMBERS.sub("", text)), towns)
    text = re.sub(r"^(?:附件|关于|报送|附|表)+", "", _FILE_WORDS.split(text, 1)[0])
    text = _FILE_NUMBERS.sub("", text)
    if not text:
        return SiteName()
    listed = [t for t in towns if t in text]
    if listed:  # a listed town anywhere in the name (崂山区沙子口街道 …, whatever stands before it)
        text = text[text.index(max(listed, key=len)):]
    return parse_site(text, towns)


def _clean_prefix(name: str) -> str:
    """Drop a leading 区/县/市 name written before a town (宁江市万寿镇 → 万寿镇; 浮山新区街道 stays)."""
    stripped = re.sub(r"^[\u4e00-\u9fff]{1,6}?(?:区|县|市)(?=[\u4e00-\u9fff]{2,})", "", name)
    suffix = next((x for x in TOWN_SUFFIXES if stripped.endswith(x)), "")
    return stripped if suffix and len(stripped) - len(suffix) >= 2 else name


_SECTION_TAIL = re.compile(r"(?:的)?(?:便民服务)?(?:事项清单|事项目录|事项|清单|目录|一览表)$")
_SECTION_ENUM = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|\(?[0-9一二三四五六七八九十]+[)）]|\d+[、.．])\s*")
_SECTION_COUNT = re.compile(r"[(（][^()（）]*[项个条][)）]\s*$|[(（]共[^()（）]*[)）]\s*$")


def section_site(text: str, towns: list[str] = ()) -> str:
    """The site a section row names ("二、河坝村便民服务站（共62项）" → "河坝村便民服务站"), else ''."""
    cleaned = _SECTION_COUNT.sub("", _SECTION_ENUM.sub("", clean_text(text))).strip()
    cleaned = _SECTION_TAIL.sub("", cleaned)  # 上高社区便民服务站事项
    if not cleaned or len(cleaned) > 30:
        return ""
    name = parse_site(cleaned, list(towns))
    return cleaned if (name.town or name.community or name.point) else ""
