"""Every row's site (镇(街道), 村(社区), level), from the best evidence the file has, and which evidence.

In order: the row's own cells (a town column, a community column, a 服务站点 column naming either),
then the sheet's name (a sheet per community, 镇级事项 / 村级事项), then the file's name and folders
("沙子口街道/东麦窑社区.xlsx"). A town not in the towns list is used when it looks like a site and
reported for staff to add; a row whose town cannot be found keeps an empty town and is reported
by validation (site.unknown), never defaulted.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from transforms.fields import COMMUNITY_LEVEL, TOWN_LEVEL
from transforms.sites import SiteName, parse_site, sites_in_path

_TOWN_LEVEL_WORDS = re.compile(r"^(?:镇级|街道级|镇街级|乡级|镇街本级|本级|镇本级|街道本级|乡本级|中心|镇\(街道\)|镇街|"
                               r"镇|街道|乡镇|镇街道|镇级事项|街道级事项|镇街事项|镇\(街道\)级|镇\(街道\)事项|"
                               r"(?:镇|街道|乡|镇街|乡镇)?(?:党群|政务)?(?:便民服务中心|服务中心|服务大厅))$")
_COMMUNITY_LEVEL_WORDS = re.compile(r"^(?:村级|社区级|村居级|村\(社区\)级?|村社区|新村\(社区\)|村居|村|社区|便民服务站|"
                                    r"村级事项|社区级事项|村居事项|村\(社区\)事项)$")
_PUNCT = re.compile(r"[\s:：、,，]")
_TOWN_LIKE = re.compile(r"(?:镇|乡|街道|办事处|地区|苏木)$")


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
    unknown_towns: dict[str, str] = field(default_factory=dict)  # town -> where it was read


@dataclass(frozen=True)
class _Context:
    towns: list[str]
    district: str
    sheet: SiteName
    sheet_level: str
    path: SiteName


def assign_sites(town_cells: list[str], community_cells: list[str], site_cells: list[str], level_cells: list[str],
                 section_cells: list[str], sheet_name: str | None, source_file: str, district: str,
                 towns: list[str]) -> RowSites:
    """Town, community and level of each row; work is done once per distinct combination of cells.
    section_cells: the site a section row above the row names (transforms/tables.py)."""
    sheet_level = level_word(sheet_name or "")
    sheet = SiteName() if sheet_level or not sheet_name else parse_site(sheet_name, towns, district)
    path = sites_in_path(source_file.split("/")[1:], towns, district)
    context = _Context(towns, district, sheet, sheet_level, path)
    cache: dict[tuple, tuple] = {}
    out = RowSites([], [], [], [])
    for cells in zip(town_cells, community_cells, site_cells, level_cells, section_cells):
        if cells not in cache:
            cache[cells] = _one(*cells, context, out.unknown_towns)
        town, community, level, evidence = cache[cells]
        out.towns.append(town)
        out.communities.append(community)
        out.levels.append(level)
        out.evidence.append(evidence)
    _towns_of_bare_communities(out)
    return out


def _towns_of_bare_communities(out: RowSites) -> None:
    """A community named without its town (东门社区便民服务站 under 榕城街道便民服务中心): the town the sheet
    names alone, else the nearest row above that names one (a centre's block, then its stations')."""
    named = {t for t in out.towns if t}
    above = ""
    for i, (town, community) in enumerate(zip(out.towns, out.communities)):
        if town:
            above = town
            continue
        if not community:
            continue
        if len(named) == 1:
            out.towns[i], why = next(iter(named)), "同表唯一的镇(街道)"
        elif above:
            out.towns[i], why = above, "上方最近的镇(街道)行"
        else:
            continue
        out.evidence[i] = f"镇(街道)：{why}；" + out.evidence[i]


def _one(town_cell: str, community_cell: str, site_cell: str, level_cell: str, section: str, context: _Context,
         unknown: dict[str, str]) -> tuple[str, str, str, str]:
    towns, district = context.towns, context.district
    town_cell, community_cell, site_cell = town_cell.strip(), community_cell.strip(), site_cell.strip()
    candidates: list[tuple[str, SiteName]] = []  # (where, what it names), best evidence first
    last_resort: list[tuple[str, SiteName]] = []
    if town_cell:
        parsed = parse_site(town_cell, towns, district)
        if parsed.town:
            candidates.append(("镇(街道)列", parsed))
        elif _TOWN_LIKE.search(_key(town_cell)):  # a town the list lacks: used, and reported
            candidates.append(("镇(街道)列", SiteName(town_cell, "", town_cell in towns)))
        else:  # no town at all (an address: 明府社区党群服务中心大厅): only when nothing else names one
            last_resort.append(("镇(街道)列", SiteName(town_cell, "", False)))
    level = level_word(level_cell) if level_cell.strip() else ""
    for where, cell in (("村(社区)列", community_cell), ("服务站点列", site_cell), ("分节行", section)):
        if not cell:
            continue
        said = level_word(cell)
        if said:
            level = level or said
            continue
        parsed = parse_site(cell, towns, district)
        if not (parsed.town or parsed.community) and where == "村(社区)列":
            parsed = SiteName("", cell, True, COMMUNITY_LEVEL)  # the header says it is a community
        if parsed.town and not parsed.community:
            level = level or TOWN_LEVEL  # the town's own 便民服务中心
        candidates.append((where, parsed))
    candidates += [("工作表名", context.sheet), ("文件名", context.path), *last_resort]
    town = community = ""
    evidence = []
    for where, name in candidates:
        if name.town and not town:
            town = name.town
            evidence.append(f"镇(街道)：{where}")
            if not name.town_known and town not in towns:
                unknown.setdefault(town, where)
        if name.community and not community and not (level == TOWN_LEVEL and where in ("工作表名", "文件名")):
            community = name.community
            evidence.append(f"村(社区)：{where}")
    level = level or context.sheet_level
    if level == TOWN_LEVEL:
        community = ""
    level = level or (COMMUNITY_LEVEL if community else TOWN_LEVEL if town else "")
    return town, community, level, "；".join(evidence)
