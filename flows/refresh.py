"""The nightly refresh as a Prefect flow: ingest → normalize + match → validate → publish.

Thin by design: every task calls one plain step (flows/steps.py); data problems are findings,
and only the program's own faults raise. A night with no new input skips the work: this module
decides that, and only a night with work imports its stages (flows/night.py).
"""

import json
from datetime import datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from expectations import gx_process
from flows import alerts, steps
from flows.inbox import scan_inbox
from flows.progress import Progress
from flows.steps import RefreshOptions, RunSummary
from warehouse import db
from warehouse.reference import catalog_path, load_reference
from warehouse.run_lock import run_lock
from warehouse.swap import SITE_DIR


def _alert_on_failure(flow, flow_run, state) -> None:
    """Prefect's failure hook: the night failed, so tell someone (OUT/ALERT.txt, the webhook)."""
    parameters = flow_run.parameters or {}
    alerts.raise_alert(Path(parameters.get("out", "data/out")), "failed", [state.message or "运行失败"],
                       warehouse=parameters.get("warehouse", "data/mulu.duckdb"))


BACKUP_WAIT_SECONDS = 600


def _run_name() -> str:
    return f"refresh-{datetime.now():%Y-%m-%d}"


@flow(name="nightly_refresh", flow_run_name=_run_name, log_prints=True, on_failure=[_alert_on_failure],
      on_crashed=[_alert_on_failure])
def nightly_refresh(inbox: str = "data/inbox", catalog: str | None = None, warehouse: str = "data/mulu.duckdb",
                    out: str = "data/out", allow_shrink: bool = False, force: bool = False,
                    reference: str | None = None, dask_address: str | None = None,
                    backup_to: str | None = None, backup_keep: int | None = None) -> dict:
    """One refresh of the 指导目录清单 from the districts' inbox. With dask_address, files are read
    on the flow's Dask cluster (run it as with_dask(nightly_refresh, address)). With backup_to
    (mulu serve --backup-to), the night ends with a backup there, keeping the newest backup_keep."""
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
    if backup_to:
        logger.info("Backup written and verified: %s", back_up(options, Path(backup_to), backup_keep))
    return summary.__dict__


@task(cache_policy=NO_CACHE)
def back_up(options: RefreshOptions, to: Path, keep: int | None) -> str:
    """The night's backup: warehouse, rows folder, OUT and the reference folder (warehouse/backup.py).
    One that fails fails the flow run, whose hook raises the alert."""
    from warehouse.backup import take_backup

    out = options.out if options.out.is_dir() else None
    # waits for a `mulu report monthly` or `mulu review import` holding the warehouse meanwhile
    return str(take_backup(options.warehouse, to, out, options.reference, keep, wait=BACKUP_WAIT_SECONDS).path)


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
        con.execute("INSERT INTO audit.runs (run_id, started_at, status, inputs_sha256, context_sha256, "
                    "catalog_sha256) VALUES (?, ?, 'running', ?, ?, ?)",
                    [run_id, datetime.now(), fingerprint, context, steps.catalog_key(catalog_bytes, reference)])
        if not options.force and fingerprint == steps.last_fingerprint(con):
            logger.info("Nothing changed since the last run: skipped.")
            summary = RunSummary(run_id, "unchanged", version=_current_version(con), files_skipped=len(scan.files))
            if summary.version and not (options.out / SITE_DIR).exists():
                from warehouse.site import public_site

                with timer("site"):  # a new --out folder: its public site is written from the current version
                    public_site.build_site(con, summary.version, options.out, reference.district_codes)
            return _finish(con, summary, timer)
        from flows import night  # the night has work: only now its modules (pandas, the readers, …)

        summary = night.run_night(con, options, reference, catalog_file.name, catalog_bytes, scan, context, run_id,
                                  timer, progress, logger, gx)
        return _finish(con, summary, timer)
    except BaseException as error:
        con.execute("UPDATE audit.runs SET status = 'failed', finished_at = ?, reasons = ? WHERE run_id = ?",
                    [datetime.now(), f"{type(error).__name__}: {error}", run_id])
        raise
    finally:
        con.close()


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
