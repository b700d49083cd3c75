"""The nightly refresh as a Prefect flow: ingest → normalize + match → validate → publish.

Thin by design: every task calls one plain step (flows/steps.py); data problems are findings,
and only the program's own faults raise. A night with no new input skips the work.
"""

import contextvars
import json
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from expectations import gx_process
from expectations.data_docs import make_offline
from expectations.runner import data_docs
from flows import alerts, reading, steps, validation
from flows.inbox import scan_inbox
from flows.pools import worker_pool
from flows.progress import Progress
from flows.steps import RefreshOptions, RunSummary
from warehouse import (
    db, district_reports, exports, increments, landing, landing_files, month_stats, public_site, retention,
    snapshot, swap,
)
from transforms.ingest import reading_key
from warehouse.build import build_site_items
from warehouse.publish import publish
from warehouse.reference import catalog_path, load_reference
from warehouse.run_lock import run_lock

DATA_DOCS_BUILDS = ".data_docs-builds"


@task(cache_policy=NO_CACHE)
def ingest_district(con, files, reads: reading.PendingReads, run_id) -> int:
    return reading.store_district_files(con, files, reads, run_id)


@task(cache_policy=NO_CACHE)
def normalize_and_match(con, reference, districts: list[str] | None) -> tuple[int, dict[str, float]]:
    with db.transaction(con):
        parts = build_site_items(con, reference, districts=districts)
    return db.scalar(con, "SELECT count(*) FROM core.site_items"), parts


@task(cache_policy=NO_CACHE)
def validate(con, scan, run_id, docs, districts: list[str] | None, gx) -> dict[str, int]:
    """Store the run's findings: the inbox's, and the rules' over the rebuilt districts (all when
    None); the other districts' row and site findings are carried from the last build."""
    return validation.validate_run(con, scan, run_id, docs, districts, gx)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def write_outputs(con, version, run_id, summary: pd.DataFrame, out: Path, rebuilt: list[str] | None) -> list[str]:
    """The list's files (for a published version) and every district's report (summary: their
    figures, steps.district_summary). A district keeps its report of the last run when it was not
    rebuilt, or when its figures and findings are the same (the report would be too)."""
    paths = exports.write_catalog_files(con, version, out) if version else []
    digests = district_reports.report_digests(con, run_id, summary)
    last = dict(con.sql("SELECT district, digest FROM core.district_reports").fetchall())
    keep = [d for d, digest in digests.items() if (rebuilt is not None and d not in rebuilt) or last.get(d) == digest]
    paths += district_reports.write_district_reports(con, run_id, summary, out, keep)
    con.execute("DELETE FROM core.district_reports")
    con.executemany("INSERT INTO core.district_reports VALUES (?, ?)", sorted(digests.items()))
    return [str(p) for p in paths]


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def write_public_site(con, version, out: Path, district_codes: dict) -> str:
    return str(public_site.build_site(con, version, out, district_codes).path / "index.html")


def _start_site(con, version: int, out: Path, district_codes: dict) -> Future:
    """Build the public site in a thread of its own while the files are written: its pages are
    rendered in Python, and the files mostly by DuckDB and zlib, which leave the interpreter free.
    The future gives (the site's index.html, the site's own seconds)."""
    cursor = con.cursor()  # a DuckDB connection is not shared between threads

    def build() -> tuple[str, float]:
        started = time.perf_counter()
        with cursor:
            index = write_public_site(cursor, version, out, district_codes)
        return index, round(time.perf_counter() - started, 2)

    pool = ThreadPoolExecutor(1, thread_name_prefix="site")
    future = pool.submit(contextvars.copy_context().run, build)  # in this flow run's Prefect context
    pool.shutdown(wait=False)
    return future


def _alert_on_failure(flow, flow_run, state) -> None:
    """Prefect's failure hook: the night failed, so tell someone (OUT/ALERT.txt, the webhook)."""
    parameters = flow_run.parameters or {}
    alerts.raise_alert(Path(parameters.get("out", "data/out")), "failed", [state.message or "运行失败"],
                       warehouse=parameters.get("warehouse", "data/mulu.duckdb"))


def _run_name() -> str:
    return f"refresh-{datetime.now():%Y-%m-%d}"


@flow(name="nightly_refresh", flow_run_name=_run_name, log_prints=True, on_failure=[_alert_on_failure],
      on_crashed=[_alert_on_failure])
def nightly_refresh(inbox: str = "data/inbox", catalog: str | None = None, warehouse: str = "data/mulu.duckdb",
                    out: str = "data/out", allow_shrink: bool = False, force: bool = False,
                    reference: str | None = None, dask_address: str | None = None) -> dict:
    """One refresh of the 指导目录清单 from the districts' inbox. With dask_address, files are read
    on the flow's Dask cluster (run it as with_dask(nightly_refresh, address))."""
    logger = get_run_logger()
    options = RefreshOptions(Path(inbox), Path(catalog) if catalog else None, Path(warehouse), Path(out),
                             None if allow_shrink else 0.10, force, reference=Path(reference) if reference else None,
                             dask_address=dask_address)
    summary = run_refresh(options, logger)
    if summary.status == "blocked":
        alerts.raise_alert(options.out, "blocked", summary.reasons, summary.run_id, str(options.warehouse))
    elif alerts.clear_alert(options.out):
        logger.info("This run succeeded: the alert of an earlier night (ALERT.txt) is removed.")
    create_markdown_artifact(key="nightly-refresh", markdown=_markdown(summary), description="mulu run summary")
    if summary.districts:
        create_table_artifact(key="districts", table=summary.districts, description="各区(市)本次运行情况")
    return summary.__dict__


def run_refresh(options: RefreshOptions, logger) -> RunSummary:
    with run_lock(options.warehouse):  # one refresh of a warehouse at a time (held already under `mulu refresh`)
        gx = gx_process.start()  # Great Expectations imports in a process of its own meanwhile
        try:
            return _run_refresh(options, logger, gx)
        finally:
            gx.close()


def _run_refresh(options: RefreshOptions, logger, gx: gx_process.GxProcess | gx_process.InProcess) -> RunSummary:
    reference = load_reference(options.reference)
    catalog_file = catalog_path(options.catalog, options.reference)
    catalog_bytes = catalog_file.read_bytes()
    con = db.connect(options.warehouse)
    for (gone,) in steps.mark_abandoned_runs(con):
        logger.warning("Run %s was left running by a process that no longer exists: marked abandoned.", gone)
    run_id = steps.new_run_id()
    progress = Progress()
    timer = steps.StageTimer(logger, progress)
    try:
        with timer("scan"):
            known = frozenset(row[0] for row in con.sql("SELECT source_file FROM landing.files").fetchall())
            scan = scan_inbox(options.inbox, reference.districts, known)
            context = steps.context_fingerprint(catalog_bytes, reference, con, options)
            fingerprint = steps.inputs_fingerprint(scan, context)
        con.execute("INSERT INTO audit.runs (run_id, started_at, status, inputs_sha256, context_sha256) "
                    "VALUES (?, ?, 'running', ?, ?)", [run_id, datetime.now(), fingerprint, context])
        if not options.force and fingerprint == steps.last_fingerprint(con):
            logger.info("Nothing changed since the last run: skipped.")
            summary = RunSummary(run_id, "unchanged", version=_current_version(con), files_skipped=len(scan.files))
            if summary.version and not (options.out / public_site.SITE_DIR).exists():
                with timer("site"):  # a new --out folder: its public site is written from the current version
                    public_site.build_site(con, summary.version, options.out, reference.district_codes)
            return _finish(con, summary, timer)
        with timer("catalog"):
            steps.prepare_catalog(con, catalog_bytes, catalog_file.name, reference)
        with timer("ingest"):
            rows_dir = landing_files.rows_dir(options.warehouse)
            to_read = _ingest(con, scan, reference, run_id, options, rows_dir, progress)
            landing.forget_removed(con, scan.files)
            landing.refresh_rows_view(con, rows_dir)
            landing.remove_unlisted_rows_files(con, rows_dir)
            signatures = increments.district_signatures(con, scan)
            rebuild = None if options.force else increments.districts_to_rebuild(con, context, signatures)
            logger.info("Districts built again: %s", "all" if rebuild is None else "、".join(rebuild) or "none")
        with timer("normalize_match"):
            rows, parts = normalize_and_match(con, reference, rebuild)
            timer.seconds.update({f"normalize_match.{part}": value for part, value in parts.items()})
        docs_build = swap.new_build(options.out / DATA_DOCS_BUILDS, run_id)  # GX Data Docs of this run
        with timer("validate"):
            docs = data_docs(docs_build, f"mulu-{run_id}")
            severities = validate(con, scan, run_id, docs, rebuild, gx)
        with timer("publish"):
            candidate, reasons = steps.audit_candidate(con, options, docs, gx)
            gx.close()  # the run's last rules: its memory is free for the files and the site
            make_offline(docs_build)
            swap.publish_build(docs_build, run_id, options.out / "data_docs")
            summary = RunSummary(run_id, "blocked" if reasons else "published", files_read=len(to_read),
                                 files_skipped=len(scan.files) - len(to_read), rows_total=rows, reasons=reasons,
                                 rebuilt=rebuild)
            steps.count_outcomes(con, severities, summary)
            month_stats.record_run_stats(con, run_id, rebuild)  # the monthly report's figures of this run
            increments.store_signatures(con, run_id, signatures, rebuild)
            retention.prune_findings(con)  # the findings of old runs no report reads any more
            if reasons:
                summary.version = _current_version(con)
                logger.warning("Publish audit failed; the last good version stays published: %s", "；".join(reasons))
            else:
                summary.version, summary.new_version = publish(con, run_id, candidate)
        site = None if reasons else _start_site(con, summary.version, options.out, reference.district_codes)
        try:
            with timer("files"):
                figures = steps.district_summary(con, run_id)
                summary.outputs = write_outputs(con, None if reasons else summary.version, run_id, figures,
                                                options.out, rebuild)
        finally:
            if site is not None:
                with timer("site_wait"):  # what the site still needed once the files were written
                    site_index, timer.seconds["site"] = site.result()
        if site is not None:
            summary.outputs.append(site_index)
        with timer("snapshot"):  # what staff query while the next night runs (mulu query)
            published_items = None if reasons else exports.version_dir(options.out, summary.version) \
                / exports.site_items_name(summary.version)
            summary.outputs.append(str(snapshot.write_snapshot(con, options.out, published_items)))
        summary.districts = steps.district_table(con, run_id, figures)
        return _finish(con, summary, timer)
    except BaseException as error:
        con.execute("UPDATE audit.runs SET status = 'failed', finished_at = ?, reasons = ? WHERE run_id = ?",
                    [datetime.now(), f"{type(error).__name__}: {error}", run_id])
        raise
    finally:
        con.close()


def _ingest(con, scan, reference, run_id: str, options: RefreshOptions, rows_dir: Path, progress: Progress) -> list:
    """Read the new or changed files in parallel (reader processes here, or Dask workers); record
    them district by district (one task each)."""
    context = reading.reading_context(con, reference)
    to_read = landing.files_to_read(con, scan.files, rows_dir, reading_key(context))
    by_district: dict[str, list] = {}
    for f in to_read:
        by_district.setdefault(f.district, []).append(f)
    in_store_order = [f for _, files in sorted(by_district.items()) for f in files]
    progress.files(len(to_read), len(by_district))
    if options.dask_address:
        from flows.dask_reading import submit_dask_reads

        reads = submit_dask_reads(scan, in_store_order, context, rows_dir, progress.file_read)
        _store_districts(con, by_district, reads, run_id, progress)
        return to_read
    with worker_pool(min(options.workers, len(to_read))) as pool:
        reads = reading.submit_reads(pool, scan, in_store_order, context, rows_dir, progress.file_read)
        _store_districts(con, by_district, reads, run_id, progress)
    return to_read


def _store_districts(con, by_district: dict[str, list], reads, run_id: str, progress: Progress) -> None:
    for district, files in sorted(by_district.items()):
        # quote: Prefect would otherwise wait for every Dask future inside `reads` before the task starts
        ingest_district.with_options(name=f"ingest-{district}")(con, files, quote(reads), run_id)
        progress.district_done()


def _current_version(con):
    return db.scalar(con, "SELECT max(version) FROM published.catalog_versions")


def _finish(con, summary: RunSummary, timer) -> RunSummary:
    summary.stage_seconds = timer.seconds
    if timer.progress:
        timer.progress.finish()
    con.execute(
        "UPDATE audit.runs SET status = ?, finished_at = ?, version = ?, files_read = ?, files_skipped = ?, "
        "rows_total = ?, reasons = ?, stage_seconds = ? WHERE run_id = ?",
        [summary.status, datetime.now(), summary.version, summary.files_read, summary.files_skipped,
         summary.rows_total, "；".join(summary.reasons) or None, json.dumps(summary.stage_seconds), summary.run_id])
    return summary


def _markdown(summary: RunSummary) -> str:
    lines = [f"# mulu 运行 {summary.run_id}", "", f"- 状态: **{summary.status}**",
             f"- 目录版本: {summary.version}", f"- 读取文件: {summary.files_read}，跳过未变文件: {summary.files_skipped}",
             f"- 事项行: {summary.rows_total}（自动匹配 {summary.rows_matched}，待人工核对 {summary.rows_review}）",
             f"- 问题: 错误 {summary.errors} 条，提醒 {summary.warnings} 条"]
    lines += [f"- 未发布原因: {r}" for r in summary.reasons]
    published = [Path(p) for p in summary.outputs if not Path(p).name.endswith("_一次告知.html")]
    if published:
        lines += ["", "## 发布的文件", ""]
        lines += [f"- [{p.name if p.name != 'index.html' else p.parent.name + '/index.html'}]({p.absolute().as_uri()})"
                  for p in published]
    return "\n".join(lines)
