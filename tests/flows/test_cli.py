"""The CLI's edge: configuration problems become one message listing everything, and exit code 2."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli import main


def test_missing_inbox_and_catalog_are_reported_together(tmp_path, capsys):
    code = main(["refresh", "--inbox", str(tmp_path / "无此目录"), "--catalog", str(tmp_path / "无.csv"),
                 "--warehouse", str(tmp_path / "mulu.duckdb"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "收件箱文件夹不存在" in err and "目录文件不存在" in err
    assert "Traceback" not in err
    alert = (tmp_path / "out" / "ALERT.txt").read_text(encoding="utf-8")
    assert "未能开始运行" in alert and "收件箱文件夹不存在" in alert, "a night that cannot start is told too"


def test_a_catalog_in_which_no_item_can_be_identified_is_refused_before_anything_runs(tmp_path, capsys):
    catalog = tmp_path / "目录.csv"
    catalog.write_text("序号,备注\n1,无\n", encoding="gbk")
    code = main(["refresh", "--inbox", str(tmp_path), "--catalog", str(catalog),
                 "--warehouse", str(tmp_path / "mulu.duckdb"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "未找到目录表头" in err and "Traceback" not in err


def test_init_writes_editable_reference_files_and_keeps_existing_ones(tmp_path, capsys):
    folder = tmp_path / "参考数据"
    folder.mkdir()
    (folder / "towns.csv").write_text("区市名称,镇街名称,类型\n市南区,八大峡街道,街道\n", encoding="utf-8-sig")
    assert main(["init", str(folder)]) == 0
    names = {p.name for p in folder.iterdir()}
    assert {"districts.csv", "towns.csv", "aliases.csv", "header_synonyms.csv", "vocabularies.csv",
            "code_patterns.csv"} <= names
    assert "八大峡街道" in (folder / "towns.csv").read_text(encoding="utf-8-sig"), "an edited file is never overwritten"
    assert "已存在" in capsys.readouterr().out


def test_sample_writes_inbox_and_truth(tmp_path, capsys):
    assert main(["sample", "--scale", "small", "--out", str(tmp_path / "s")]) == 0
    assert (tmp_path / "s" / "truth.csv").exists()
    assert len(list((tmp_path / "s" / "inbox").iterdir())) == 10


@pytest.mark.slow
def test_a_night_that_fails_inside_the_flow_shows_no_traceback(tmp_path):
    """As cron runs it: its own process, a temporary Prefect server, a fault inside the flow."""
    script = tmp_path / "night.py"
    script.write_text(
        "import sys\nimport flows.refresh\n"
        "def broken(options, logger):\n    raise OSError('磁盘已满')\n"
        "flows.refresh.run_refresh = broken\n"
        "from flows.cli import main\nsys.exit(main(sys.argv[1:]))\n", encoding="utf-8")
    (tmp_path / "inbox").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    done = subprocess.run([sys.executable, str(script), "refresh", "--inbox", str(tmp_path / "inbox"),
                           "--warehouse", str(tmp_path / "mulu.duckdb"), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300, cwd=Path(__file__).resolve().parents[2],
                          env={**env, "PREFECT_HOME": str(tmp_path / "prefect-home")})
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout
    assert "运行失败" in done.stderr and "磁盘已满" in done.stderr
    assert "运行失败" in (tmp_path / "out" / "ALERT.txt").read_text(encoding="utf-8")


def test_the_program_leaves_with_mains_code_once_its_exit_handlers_have_run(tmp_path):
    """`mulu` skips the interpreter's teardown (flows.cli.run), never what exit handlers still do:
    Prefect sends its logs there, and child processes are ended there."""
    marker = tmp_path / "handler-ran.txt"
    script = tmp_path / "program.py"
    script.write_text(
        "import atexit, sys\nfrom flows import cli\n"
        "def command(args):\n"
        f"    atexit.register(lambda: open({str(marker)!r}, 'w').write('ran'))\n"
        "    print('输出未换行', end='')\n"
        "    return 3\n"
        "cli.COMMAND_FUNCTIONS['check'] = command\n"
        "sys.argv = ['mulu', 'check']\ncli.run()\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 3, done.stderr
    assert done.stdout == "输出未换行", "buffered output is flushed before the process leaves"
    assert marker.read_text() == "ran"
