"""The communities list (the 民政 村居 list, communities.csv): which 村(社区) belong to which 镇(街道),
and a written community name matched to the listed one.

Names are compared by their spelling key: NFKC, no spaces or punctuation, committee and service words
as the short name (东麦窑社区居民委员会, 东麦窑社区居委会, 东麦窑社区便民服务站 → 东麦窑社区; 河坝村民委员会 →
河坝村), the town's name in front dropped, and Arabic digits as Chinese numerals (1区 and 一区 are one
spelling). Digits and Latin letters are kept: 1号院社区 and 2号院社区, A座社区 and B座社区 are two places.
A 村 renamed 社区 (村改居) matches the listed name only where the town lists one of the two.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Longest first: 社区居民委员会 before 居民委员会.
_COMMITTEE = (("社区居民委员会", "社区"), ("社区居委会", "社区"), ("居民委员会", "社区"), ("居委会", "社区"),
              ("村民委员会", "村"), ("村委会", "村"))
_SERVICE = re.compile(r"(?:党群|综合)?(?:便民服务站|便民服务点|服务站|党群服务中心|服务中心)$")
_NOT_KEPT = re.compile(r"[^\w]|_")  # spaces and punctuation; letters (any script) and digits stay
_NUMERALS = str.maketrans("0123456789", "〇一二三四五六七八九")
_LEVEL_SUFFIXES = ("社区", "村")


def standard_name(name: str) -> str:
    """The name in its standard form: no spaces or punctuation, committee and service words as the
    short name (东麦窑社区居民委员会, 东麦窑社区服务站 → 东麦窑社区; 河坝村民委员会 → 河坝村)."""
    text = _SERVICE.sub("", _NOT_KEPT.sub("", unicodedata.normalize("NFKC", name or "")))
    for long, short in _COMMITTEE:
        if text.endswith(long) and len(text) > len(long):
            return text.removesuffix(long) + short
    return text


@lru_cache(maxsize=65536)
def community_key(name: str) -> str:
    """The spelling key of a community name (see the module's docstring)."""
    return standard_name(name).upper().translate(_NUMERALS)


def _loose_key(key: str) -> str:
    """The key without its 村/社区 (村改居: 河坝村 and 河坝社区 are one place when only one is listed)."""
    for suffix in _LEVEL_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key.removesuffix(suffix)
    return key


@dataclass(frozen=True)
class Placement:
    town: str
    community: str
    how: str  # listed | spelling | from_list | several_towns | not_listed | no_list


@dataclass
class CommunityList:
    """One district's listed communities, by town."""

    by_town: dict[str, list[str]]

    def __post_init__(self):
        self._exact: dict[tuple[str, str], str] = {}
        self._loose: dict[tuple[str, str], list[str]] = {}
        self._towns_of: dict[str, list[str]] = {}
        self._towns_of_loose: dict[str, list[str]] = {}
        self._placed: dict[tuple[str, str], Placement] = {}
        for town, names in self.by_town.items():
            for name in names:
                key = community_key(name)
                self._exact.setdefault((town, key), name)
                self._loose.setdefault((town, _loose_key(key)), []).append(name)
                self._towns_of.setdefault(key, []).append(town)
                self._towns_of_loose.setdefault(_loose_key(key), []).append(town)

    def __bool__(self) -> bool:
        return any(self.by_town.values())

    def is_listed(self, name: str) -> bool:
        """Whether any town of the district lists a community of this spelling."""
        return community_key(name) in self._towns_of

    def listed_under(self, town: str) -> bool:
        return bool(self.by_town.get(town))

    def place(self, town: str, community: str) -> Placement:
        """The listed town and name of a written community; `how` says what the list decided."""
        if (town, community) not in self._placed:
            self._placed[(town, community)] = self._place(town, community)
        return self._placed[(town, community)]

    def _place(self, town: str, community: str) -> Placement:
        if not self or not community:
            return Placement(town, community, "no_list")
        if town:
            found = self._under(town, community)
            if found:
                return Placement(town, found, "listed" if found == community else "spelling")
            return Placement(town, community, "not_listed" if self.listed_under(town) else "no_list")
        key = community_key(community)
        towns = sorted(set(self._towns_of.get(key, [])))
        if not towns:
            towns = sorted(set(self._towns_of_loose.get(_loose_key(key), [])))
        if len(towns) == 1:
            return Placement(towns[0], self._under(towns[0], community), "from_list")
        return Placement("", community, "several_towns" if towns else "not_listed")

    def towns_naming(self, community: str) -> list[str]:
        """The towns listing a community of this spelling (a bare name's candidates)."""
        key = community_key(community)
        return sorted(set(self._towns_of.get(key, []) or self._towns_of_loose.get(_loose_key(key), [])))

    def _under(self, town: str, community: str) -> str:
        """The listed name under the town: as written, else without the town's name in front
        (沙子口街道东麦窑社区, 沙子口东麦窑社区; but 朱泉社区 under 朱泉镇 is itself), else by 村/社区."""
        whole = community_key(community)
        keys = [whole] + [whole.removeprefix(p) for p in _town_prefixes(town)
                          if whole.startswith(p) and len(whole) > len(p) + 1]
        for key in keys:
            if (town, key) in self._exact:
                return self._exact[(town, key)]
        for key in keys:
            loose = self._loose.get((town, _loose_key(key)), [])
            if len(loose) == 1:
                return loose[0]
        return ""


def _town_prefixes(town: str) -> list[str]:
    key = community_key(town)
    stems = [key.removesuffix(s) for s in ("街道", "镇", "乡") if key.endswith(s) and len(key) > len(s) + 1]
    return [key, *stems]


_NONSTANDARD = re.compile(r"委员会|居委会|村委会|服务站|服务中心|服务点")


def list_problems(rows: list[dict], towns: dict[str, list[str]]) -> list[dict]:
    """The communities list's own problems, for staff, all at once: a community under a district or
    town the towns list lacks, one listed twice under its town (by spelling key), and a name not in
    its standard form (东麦窑社区居委会, 东麦窑社区服务站 → 东麦窑社区). rows: as read, first data row = line 2."""
    problems, seen = [], {}
    for line, row in enumerate(rows, start=2):
        district, town, name = row["区市名称"], row["镇街名称"], row["村社区名称"]
        if not (district and town and name):
            problems.append(_problem(line, "reference.community_incomplete", "区市名称、镇街名称、村社区名称须都填写",
                                     "、".join(filter(None, (district, town, name)))))
            continue
        if district not in towns:
            problems.append(_problem(line, "reference.community_district_unknown",
                                     f"区市'{district}'不在 districts.csv / towns.csv 中", district))
        elif town not in towns[district]:
            problems.append(_problem(line, "reference.community_town_unknown",
                                     f"镇(街道)'{town}'不在 towns.csv 的{district}名单中：请核对，或在 towns.csv 中增加",
                                     town))
        key = (district, town, community_key(name))
        if key in seen:
            problems.append(_problem(line, "reference.community_repeated",
                                     f"与第{seen[key]}行是同一村(社区)（{town}）：请删除其中一行", name))
        else:
            seen[key] = line
        if _NONSTANDARD.search(name) and standard_name(name) != name:
            problems.append(_problem(line, "reference.community_name_nonstandard",
                                     f"村社区名称不是标准写法，应为'{standard_name(name)}'（不带居委会、服务站等字样）", name))
    return problems


SITE_KINDS = {"中心": "镇(街道)便民服务中心", "站": "村(社区)便民服务站", "点": "便民服务点"}


def site_problems(rows: list[dict], towns: dict[str, list[str]]) -> list[dict]:
    """sites.csv's own problems: an unknown kind or town, a 站 without its community, and a name not in
    the standard form (××镇(街道)便民服务中心, ××村(社区)便民服务站, ××便民服务点)."""
    problems = []
    for line, row in enumerate(rows, start=2):
        name, kind, district, town = row["站点名称"], row["类型"], row["区市名称"], row["镇街名称"]
        community = row.get("村社区名称", "")
        if kind not in SITE_KINDS:
            problems.append(_problem(line, "reference.site_kind_unknown", "类型须为 中心、站 或 点", kind, "sites.csv"))
            continue
        if town not in towns.get(district, []):
            problems.append(_problem(line, "reference.site_town_unknown",
                                     f"镇(街道)'{town}'不在 towns.csv 的{district}名单中", town, "sites.csv"))
        if kind == "站" and not community:
            problems.append(_problem(line, "reference.site_community_missing", "便民服务站须填写村社区名称", name,
                                     "sites.csv"))
        suffix = SITE_KINDS[kind].removeprefix("镇(街道)").removeprefix("村(社区)")
        if not name.endswith(suffix):
            problems.append(_problem(line, "reference.site_name_nonstandard",
                                     f"站点名称不是标准写法：{kind}应以'{suffix}'结尾（如 ××{SITE_KINDS[kind]}）", name,
                                     "sites.csv"))
    return problems


def _problem(line: int, rule: str, message: str, value: str, source: str = "communities.csv") -> dict:
    return {"source_file": source, "row_number": line, "field": "community", "rule": rule,
            "severity": "warning", "message": message, "value": value}


def community_lists(rows: list[dict]) -> dict[str, CommunityList]:
    """District → its CommunityList, from rows with 区市名称, 镇街名称, 村社区名称."""
    by_district: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        district, town, name = row["区市名称"], row["镇街名称"], row["村社区名称"]
        if district and town and name:
            names = by_district.setdefault(district, {}).setdefault(town, [])
            name = standard_name(name)  # a name keyed with 居委会 or 服务站 is listed as the place (and reported)
            if name not in names:
                names.append(name)
    return {district: CommunityList(towns) for district, towns in by_district.items()}
