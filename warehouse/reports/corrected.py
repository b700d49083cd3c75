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
import logging
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import duckdb

from transforms.matching import ACCEPTED_METHODS
from warehouse.landing_files import LAYOUT_KEY
from warehouse.reports.corrected_patch import write_copy_file
from warehouse.reports.corrected_workbook import CellFix
from warehouse.sql_literal import path_literal, text_list

COPY_SUFFIX = "_修正稿"
# Rules a row's catalog value settles once its item is certain (expectations/rules.py).
SETTLED_BY_CATALOG = ("required.", "code.", "vocab.", "duration.", "consistency.", "conformance.")
SEVERITY_WORDS = {"error": "错误", "warning": "提醒"}
NAME_CORRECTED = "【已改正】事项名称按目录改为标准名称（原为'"


@dataclass(frozen=True)
class CopySources:
    """Where a night's corrected copies come from (the inbox, the warehouse's rows folder), and the
    worker processes that write them (None: the calling thread writes them)."""
    inbox: Path
    rows_folder: Path
    executor: Executor | None = None


@dataclass(frozen=True)
class CopyJob:
    """One file's copy to write: everything a worker process needs, without the warehouse."""
    district: str
    source_file: str
    path: str  # the file in the inbox
    file_sha256: str  # the version the rows were built from: another version gets no copy
    layout: dict
    fixes: list[CellFix]
    relative: str  # the copy's path under the reports folder


def copy_folder_name(district: str) -> str:
    return f"{district}{COPY_SUFFIX}"


def copy_path(source_file: str) -> PurePosixPath:
    """东城区/2026-11/清单.csv → 2026-11/清单_修正稿.xlsx (under the district's copy folder)."""
    inside = PurePosixPath(*PurePosixPath(source_file).parts[1:]) if "/" in source_file else PurePosixPath(source_file)
    return inside.with_name(f"{inside.stem}{COPY_SUFFIX}.xlsx")


def cell_fixes_sql(run_id: str, districts: list[str]) -> str:
    """Per problem cell of the districts' findings of a run: (district, source_file, sheet,
    row_number, field, value to write or NULL, comment); plus the name cells of certain rows that are
    not the standard name."""
    accepted = text_list(list(ACCEPTED_METHODS))
    settled = " OR ".join(f"starts_with(f.rule, '{prefix}')" for prefix in SETTLED_BY_CATALOG)
    severity = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in SEVERITY_WORDS.items())
    chosen = text_list(districts)
    return f"""
    WITH rows AS (
        SELECT s.district, s.source_file, s.sheet, s.row_number,
               bool_and(s.match_method IN ({accepted})) AS certain,
               any_value(s.raw_name) AS raw_name, any_value(c.item_name) AS item_name,
               count(DISTINCT s.catalog_code) AS items
        FROM core.site_items s LEFT JOIN core.catalog_items c ON c.catalog_code = s.catalog_code
        WHERE s.district IN ({chosen}) GROUP BY s.district, s.source_file, s.sheet, s.row_number),
    problems AS (
        SELECT f.district, f.source_file, f.sheet, f.row_number, f.field,
               string_agg('【' || CASE f.severity {severity} ELSE f.severity END || '】' || f.message
                          || coalesce('。' || f.hint, ''), chr(10) ORDER BY f.rule) AS comment,
               list(DISTINCT f.standard_value) FILTER (WHERE ({settled})
                                                       AND coalesce(trim(f.standard_value), '') <> '') AS standards
        FROM audit.findings f
        WHERE f.run_id = {text_list([run_id])} AND f.district IN ({chosen})
          AND f.row_number IS NOT NULL AND f.field IS NOT NULL
        GROUP BY ALL),
    problem_cells AS (
        SELECT p.district, p.source_file, p.sheet, p.row_number, p.field,
               CASE WHEN r.certain AND r.items = 1 AND len(p.standards) = 1 THEN p.standards[1] END AS value,
               p.comment
        FROM problems p LEFT JOIN rows r ON r.source_file = p.source_file AND r.sheet IS NOT DISTINCT FROM p.sheet
                                        AND r.row_number = p.row_number),
    name_cells AS (
        SELECT district, source_file, sheet, row_number, 'item_name' AS field, item_name AS value,
               {text_list([NAME_CORRECTED])} || coalesce(raw_name, '') || '''）' AS comment
        FROM rows
        WHERE certain AND items = 1 AND item_name IS NOT NULL AND trim(coalesce(raw_name, '')) <> item_name)
    SELECT district, source_file, sheet, row_number, field, any_value(value) AS value,
           string_agg(comment, chr(10)) AS comment
    FROM (SELECT * FROM problem_cells UNION ALL SELECT * FROM name_cells)
    GROUP BY ALL ORDER BY district, source_file, sheet, row_number, field
    """


def _layout(con: duckdb.DuckDBPyConnection, rows_file: Path) -> dict | None:
    """Where the reader read each field of the file (IngestResult.layout), from its rows file."""
    found = con.execute(f"SELECT decode(value) FROM parquet_kv_metadata({path_literal(rows_file)}) "
                        f"WHERE decode(key) = '{LAYOUT_KEY}'").fetchall()
    return json.loads(found[0][0]) if found else None


def plan_copies(con: duckdb.DuckDBPyConnection, run_id: str, districts: list[str],
                sources: CopySources) -> dict[str, list[CopyJob]]:
    """The copies to write of these districts' files with findings: district → its jobs. A file is
    copied when its rows file says where each field was read."""
    if not districts:
        return {}
    fixes: dict[tuple[str, str], list[CellFix]] = {}
    for district, source_file, sheet, row_number, field, value, comment in con.execute(
            cell_fixes_sql(run_id, districts)).fetchall():
        fixes.setdefault((district, source_file), []).append(CellFix(sheet, row_number, field, value, comment))
    files = {(d, f): (sha, rows) for d, f, sha, rows in con.execute(
        "SELECT district, source_file, good_sha256, rows_file FROM landing.files "
        "WHERE district IN (SELECT unnest(?::VARCHAR[])) AND rows_file IS NOT NULL", [districts]).fetchall()}
    jobs: dict[str, list[CopyJob]] = {}
    for (district, source_file), cell_fixes in fixes.items():
        if (district, source_file) not in files:
            continue
        good_sha256, rows_file = files[(district, source_file)]
        layout = _layout(con, sources.rows_folder / rows_file)
        if not layout:
            continue  # read by a mulu that did not record it, or a template (read at fixed places)
        relative = (PurePosixPath(copy_folder_name(district)) / copy_path(source_file)).as_posix()
        jobs.setdefault(district, []).append(CopyJob(district, source_file, str(sources.inbox / source_file),
                                                     good_sha256, layout, cell_fixes, relative))
    return jobs


def write_copy(job: CopyJob, folder: Path) -> bool:
    """Write one copy under folder (in a worker process): False when the inbox no longer holds the
    version the rows were built from, or no fix falls on a cell of it."""
    try:
        data = Path(job.path).read_bytes()
    except OSError:
        return False
    if hashlib.sha256(data).hexdigest() != job.file_sha256:
        return False
    target = folder / job.relative
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_copy_file(data, job.source_file, job.layout, job.fixes, target)


def start_copies(con: duckdb.DuckDBPyConnection, run_id: str, districts: list[str], sources: CopySources,
                 folder: Path) -> dict[str, list[tuple[CopyJob, Future]]]:
    """Start writing the districts' copies under folder, in the worker processes when there are:
    district → (job, its future of write_copy)."""
    started: dict[str, list[tuple[CopyJob, Future]]] = {}
    for district, jobs in plan_copies(con, run_id, districts, sources).items():
        for job in jobs:
            if sources.executor is not None:
                future = sources.executor.submit(write_copy, job, folder)
            else:
                future = Future()
                future.set_result(write_copy(job, folder))
            started.setdefault(district, []).append((job, future))
    return started


def finished_copies(started: list[tuple[CopyJob, Future]]) -> dict[str, str]:
    """source file → the copy's path relative to the reports folder, of those written. A copy that
    could not be written is left out: it never stops the night's reports."""
    written = {}
    for job, future in started:
        try:
            if future.result():
                written[job.source_file] = job.relative
        except Exception as error:  # a file no reader foresaw, or a worker process that died
            logging.getLogger(__name__).warning("修正稿未能生成：%s（%s）", job.source_file, type(error).__name__)
    return written
