"""`mulu serve`: the production schedule, and a scheduled run that really fires on `prefect server start`."""

import os
import signal
import socket
import subprocess
import sys
import time
from argparse import Namespace
from pathlib import Path

import httpx
import pytest

import flows.schedule as schedule

ROOT = Path(__file__).resolve().parents[2]


def test_the_production_schedule_is_02_00_in_shanghai_one_run_at_a_time_and_stays_on(monkeypatch, tmp_path):
    served = {}
    monkeypatch.setattr(schedule, "prefect_serve", lambda *deployments, **kwargs: served.update(
        deployments=deployments, **kwargs))
    args = Namespace(inbox=str(tmp_path), catalog=None, warehouse="w.duckdb", out="out", allow_shrink=False,
                     reference=None, cron="0 2 * * *", every=None)
    schedule.serve_nightly(args)
    refresh, check, monthly = served["deployments"]
    assert served["pause_on_shutdown"] is False
    [nightly] = refresh.schedules
    assert (nightly.schedule.cron, nightly.schedule.timezone) == ("0 2 * * *", "Asia/Shanghai")
    assert refresh.concurrency_limit == 1 and refresh.parameters["warehouse"] == str(Path("w.duckdb").resolve())
    [morning] = check.schedules
    assert (morning.schedule.cron, morning.schedule.timezone) == ("0 6 * * *", "Asia/Shanghai")
    [on_the_25th] = monthly.schedules
    assert (on_the_25th.schedule.cron, on_the_25th.schedule.timezone) == ("0 9 25 * *", "Asia/Shanghai")
    assert monthly.parameters["out"] == str(Path("out").resolve() / "monthly")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_a_served_schedule_fires_on_a_real_server_and_the_run_publishes(small_city, tmp_path):
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               GX_ANALYTICS_ENABLED="false", PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="1",
               PREFECT_RUNNER_POLL_FREQUENCY="1", PREFECT_UI_ENABLED="false")
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen([str(bin_dir / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    serve = None
    try:
        _wait_for(lambda: _healthy(api), 150, "the Prefect server")
        out = tmp_path / "out"
        serve = subprocess.Popen(
            [str(bin_dir / "mulu"), "serve", "--inbox", str(small_city / "inbox"), "--warehouse",
             str(tmp_path / "mulu.duckdb"), "--out", str(out), "--every", "5"],
            env={**env, "PREFECT_API_URL": api}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        run = _wait_for(lambda: _finished_run(api), 170, "a scheduled run to finish")
        assert run["state_type"] == "COMPLETED", run
        assert run["auto_scheduled"] is True and run["name"].startswith("refresh-20")
        assert (out / "便民服务事项指导目录清单.xlsx").is_file() and (out / "site" / "index.html").is_file()
    finally:
        for process in (serve, server):
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _finished_run(api: str) -> dict | None:
    try:
        runs = httpx.post(f"{api}/flow_runs/filter", timeout=5, json={  # the scheduler books many runs ahead
            "limit": 5, "flow_runs": {"state": {"type": {"any_": ["COMPLETED", "FAILED", "CRASHED"]}}}}).json()
    except httpx.HTTPError:
        return None
    return runs[0] if runs else None
