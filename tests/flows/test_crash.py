"""kill -9 of `mulu refresh` during its files stage, as the OOM killer would: the published files stay
complete and of one version, no process of the killed run outlives it, and the next night completes."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from flows.watchdog import descendants
from warehouse.db import read_rows

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
LIST = "便民服务事项指导目录清单"


def refresh(base: Path, *extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(base / "prefect-home")
    return subprocess.Popen([str(Path(sys.executable).parent / "mulu"), "refresh", "--inbox", str(base / "inbox"),
                             "--warehouse", str(base / "mulu.duckdb"), "--out", str(base / "out"), *extra],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def published_set_is_whole(out: Path) -> None:
    """The four list files open, and all come from one build of one version; every report is there."""
    builds = {os.path.realpath(out / name).rsplit("/", 1)[0] for name in
              (f"{LIST}.xlsx", f"{LIST}.csv", f"{LIST}.parquet", "便民服务站点事项")}
    assert len(builds) == 1, builds
    workbook = openpyxl.load_workbook(out / f"{LIST}.xlsx", read_only=True)
    rows = sum(sheet.max_row - 1 for sheet in workbook.worksheets)
    assert rows == len(pd.read_csv(out / f"{LIST}.csv", encoding="utf-8-sig"))
    assert rows == duckdb.sql(f"SELECT count(*) FROM '{out / f'{LIST}.parquet'}'").fetchall()[0][0]
    reports = list((out / "reports").iterdir())
    assert len([p for p in reports if p.suffix == ".xlsx"]) >= 11  # ten districts and the staff's report
    for path in reports:
        if path.suffix == ".xlsx":
            openpyxl.load_workbook(path, read_only=True).close()


def test_kill_9_in_the_files_stage_leaves_the_last_set_whole_and_nothing_running(small_city, tmp_path):
    shutil.copytree(small_city / "inbox", tmp_path / "inbox")
    assert refresh(tmp_path).wait(timeout=600) == 0
    out = tmp_path / "out"
    published_set_is_whole(out)
    killed = 0
    for delay in (0.0, 0.3, 3.0):
        for left in out.glob(".tmp-v*"):  # the killed run's: the files stage's first write is a new one
            shutil.rmtree(left)
        run = refresh(tmp_path, "--force")
        deadline = time.monotonic() + 600
        while not list(out.glob(".tmp-v*")) and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)  # the files stage's first write
        time.sleep(delay)
        family = descendants(run.pid)
        if run.poll() is None:  # 3 s in, a small night may be over already
            assert family, "a running refresh has its helper processes (watchdog, temporary server)"
            os.kill(run.pid, signal.SIGKILL)
            killed += 1
        run.wait()
        published_set_is_whole(out)  # right after the kill
        time.sleep(10)
        survivors = [pid for pid in family if _alive(pid)]
        assert not survivors, f"processes of the killed run still alive {delay} s in: {survivors}"
    assert refresh(tmp_path).wait(timeout=600) == 0
    published_set_is_whole(out)
    assert read_rows(tmp_path / "mulu.duckdb", "SELECT count(*) FROM runs WHERE status = 'running'") == [(0,)]
    [(abandoned,)] = read_rows(tmp_path / "mulu.duckdb", "SELECT count(*) FROM runs WHERE status = 'abandoned'")
    assert killed >= 2 and 1 <= abandoned <= killed  # a run killed after recording its end stays as it ended


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
