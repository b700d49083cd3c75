"""Write–audit–publish: build the candidate 指导目录清单, and swap it in only after its audit passed.

The candidate is every catalog item that at least one site handles, per site level (镇(街道) /
村(社区)), carrying the catalog's standard elements (全市统一) and how many districts and sites
offer it. Publishing inserts the new version and its change log, and makes core's site items the
published ones (warehouse/published_rows.py), in one transaction.
"""

import hashlib
from datetime import datetime

import duckdb
import pandas as pd

from transforms.matching import ACCEPTED_METHODS
from warehouse.db import scalar, transaction
from warehouse.published_rows import publish_rows

ELEMENT_COLUMNS = [
    "item_name", "item_type", "item_family", "department", "legal_basis", "exercise_levels",
    "acceptance_conditions", "materials", "statutory_limit", "promised_limit", "fee_charged",
    "fee_basis", "handling_type", "is_online", "is_proxy", "guide_extras",
]
CATALOG_COLUMNS = ["site_level", "catalog_code", *ELEMENT_COLUMNS, "district_count", "site_count"]


# Elements the districts also submit: where the master catalog leaves one empty (a user catalog
# may hold only 事项名称 and 事项编码), the list takes the value most districts' rows agree on (only
# then is the mode counted: it is the costly part of the candidate).
SUBMITTED_ELEMENTS = {
    "item_type", "legal_basis", "exercise_levels", "acceptance_conditions", "materials", "statutory_limit",
    "promised_limit", "fee_charged", "fee_basis", "handling_type", "is_online", "is_proxy",
}


def candidate_sql() -> str:
    methods = ", ".join(f"'{m}'" for m in ACCEPTED_METHODS)
    elements = ",\n               ".join(
        f"coalesce(any_value(c.{col}), mode(s.{col}) FILTER (WHERE c.{col} IS NULL)) AS {col}"
        if col in SUBMITTED_ELEMENTS
        else f"any_value(c.{col}) AS {col}"
        for col in ELEMENT_COLUMNS
    )
    return f"""
        SELECT s.site_level, s.catalog_code,
               {elements},
               count(DISTINCT s.district)::INTEGER AS district_count,
               count(DISTINCT (s.district, s.town, coalesce(s.community, '')))::INTEGER AS site_count
        FROM core.site_items s JOIN core.catalog_items c USING (catalog_code)
        WHERE s.match_method IN ({methods})
        GROUP BY s.site_level, s.catalog_code
        ORDER BY s.site_level DESC, s.catalog_code
    """


def build_candidate(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.sql(candidate_sql()).df()[CATALOG_COLUMNS]


def content_sha256(candidate: pd.DataFrame) -> str:
    """The digest of the list's content; a column with no value in any row adds nothing to it (so a
    warehouse made before that column existed keeps its version)."""
    filled = [c for c in candidate.columns if c in ("site_level", "catalog_code") or candidate[c].notna().any()]
    text = candidate[filled].sort_values(["site_level", "catalog_code"]).to_csv(index=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def current_version(con: duckdb.DuckDBPyConnection) -> int | None:
    return scalar(con, "SELECT max(version) FROM published.catalog_versions")


def changes_sql(old: int, new: int) -> str:
    """Rows of published.catalog_changes between two versions: 新增, 删除, and 变更 with the fields."""
    diffs = " || ".join(
        f"CASE WHEN o.{c} IS DISTINCT FROM n.{c} THEN '{c};' ELSE '' END" for c in ELEMENT_COLUMNS
    )
    return f"""
        WITH o AS (SELECT * FROM published.catalog_items WHERE version = {old}),
             n AS (SELECT * FROM published.catalog_items WHERE version = {new})
        SELECT {new} AS version, coalesce(n.site_level, o.site_level) AS site_level,
               coalesce(n.catalog_code, o.catalog_code) AS catalog_code,
               coalesce(n.item_name, o.item_name) AS item_name,
               CASE WHEN o.catalog_code IS NULL THEN '新增' WHEN n.catalog_code IS NULL THEN '删除' ELSE '变更' END AS change,
               CASE WHEN o.catalog_code IS NOT NULL AND n.catalog_code IS NOT NULL THEN rtrim({diffs}, ';') END AS detail
        FROM o FULL JOIN n USING (site_level, catalog_code)
        WHERE o.catalog_code IS NULL OR n.catalog_code IS NULL OR ({diffs}) <> ''
    """


def publish(con: duckdb.DuckDBPyConnection, run_id: str, candidate: pd.DataFrame) -> tuple[int, bool]:
    """Publish the candidate (already audited). Returns (version, whether it is a new version)."""
    digest = content_sha256(candidate)
    last = current_version(con)
    with transaction(con):
        if last is not None and scalar(
            con, "SELECT content_sha256 FROM published.catalog_versions WHERE version = ?", [last]) == digest:
            publish_rows(con)
            return last, False
        version = (last or 0) + 1
        con.register("candidate_items", candidate)
        con.execute(f"INSERT INTO published.catalog_items BY NAME SELECT {version} AS version, * FROM candidate_items")
        con.unregister("candidate_items")
        if last is not None:
            con.execute(f"INSERT INTO published.catalog_changes BY NAME {changes_sql(last, version)}")
        else:
            con.execute(f"""INSERT INTO published.catalog_changes BY NAME
                SELECT version, site_level, catalog_code, item_name, '新增' AS change
                FROM published.catalog_items WHERE version = {version}""")
        counts = dict(con.execute(
            "SELECT change, count(*) FROM published.catalog_changes WHERE version = ? GROUP BY change",
            [version]).fetchall())
        publish_rows(con)
        con.execute(
            "INSERT INTO published.catalog_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [version, run_id, datetime.now(), len(candidate),
             scalar(con, "SELECT count(*) FROM published.site_items"), digest,
             counts.get("新增", 0), counts.get("删除", 0), counts.get("变更", 0)],
        )
    return version, True
