"""The frames the validation rules run on, built by SQL over the warehouse.

Each check a rule needs becomes a column: the submitted text (NULL when blank) or a boolean that
is NULL when it does not apply, so a Great Expectations expectation can point at the failing rows.
"""

import duckdb
import pandas as pd

from transforms.fields import COMMUNITY_LEVEL, TOWN_LEVEL

_BLANK = "nullif(trim({0}), '')"


def validation_frame_sql() -> str:
    blank = _BLANK.format
    return f"""
    WITH s AS (SELECT *, raw_item_type AS item_type_raw, raw_exercise_levels AS exercise_levels_raw,
                      raw_materials AS materials_raw, raw_handling_type AS handling_type_raw
               FROM core.site_items)
    SELECT s.district, s.town, s.community, s.site_level, s.source_file, s.sheet, s.row_number,
           s.catalog_code, s.match_method,
           {blank('s.raw_name')} AS raw_name, {blank('s.raw_code')} AS raw_code,
           {blank('s.item_type_raw')} AS item_type_raw, s.legal_basis,
           {blank('s.exercise_levels_raw')} AS exercise_levels_raw, s.acceptance_conditions,
           {blank('s.materials_raw')} AS materials_raw,
           {blank('s.statutory_limit')} AS statutory_limit, {blank('s.promised_limit')} AS promised_limit,
           {blank('s.fee')} AS fee, {blank('s.handling_type_raw')} AS handling_type_raw,
           CASE WHEN s.code_kind = 'empty' THEN NULL ELSE s.code_kind END AS code_kind,
           CASE WHEN {blank('s.item_type_raw')} IS NOT NULL THEN s.item_type_code IS NOT NULL END AS item_type_known,
           CASE WHEN {blank('s.exercise_levels_raw')} IS NOT NULL
                THEN s.exercise_level_codes IS NOT NULL AND s.exercise_levels_unknown IS NULL END AS levels_known,
           CASE WHEN {blank('s.handling_type_raw')} IS NOT NULL THEN s.handling_type_code IS NOT NULL END AS handling_type_known,
           CASE WHEN {blank('s.statutory_limit')} IS NOT NULL THEN s.statutory_days IS NOT NULL END AS statutory_parsed,
           CASE WHEN {blank('s.promised_limit')} IS NOT NULL THEN s.promised_days IS NOT NULL END AS promised_parsed,
           s.statutory_days, s.promised_days,
           CASE WHEN s.promised_days IS NOT NULL AND s.handling_type_code IN ('1', '2')
                THEN s.promised_immediate = (s.handling_type_code = '1') END AS immediate_consistent,
           CASE WHEN s.fee_charged THEN s.fee_basis IS NOT NULL END AS fee_basis_ok,
           CASE WHEN s.catalog_code IS NOT NULL
                THEN row_number() OVER (PARTITION BY s.district, s.town, coalesce(s.community, ''), s.site_level, s.catalog_code
                                        ORDER BY s.source_file, s.sheet, s.row_number) = 1 END AS first_at_site,
           CASE WHEN s.exercise_level_codes IS NOT NULL THEN
                list_contains(string_split(s.exercise_level_codes, ','),
                              CASE s.site_level WHEN '{TOWN_LEVEL}' THEN '5' WHEN '{COMMUNITY_LEVEL}' THEN '6' END) END
                AS level_allowed,
           CASE WHEN s.item_type_code IS NOT NULL AND c.item_type_code IS NOT NULL
                THEN s.item_type_code = c.item_type_code END AS type_conforms,
           CASE WHEN s.statutory_days IS NOT NULL AND c.statutory_days IS NOT NULL
                THEN s.statutory_days = c.statutory_days END AS statutory_limit_conforms,
           CASE WHEN s.promised_days IS NOT NULL AND c.promised_days IS NOT NULL
                THEN s.promised_days = c.promised_days END AS promised_limit_conforms,
           CASE WHEN s.material_count > 0 AND c.material_count > 0
                THEN s.material_count = c.material_count END AS materials_conforms,
           CASE WHEN s.fee_charged IS NOT NULL AND c.fee_charged IS NOT NULL
                THEN s.fee_charged = c.fee_charged END AS fee_conforms
    FROM s LEFT JOIN core.catalog_items c USING (catalog_code)
    """


def validation_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.sql(validation_frame_sql()).df()
