"""The 一次告知 report read in one pass: the same problem over rows of one file is one line.

A district whose files name no town got one line per row, each with the same fix; here that is one
line with its rows (第2–40、45行). Each file starts with what to do once: its problems of no row
(a missing column, a sheet that could not be read) and those that hold for every row of a sheet
(no row of it could be placed), then the row problems, first row first. The full list, one line
per finding and row, stays in the xlsx's 问题清单.
"""

from dataclasses import dataclass

import duckdb

from warehouse.sql_literal import text_list

VARIES = "（各行不同，见问题清单）"
MAX_RANGES = 12  # row ranges a line names before "等"


@dataclass(frozen=True)
class ProblemLine:
    """One problem of one file (source_file None: the district's own), over one or more rows."""
    source_file: str | None
    sheet: str | None
    field: str | None
    severity: str
    rule: str
    message: str
    rows: str  # 第2–40、45行, 全部120行, or '' for a problem of no row
    row_count: int
    value: str | None
    standard_value: str | None
    hint: str | None
    once: bool  # to do once for the file: no row, or every row of its sheet


def _same_or_varies(column: str) -> str:
    text = f"CAST({column} AS VARCHAR)"
    return f"CASE WHEN count(DISTINCT coalesce({text}, '')) <= 1 THEN any_value({text}) ELSE '{VARIES}' END"


def problem_lines_sql(findings: str, sheet_rows: str) -> str:
    """SQL of the problem lines of `findings` (a query of audit.findings rows). sheet_rows: a query
    of (source_file, sheet, rows), each sheet's rows in the build, to tell problems of every row."""
    return f"""
    WITH f AS (SELECT * FROM ({findings})),
    numbered AS (  -- consecutive rows of one problem share row_number - rank (gaps and islands)
        SELECT *, row_number - dense_rank() OVER (
                      PARTITION BY source_file, sheet, field, severity, rule, message ORDER BY row_number) AS island
        FROM f WHERE row_number IS NOT NULL),
    ranges AS (
        SELECT source_file, sheet, field, severity, rule, message, min(row_number) AS first_row,
               CASE WHEN min(row_number) = max(row_number) THEN min(row_number)::VARCHAR
                    ELSE min(row_number)::VARCHAR || '–' || max(row_number)::VARCHAR END AS range_text
        FROM numbered GROUP BY source_file, sheet, field, severity, rule, message, island),
    range_lists AS (
        SELECT source_file, sheet, field, severity, rule, message, count(*) AS ranges,
               string_agg(range_text, '、' ORDER BY first_row) FILTER (WHERE position <= {MAX_RANGES}) AS range_text
        FROM (SELECT *, row_number() OVER (PARTITION BY source_file, sheet, field, severity, rule, message
                                           ORDER BY first_row) AS position FROM ranges)
        GROUP BY ALL),
    grouped AS (
        SELECT source_file, sheet, field, severity, rule, message,
               count(DISTINCT row_number) AS row_count, min(row_number) AS first_row,
               {_same_or_varies('value')} AS value, {_same_or_varies('standard_value')} AS standard_value,
               {_same_or_varies('hint')} AS hint
        FROM f GROUP BY source_file, sheet, field, severity, rule, message)
    SELECT g.source_file, g.sheet, g.field, g.severity, g.rule, g.message,
           CASE WHEN g.row_count = 0 THEN ''
                WHEN g.row_count = s.rows AND g.row_count > 1 THEN '全部' || g.row_count || '行'
                ELSE '第' || r.range_text || CASE WHEN r.ranges > {MAX_RANGES} THEN '等' ELSE '' END || '行'
           END AS rows,
           g.row_count, g.value, g.standard_value, g.hint,
           g.row_count = 0 OR (g.row_count = s.rows AND g.row_count > 1) AS once
    FROM grouped g
    LEFT JOIN range_lists r USING (source_file, sheet, field, severity, rule, message)
    LEFT JOIN ({sheet_rows}) s ON s.source_file IS NOT DISTINCT FROM g.source_file
                               AND s.sheet IS NOT DISTINCT FROM g.sheet
    ORDER BY g.source_file NULLS FIRST, once DESC, g.first_row NULLS FIRST, g.sheet NULLS FIRST,
             g.severity, g.field NULLS FIRST, g.rule, g.message
    """


def district_sheet_rows_sql(district: str) -> str:
    """Each sheet's rows of one district in the current build (core.site_items)."""
    return (f"SELECT source_file, sheet, count(*) AS rows FROM core.site_items "
            f"WHERE district = {text_list([district])} GROUP BY ALL")


def problem_lines(con: duckdb.DuckDBPyConnection, findings: str, parameters: list,
                  sheet_rows: str) -> list[ProblemLine]:
    rows = con.execute(problem_lines_sql(findings, sheet_rows), parameters).fetchall()
    return [ProblemLine(*row) for row in rows]
