"""`mulu backup` and `mulu restore`: a verified, independent copy taken while no night writes, put
back whole into an empty place or not at all."""

import json
import os
import subprocess
import sys
import threading
import time
from argparse import Namespace
from pathlib import Path

import duckdb
import pytest

import warehouse.backup as backup_module
from flows.cli import main
from flows.refresh import nightly_refresh
from flows.schedule import deployment_parameters
from warehouse import db
from warehouse.backup import MANIFEST, backups, read_manifest, take_backup, verify
from warehouse.restore import restore_backup
from warehouse.run_lock import holder

ROOT = Path(__file__).resolve().parents[2]
LIST = "便民服务事项指导目录清单"
OPEN_TO_WRITE = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("open", flush=True)
time.sleep(float(sys.argv[2]))
"""
TRY_TO_WRITE = """
import sys, duckdb
try:
    duckdb.connect(sys.argv[1]).close()
    print("opened")
except duckdb.IOException as error:
    print("locked" if "Could not set lock" in str(error) else error)
"""
KILLED_AFTER_A_WRITE = """
import os, sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("SET checkpoint_threshold = '1GB'")  # as a night does: the write stays in the WAL
con.execute("INSERT INTO audit.runs (run_id, started_at, status) VALUES ('r1', now(), 'running')")
os._exit(9)
"""
HOLD_RUN_LOCK = """
import sys, time
from pathlib import Path
from warehouse.run_lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def python(script: str, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)


def tree(folder: Path) -> dict[str, object]:
    """Everything under a folder: a file's bytes, a link's pointer, a folder's mark."""
    found = {}
    for path in sorted(Path(folder).rglob("*")):
        name = path.relative_to(folder).as_posix()
        found[name] = ("link", os.readlink(path)) if path.is_symlink() else "folder" if path.is_dir() \
            else path.read_bytes()
    return found


@pytest.fixture
def place(tmp_path) -> dict[str, Path]:
    """A small warehouse as a night leaves it: its rows folder and lock file, and an out folder with
    a link to a build, a file linked twice and an empty folder; a reference folder."""
    warehouse = tmp_path / "srv" / "mulu.duckdb"
    db.connect(warehouse).close()
    (tmp_path / "srv" / "mulu.duckdb.lock").write_text('{"pid": 1}')
    (tmp_path / "srv" / "mulu.landing").mkdir()
    (tmp_path / "srv" / "mulu.landing" / "市南区-1a2b.parquet").write_bytes(b"PAR1 rows PAR1")
    out = tmp_path / "srv" / "out"
    build = out / ".site-builds" / "v0001-20261207T020000"
    build.mkdir(parents=True)
    (build / "index.html").write_text("<h1>便民服务事项</h1>", encoding="utf-8")
    (out / "site").symlink_to(".site-builds/v0001-20261207T020000")
    (out / "versions" / "v0001").mkdir(parents=True)
    (out / "versions" / "v0001" / f"{LIST}_v1.csv").write_text("事项名称\n出生登记\n", encoding="utf-8-sig")
    os.link(out / "versions" / "v0001" / f"{LIST}_v1.csv", out / f"{LIST}.csv")
    (out / "monthly").mkdir()
    reference = tmp_path / "srv" / "reference"
    reference.mkdir()
    (reference / "districts.csv").write_text("区划代码,区(市)\n370202,市南区\n", encoding="utf-8")
    return {"warehouse": warehouse, "out": out, "reference": reference, "to": tmp_path / "backups",
            "new": tmp_path / "new"}


def back_up(place, **options) -> Path:
    return take_backup(place["warehouse"], place["to"], place["out"], place["reference"], **options).path


def test_a_backup_is_an_independent_copy_of_every_part_with_every_checksum(place):
    made = back_up(place)
    assert backup_module.NAME.match(made.name) and backups(place["to"]) == [made]
    manifest, problems = read_manifest(made)
    assert problems == [] and verify(made, manifest) == []
    assert set(manifest["files"]) == {"warehouse.duckdb", "warehouse.landing/市南区-1a2b.parquet",
                                      "out/.site-builds/v0001-20261207T020000/index.html",
                                      f"out/versions/v0001/{LIST}_v1.csv", f"out/{LIST}.csv",
                                      "reference/districts.csv"}, "no lock file, nothing else"
    assert manifest["links"] == {"out/site": ".site-builds/v0001-20261207T020000"}
    assert "out/monthly" in manifest["folders"]
    assert (made / "warehouse.duckdb").read_bytes() == place["warehouse"].read_bytes()
    assert tree(made / "out") == tree(place["out"]) and tree(made / "reference") == tree(place["reference"])
    copy, original = (made / "out" / f"{LIST}.csv").stat(), (place["out"] / f"{LIST}.csv").stat()
    assert copy.st_ino != original.st_ino, "a copy, never a link to the original"
    assert copy.st_ino == (made / "out" / "versions" / "v0001" / f"{LIST}_v1.csv").stat().st_ino, \
        "a file linked twice in out is one file linked twice in the backup"


def test_a_restore_puts_every_part_back_into_an_empty_place(place, capsys):
    made = back_up(place)
    new = place["new"]
    (new / "out").mkdir(parents=True)  # an empty folder is an empty place
    code = main(["restore", str(made), "--warehouse", str(new / "w.duckdb"), "--out", str(new / "out"),
                 "--reference", str(new / "reference")])
    assert code == 0, capsys.readouterr().err
    assert (new / "w.duckdb").read_bytes() == place["warehouse"].read_bytes()
    assert tree(new / "w.landing") == tree(place["warehouse"].with_suffix(".landing")), \
        "the rows folder, named after the new warehouse file"
    assert tree(new / "out") == tree(place["out"]) and tree(new / "reference") == tree(place["reference"])
    assert (new / "out" / f"{LIST}.csv").stat().st_ino == \
        (new / "out" / "versions" / "v0001" / f"{LIST}_v1.csv").stat().st_ino, "still one file linked twice"
    assert sorted(p.name for p in new.iterdir()) == ["out", "reference", "w.duckdb", "w.duckdb.lock", "w.landing"]
    assert "已从备份" in capsys.readouterr().out


def test_a_restore_that_fails_at_its_last_step_leaves_nothing_half_done(place, monkeypatch):
    made = back_up(place)
    new = place["new"]
    link = os.link

    def disk_full_at_the_warehouse_file(source, target):
        if Path(target).name == "mulu.duckdb":  # renamed into place last, after every folder
            raise OSError(28, "No space left on device")
        link(source, target)

    monkeypatch.setattr(os, "link", disk_full_at_the_warehouse_file)
    with pytest.raises(OSError):
        restore_backup(made, new / "mulu.duckdb", new / "out", new / "reference")
    assert sorted(p.name for p in new.iterdir()) == ["mulu.duckdb.lock"], "no part, no temporary left"


def test_a_corrupted_backup_is_refused_and_nothing_is_written(place, capsys):
    made = back_up(place)
    damaged = made / "warehouse.landing" / "市南区-1a2b.parquet"
    data = bytearray(damaged.read_bytes())
    data[5] ^= 0x01  # one bit of one byte: the size stays, only the checksum can tell
    damaged.write_bytes(bytes(data))
    new = place["new"]
    new.mkdir()
    code = main(["restore", str(made), "--warehouse", str(new / "mulu.duckdb"), "--out", str(new / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "未恢复任何内容" in err and "warehouse.landing/市南区-1a2b.parquet：校验和不符" in err
    assert "Traceback" not in err and list(new.iterdir()) == [], "nothing written, not even a lock file"


@pytest.mark.parametrize("description, occupy, expected", [
    ("the warehouse file exists", lambda new: (new / "mulu.duckdb").write_bytes(b"x"), "仓库文件已存在"),
    ("its rows folder exists", lambda new: (new / "mulu.landing").mkdir(), "行数据文件夹已存在"),
    ("a WAL would be replayed into it", lambda new: (new / "mulu.duckdb.wal").write_bytes(b"x"), "WAL 日志文件已存在"),
    ("the out folder holds a file", lambda new: (new / "out").mkdir() or (new / "out" / "a.txt").write_text("a"),
     "发布文件夹不是空的"),
])
def test_a_place_that_is_not_empty_is_refused_and_nothing_is_written(place, capsys, description, occupy, expected):
    made = back_up(place)
    new = place["new"]
    new.mkdir()
    occupy(new)
    before = tree(new)
    code = main(["restore", str(made), "--warehouse", str(new / "mulu.duckdb"), "--out", str(new / "out")])
    err = capsys.readouterr().err
    assert code == 2 and expected in err, description
    assert tree(new) == before, description


def test_every_problem_of_a_restore_is_told_at_once(place, capsys):
    made = take_backup(place["warehouse"], place["to"]).path  # without out
    (made / "extra.txt").write_text("不属于备份")
    new = place["new"]
    (new / "mulu.landing").mkdir(parents=True)
    code = main(["restore", str(made), "--warehouse", str(new / "mulu.duckdb"), "--out", str(new / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "extra.txt：清单中没有的文件" in err and "备份中没有发布文件夹" in err and "行数据文件夹已存在" in err


def test_keep_keeps_the_newest_n_of_its_own_backups_only_once_the_new_one_is_verified(place, capsys,
                                                                                     monkeypatch):
    to = place["to"]
    (to / "mulu-backup-20200101T000000").mkdir(parents=True)  # no manifest: not a backup this command made
    (to / "照片").mkdir()
    (to / ".mulu-backup-20200102T000000.partial").mkdir()  # left by a killed backup
    made = [back_up(place, keep=2) for _ in range(3)]
    assert len({p.name for p in made}) == 3, "three backups in one second get three names"
    assert backups(to) == made[1:]
    assert sorted(p.name for p in to.iterdir()) == sorted(["mulu-backup-20200101T000000", "照片",
                                                           *[p.name for p in made[1:]]])

    monkeypatch.setattr(backup_module, "verify", lambda folder, manifest: ["warehouse.duckdb：校验和不符"])
    code = main(["backup", "--warehouse", str(place["warehouse"]), "--to", str(to), "--keep", "1"])
    assert code == 2 and "校验失败" in capsys.readouterr().err
    assert backups(to) == made[1:], "a backup that failed its check removes no older one"
    assert not list(to.glob(".*.partial")), "and leaves no half-written folder"


def test_no_duckdb_writer_can_open_the_warehouse_while_it_is_copied(place, monkeypatch):
    seen = []
    copy_tree = backup_module.copy_tree

    def copy_tree_and_probe(source, *args, **kwargs):
        if not seen:  # the warehouse file is copied by now; its rows folder is next
            seen.append(subprocess.run([sys.executable, "-c", TRY_TO_WRITE, str(place["warehouse"])],
                                       capture_output=True, text=True, cwd=ROOT).stdout.strip())
        return copy_tree(source, *args, **kwargs)

    monkeypatch.setattr(backup_module, "copy_tree", copy_tree_and_probe)
    back_up(place)
    assert seen == ["locked"], "the lock DuckDB takes is held through the copy (see warehouse/backup.py)"
    assert subprocess.run([sys.executable, "-c", TRY_TO_WRITE, str(place["warehouse"])], capture_output=True,
                          text=True, cwd=ROOT).stdout.strip() == "opened", "and let go of afterwards"


def test_a_warehouse_held_by_a_night_or_a_writer_is_exit_4_after_the_wait(place, capsys):
    arguments = ["backup", "--warehouse", str(place["warehouse"]), "--to", str(place["to"]), "--wait", "0.5"]
    for script, ready, expected in ((HOLD_RUN_LOCK, "held", "正在运行"), (OPEN_TO_WRITE, "open", "正被另一个进程写入")):
        holding = python(script, place["warehouse"], 60)
        try:
            assert holding.stdout.readline().strip() == ready
            started = time.monotonic()
            code = main(arguments)
            assert time.monotonic() - started >= 0.5
        finally:
            holding.kill()
            holding.wait()
        err = capsys.readouterr().err
        assert code == 4 and expected in err and "Traceback" not in err
        assert backups(place["to"]) == [] and not list(place["to"].iterdir())


def test_a_wal_left_by_a_killed_process_is_backed_up_and_replayed_after_the_restore(place):
    killed = python(KILLED_AFTER_A_WRITE, place["warehouse"])
    killed.wait()
    assert Path(f"{place['warehouse']}.wal").exists()
    made = back_up(place)
    assert "warehouse.duckdb.wal" in read_manifest(made)[0]["files"]
    new = place["new"] / "mulu.duckdb"
    assert main(["restore", str(made), "--warehouse", str(new)]) == 0
    assert db.read_rows(new, "SELECT run_id FROM audit.runs") == [("r1",)]


def test_bad_arguments_are_all_told_at_once(place, capsys):
    code = main(["backup", "--warehouse", str(place["new"] / "无.duckdb"), "--to", str(place["out"] / "backups"),
                 "--out", str(place["out"]), "--keep", "0"])
    err = capsys.readouterr().err
    assert code == 2
    assert "仓库文件不存在" in err and "不能在被备份的文件夹" in err and "--keep 至少为 1" in err
    assert not (place["out"] / "backups").exists()


def test_mulu_serve_passes_the_backup_folder_to_each_night(tmp_path):
    args = Namespace(inbox="inbox", catalog=None, warehouse="w.duckdb", out="out", allow_shrink=False,
                     reference=None, backup_to="backups", backup_keep=3)
    parameters = deployment_parameters(args)
    assert parameters["backup_to"] == str(Path("backups").resolve()) and parameters["backup_keep"] == 3
    assert set(parameters) <= set(nightly_refresh.parameters.properties), "every one is the flow's parameter"


# The "done when" of `mulu backup`: a backup taken while a refresh runs waits for it; restored into
# an empty place, the next night on the same inbox finds nothing new and the published files are
# byte for byte the originals.


@pytest.fixture(scope="module")
def backed_up_while_a_night_ran(small_city, tmp_path_factory, prefect_harness):
    base = tmp_path_factory.mktemp("backup-night")
    warehouse, out, to = base / "srv" / "mulu.duckdb", base / "srv" / "out", base / "backups"
    summary = {}
    night = threading.Thread(target=lambda: summary.update(
        nightly_refresh(inbox=str(small_city / "inbox"), warehouse=str(warehouse), out=str(out))))
    night.start()
    deadline = time.monotonic() + 300
    while not (holder(warehouse).get("pid") == os.getpid() and warehouse.exists()):
        assert night.is_alive() and time.monotonic() < deadline, "the night never took the run lock"
        time.sleep(0.05)
    backup = subprocess.Popen([str(Path(sys.executable).parent / "mulu"), "backup", "--warehouse", str(warehouse),
                               "--out", str(out), "--to", str(to), "--wait", "600"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    night.join()
    printed, err = backup.communicate(timeout=600)
    assert backup.returncode == 0, err
    [made] = backups(to)
    assert str(made) in printed
    restored = {"warehouse": base / "restored" / "mulu.duckdb", "out": base / "restored" / "out"}
    assert main(["restore", str(made), "--warehouse", str(restored["warehouse"]), "--out", str(restored["out"])]) == 0
    next_night = nightly_refresh(inbox=str(small_city / "inbox"), warehouse=str(restored["warehouse"]),
                                 out=str(restored["out"]), backup_to=str(base / "nightly"), backup_keep=1)
    return summary, made, warehouse, out, restored, next_night, base / "nightly"


def published(out: Path) -> dict[str, bytes]:
    """The list files (through their links) and the reports, by name."""
    files = {name: (out / name).read_bytes() for name in (f"{LIST}.csv", f"{LIST}.xlsx", f"{LIST}.parquet")}
    files.update({f"reports/{name}": found for name, found in tree(out / "reports").items()})
    return files


@pytest.mark.slow
def test_a_backup_taken_while_a_night_runs_waits_for_it(backed_up_while_a_night_ran):
    summary, made, *_ = backed_up_while_a_night_ran
    assert summary["status"] == "published"
    assert db.read_rows(made / "warehouse.duckdb", "SELECT run_id, status FROM audit.runs") == \
        [(summary["run_id"], "published")], "the copy is of the finished night, not of one half done"


@pytest.mark.slow
def test_the_next_night_on_the_restored_place_finds_nothing_new_and_publishes_the_same_bytes(
        backed_up_while_a_night_ran):
    summary, made, warehouse, out, restored, next_night, _ = backed_up_while_a_night_ran
    assert next_night["status"] == "unchanged"
    assert next_night["version"] == summary["version"]
    assert len(published(out)) > 20 and published(restored["out"]) == published(out)
    rows = "SELECT count(*) FROM landing.rows"
    original, again = db.connect(warehouse), db.connect(restored["warehouse"])
    try:
        assert again.sql(rows).fetchall() == original.sql(rows).fetchall() != [(0,)], "the rows folder came along"
    finally:
        original.close()
        again.close()


@pytest.mark.slow
def test_a_served_night_ends_with_a_verified_backup(backed_up_while_a_night_ran):
    *_, restored, next_night, nightly = backed_up_while_a_night_ran
    [made] = backups(nightly)
    manifest, problems = read_manifest(made)
    assert problems == [] and verify(made, manifest) == []
    assert manifest["sources"]["warehouse"] == str(restored["warehouse"])
    assert published(made / "out") == published(restored["out"])
    runs = db.read_rows(made / "warehouse.duckdb", "SELECT status FROM audit.runs ORDER BY started_at")
    assert runs == [("published",), ("unchanged",)], "taken once the night had finished"
    assert json.loads((made / MANIFEST).read_text(encoding="utf-8"))["made_by"] == "mulu backup"
