"""The work of a night that has some: catalog → ingest → normalize + match → validate → publish →
the files, the public site and the snapshot.

flows/refresh.py imports this module once it knows the night has work to do: its imports (pandas,
pyarrow, the readers, matching, the reports) are what a night with nothing new never needs.
"""

import contextvars
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from expectations import gx_process
from expectations.data_docs import make_offline
from expectations.runner import data_docs
from flows import reading, steps, validation
from flows.inbox import InboxScan
from flows.pools import process_pool, worker_pool
from flows.progress import Progress
from flows.steps import RefreshOptions, RunSummary
from transforms.ingest import reading_key
from warehouse import db, increments, landing, landing_files, month_stats, retention, swap
from warehouse.build import build_site_items
from warehouse.files import catalog_list, snapshot
from warehouse.publish import current_version, publish
from warehouse.reference import Reference
from warehouse.reports import district as district_reports
from warehouse.reports import district_guide, templates
from warehouse.reports.corrected import CopySources
from warehouse.site import public_site

DATA_DOCS_BUILDS = ".data_docs-builds"
COPY_WORKERS = 2  # processes writing the corrected copies and templates beside the main one's reports and site
TEMPLATES = "templates"  # OUT/templates/<区市>/<镇街>_填报模板.xlsx


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
def write_outputs(con, version, run_id, summary: pd.DataFrame, out: Path, rebuilt: list[str] | None,
                  reference: Reference, sources: CopySources | None = None) -> list[str]:
    """The list's files (for a published version) and every district's report with its corrected
    copies (summary: their figures, steps.district_summary; sources: the inbox and rows folder the
    copies come from), and the districts' guide (各区报送说明). A district keeps its report of the last
    run when it was not rebuilt, or when its figures, findings and files are the same (the report
    would be too)."""
    paths = catalog_list.write_catalog_files(con, version, out) if version else []
    coverage = district_reports.coverage_by_district(con)  # the sites against the listed places, once
    digests = district_reports.report_digests(con, run_id, summary, coverage)
    last = dict(con.sql("SELECT district, digest FROM core.district_reports").fetchall())
    keep = [d for d, digest in digests.items() if (rebuilt is not None and d not in rebuilt) or last.get(d) == digest]
    paths += district_reports.write_district_reports(con, run_id, summary, out, keep, coverage, sources,
                                                     TEMPLATES if version else None)
    con.execute("DELETE FROM core.district_reports")
    con.executemany("INSERT INTO core.district_reports VALUES (?, ?)", sorted(digests.items()))
    paths.append(district_guide.write_district_guide(out, reference))  # 各区报送说明, from the reference data
    return [str(p) for p in paths]


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def write_templates(con, out: Path, rebuilt: list[str] | None, reference: Reference, executor) -> list[str]:
    """The districts' 填报模板 from the list just published: only the towns whose workbook changes."""
    return [str(p) for p in templates.write_templates(con, out / TEMPLATES, rebuilt, reference, executor=executor,
                                                      unchanged_stay=True)]


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


def run_night(con, options: RefreshOptions, reference: Reference, catalog_name: str, catalog_bytes: bytes,
              scan: InboxScan, context: str, run_id: str, timer: steps.StageTimer, progress: Progress, logger,
              gx: gx_process.GxProcess | gx_process.InProcess) -> RunSummary:
    """Every stage after the scan of a night with something new (or forced); context: the run's
    context fingerprint (steps.context_fingerprint)."""
    with timer("catalog"):
        steps.prepare_catalog(con, catalog_bytes, catalog_name, reference)
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
            summary.version = current_version(con)
            logger.warning("Publish audit failed; the last good version stays published: %s", "；".join(reasons))
        else:
            summary.version, summary.new_version = publish(con, run_id, candidate)
    site = None if reasons else _start_site(con, summary.version, options.out, reference.district_codes)
    try:
        # The corrected copies and the templates are written by worker processes, the copies while
        # the reports are rendered.
        with process_pool(max(1, min(options.workers, COPY_WORKERS))) as workers:
            with timer("files"):
                figures = steps.district_summary(con, run_id)
                sources = CopySources(Path(options.inbox), landing_files.rows_dir(options.warehouse), workers)
                summary.outputs = write_outputs(con, None if reasons else summary.version, run_id, figures,
                                                options.out, rebuild, reference, sources)
            if not reasons:
                with timer("templates"):
                    try:
                        summary.outputs += write_templates(con, options.out, rebuild, reference, workers)
                    except Exception as error:  # the list, reports and site stand without them
                        logger.warning("填报模板未能生成（%s: %s）；清单、报告和网站不受影响", type(error).__name__, error)
    finally:
        if site is not None:
            with timer("site_wait"):  # what the site still needed once the files were written
                site_index, timer.seconds["site"] = site.result()
    if site is not None:
        summary.outputs.append(site_index)
    with timer("snapshot"):  # what staff query while the next night runs (mulu query)
        published_items = None if reasons else catalog_list.version_dir(options.out, summary.version) \
            / catalog_list.site_items_name(summary.version)
        summary.outputs.append(str(snapshot.write_snapshot(con, options.out, published_items)))
    summary.districts = steps.district_table(con, run_id, figures)
    return summary


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
