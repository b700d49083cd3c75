"""The data of one published version that the public site shows (warehouse/site/public_site.py writes it)."""

import json
import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from transforms.fields import SITE_LEVELS, TOWN_LEVEL
from transforms.matching import ACCEPTED_METHODS
from warehouse.files.catalog_list import catalog_frame


@dataclass
class SiteData:
    version: int
    published_at: str
    versions: pd.DataFrame  # version, published_at, item_count, added, removed, changed
    catalog: pd.DataFrame  # the version's list rows (site_level × catalog_code)
    # district -> town -> place ('' for the town's centre, a 便民服务点's name, else the community) -> how many items
    site_counts: dict[str, dict[str, dict[str, int]]]
    aliases: dict[str, str]  # catalog_code -> other names and codes people use
    changes: pd.DataFrame  # every version's changes, with before/after of the fields that changed
    before: dict  # (version, site_level, catalog_code) -> row of the version before
    after: dict
    districts: list[str]
    district_builds: dict[str, str]  # district -> the run that built its published rows
    # item code -> district -> (town, whether its centre offers it, how many of its stations and 便民服务点
    # do, their names by name or None when they would take more than the guide's budget of bytes), by town
    offered: dict[str, dict[str, list[tuple[str, bool, int, list[str] | None]]]]
    # district -> town -> place (as site_counts names it) -> what sites.csv says of it (name, address …)
    places: dict[str, dict[str, dict[str, dict]]] = field(default_factory=dict)


LISTED = "site_listed"  # a temporary table of the build's connection


def gather(con: duckdb.DuckDBPyConnection, version: int, district_order: dict[str, str],
           offered_budget: int) -> SiteData:
    versions = con.execute("SELECT version, strftime(published_at, '%Y-%m-%d %H:%M') AS published_at, item_count, "
                           "added, removed, changed FROM published.catalog_versions WHERE version <= ? "
                           "ORDER BY version", [version]).df()
    catalog = catalog_frame(con, version)
    methods = list(ACCEPTED_METHODS)
    # The version's distinct (site, item) pairs, kept for this build (a province has millions): the
    # pages of a district are rendered from them only when that district's pages are written again.
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {LISTED} AS
        SELECT DISTINCT district, town,
               CASE WHEN site_point IS NOT NULL THEN site_point WHEN site_level = '{TOWN_LEVEL}' THEN ''
                    ELSE community END AS place,
               catalog_code
        FROM published.site_items s
        WHERE match_method IN (SELECT unnest(?::VARCHAR[])) AND town IS NOT NULL AND district IS NOT NULL
          AND (site_level = '{TOWN_LEVEL}' OR coalesce(community, '') <> '' OR site_point IS NOT NULL)
          AND EXISTS (SELECT 1 FROM published.catalog_items c WHERE c.version = ?
                      AND c.site_level = s.site_level AND c.catalog_code = s.catalog_code)""", [methods, version])
    site_counts: dict = {}
    for district, town, place, items in con.sql(f"""SELECT district, town, place, count(*)
                                                   FROM {LISTED} GROUP BY ALL ORDER BY ALL""").fetchall():
        site_counts.setdefault(district, {}).setdefault(town, {})[place] = items
    aliases = dict(con.execute("""
        SELECT catalog_code, string_agg(DISTINCT name, '、' ORDER BY name) FROM (
            SELECT catalog_code, alias AS name FROM core.aliases WHERE catalog_code IS NOT NULL
            UNION ALL
            SELECT catalog_code, unnest(string_split(alt_codes, '；')) FROM core.catalog_items WHERE alt_codes IS NOT NULL)
        GROUP BY catalog_code""").fetchall())
    changes = con.execute("""
        SELECT c.version, c.site_level, c.catalog_code, c.item_name, c.change, c.detail
        FROM published.catalog_changes c WHERE c.version <= ?
        ORDER BY c.version, c.change, c.site_level DESC, c.catalog_code""", [version]).df()
    before, after = _changed_rows(con, version, -1), _changed_rows(con, version, 0)
    names = sorted(site_counts, key=lambda d: (district_order.get(d, "~"), d))
    builds = dict(con.sql("SELECT district, built_run FROM published.site_districts").fetchall())
    return SiteData(version, versions.loc[versions["version"] == version, "published_at"].iloc[0], versions,
                    catalog, site_counts, aliases, changes, before, after, names, builds,
                    _offered(con, offered_budget), _places(con))


def _places(con) -> dict:
    """The listed places (core.places: towns, communities, sites.csv), keyed as the pages key sites."""
    places: dict = {}
    for district, town, community, kind, *info in con.sql(
            "SELECT district, town, community, kind, site_name, partner, address, phone, hours, windows "
            "FROM core.places ORDER BY ALL").fetchall():
        place = "" if kind == "中心" else info[0] if kind == "点" else community
        names = ("site_name", "partner", "address", "phone", "hours", "windows")
        places.setdefault(district, {}).setdefault(town, {})[place] = {"kind": kind, **dict(zip(names, info))}
    return places


def district_sites(con: duckdb.DuckDBPyConnection, districts: list[str]) -> dict[str, dict[str, dict[str, list[str]]]]:
    """district -> town -> place -> its item codes (in the order DuckDB gives them), of the districts
    whose pages are written (after gather, on its connection)."""
    sites: dict = {}
    for district, town, place, codes in con.execute(f"""
            SELECT district, town, place, list(catalog_code) FROM {LISTED}
            WHERE district IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL""", [districts]).fetchall():
        sites.setdefault(district, {}).setdefault(town, {})[place] = codes
    return sites


def forget(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what gather kept for the build."""
    con.execute(f"DROP TABLE IF EXISTS {LISTED}")


def _offered(con, budget: int) -> dict:
    """Where each item is offered, counted by DuckDB: a province has millions of (site, item) pairs,
    and the community names of an item offered nearly everywhere would not fit its guide anyway."""
    towns = con.sql(f"""
        SELECT catalog_code, district, town, bool_or(place = '') AS at_centre,
               count(*) FILTER (WHERE place <> '') AS communities
        FROM {LISTED} GROUP BY ALL ORDER BY catalog_code, district, town""").fetchall()
    names = {(code, district, town): places for code, district, town, places in con.execute(f"""
        SELECT catalog_code, district, town, list(place ORDER BY place) FROM {LISTED}
        WHERE place <> '' AND catalog_code IN (
            SELECT catalog_code FROM {LISTED} GROUP BY catalog_code
            HAVING coalesce(sum(strlen(place) + 3) FILTER (WHERE place <> ''), 0) <= ?)
        GROUP BY ALL""", [budget]).fetchall()}
    offered: dict = {}
    for code, district, town, at_centre, communities in towns:
        key = (code, district, town)
        named = names.get(key, []) if communities == 0 or key in names else None
        offered.setdefault(code, {}).setdefault(district, []).append((town, at_centre, communities, named))
    return offered


def _changed_rows(con, version: int, offset: int) -> dict:
    """Rows of the changed items in the version before each change (offset -1) or of it (0)."""
    frame = con.execute(f"""
        SELECT c.version AS change_version, i.* EXCLUDE (version)
        FROM published.catalog_changes c JOIN published.catalog_items i
          ON i.version = c.version + ({offset}) AND i.site_level = c.site_level AND i.catalog_code = c.catalog_code
        WHERE c.change = '变更' AND c.version <= ?""", [version]).df()
    return {(r["change_version"], r["site_level"], r["catalog_code"]): r for r in frame.to_dict("records")}


# Catalog columns that identify rather than inform (组织机构代码, 行政区划代码 …) stay off the guide.
IDENTIFIER_HEADER = re.compile(r"(代码|编码|ONLINECHECK)$", re.IGNORECASE)
AUDIENCE_CODES = {"1": "自然人", "2": "企业法人", "3": "事业法人", "4": "社会组织法人", "5": "非法人企业",  # 服务对象
                  "6": "行政机关", "9": "其他组织"}
SEPARATORS = re.compile(r"[；;、,，/]+")


def text_of(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value).strip()


def extras_of(value) -> dict[str, str]:
    return json.loads(value) if isinstance(value, str) and value else {}


def guide_extras_of(value) -> dict[str, str]:
    return {k: v for k, v in extras_of(value).items() if not IDENTIFIER_HEADER.search(k) and str(v).strip()}


def split_values(text: str, codes: dict[str, str] | None = None) -> list[str]:
    values = [v.strip() for v in SEPARATORS.split(text or "") if v.strip()]
    return [codes.get(v, v) if codes else v for v in values]


def level_sorted(levels) -> list[str]:
    return sorted(set(levels), key=lambda level: SITE_LEVELS.index(level) if level in SITE_LEVELS else 9)
