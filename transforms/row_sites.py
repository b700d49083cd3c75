"""Every row's site (镇(街道), 村(社区), level), from the best evidence the file has, and which evidence.

In order: the row's own cells (a town column, a community column, a 服务站点 column naming either),
then a section row above it, the sheet's name (a sheet per community, 镇级事项 / 村级事项), then the
file's name and folders ("沙子口街道/东麦窑社区.xlsx"); a later source never overrides what the row's
own cells say (a section naming a town does not make a row with its own 村(社区) cell a town row).
A community named without its town takes the town the communities list gives it (村(社区)名单), and
its listed spelling; a name the list has under several towns of the district needs other evidence.
A town not in the towns list, or a community not in its town's list, is used as written and
reported for staff to add; a row whose town cannot be found keeps an empty town and is reported
by validation (site.unknown), never defaulted.
"""

import re
import unicodedata
from dataclasses import dataclass, field, replace

from transforms.communities import CommunityList
from transforms.fields import COMMUNITY_LEVEL, TOWN_LEVEL
from transforms.sites import SiteName, parse_site, site_in_title, sites_in_path

_TOWN_LEVEL_WORDS = re.compile(r"^(?:镇级|街道级|镇街级|乡级|镇街本级|本级|镇本级|街道本级|乡本级|中心|镇\(街道\)|镇街|"
                               r"镇|街道|乡镇|镇街道|镇级事项|街道级事项|镇街事项|镇\(街道\)级|镇\(街道\)事项|"
                               r"(?:镇|街道|乡|镇街|乡镇)?(?:党群|政务)?(?:便民服务中心|服务中心|服务大厅))$")
_COMMUNITY_LEVEL_WORDS = re.compile(r"^(?:村级|社区级|村居级|村\(社区\)级?|村社区|新村\(社区\)|村居|村|社区|便民服务站|"
                                    r"村级事项|社区级事项|村居事项|村\(社区\)事项)$")
_PUNCT = re.compile(r"[\s:：、,，]")
_TOWN_LIKE = re.compile(r"(?:镇|乡|街道|办事处|地区|苏木)$")
_OWN_CELLS = ("镇(街道)列", "村(社区)列", "服务站点列")


def _key(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text or ""))


def level_word(text: str) -> str:
    """The level a word alone names (镇级, 本级 → 镇(街道); 村级事项, 便民服务站 → 村(社区)), else ''."""
    key = _key(text)
    if _TOWN_LEVEL_WORDS.match(key):
        return TOWN_LEVEL
    if _COMMUNITY_LEVEL_WORDS.match(key):
        return COMMUNITY_LEVEL
    return ""


@dataclass
class RowSites:
    towns: list[str]
    communities: list[str]
    levels: list[str]  # the level the evidence says, '' where it says none (the community decides later)
    evidence: list[str]
    points: list[str] = field(default_factory=list)  # the 便民服务点 a row is on, '' for a centre or station
    unknown_towns: dict[str, str] = field(default_factory=dict)  # town -> where it was read
    # (town, community) -> where it was read: a community its town's list lacks
    unknown_communities: dict[tuple[str, str], str] = field(default_factory=dict)
    # community -> the towns the list has it under, for a community nothing else places
    several_towns: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Context:
    towns: list[str]
    district: str
    sheet: SiteName
    sheet_level: str
    path: SiteName
    title: SiteName
    is_listed: object  # CommunityList.is_listed, or None without a list


def assign_sites(town_cells: list[str], community_cells: list[str], site_cells: list[str], level_cells: list[str],
                 section_cells: list[str], sheet_name: str | None, source_file: str, district: str,
                 towns: list[str], communities: CommunityList | None = None, title: str = "") -> RowSites:
    """Town, community, 便民服务点 and level of each row; work is done once per distinct combination
    of cells. section_cells: the site a section row above the row names (transforms/tables.py);
    communities: the district's communities list, when the reference data has one; title: the text
    above the sheet's header."""
    communities = communities or CommunityList({})
    is_listed = communities.is_listed if communities else None
    sheet_level = level_word(sheet_name or "")
    sheet = SiteName() if sheet_level or not sheet_name else parse_site(sheet_name, towns, district, is_listed)
    path = sites_in_path(source_file.split("/")[1:], towns, district)
    context = _Context(towns, district, sheet, sheet_level, path, site_in_title(title, towns, district), is_listed)
    cache: dict[tuple, tuple] = {}
    out = RowSites([], [], [], [])
    for cells in zip(town_cells, community_cells, site_cells, level_cells, section_cells):
        if cells not in cache:
            cache[cells] = _one(*cells, context, out.unknown_towns)
        town, community, point, level, evidence = cache[cells]
        out.towns.append(town)
        out.communities.append(community)
        out.points.append(point)
        out.levels.append(level)
        out.evidence.append(evidence)
    if communities:
        _towns_from_list(out, communities)
    _towns_of_bare_communities(out, communities)
    if communities:
        _listed_spellings(out, communities)
        for town, community in zip(out.towns, out.communities):
            if community and not town and len(listed := communities.towns_naming(community)) > 1:
                out.several_towns.setdefault(community, listed)
    return out


def _towns_from_list(out: RowSites, communities: CommunityList) -> None:
    """A community named without its town that the list has under exactly one town of the district."""
    for i, (town, community) in enumerate(zip(out.towns, out.communities)):
        if town or not community:
            continue
        placed = communities.place("", community)
        if placed.how == "from_list":
            out.towns[i], out.communities[i] = placed.town, placed.community
            out.evidence[i] = "镇(街道)：村(社区)名单；" + out.evidence[i]


def _towns_of_bare_communities(out: RowSites, communities: CommunityList) -> None:
    """A community named without its town (东门社区便民服务站 under 榕城街道便民服务中心) that the list
    does not place: the town the sheet names alone, else the nearest row above that names one (a
    centre's block, then its stations'). Where the list has the name under several towns, only one
    of those."""
    named = {t for t in out.towns if t}
    above = ""
    for i, (town, community) in enumerate(zip(out.towns, out.communities)):
        if town:
            above = town
            continue
        if not community:
            continue
        if len(named) == 1:
            guess, why = next(iter(named)), "同表唯一的镇(街道)"
        elif above:
            guess, why = above, "上方最近的镇(街道)行"
        else:
            continue
        listed_under = communities.towns_naming(community)
        if listed_under and guess not in listed_under:
            continue  # the list says another town: reported as unplaced rather than put on a wrong site
        out.towns[i] = guess
        out.evidence[i] = f"镇(街道)：{why}；" + out.evidence[i]


def _listed_spellings(out: RowSites, communities: CommunityList) -> None:
    """A community written as a variant of its listed name takes the listed name; one its town's list
    lacks is kept as written and reported."""
    for i, (town, community) in enumerate(zip(out.towns, out.communities)):
        if not (town and community):
            continue
        placed = communities.place(town, community)
        if placed.how == "spelling":
            out.communities[i] = placed.community
            out.evidence[i] += f"；村(社区)名单写法：{placed.community}"
        elif placed.how == "not_listed":
            out.unknown_communities.setdefault((town, community), _where_community(out.evidence[i]))


def _where_community(evidence: str) -> str:
    found = re.search(r"村\(社区\)：([^；]+)", evidence)
    return found[1] if found else "报送表"


def _stems_yield(candidates: list[tuple[str, SiteName]]) -> list[tuple[str, SiteName]]:
    """A town read from a stem in front of a community (兴山山庄社区 → 兴山街道's 山庄社区) gives way to
    another town a later source names in full: the community is then the whole name."""
    for i, (where, name) in enumerate(candidates):
        if name.whole and any(other.town and other.town != name.town and not other.whole
                              for _, other in candidates[i + 1:]):
            candidates = [*candidates[:i], (where, replace(name, town="", community=name.whole, whole="")),
                          *candidates[i + 1:]]
    return candidates


def _is_placeholder(cell: str) -> bool:
    """A cell that names nothing: /, -, 无 (a town's own rows in a community column)."""
    return _key(cell).strip("/\\-—_*.。") in ("", "无", "空")


def _one(town_cell: str, community_cell: str, site_cell: str, level_cell: str, section: str, context: _Context,
         unknown: dict[str, str]) -> tuple[str, str, str, str, str]:
    towns, district, is_listed = context.towns, context.district, context.is_listed
    town_cell, community_cell, site_cell = (c.strip() for c in (town_cell, community_cell, site_cell))
    community_cell, site_cell = ("" if _is_placeholder(c) else c for c in (community_cell, site_cell))
    candidates: list[tuple[str, SiteName]] = []  # (where, what it names), best evidence first
    last_resort: list[tuple[str, SiteName]] = []
    if town_cell and not _is_placeholder(town_cell):
        parsed = parse_site(town_cell, towns, district, is_listed)
        if parsed.town:
            candidates.append(("镇(街道)列", parsed))
        elif _TOWN_LIKE.search(_key(town_cell)):  # a town the list lacks: used, and reported
            candidates.append(("镇(街道)列", SiteName(town_cell, "", town_cell in towns)))
        else:  # no town at all (an address: 明府社区党群服务中心大厅): only when nothing else names one
            last_resort.append(("镇(街道)列", SiteName(town_cell, "", False)))
    level = level_word(level_cell) if level_cell.strip() else ""
    section_level = ""  # what a section row says: only for rows whose own cells name no community
    for where, cell in (("村(社区)列", community_cell), ("服务站点列", site_cell), ("分节行", section)):
        if not cell:
            continue
        said = level_word(cell)
        if said and where == "分节行":
            section_level = section_level or said
            continue
        if said:
            level = level or said
            continue
        parsed = parse_site(cell, towns, district, is_listed)
        if not (parsed.town or parsed.community or parsed.point) and where == "村(社区)列":
            parsed = SiteName("", cell, True, COMMUNITY_LEVEL)  # the header says it is a community
        if parsed.town and not parsed.community:  # the town's own 便民服务中心, or a 点 of the town's
            if where == "分节行":
                section_level = section_level or TOWN_LEVEL
            else:
                level = level or TOWN_LEVEL
        candidates.append((where, parsed))
    candidates += [("标题行", context.title), ("工作表名", context.sheet), ("文件名", context.path), *last_resort]
    town = community = point = ""
    own_community = False
    evidence = []
    candidates = _stems_yield(candidates)
    for where, name in candidates:
        if name.town and not town:
            town = name.town
            evidence.append(f"镇(街道)：{where}")
            if not name.town_known and town not in towns:
                unknown.setdefault(town, where)
        if name.point and not point and (not community or community == name.community):
            point = name.point
            evidence.append(f"便民服务点：{where}")
            if not name.community and not community and not level:
                level = TOWN_LEVEL  # a 点 of the town's, in no community
        if name.community and not community and not ((level or section_level) == TOWN_LEVEL
                                                     and where in ("标题行", "工作表名", "文件名")):
            community, own_community = name.community, where in _OWN_CELLS
            evidence.append(f"村(社区)：{where}")
    if not (level or own_community):
        level = section_level or context.sheet_level
    if level == TOWN_LEVEL:
        community = ""
    level = level or (COMMUNITY_LEVEL if community else TOWN_LEVEL if town else "")
    return town, community, point, level, "；".join(evidence)
