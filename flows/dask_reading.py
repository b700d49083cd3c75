"""Scale-out: the inbox's files read on Dask workers, through prefect-dask's DaskTaskRunner.

`mulu refresh --dask-address tcp://HOST:PORT` runs the refresh flow with a DaskTaskRunner on that
cluster (`--dask-address local` starts a LocalCluster for the run). Each file is one Prefect task
on a worker: it reads the file and writes its landing parquet into the rows folder beside the
warehouse, which must be the same path on every worker (a shared filesystem). Everything else —
the warehouse, matching, validation, publishing — stays in the refresh's own process on one node.
"""

import os
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.inbox import InboxScan
from flows.reading import PendingReads
from transforms.ingest import IngestContext, context_for, reading_key
from warehouse.landing_files import LandedFile, land_file

LOCAL = "local"


def dask_task_runner(address: str):
    """A DaskTaskRunner on the cluster at `address`, or on a LocalCluster of one single-threaded
    worker process per core for `local` (reading is CPU-bound Python: threads would share one core)."""
    from prefect_dask import DaskTaskRunner

    if address == LOCAL:
        workers = max(2, os.cpu_count() or 2)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    return DaskTaskRunner(address=address)


@task(cache_policy=NO_CACHE, task_run_name="read-{source_file}")
def read_file(path: Path, source_file: str, district: str, context: IngestContext, rows_dir: Path) -> LandedFile:
    return land_file(path, source_file, district, context, rows_dir)


def submit_dask_reads(scan: InboxScan, to_read: list, context: IngestContext, rows_dir: Path,
                      on_read=None) -> PendingReads:
    """Start reading the files on the flow's Dask cluster (absolute paths: the workers may run elsewhere)."""
    rows_dir = Path(rows_dir).resolve()
    paths = {f.source_file: Path(scan.paths[f.source_file]).resolve() for f in to_read}
    futures = {f.source_file: read_file.submit(paths[f.source_file], f.source_file, f.district,
                                               context_for(context, f.district), rows_dir)
               for f in to_read}
    if on_read is not None:
        for future in futures.values():
            future.add_done_callback(lambda done: on_read(_rows(done)))
    return PendingReads(futures, paths, context, rows_dir, reading_key(context))


def _rows(future) -> int:
    try:
        return future.result(timeout=0).row_count
    except Exception:  # a failed read is counted as no rows; landed() turns it into a finding or an error
        return 0


def with_dask(flow, address: str | None):
    """The flow as it runs with its files read on Dask at `address` (unchanged without one)."""
    return flow.with_options(task_runner=dask_task_runner(address)) if address else flow
