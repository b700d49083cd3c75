"""Every district's 一次告知 report of a run: an xlsx (汇总; 问题汇总, the same problem over rows of a
file as one line; 问题清单, every finding by file and row) and an HTML page with charts and the
problem lines, side by side, plus the staff's own report.

The findings are rendered in column form: DuckDB turns each finding into its xlsx row and its HTML
table row (warehouse/reports/xlsx_rows.py), a district at a time, so a province's 1.7 M findings never pass
through Python cell by cell nor sit in memory at once.
"""

import hashlib
import json
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from transforms.fields import label
from warehouse import swap
from warehouse.noise_rules import rules_frame
from warehouse.reports.corrected import CopySources, copy_folder_name, finished_copies, start_copies
from warehouse.reports.grouped import ProblemLine, district_sheet_rows_sql, problem_lines
from warehouse.reports.html import district_report_html
from warehouse.reports.staff import STAFF_REPORT, write_staff_report
from warehouse.reports.xlsx_rows import Sheet, row_xml, values_xml, write_workbook
from warehouse.sql_literal import text_list
from warehouse.workbook import write_sheet

# 问题清单's columns: (finding column, title, width); the submitted value and the catalog's side by side.
FINDING_COLUMNS = [
    ("source_file", "文件", 36), ("sheet", "工作表", 16), ("row_number", "行号", 16), ("field_label", "字段", 16),
    ("severity_label", "级别", 16), ("rule", "规则", 16), ("message", "问题说明", 50), ("value", "报送值", 30),
    ("standard_value", "目录值", 30), ("hint", "修改建议", 40),
]
SEVERITY_LABELS = {"error": "错误", "warning": "提醒"}
REPORT_SUFFIX = "_一次告知"
# 问题汇总's columns: (problem line attribute, title, width).
LINE_COLUMNS = [
    ("source_file", "文件", 36), ("sheet", "工作表", 16), ("rows", "涉及行", 24), ("row_count", "行数", 8),
    ("field", "字段", 16), ("severity", "级别", 8), ("message", "问题说明", 50), ("value", "报送值", 30),
    ("standard_value", "目录值", 30), ("hint", "修改建议", 40),
]
REPORT_THREADS = 2  # DuckDB renders one district while another's files are compressed and written
# The district's sites against the listed places (warehouse/coverage.py), one row per town.
COVERAGE_COLUMNS = [("town", "镇(街道)", 18), ("centre_reported", "中心已报送", 12),
                    ("communities_listed", "名单中的村(社区)", 16), ("communities_reported", "已报送的村(社区)站", 18),
                    ("communities_silent", "未报送的村(社区)", 60), ("stations_unlisted", "名单外的站", 12),
                    ("points_reported", "已报送的便民服务点", 18)]
REPORT_ORDER = ("source_file NULLS FIRST, sheet NULLS FIRST, row_number NULLS FIRST, field NULLS FIRST, "
                "rule, message, value NULLS FIRST")


@dataclass(frozen=True)
class ReportFile:
    """One source file's findings in a report (source_file None: the district's own, of no file)."""
    source_file: str | None
    count: int
    xlsx_rows: str


def _labels_sql(con: duckdb.DuckDBPyConnection, findings: str, parameters: list) -> str:
    """A VALUES list of each field of these findings and its words in the reports."""
    fields = [f for (f,) in con.execute(f"SELECT DISTINCT field FROM ({findings}) WHERE field IS NOT NULL",
                                        parameters).fetchall()]
    pairs = ", ".join(f"({text_list([f])}, {text_list([label(f)])})" for f in fields) or "(NULL, NULL)"
    return f"(VALUES {pairs}) AS l(field, field_label)"


def report_files(con: duckdb.DuckDBPyConnection, findings: str, parameters: list) -> list[ReportFile]:
    """The findings of one report, by file (no file first), each file's findings rendered as xlsx
    rows (numbered from row 2 across files), in report order.
    findings: a query of audit.findings rows (as `SELECT * FROM audit.findings WHERE …`)."""
    labels = _labels_sql(con, findings, parameters)
    severity = "CASE severity " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in SEVERITY_LABELS.items()) + \
        " ELSE severity END"
    xlsx_row = row_xml([(column, column == "row_number") for column, _, _ in FINDING_COLUMNS])
    rows = con.execute(f"""
        WITH f AS (
            SELECT f.*, coalesce(l.field_label, f.field) AS field_label, {severity} AS severity_label,
                   row_number() OVER (ORDER BY {REPORT_ORDER}) + 1 AS _row
            FROM ({findings}) f LEFT JOIN {labels} USING (field))
        SELECT source_file, count(*), string_agg({xlsx_row}, '' ORDER BY _row)
        FROM f GROUP BY source_file ORDER BY source_file NULLS FIRST""", parameters).fetchall()
    return [ReportFile(*row) for row in rows]


def finding_counts(con: duckdb.DuckDBPyConnection, findings: str, parameters: list) -> list[tuple[str, str, int]]:
    """(element in words, or 文件 for a finding of no field; severity; how many) of these findings."""
    counts = con.execute(f"SELECT field, severity, count(*) FROM ({findings}) GROUP BY ALL", parameters).fetchall()
    return sorted((label(field) if field else "文件", severity, n) for field, severity, n in counts)


def write_district_report(path: Path, district: str, summary: dict, files: list[ReportFile],
                          lines: list[ProblemLine], counts: list[tuple[str, str, int]], run_id: str,
                          coverage: list[dict] = (), copies: dict[str, str] | None = None,
                          templates_href: str | None = None) -> None:
    """One district's xlsx and its HTML page, side by side (一次告知); lines: its problem lines
    (grouped.py); coverage: its towns' rows of site_coverage; copies: source file → the link to its
    corrected copy from the report's folder; templates_href: the link to its templates."""
    people = [[_coverage_cell(row[c]) for c, _, _ in COVERAGE_COLUMNS] for row in coverage]
    titles = [title for _, title, _ in COVERAGE_COLUMNS]
    page = district_report_html(district, summary, counts, lines, run_id, pd.DataFrame(people, columns=titles),
                                field_label=lambda field: label(field) if field else "文件", copies=copies,
                                templates_href=templates_href)
    path.with_suffix(".html").write_text(page, encoding="utf-8")
    summary_rows = [["区(市)", district], *([k, v] for k, v in summary.items())]
    if templates_href:
        summary_rows.append(["预填模板", templates_href])
    summary_rows += [[f"修正稿：{source_file}", href] for source_file, href in sorted((copies or {}).items())]
    line_rows = [[_line_cell(line, attribute) for attribute, _, _ in LINE_COLUMNS] for line in lines]
    write_workbook(path, [
        Sheet("汇总", ["项目", "数值"], [24, 30], values_xml(summary_rows), len(summary_rows)),
        Sheet("问题汇总", [title for _, title, _ in LINE_COLUMNS], [width for _, _, width in LINE_COLUMNS],
              values_xml(line_rows), len(line_rows)),
        Sheet("问题清单", [title for _, title, _ in FINDING_COLUMNS], [width for _, _, width in FINDING_COLUMNS],
              "".join(f.xlsx_rows for f in files), sum(f.count for f in files)),
        Sheet("站点覆盖", titles, [width for _, _, width in COVERAGE_COLUMNS], values_xml(people), len(people)),
    ])


def _line_cell(line: ProblemLine, attribute: str):
    value = getattr(line, attribute)
    if attribute == "field":
        return label(value) if value else "文件"
    if attribute == "severity":
        return SEVERITY_LABELS.get(value, value)
    if attribute == "source_file":
        return value or "（全区）"
    return value if value != "" else None


def _coverage_cell(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    return None if value is None or (isinstance(value, float) and value != value) else value


def coverage_by_district(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict]]:
    frame = con.sql("SELECT * FROM site_coverage").df().astype(object)
    return {district: group.to_dict("records") for district, group in frame.groupby("district")}


def _link_previous(previous: Path, build: Path, district: str) -> bool:
    """Hard-link a district's xlsx and HTML of the published reports, and its corrected copies, into
    the new build, if the report exists."""
    stem = f"{district}{REPORT_SUFFIX}"
    sources = [previous / f"{stem}.xlsx", previous / f"{stem}.html"]
    if not all(source.is_file() for source in sources):
        return False
    copies = previous / copy_folder_name(district)
    if copies.is_dir():
        sources += [path for path in copies.rglob("*") if path.is_file()]
    for source in sources:
        target = build / source.relative_to(previous)
        target.parent.mkdir(parents=True, exist_ok=True)
        swap.link_or_copy(source.resolve(), target)
    return True


def district_findings(con: duckdb.DuckDBPyConnection, run_id: str, district: str | None) -> pd.DataFrame:
    """One district's findings of a run (those of no district for None), as a frame."""
    where = "district IS NULL" if district is None else "district = ?"
    return con.execute(f"SELECT * EXCLUDE (run_id) FROM audit.findings WHERE run_id = ? AND {where}",
                       [run_id] if district is None else [run_id, district]).df()


def report_digests(con: duckdb.DuckDBPyConnection, run_id: str, summary: pd.DataFrame,
                   coverage: dict[str, list[dict]] | None = None) -> dict[str, str]:
    """district → a digest of what its report and its corrected copies show: its figures, its findings
    of the run (in any order), its coverage and the versions of its files. Equal digests mean the
    last report and copies can stay."""
    columns = ", ".join(c for c in con.sql("SELECT * EXCLUDE (run_id) FROM audit.findings").columns)
    findings = dict(con.execute(f"""
        SELECT district, count(*)::VARCHAR || ':' || sum(hash({columns})::HUGEINT)::VARCHAR
        FROM audit.findings WHERE run_id = ? AND district IS NOT NULL GROUP BY district""", [run_id]).fetchall())
    coverage = coverage_by_district(con) if coverage is None else coverage
    versions = dict(con.sql("SELECT district, string_agg(source_file || ':' || good_sha256, ';' ORDER BY source_file) "
                            "FROM landing.files GROUP BY district").fetchall())
    return {row["district"]: hashlib.sha256(json.dumps([row, findings.get(row["district"]),
                                                        coverage.get(row["district"]), versions.get(row["district"])],
                                                       ensure_ascii=False,
                                                       sort_keys=True, default=str).encode()).hexdigest()
            for row in summary.dropna(subset=["district"]).to_dict("records")}


def write_district_reports(con: duckdb.DuckDBPyConnection, run_id: str, summary: pd.DataFrame, out_dir: Path,
                           keep: Collection[str] = (), coverage: dict[str, list[dict]] | None = None,
                           sources: CopySources | None = None, templates_folder: str | None = None) -> list[Path]:
    """Every district's report of the run, with its corrected copies, and the staff's (目录问题),
    written to a temporary folder and renamed into place together.

    summary: one row per district, a 'district' column and metric columns named in Chinese.
    keep: districts nothing changed for: their reports of the last run are linked, not written again.
    coverage: coverage_by_district(con), when the caller has it already.
    sources: the inbox and rows folder the corrected copies are made from (none without it).
    templates_folder: the folder beside reports/ that holds each district's templates, to link.
    """
    name = datetime.now().strftime("%Y%m%dT%H%M%S%f")
    reports_dir = Path(out_dir) / "reports"
    coverage = coverage_by_district(con) if coverage is None else coverage
    tmp = swap.new_build(Path(out_dir) / ".reports-builds", name)
    write_staff_report(tmp / STAFF_REPORT, con.sql("SELECT * FROM core.catalog_findings").df(),
                       district_findings(con, run_id, None), write_sheet, rules_frame(con))
    to_write = []
    for district, row in summary.dropna(subset=["district"]).set_index("district").iterrows():
        if not (district in keep and _link_previous(reports_dir, tmp, district)):
            to_write.append((district, row.to_dict()))
    # The corrected copies are written by worker processes meanwhile (sources.executor), each report
    # waiting only for its own district's.
    copies = start_copies(con, run_id, [d for d, _ in to_write], sources, tmp) if sources else {}
    # DuckDB renders one district's rows while another's are compressed and written: both release
    # the GIL. Each thread has its own cursor (a DuckDB connection is not shared between threads).
    with ThreadPoolExecutor(REPORT_THREADS) as pool:
        shares = [to_write[i::REPORT_THREADS] for i in range(REPORT_THREADS)]
        for job in [pool.submit(_write_districts, con.cursor(), tmp, share, run_id, coverage, copies,
                                templates_folder) for share in shares]:
            job.result()
    swap.publish_build(tmp, name, reports_dir)  # every district's report of one run, swapped in together
    return sorted(reports_dir.iterdir())


def _write_districts(cursor: duckdb.DuckDBPyConnection, folder: Path, districts: list[tuple[str, dict]],
                     run_id: str, coverage: dict[str, list[dict]], copies: dict,
                     templates_folder: str | None) -> None:
    findings = "SELECT * FROM audit.findings WHERE run_id = ? AND district = ?"
    with cursor:
        for district, figures in districts:
            files = report_files(cursor, findings, [run_id, district])
            lines = problem_lines(cursor, findings, [run_id, district], district_sheet_rows_sql(district))
            counts = finding_counts(cursor, findings, [run_id, district])
            write_district_report(folder / f"{district}{REPORT_SUFFIX}.xlsx", district, figures, files, lines, counts,
                                  run_id, coverage.get(district, []), finished_copies(copies.get(district, [])),
                                  f"../{templates_folder}/{district}/" if templates_folder else None)
