"""Corrected copies (修正稿): each district file with findings, back in its own layout, with every
cell mulu can correct holding the standard value, highlighted, and a comment on every problem cell.

What mulu can correct: on a row whose item is certain (an accepted match), a cell whose finding is
settled by the catalog's value under 全市统一 (a blank or damaged code, a blank or differing
element, a time limit or type that could not be read) takes the catalog's value; the name takes the
catalog's standard name. A problem only a person can settle (no certain item, a duplicate row, a
site that could not be placed) gets its comment and keeps its value. The copy is written beside
the district's report; the district's own file is never touched.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import duckdb

from transforms.matching import ACCEPTED_METHODS
from warehouse.landing_files import LAYOUT_KEY
from warehouse.reports.corrected_workbook import CellFix, write_corrected_copy
from warehouse.sql_literal import path_literal, text_list

COPY_SUFFIX = "_修正稿"
# Rules a row's catalog value settles once its item is certain (expectations/rules.py).
SETTLED_BY_CATALOG = ("required.", "code.", "vocab.", "duration.", "consistency.", "conformance.")
SEVERITY_WORDS = {"error": "错误", "warning": "提醒"}


@dataclass(frozen=True)
class CopySources:
    """Where a night's corrected copies come from: the inbox and the warehouse's rows folder."""
    inbox: Path
    rows_folder: Path


def copy_folder_name(district: str) -> str:
    return f"{district}{COPY_SUFFIX}"


def copy_path(source_file: str) -> PurePosixPath:
    """东城区/2026-11/清单.csv → 2026-11/清单_修正稿.xlsx (under the district's copy folder)."""
    inside = PurePosixPath(*PurePosixPath(source_file).parts[1:]) if "/" in source_file else PurePosixPath(source_file)
    return inside.with_name(f"{inside.stem}{COPY_SUFFIX}.xlsx")


def cell_fixes_sql(run_id: str, district: str) -> str:
    """Per problem cell of one district's findings of a run: (source_file, sheet, row_number, field,
    value to write or NULL, comment); plus the name cells of certain rows that are not the standard name."""
    accepted = text_list(list(ACCEPTED_METHODS))
    settled = " OR ".join(f"starts_with(f.rule, '{prefix}')" for prefix in SETTLED_BY_CATALOG)
    return f"""
    WITH rows AS (
        SELECT s.source_file, s.sheet, s.row_number, bool_and(s.match_method IN ({accepted})) AS certain,
               any_value(s.raw_name) AS raw_name, any_value(c.item_name) AS item_name,
               count(DISTINCT s.catalog_code) AS items
        FROM core.site_items s LEFT JOIN core.catalog_items c ON c.catalog_code = s.catalog_code
        WHERE s.district = {text_list([district])} GROUP BY s.source_file, s.sheet, s.row_number),
    problems AS (
        SELECT f.source_file, f.sheet, f.row_number, f.field,
               string_agg('【' || CASE f.severity {' '.join(f"WHEN '{k}' THEN '{v}'" for k, v in SEVERITY_WORDS.items())}
                          ELSE f.severity END || '】' || f.message || coalesce('。' || f.hint, ''), chr(10)
                          ORDER BY f.rule) AS comment,
               list(DISTINCT f.standard_value) FILTER (WHERE ({settled}) AND coalesce(trim(f.standard_value), '') <> '')
                   AS standards
        FROM audit.findings f
        WHERE f.run_id = {text_list([run_id])} AND f.district = {text_list([district])}
          AND f.row_number IS NOT NULL AND f.field IS NOT NULL
        GROUP BY ALL),
    problem_cells AS (
        SELECT p.source_file, p.sheet, p.row_number, p.field,
               CASE WHEN r.certain AND r.items = 1 AND len(p.standards) = 1 THEN p.standards[1] END AS value,
               p.comment
        FROM problems p LEFT JOIN rows r ON r.source_file = p.source_file AND r.sheet IS NOT DISTINCT FROM p.sheet
                                        AND r.row_number = p.row_number),
    name_cells AS (
        SELECT source_file, sheet, row_number, 'item_name' AS field, item_name AS value,
               '【已改正】事项名称按目录改为标准名称（原为''' || coalesce(raw_name, '') || '''）' AS comment
        FROM rows
        WHERE certain AND items = 1 AND item_name IS NOT NULL AND trim(coalesce(raw_name, '')) <> item_name)
    SELECT source_file, sheet, row_number, field, any_value(value) AS value, string_agg(comment, chr(10)) AS comment
    FROM (SELECT * FROM problem_cells UNION ALL SELECT * FROM name_cells)
    GROUP BY ALL ORDER BY source_file, sheet, row_number, field
    """


def _layout(rows_file: Path) -> dict | None:
    con = duckdb.connect()
    try:
        found = con.execute(f"SELECT value FROM parquet_kv_metadata({path_literal(rows_file)}) "
                            f"WHERE decode(key) = '{LAYOUT_KEY}'").fetchall()
    finally:
        con.close()
    return json.loads(found[0][0].decode() if isinstance(found[0][0], bytes) else found[0][0]) if found else None


def write_corrected_copies(con: duckdb.DuckDBPyConnection, run_id: str, district: str, sources: CopySources,
                           folder: Path) -> dict[str, str]:
    """Write the district's corrected copies under folder/<district>_修正稿/; returns source file →
    the copy's path relative to folder. A file is copied when the inbox still holds the version
    whose rows were built (its sha256) and the rows file says where each field was read."""
    fixes: dict[str, list[CellFix]] = {}
    for source_file, sheet, row_number, field, value, comment in con.execute(cell_fixes_sql(run_id, district)).fetchall():
        fixes.setdefault(source_file, []).append(CellFix(sheet, row_number, field, value, comment))
    files = dict((f, (sha, rows)) for f, sha, rows in con.execute(
        "SELECT source_file, good_sha256, rows_file FROM landing.files WHERE district = ? AND rows_file IS NOT NULL",
        [district]).fetchall())
    written = {}
    for source_file, cell_fixes in fixes.items():
        if source_file not in files:
            continue
        good_sha256, rows_file = files[source_file]
        path = sources.inbox / source_file
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if hashlib.sha256(data).hexdigest() != good_sha256:
            continue  # the inbox holds another version than the rows were built from
        layout = _layout(sources.rows_folder / rows_file)
        if not layout:
            continue
        relative = PurePosixPath(copy_folder_name(district)) / copy_path(source_file)
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if write_corrected_copy(data, source_file, layout, cell_fixes, target):
            written[source_file] = relative.as_posix()
    return written
