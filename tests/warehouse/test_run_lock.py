"""One refresh of a warehouse at a time: a file lock the OS lets go of when its process dies."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.cli import main
from warehouse.run_lock import RefreshRunning, run_lock

HOLD = """
import sys, time
from pathlib import Path
from warehouse.run_lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold(warehouse: Path, seconds: float) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(warehouse), str(seconds)], stdout=subprocess.PIPE,
                               text=True, cwd=Path(__file__).resolve().parents[2])
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_refresh_waits_then_is_told_who_runs(tmp_path):
    warehouse = tmp_path / "mulu.duckdb"
    holder = hold(warehouse, 60)
    try:
        started = time.monotonic()
        with pytest.raises(RefreshRunning) as refused:
            with run_lock(warehouse, wait=0.5):
                pass
        assert time.monotonic() - started >= 0.5
        assert refused.value.holder["pid"] == holder.pid
        assert "正在运行" in str(refused.value) and str(holder.pid) in str(refused.value)
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_goes_with_a_killed_process_and_a_waiting_run_gets_it(tmp_path):
    warehouse = tmp_path / "mulu.duckdb"
    holder = hold(warehouse, 60)
    os.kill(holder.pid, signal.SIGKILL)  # as the OOM killer does
    holder.wait()
    with run_lock(warehouse):
        with run_lock(warehouse):  # the same process may take it again (the flow inside `mulu refresh`)
            pass
    short = hold(warehouse, 1)
    started = time.monotonic()
    with run_lock(warehouse, wait=30):
        assert time.monotonic() - started >= 0.8, "got the lock only once the holder let it go"
    short.wait()


def test_mulu_refresh_exits_4_with_a_message_and_no_traceback(tmp_path, capsys):
    warehouse = tmp_path / "mulu.duckdb"
    holder = hold(warehouse, 60)
    try:
        code = main(["refresh", "--inbox", str(tmp_path), "--warehouse", str(warehouse), "--out", str(tmp_path / "out"),
                     "--wait", "0.3"])
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err
    assert code == 4
    assert "正在运行" in err and f"进程 {holder.pid}" in err and "Traceback" not in err
    assert not warehouse.exists(), "nothing was touched"


def test_an_unexpected_failure_is_a_message_with_the_details_in_a_file(tmp_path, capsys, monkeypatch):
    import flows.cli as cli

    def broken(args):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(cli.COMMAND_FUNCTIONS, "init", broken)
    assert main(["init", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "运行失败" in err and "disk on fire" in err and "Traceback" not in err
    details = Path(err.split("详细信息已写入 ")[1].strip())
    assert "Traceback" in details.read_text(encoding="utf-8")
    details.unlink()
