"""Coverage (便民服务场所全覆盖, seed §二(一)2): per 镇(街道), whether its 中心 reported, how many of its
listed 村(社区) have a 站 that reported, which sent nothing, and how many 便民服务点 reported.

The listed places are the reference data as the last working night took it (core.places: towns.csv
and communities.csv); what reported is a set of sites — today's core.site_items for the view
`site_coverage`, a month's run figures (audit.site_stats) for the monthly report.
"""

import duckdb

from transforms.communities import standard_name
from transforms.fields import COMMUNITY_LEVEL, TOWN_LEVEL
from warehouse.sql_literal import text_list

CURRENT_SITES = "SELECT district, town, community, site_point, site_level FROM core.site_items"


def coverage_sql(sites: str) -> str:
    """One row per district and town (listed or reported) of the sites `sites` selects (columns
    district, town, community, site_point, site_level)."""
    return f"""
    WITH reported AS MATERIALIZED (
        SELECT DISTINCT district, town, coalesce(community, '') AS community, coalesce(site_point, '') AS site_point,
               site_level
        FROM ({sites}) WHERE nullif(trim(town), '') IS NOT NULL
    ), listed_towns AS (
        SELECT DISTINCT district, town FROM core.places
    ), listed AS (
        SELECT DISTINCT district, town, community FROM core.places WHERE kind = '站'
    ), stations AS (
        SELECT DISTINCT district, town, community FROM reported
        WHERE site_level = '{COMMUNITY_LEVEL}' AND community <> '' AND site_point = ''
    ), towns AS (
        SELECT district, town FROM listed_towns UNION SELECT district, town FROM reported
    ), centres AS (
        SELECT DISTINCT district, town FROM reported WHERE site_level = '{TOWN_LEVEL}' AND site_point = ''
    ), listed_counts AS (
        SELECT l.district, l.town, count(*) AS listed, count(s.community) AS reported,
               string_agg(l.community, '、' ORDER BY l.community) FILTER (WHERE s.community IS NULL) AS silent
        FROM listed l LEFT JOIN stations s USING (district, town, community) GROUP BY ALL
    ), unlisted AS (
        SELECT district, town, count(*) AS stations FROM stations s
        WHERE NOT EXISTS (SELECT 1 FROM listed l WHERE l.district = s.district AND l.town = s.town
                          AND l.community = s.community)
        GROUP BY ALL
    ), points_listed AS (
        SELECT district, town, count(*) AS points FROM core.places WHERE kind = '点' GROUP BY ALL
    ), points_reported AS (
        SELECT district, town, count(DISTINCT site_point) AS points FROM reported WHERE site_point <> '' GROUP BY ALL
    )
    SELECT t.district, t.town, lt.town IS NOT NULL AS town_listed, c.town IS NOT NULL AS centre_reported,
           coalesce(lc.listed, 0) AS communities_listed, coalesce(lc.reported, 0) AS communities_reported,
           lc.silent AS communities_silent, coalesce(u.stations, 0) AS stations_unlisted,
           coalesce(pl.points, 0) AS points_listed, coalesce(pr.points, 0) AS points_reported
    FROM towns t
    LEFT JOIN listed_towns lt ON lt.district IS NOT DISTINCT FROM t.district AND lt.town = t.town
    LEFT JOIN centres c ON c.district IS NOT DISTINCT FROM t.district AND c.town = t.town
    LEFT JOIN listed_counts lc ON lc.district IS NOT DISTINCT FROM t.district AND lc.town = t.town
    LEFT JOIN unlisted u ON u.district IS NOT DISTINCT FROM t.district AND u.town = t.town
    LEFT JOIN points_listed pl ON pl.district IS NOT DISTINCT FROM t.district AND pl.town = t.town
    LEFT JOIN points_reported pr ON pr.district IS NOT DISTINCT FROM t.district AND pr.town = t.town
    ORDER BY t.district, t.town
    """


def create_coverage_view(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE OR REPLACE VIEW main.site_coverage AS {coverage_sql(CURRENT_SITES)}")


def run_sites(run_id: str) -> str:
    """The sites one run recorded (audit.site_stats), for coverage_sql."""
    return ("SELECT district, town, nullif(community, '') AS community, site_point, site_level "
            f"FROM audit.site_stats WHERE run_id = {text_list([run_id])}")


INFO = ("partner", "address", "phone", "hours", "windows")


def store_places(con: duckdb.DuckDBPyConnection, towns: dict[str, list[str]],
                 communities: dict[str, dict[str, list[str]]], sites: list[dict] = ()) -> None:
    """The listed places the night took: every town's 中心, every listed community's 站, and what
    sites.csv says of them (address, phone, hours, windows), with its 站 and 点 the lists lack."""
    places: dict[tuple, dict] = {}
    for district, names in towns.items():
        for town in names:
            places[(district, town, None, "中心")] = {"site_name": f"{town}便民服务中心"}
    for district, by_town in communities.items():
        for town, names in by_town.items():
            for name in names:
                places[(district, town, name, "站")] = {"site_name": f"{name}便民服务站"}
    for site in sites:
        community = standard_name(site["community"]) or None
        key = (site["district"], site["town"], community if site["kind"] != "中心" else None, site["kind"])
        if site["kind"] == "点":
            key = (*key, site["site_name"])
        places.setdefault(key, {}).update({"site_name": site["site_name"], **{f: site[f] or None for f in INFO}})
    import pandas as pd  # a working night has it loaded; a province lists some 100,000 places

    columns = ["district", "town", "community", "kind", "site_name", *INFO]
    frame = pd.DataFrame([(*key[:4], info.get("site_name"), *(info.get(f) for f in INFO))
                          for key, info in places.items()], columns=columns, dtype=object)
    con.execute("DELETE FROM core.places")
    con.register("incoming_places", frame)
    con.execute(f"INSERT INTO core.places BY NAME SELECT {', '.join(columns)} FROM incoming_places")
    con.unregister("incoming_places")
