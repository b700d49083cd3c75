"""The frames the validation rules run on, built by SQL over the warehouse.

Each check a rule needs becomes a small column — TRUE/NULL for presence, a boolean that is NULL
when the check does not apply, or a number — so Great Expectations works on compact data and
validates each distinct combination of check values once (``check_profiles``). The findings,
with the values people see, are written for the failing rows in SQL (``insert_row_findings``).
"""

import duckdb
import pandas as pd

from transforms.fields import COMMUNITY_LEVEL, TOWN_LEVEL
from transforms.matching import ACCEPTED_METHODS
from warehouse.sql_literal import text_list

# field -> the core.site_items column holding what the district wrote
SUBMITTED_COLUMNS = {
    "item_name": "raw_name",
    "item_code": "raw_code",
    "item_type": "raw_item_type",
    "legal_basis": "legal_basis",
    "exercise_levels": "raw_exercise_levels",
    "acceptance_conditions": "acceptance_conditions",
    "materials": "raw_materials",
    "statutory_limit": "statutory_limit",
    "promised_limit": "promised_limit",
    "fee": "fee",
    "fee_basis": "fee_basis",
    "handling_type": "raw_handling_type",
}


# 全市统一: each element a site wrote, against the catalog's standard (NULL when either is unknown).
CONFORMANCE = {  # element (transforms/fields.py CONFORMANCE_ELEMENTS): (the site's value, the standard)
    "item_type": ("s.item_type_code", "c.item_type_code"),
    "legal_basis": ("s.legal_basis", "c.legal_basis"),
    "exercise_levels": ("s.exercise_level_codes", "c.exercise_level_codes"),
    "acceptance_conditions": ("s.acceptance_conditions", "c.acceptance_conditions"),
    "handling_type": ("s.handling_type_code", "c.handling_type_code"),
    "statutory_limit": ("s.statutory_days", "c.statutory_days"),
    "promised_limit": ("s.promised_days", "c.promised_days"),
    "materials": ("nullif(s.material_count, 0)", "nullif(c.material_count, 0)"),
    "fee": ("s.fee_charged", "c.fee_charged"),
}
# Texts also conform when they differ only in spaces and punctuation (《条例》第三条 ≡ 《条例》 第三条。);
# the regex runs only on the rows whose texts differ.
LOOSE_TEXTS = ("legal_basis", "acceptance_conditions")
_TEXT_KEY = "regexp_replace({0}, '[\\s\\p{{P}}]', '', 'g')"


def conformance_columns() -> str:
    """`<element>_conforms` columns: TRUE, FALSE, or NULL when not comparable."""
    columns = []
    for name, (mine, standard) in CONFORMANCE.items():
        differs = (f"{_TEXT_KEY.format(mine)} = {_TEXT_KEY.format(standard)}" if name in LOOSE_TEXTS else "FALSE")
        columns.append(f"CASE WHEN {mine} IS NULL OR {standard} IS NULL THEN NULL WHEN {mine} = {standard} THEN TRUE "
                       f"ELSE {differs} END AS {name}_conforms")
    return ",\n           ".join(columns)


def conformance_sql(districts: list[str] | None = None) -> str:
    """Per district and element: rows compared and the share that conform (for the reports); of
    `districts` only when given."""
    shares = ",\n           ".join(
        f"avg({name}_conforms::INTEGER) AS {name}_share" for name in CONFORMANCE)
    return f"""
    WITH checks AS (
        SELECT s.district, {conformance_columns()}
        FROM core.site_items s JOIN core.catalog_items c USING (catalog_code)
        {"" if districts is None else f"WHERE s.district IN ({text_list(districts)})"})
    SELECT district, {shares},
           avg(({' + '.join(f'coalesce({n}_conforms::INTEGER, 0)' for n in CONFORMANCE)})
               / nullif({' + '.join(f'({n}_conforms IS NOT NULL)::INTEGER' for n in CONFORMANCE)}, 0)) AS overall_share
    FROM checks GROUP BY district ORDER BY district
    """


# Duration issues (transforms/durations.py) that are errors of the district, not unreadable text.
IMPLAUSIBLE = "'negative', 'zero_with_unit', 'absurd'"


def _filled(column: str) -> str:
    return f"nullif(trim({column}), '') IS NOT NULL"


def validation_frame_sql(districts: list[str] | None = None) -> str:
    # A column missing from a file is one finding for that file (column_missing), not one per row.
    presence = ",\n           ".join(
        f"CASE WHEN {_filled('s.' + column)} OR list_contains(m.lacking, '{field}') THEN TRUE END AS present_{field}"
        for field, column in SUBMITTED_COLUMNS.items()
    )
    accepted = ", ".join(f"'{m}'" for m in ACCEPTED_METHODS)
    conformance = conformance_columns()
    chosen = "" if districts is None else f"district IN ({text_list(districts)})"
    # The code names one catalog item and the name, exactly or as an alias (score 100), another.
    conflict = ("coalesce(s.match_method = 'review' AND s.coded_item IS NOT NULL AND s.runner_up_score = 100 "
                "AND s.runner_up_code <> s.coded_item, false)")
    site_item = ("hash({0}district, {0}town, coalesce({0}community, ''), coalesce({0}site_point, ''), {0}site_level, "
                 "{0}catalog_code)")
    coded = f"catalog_code IS NOT NULL {'' if districts is None else f'AND {chosen}'}"
    return f"""
    -- An item at a site again is a repeat (first_at_site). Most are there once: only the rows whose
    -- site-and-item hash repeats are grouped by the columns themselves (a collision only costs time).
    WITH repeated AS MATERIALIZED (
        SELECT {site_item.format("")} AS site_item FROM core.site_items WHERE {coded} GROUP BY 1 HAVING count(*) > 1)
    SELECT s.item_id,
           {presence},
           CASE WHEN s.code_kind <> 'empty' THEN coalesce(s.code_issue, '') <> 'not_in_catalog' END AS code_in_catalog,
           CASE WHEN s.code_kind <> 'empty' AND coalesce(s.code_issue, '') <> 'not_in_catalog'
                THEN coalesce(s.code_issue, '') NOT IN ('leading_zeros_restored', 'excel_scientific_restored',
                                                        'excel_scientific') END
                AS code_intact,
           -- the name decided the item (written as the catalog writes it) and the code names another
           CASE WHEN s.coded_item IS NOT NULL AND s.match_method IN ({accepted}) THEN s.coded_item = s.catalog_code END
                AS code_names_item,
           nullif(trim(s.town), '') IS NOT NULL AND (s.site_level <> '{COMMUNITY_LEVEL}' OR s.community IS NOT NULL)
                AS site_known,
           CASE WHEN {conflict} THEN FALSE END AS code_name_agree,
           CASE WHEN NOT {conflict} THEN s.match_method IN ({accepted}) END AS match_accepted,
           CASE WHEN {_filled('s.raw_item_type')} THEN s.item_type_code IS NOT NULL END AS item_type_known,
           CASE WHEN {_filled('s.raw_exercise_levels')}
                THEN s.exercise_level_codes IS NOT NULL AND s.exercise_levels_unknown IS NULL END AS levels_known,
           CASE WHEN {_filled('s.raw_handling_type')} THEN s.handling_type_code IS NOT NULL END AS handling_type_known,
           CASE WHEN {_filled('s.statutory_limit')} THEN s.statutory_days IS NOT NULL
                OR s.statutory_issue IN ('not_applicable', {IMPLAUSIBLE}) END AS statutory_parsed,
           CASE WHEN {_filled('s.promised_limit')} THEN s.promised_days IS NOT NULL
                OR s.promised_issue IN ('not_applicable', {IMPLAUSIBLE}) END AS promised_parsed,
           CASE WHEN s.statutory_issue IS NOT NULL OR s.statutory_days IS NOT NULL
                THEN coalesce(s.statutory_issue, '') NOT IN ({IMPLAUSIBLE}) END AS statutory_plausible,
           CASE WHEN s.promised_issue IS NOT NULL OR s.promised_days IS NOT NULL
                THEN coalesce(s.promised_issue, '') NOT IN ({IMPLAUSIBLE}) END AS promised_plausible,
           s.statutory_days, s.promised_days,
           CASE WHEN s.promised_days IS NOT NULL AND s.handling_type_code IN ('1', '2')
                THEN s.promised_immediate = (s.handling_type_code = '1') END AS immediate_consistent,
           CASE WHEN s.fee_charged THEN s.fee_basis IS NOT NULL END AS fee_basis_ok,
           CASE WHEN s.catalog_code IS NOT NULL THEN r.site_item IS NULL OR first_row.item_id IS NOT NULL END
                AS first_at_site,
           CASE WHEN s.exercise_level_codes IS NOT NULL THEN
                list_contains(string_split(s.exercise_level_codes, ','),
                              CASE s.site_level WHEN '{TOWN_LEVEL}' THEN '5' WHEN '{COMMUNITY_LEVEL}' THEN '6' END) END
                AS level_allowed,
           {conformance}
    FROM core.site_items s
    LEFT JOIN core.catalog_items c USING (catalog_code)
    LEFT JOIN (SELECT source_file, coalesce(sheet, '') AS sheet, list(field) AS lacking
               FROM landing.file_findings WHERE rule = 'column_missing' GROUP BY ALL) m
           ON m.source_file = s.source_file AND m.sheet = coalesce(s.sheet, '')
    -- The first row (in file order) of each repeated item at each site. An aggregate, not a window:
    -- sorting a province's rows by site took a minute.
    LEFT JOIN repeated r ON r.site_item = {site_item.format("s.")}
    LEFT JOIN (SELECT arg_min(item_id, (source_file, coalesce(sheet, ''), row_number, item_id)) AS item_id
               FROM core.site_items WHERE {coded} AND {site_item.format("")} IN (SELECT site_item FROM repeated)
               GROUP BY district, town, coalesce(community, ''), coalesce(site_point, ''), site_level, catalog_code)
               first_row
           ON first_row.item_id = s.item_id
    {"" if districts is None else f"WHERE s.{chosen}"}
    """


def check_profiles(con: duckdb.DuckDBPyConnection, districts: list[str] | None = None) -> pd.DataFrame:
    """The validation frame in column form: each distinct combination of check values once, with
    its profile_id and row_count, for Great Expectations; which profile each site item has stays in
    DuckDB (temp table check_row_profiles). Every row rule reads only its own row's check values,
    so the profiles that fail are exactly the rows that fail, at a few thousand rows instead of
    millions. Items of `districts` only, when given."""
    frame = f"SELECT * FROM ({validation_frame_sql(districts)}) LIMIT 0"
    columns = [c for c in con.sql(frame).columns if c != "item_id"]
    listed = ", ".join(columns)
    # Each profile's rows are collected as it is counted: no join of millions of rows back on the
    # 30-odd check values.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE check_profiles AS
        SELECT row_number() OVER (ORDER BY {listed}) - 1 AS profile_id, {listed}, row_count, item_ids
        FROM (SELECT {listed}, count(*) AS row_count, list(item_id) AS item_ids
              FROM ({validation_frame_sql(districts)}) GROUP BY ALL)""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE check_row_profiles AS
        SELECT unnest(item_ids) AS item_id, profile_id FROM check_profiles""")
    con.execute("ALTER TABLE check_profiles DROP COLUMN item_ids")
    return con.sql("SELECT * FROM check_profiles ORDER BY profile_id").df()


# field -> the catalog's value people compare with (目录值), shown beside the submitted one.
STANDARD_COLUMNS = {
    "item_name": "c.item_name", "item_type": "c.item_type", "legal_basis": "c.legal_basis",
    "exercise_levels": "c.exercise_levels", "acceptance_conditions": "c.acceptance_conditions",
    "materials": "c.materials", "statutory_limit": "c.statutory_limit", "promised_limit": "c.promised_limit",
    "fee": "CASE c.fee_charged WHEN TRUE THEN '收费' WHEN FALSE THEN '不收费' END", "fee_basis": "c.fee_basis",
    "handling_type": "c.handling_type", "item_code": "c.catalog_code",
}


def insert_row_findings(con: duckdb.DuckDBPyConnection, run_id: str, failures: pd.DataFrame,
                        code_hint_rules: tuple[str, ...]) -> int:
    """Write the findings of failing check profiles into audit.findings, one per site item of each
    profile, with provenance, the submitted value and the catalog's (目录值); all in SQL.

    failures: profile_id, field, rule, severity, message, hint (one per failing profile and rule).
    code_hint_rules: rules whose hint gives the catalog's code of the row's item, when known."""
    value = "CASE f.field " + " ".join(
        f"WHEN '{field}' THEN s.{column}" for field, column in SUBMITTED_COLUMNS.items()) + " END"
    standard = "CASE f.field " + " ".join(
        f"WHEN '{field}' THEN {column}" for field, column in STANDARD_COLUMNS.items()) + " END"
    con.register("profile_failures", failures[["profile_id", "field", "rule", "severity", "message", "hint"]])
    try:
        [(count,)] = con.execute(f"""
            INSERT INTO audit.findings BY NAME
            SELECT ? AS run_id, s.district, s.source_file, s.sheet, s.row_number, f.field, f.rule, f.severity,
                   f.message, {value} AS value, {standard} AS standard_value,
                   CASE WHEN f.rule IN ({text_list(code_hint_rules)}) AND s.catalog_code IS NOT NULL
                        THEN '目录中该事项的编码为' || s.catalog_code ELSE f.hint END AS hint,
                   s.catalog_code
            FROM profile_failures f
            JOIN check_row_profiles m ON m.profile_id = f.profile_id
            JOIN core.site_items s ON s.item_id = m.item_id
            LEFT JOIN core.catalog_items c ON c.catalog_code = s.catalog_code
        """, [run_id]).fetchall()
    finally:
        con.unregister("profile_failures")
    return count


# 依申请 items (seed §二(三)3 counts the online share among them): every type but 处罚, 强制, 征收, 检查.
NOT_ON_APPLICATION_TYPES = ("02", "03", "04", "06")


def site_frame_sql(online_share: dict[str, float], districts: list[str] | None = None) -> str:
    """One row per site: its 依申请 items, how many are 网上可办, and whether the share meets the bar.
    Of `districts` only when given.

    An item's 网上可办 is what the site wrote, or the catalog's when the site left it blank.
    """
    bar = " ".join(f"WHEN '{level}' THEN {share}" for level, share in online_share.items())
    excluded = ", ".join(f"'{t}'" for t in NOT_ON_APPLICATION_TYPES)
    return f"""
    WITH items AS (
        SELECT s.district, s.town, coalesce(s.community, '') AS community, coalesce(s.site_point, '') AS site_point,
               s.site_level,
               coalesce(s.is_online, c.is_online) AS online
        FROM core.site_items s JOIN core.catalog_items c USING (catalog_code)
        WHERE coalesce(c.item_type_code, '') NOT IN ({excluded})
          {"" if districts is None else f"AND s.district IN ({text_list(districts)})"}
    ), sites AS (
        SELECT district, town, community, site_point, site_level, count(*) AS application_items,
               count(*) FILTER (WHERE online) AS online_items
        FROM items GROUP BY ALL
    )
    -- The bar is the 中心's and the 站's (seed §二(三)3); a 便民服务点 has none.
    SELECT *, online_items / application_items AS online_share,
           CASE WHEN site_point = '' THEN CASE site_level {bar} END END AS online_share_required,
           CASE WHEN site_point = '' THEN online_items / application_items >= CASE site_level {bar} END END
               AS online_share_ok
    FROM sites
    ORDER BY district, town, community, site_point
    """


def site_frame(con: duckdb.DuckDBPyConnection, online_share: dict[str, float],
               districts: list[str] | None = None) -> pd.DataFrame:
    return con.sql(site_frame_sql(online_share, districts)).df()
