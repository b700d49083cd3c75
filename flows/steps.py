"""The steps of one refresh as plain functions (no Prefect here); flows/refresh.py wires them.

What a night with nothing new runs (the fingerprints, the timer) imports no pandas: the steps of a
night that works import theirs where they run.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from expectations.gx_process import IN_PROCESS, GxProcess, InProcess
from flows.inbox import InboxScan
from transforms.fields import CONFORMANCE_ELEMENTS, READER_VERSION
from warehouse.db import scalar
from warehouse.reference import Reference

if TYPE_CHECKING:
    import pandas as pd

    from expectations.runner import DataDocs

# Bump when a change must make every night's input count as new (6: the site figures keep the online
# counts of rows of no town, and a night carries the unchanged districts' figures).
PIPELINE_VERSION = "6"


@dataclass
class RefreshOptions:
    inbox: Path
    catalog: Path | None  # None: the reference folder's catalog, else the bundled seed
    warehouse: Path
    out: Path
    max_shrink: float | None = 0.10  # None: --allow-shrink
    force: bool = False
    workers: int = min(os.cpu_count() or 1, 4)  # processes reading files
    reference: Path | None = None  # a reference folder (mulu init); None: the bundled seeds
    dask_address: str | None = None  # read files on this Dask cluster ('local': a LocalCluster); None: here


@dataclass
class RunSummary:
    run_id: str
    status: str  # published, unchanged, blocked
    version: int | None = None
    new_version: bool = False
    files_read: int = 0
    files_skipped: int = 0
    rows_total: int = 0
    rows_matched: int = 0  # accepted matches to the catalog
    rows_review: int = 0  # waiting for people (review) or without a candidate (none)
    errors: int = 0
    warnings: int = 0
    reasons: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    districts: list[dict] = field(default_factory=list)  # one row per district, for the run's table artifact
    rebuilt: list[str] | None = None  # the districts built again; None: all (or none, when unchanged)


class StageTimer:
    """Wall seconds per stage of a run, logged as each ends and kept in the run summary; a progress
    (flows/progress.py) is told of each stage too."""

    def __init__(self, logger, progress=None):
        self.logger, self.progress = logger, progress
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str):
        started = time.perf_counter()
        if self.progress:
            self.progress.start(stage)
        try:
            yield
        finally:
            self.seconds[stage] = round(time.perf_counter() - started, 2)
            self.logger.info("stage %s: %.2f s", stage, self.seconds[stage])
            if self.progress:
                self.progress.end(stage, self.seconds[stage])


def new_run_id() -> str:
    return datetime.now().strftime("%Y%m%dT%H%M%S%f")


def context_fingerprint(catalog_bytes: bytes, reference: Reference, con: duckdb.DuckDBPyConnection,
                        options: RefreshOptions) -> str:
    """What a run's result depends on besides the inbox files: when it changes, every district is
    built again (warehouse/increments.py). People's review decisions count (each import that changes
    one moves decided_at), and so do the rules their answers made (made, retired or removed)."""
    digest = _with_reference_files(hashlib.sha256(hashlib.sha256(catalog_bytes).digest()), reference)
    decisions = con.sql("SELECT count(*), max(decided_at)::VARCHAR FROM core.review_decisions").fetchall()
    rules = con.sql("SELECT kind, word, retired_at::VARCHAR FROM core.noise_rules ORDER BY ALL").fetchall()
    # READER_VERSION: files read again with new reading rules give their districts new rows
    digest.update(repr((decisions, rules, options.max_shrink, PIPELINE_VERSION, READER_VERSION)).encode())
    return digest.hexdigest()


def catalog_key(catalog_bytes: bytes, reference: Reference) -> str:
    """The catalog's bytes with the reference data it is read with (its header words among them)."""
    return _with_reference_files(hashlib.sha256(catalog_bytes), reference).hexdigest()


def _with_reference_files(digest, reference: Reference):
    for name, path in sorted(reference.files.items()):
        digest.update(name.encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest


def catalog_taken_before(warehouse: Path, key: str) -> bool:
    """Whether a finished run of this warehouse took this catalog with this reference data (and
    so read and checked it). Any doubt (no warehouse yet, an older one, a damaged one): False."""
    if not Path(warehouse).is_file():
        return False
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return False
    try:
        return bool(con.execute("SELECT count(*) FROM audit.runs WHERE catalog_sha256 = ? "
                                "AND status IN ('published', 'unchanged', 'blocked')", [key]).fetchall()[0][0])
    except duckdb.Error:
        return False
    finally:
        con.close()


def inputs_fingerprint(scan: InboxScan, context: str) -> str:
    """Everything a run's result depends on; equal fingerprints mean nothing to do."""
    digest = hashlib.sha256(context.encode())
    for f in sorted(scan.files, key=lambda f: f.source_file):
        digest.update(f"{f.source_file}\0{f.file_sha256}\n".encode())
    return digest.hexdigest()


def mark_abandoned_runs(con: duckdb.DuckDBPyConnection) -> list[tuple[str]]:
    """Runs still 'running' while this process holds the refresh lock: their process is gone
    (killed or crashed). Marked 'abandoned'; their run ids are returned."""
    return con.execute(
        "UPDATE audit.runs SET status = 'abandoned', finished_at = ?, "
        "reasons = '运行进程已不存在（被终止或崩溃），未完成' WHERE status = 'running' RETURNING run_id",
        [datetime.now()]).fetchall()


def last_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    return scalar(con, "SELECT inputs_sha256 FROM audit.runs WHERE status IN ('published', 'unchanged') "
                       "ORDER BY started_at DESC LIMIT 1")


def preflight(inbox: Path, catalog: Path | None, reference_dir: Path | None = None,
              warehouse: Path | None = None) -> None:
    """Fail fast, before any work, on configuration a run cannot use; every problem listed at once.
    A catalog's own problems are findings, not a refusal: only one in which no item can be
    identified stops the night. A catalog a finished run of `warehouse` took with the same
    reference data was read and checked then: it is not read again (most nights change nothing)."""
    from warehouse.reference import ReferenceError, catalog_path, load_reference

    problems = []
    if not Path(inbox).is_dir():
        problems.append(f"收件箱文件夹不存在：{inbox}")
    path = catalog_path(catalog, reference_dir)
    if not path.is_file():
        problems.append(f"目录文件不存在：{path}")
    try:
        reference = load_reference(reference_dir)
    except ReferenceError as error:
        raise ReferenceError(problems + error.problems) from None
    if path.is_file():
        data = path.read_bytes()
        if not (warehouse and catalog_taken_before(warehouse, catalog_key(data, reference))):
            from warehouse.catalog_store import read_checked_catalog  # pandas: only for a catalog no run took

            try:
                read_checked_catalog(data, path.name, reference)
            except ReferenceError as error:
                problems += error.problems
    if problems:
        raise ReferenceError(problems)


def prepare_catalog(con, catalog_bytes: bytes, catalog_name: str, reference: Reference) -> int:
    from warehouse.catalog_store import load_catalog, load_seed_aliases

    from warehouse.coverage import store_places

    catalog = load_catalog(con, catalog_bytes, catalog_name, reference)
    load_seed_aliases(con, reference)
    store_places(con, reference.towns, {d: c.by_town for d, c in reference.communities.items()}, reference.sites)
    return len(catalog)


def count_outcomes(con, severities: dict[str, int], summary: RunSummary) -> None:
    """Fill the summary's match and finding counts (severities: the run's findings per severity)."""
    from transforms.matching import ACCEPTED_METHODS

    [(matched, review)] = con.sql("""
        SELECT count(*) FILTER (WHERE match_method IN (SELECT unnest(?::VARCHAR[]))),
               count(*) FILTER (WHERE match_method IN ('review', 'none'))
        FROM core.site_items""", params=[list(ACCEPTED_METHODS)]).fetchall()
    summary.rows_matched, summary.rows_review = matched, review
    summary.errors, summary.warnings = severities.get("error", 0), severities.get("warning", 0)


def audit_candidate(con, options: RefreshOptions, docs: DataDocs | None = None,
                    gx: GxProcess | InProcess = IN_PROCESS) -> tuple[pd.DataFrame, list[str]]:
    """The candidate catalog and the reasons it must not be published (empty when it may);
    gx: where the rules run (expectations/gx_process.py)."""
    from expectations.rules import publish_rules
    from warehouse.publish import build_candidate, current_version

    candidate = build_candidate(con)
    version = current_version(con)
    previous = scalar(con, "SELECT item_count FROM published.catalog_versions WHERE version = ?", [version]) \
        if version else None
    rules = publish_rules(previous, options.max_shrink)
    if candidate.empty:
        return candidate, ["没有任何可发布的目录事项：所有区(市)的报送均无法匹配到目录"]
    passed, failures = gx.run_rules(candidate, "publish_audit", rules, docs=docs,
                                 asset="published.catalog_items_candidate")
    reasons = [] if passed else sorted(set(failures["message"]))
    return candidate, reasons


def district_summary(con, run_id: str) -> pd.DataFrame:
    """One row per district for its report: what came in, what matched, problems, conformance, online share
    (the last two as the run recorded them: warehouse/month_stats.py)."""
    summary = con.execute("""
        WITH s AS (SELECT district, count(*) AS rows_received,
                          count(*) FILTER (WHERE catalog_code IS NOT NULL) AS rows_matched,
                          count(*) FILTER (WHERE match_method IN ('review', 'none')) AS rows_review,
                          count(DISTINCT source_file) AS files
                   FROM core.site_items GROUP BY district),
             f AS (SELECT district, count(*) FILTER (WHERE severity = 'error') AS errors,
                          count(*) FILTER (WHERE severity = 'warning') AS warnings,
                          count(DISTINCT (source_file, row_number)) FILTER (WHERE severity = 'error') AS rows_with_errors
                   FROM audit.findings WHERE run_id = ? GROUP BY district)
        SELECT coalesce(s.district, f.district) AS district,
               coalesce(s.files, 0) AS "报送文件数", coalesce(s.rows_received, 0) AS "收到事项行数",
               coalesce(s.rows_matched, 0) AS "已匹配目录行数", coalesce(s.rows_review, 0) AS "待人工核对行数",
               coalesce(s.rows_received, 0) - coalesce(f.rows_with_errors, 0) AS "无错误行数",
               coalesce(f.errors, 0) AS "错误数", coalesce(f.warnings, 0) AS "提醒数"
        FROM s FULL JOIN f USING (district)
        ORDER BY district
    """, [run_id]).df()
    return summary.merge(_quality_summary(con, run_id), on="district", how="left")


def district_table(con, run_id: str, summary: pd.DataFrame) -> list[dict]:
    """Per district, for the run's Prefect table artifact: rows, matched, review, errors, warnings and
    网上可办率 (the share of its sites' 依申请 items that can be done online). summary: district_summary's."""
    import pandas as pd

    sites = _application_sites(con, run_id)
    online = (sites.groupby("district")[["online_items", "application_items"]].sum() if not sites.empty
              else pd.DataFrame(columns=["online_items", "application_items"]))
    rows = []
    for record in summary.to_dict("records"):
        share = online.loc[record["district"]] if record["district"] in online.index else None
        rows.append({"区(市)": record["district"], "事项行": int(record["收到事项行数"]),
                     "自动匹配": int(record["已匹配目录行数"]), "待核对": int(record["待人工核对行数"]),
                     "错误": int(record["错误数"]), "提醒": int(record["提醒数"]),
                     "网上可办率": f"{share['online_items'] / share['application_items']:.1%}"
                     if share is not None and share["application_items"] else None})
    return rows


def _percent(share) -> str | None:
    import pandas as pd

    return None if pd.isna(share) else f"{share:.1%}"


def _application_sites(con, run_id: str) -> pd.DataFrame:
    """The run's sites with 依申请 items, and their 网上可办 figures."""
    return con.execute("""SELECT district, town, community, site_level, application_items, online_items,
                                 online_share, online_share_required, online_share_ok
                          FROM audit.site_stats WHERE run_id = ? AND application_items > 0
                            AND coalesce(site_point, '') = ''""", [run_id]).df()  # a 点 has no bar


def _quality_summary(con, run_id: str) -> pd.DataFrame:
    """Per district: 全市统一 conformance overall and per element, and sites meeting the online bar."""
    import pandas as pd

    conformance = con.execute("SELECT district, conformance_share, element_shares FROM audit.district_stats "
                              "WHERE run_id = ?", [run_id]).df()
    shares = [json.loads(text) if isinstance(text, str) else {} for text in conformance["element_shares"]]
    frame = pd.DataFrame({"district": conformance["district"],
                          "全市统一符合率": conformance["conformance_share"].map(_percent)})
    for name, label in CONFORMANCE_ELEMENTS.items():
        frame[f"{label}符合率"] = [_percent(share.get(name)) for share in shares]
    sites = _application_sites(con, run_id)
    if not sites.empty:
        online = sites.groupby("district").agg(ok=("online_share_ok", "sum"), all=("online_share_ok", "size"))
        online["网办率达标站点"] = online["ok"].astype(int).astype(str) + "/" + online["all"].astype(str)
        frame = frame.merge(online[["网办率达标站点"]], left_on="district", right_index=True, how="left")
    return frame
