"""The validate stage of a run: every problem of every district, written to audit.findings.

Great Expectations runs the rules (expectations/rules.py) over compact frames from DuckDB: the
site items' distinct check profiles (warehouse/checks.py) and one row per site. The findings of
failing rows are then written in SQL, so a province's millions of rows never become a pandas frame.
"""

import duckdb
import pandas as pd

from expectations.gx_process import IN_PROCESS, GxProcess, InProcess
from expectations.rules import CODE_HINT_RULES, ONLINE_SHARE, ROW_RULES, SITE_RULES
from expectations.runner import DataDocs
from flows.inbox import InboxScan
from warehouse import checks
from warehouse.db import scalar

FINDING_COLUMNS = ["district", "source_file", "sheet", "row_number", "field", "rule", "severity",
                   "message", "value", "standard_value", "hint", "catalog_code"]


def validate_run(con: duckdb.DuckDBPyConnection, scan: InboxScan, run_id: str, docs: DataDocs | None,
                 districts: list[str] | None, gx: GxProcess | InProcess = IN_PROCESS) -> dict[str, int]:
    """Store the run's findings: the inbox's, and the rules' over the items and sites of `districts`
    (all when None), the other districts' row and site findings carried from the last build.
    Returns the count per severity. gx: where the rules run (expectations/gx_process.py)."""
    store_findings(con, run_id, inbox_findings(con, scan))
    validate_rows(con, run_id, docs, districts, gx)
    store_findings(con, run_id, validate_sites(con, docs, districts, gx))
    if districts is not None:
        carry_findings(con, run_id, districts)
    return dict(con.execute("SELECT severity, count(*) FROM audit.findings WHERE run_id = ? GROUP BY severity",
                            [run_id]).fetchall())


def validate_rows(con: duckdb.DuckDBPyConnection, run_id: str, docs: DataDocs | None = None,
                  districts: list[str] | None = None, gx: GxProcess | InProcess = IN_PROCESS) -> int:
    """Row-level findings of every site item (GX suite 'site_items'), or of the items of
    `districts` only, stored with provenance and values; returns how many.

    docs: the run's GX Data Docs (expectations.runner.data_docs), to add the validation to."""
    profiles = checks.check_profiles(con, districts)
    if profiles.empty:
        return 0
    _, failures = gx.run_rules(profiles, "site_items", ROW_RULES, id_column="profile_id", docs=docs,
                            asset="core.site_items (check profiles)")
    return checks.insert_row_findings(con, run_id, failures.rename(columns={"row_id": "profile_id"}),
                                      CODE_HINT_RULES)


def validate_sites(con: duckdb.DuckDBPyConnection, docs: DataDocs | None = None,
                   districts: list[str] | None = None, gx: GxProcess | InProcess = IN_PROCESS) -> pd.DataFrame:
    """Site-level findings (GX suite 'sites'): the online share of 依申请 items per site (of `districts`)."""
    frame = checks.site_frame(con, ONLINE_SHARE, districts)
    frame = frame[frame["site_point"] == ""].reset_index(drop=True)  # a 便民服务点 has no bar to meet
    if frame.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    _, failures = gx.run_rules(frame.reset_index(names="site_id"), "sites", SITE_RULES, id_column="site_id",
                            docs=docs, asset="core.site_items_by_site")
    sites = frame.loc[failures["row_id"].astype(int)].reset_index(drop=True)
    place = sites["town"] + sites["community"].where(sites["community"] == "", " " + sites["community"])
    value = (place + "：" + sites["online_items"].astype(str) + "/" + sites["application_items"].astype(str)
             + "项网上可办（" + (sites["online_share"] * 100).round(1).astype(str) + "%，应≥"
             + (sites["online_share_required"] * 100).round(0).astype(int).astype(str) + "%）")
    findings = failures.drop(columns=["row_id"]).reset_index(drop=True).assign(
        district=sites["district"], value=value)
    return findings.reindex(columns=FINDING_COLUMNS)


def carry_findings(con: duckdb.DuckDBPyConnection, run_id: str, districts: list[str]) -> None:
    """Store, for this run, the row and site findings of the districts not rebuilt as the last build
    found them (their rows did not change, so neither did these). File-level findings are made
    again every run."""
    rules = [rule.rule for rule in (*ROW_RULES, *SITE_RULES)]
    previous = scalar(con, "SELECT run_id FROM audit.runs WHERE status IN ('published', 'blocked') "
                           "ORDER BY started_at DESC LIMIT 1")
    con.execute(f"""
        INSERT INTO audit.findings BY NAME
        SELECT ? AS run_id, {", ".join(FINDING_COLUMNS)} FROM audit.findings
        WHERE run_id = ? AND rule IN (SELECT unnest(?::VARCHAR[]))
          AND district IS NOT NULL AND district NOT IN (SELECT unnest(?::VARCHAR[]))
    """, [run_id, previous, rules, districts])


def inbox_findings(con: duckdb.DuckDBPyConnection, scan: InboxScan) -> pd.DataFrame:
    """File-level findings: unreadable files, unknown folders, unsupported files."""
    stored = con.sql("""
        SELECT f.district, ff.source_file, ff.sheet, NULL::INTEGER AS row_number, ff.field, ff.rule,
               ff.severity, ff.message,
               CASE WHEN f.good_sha256 IS NOT NULL AND f.status = 'rejected'
                    THEN '本文件未被采用，已保留该文件上次成功报送的数据' END AS hint
        FROM landing.file_findings ff JOIN landing.files f USING (source_file)
    """).df()
    extra = [
        {"district": folder, "source_file": example, "rule": "district.unknown", "severity": "warning",
         "message": f"文件夹'{folder}'不是已知的区(市)名称", "hint": "请把文件放在以区(市)名称命名的文件夹中"}
        for folder, example in scan.unknown_districts.items()
    ] + [
        {"district": path.split("/")[0] if "/" in path else None, "source_file": path, "rule": "file.unsupported",
         "severity": "warning", "message": "不支持的文件类型，未读取", "hint": "请报送 .xlsx、.xls 或 .csv 文件"}
        for path in scan.ignored
    ] + [
        {"district": district, "source_file": path, "rule": "file_duplicate", "severity": "warning",
         "message": f"与'{original}'内容完全相同，未重复读取", "hint": "请删除重复的文件"}
        for path, (district, original) in scan.duplicates.items()
    ]
    parts = [part for part in (stored, pd.DataFrame(extra)) if len(part)]
    return (pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()).reindex(columns=FINDING_COLUMNS)


def store_findings(con: duckdb.DuckDBPyConnection, run_id: str, findings: pd.DataFrame) -> None:
    if findings.empty:
        return
    frame = findings.reindex(columns=FINDING_COLUMNS).assign(run_id=run_id)
    frame["row_number"] = frame["row_number"].astype("Int64")
    con.register("run_findings", frame)
    con.execute("INSERT INTO audit.findings BY NAME SELECT * FROM run_findings")
    con.unregister("run_findings")
