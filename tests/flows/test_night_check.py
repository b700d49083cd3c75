"""The morning check: a night that has not finished by 06:00, or never ran, reaches someone."""

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from flows.cli import main
from flows.night_check import check_night
from warehouse import db

HOLD = "import sys, time\nfrom pathlib import Path\nfrom warehouse.run_lock import run_lock\n" \
       "with run_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)\n"


def warehouse_with_run(path: Path, status: str, started: datetime) -> Path:
    con = db.connect(path)
    con.execute("INSERT INTO audit.runs (run_id, started_at, status) VALUES ('r1', ?, ?)", [started, status])
    con.close()
    return path


def test_a_finished_night_is_ok_and_says_nothing(tmp_path):
    warehouse = warehouse_with_run(tmp_path / "w.duckdb", "published", datetime.now().replace(hour=2))
    assert check_night(warehouse, tmp_path / "out", datetime.now().replace(hour=6))[0] == "ok"
    assert not (tmp_path / "out" / "ALERT.txt").exists()


def test_a_night_that_never_ran_is_missed(tmp_path, capsys):
    warehouse = warehouse_with_run(tmp_path / "w.duckdb", "published", datetime.now() - timedelta(days=1, hours=1))
    assert main(["check", "--warehouse", str(warehouse), "--out", str(tmp_path / "out")]) == 3
    assert "没有运行" in capsys.readouterr().err
    assert "没有运行" in (tmp_path / "out" / "ALERT.txt").read_text(encoding="utf-8")


def test_a_night_still_running_at_six_is_late(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(warehouse)], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[2])
    try:
        assert holder.stdout.readline().strip() == "held"
        outcome, message = check_night(warehouse, tmp_path / "out", datetime.now().replace(hour=6, minute=0))
    finally:
        holder.kill()
        holder.wait()
    assert outcome == "late" and "06:00" in message and str(holder.pid) in message
    assert "到早上仍未结束" in (tmp_path / "out" / "ALERT.txt").read_text(encoding="utf-8")


def test_a_failed_night_keeps_its_own_alert(tmp_path):
    warehouse = warehouse_with_run(tmp_path / "w.duckdb", "failed", datetime.now().replace(hour=2))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "ALERT.txt").write_text("运行失败：磁盘已满\n", encoding="utf-8")
    assert check_night(warehouse, tmp_path / "out", datetime.now().replace(hour=6))[0] == "failed"
    assert (tmp_path / "out" / "ALERT.txt").read_text(encoding="utf-8") == "运行失败：磁盘已满\n"
