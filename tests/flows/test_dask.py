"""Scale-out: a refresh whose files are read on a 2-worker Dask cluster publishes the same list."""

import shutil

import duckdb
import openpyxl
import pytest

from flows.dask_reading import with_dask
from flows.refresh import nightly_refresh

pytestmark = pytest.mark.slow
LIST = "便民服务事项指导目录清单"


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local


def _refresh(base, inbox, **extra) -> dict:
    paths = {"inbox": str(inbox), "warehouse": str(base / "w.duckdb"), "out": str(base / "out")}
    return nightly_refresh(**paths) if not extra else with_dask(nightly_refresh, extra["dask_address"])(
        **paths, **extra)


def _cells(path):
    workbook = openpyxl.load_workbook(path, read_only=True)
    return [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]


def test_files_read_on_dask_workers_publish_the_same_list(small_city, tmp_path, cluster, prefect_harness):
    inbox = tmp_path / "inbox"
    shutil.copytree(small_city / "inbox", inbox)
    here, there = tmp_path / "here", tmp_path / "there"
    local = _refresh(here, inbox)
    on_dask = _refresh(there, inbox, dask_address=cluster.scheduler_address)
    assert on_dask["status"] == local["status"] == "published"
    assert on_dask["files_read"] == local["files_read"] > 0 and on_dask["rows_total"] == local["rows_total"]
    assert (here / "out" / f"{LIST}.csv").read_bytes() == (there / "out" / f"{LIST}.csv").read_bytes()
    assert _cells(here / "out" / f"{LIST}.xlsx") == _cells(there / "out" / f"{LIST}.xlsx")
    digest = "SELECT content_sha256 FROM published.catalog_versions"
    found = []
    for base in (here, there):
        con = duckdb.connect(str(base / "w.duckdb"), read_only=True)
        found.append(con.sql(digest).fetchall())
        con.close()
    assert found[0] == found[1]

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    with get_client(sync_client=True) as client:
        reads = client.read_task_runs(task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_="read-")))
    assert len(reads) >= on_dask["files_read"]  # one task per file, run by the Dask task runner
