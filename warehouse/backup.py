"""Backups of a warehouse and what it published: `mulu backup` writes one folder, `mulu restore`
puts one back.

A backup folder (DIR/mulu-backup-20261207T231500/) holds independent copies, never links to the
originals: `warehouse.duckdb` (and `warehouse.duckdb.wal` when a killed process left one),
`warehouse.landing/` (the rows folder), `out/` and `reference/` when given, and `manifest.json`:
the sha256 and size of every file, every symbolic link and folder. A file linked twice inside a
copied folder (a version's site items, an unchanged report) stays one file linked twice in the
copy. The lock file and DuckDB's temporary folder (`<warehouse>.tmp`) are not copied.

The copy is taken under the run lock (warehouse/run_lock.py: no night starts, one running is
waited for) and under a shared lock on the warehouse file itself: the lock DuckDB takes, so no
other DuckDB process can open it to write (`mulu review import`, `mulu site`) while its bytes are
read. The file is read through the one descriptor holding that lock: POSIX drops every lock a
process holds on a file when it closes any descriptor of it, so this module never opens the
warehouse file a second time while it holds it.
"""

import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warehouse.landing_files import rows_dir
from warehouse.run_lock import run_lock

MANIFEST = "manifest.json"
NAME = re.compile(r"^mulu-backup-(\d{8}T\d{6})(?:-(\d+))?$")
DATABASE, WAL, ROWS = "warehouse.duckdb", "warehouse.duckdb.wal", "warehouse.landing"
CHUNK = 1 << 20
MAX_LISTED = 20  # problems listed one by one; the rest are counted


class BackupError(Exception):
    """A backup or restore that cannot be done as asked; every problem at once, in Chinese."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


class WarehouseInUse(Exception):
    """Another DuckDB process has the warehouse open to write."""


@dataclass(frozen=True)
class Backup:
    path: Path
    files: int
    size_bytes: int
    removed: list[Path]  # older backups removed to keep the newest N


def take_backup(warehouse: Path, to: Path, out: Path | None = None, reference: Path | None = None,
                keep: int | None = None, wait: float = 0) -> Backup:
    """Write one new backup folder under `to`, verified; then keep the newest `keep` backups there.
    wait: how long to wait for a running night (RefreshRunning after that) or another process
    writing the warehouse (WarehouseInUse)."""
    warehouse = Path(warehouse).absolute()
    to = Path(to).absolute()
    problems = _backup_problems(warehouse, to, out, reference, keep)
    if problems:
        raise BackupError(problems)
    deadline = time.monotonic() + max(wait, 0)
    to.mkdir(parents=True, exist_ok=True)
    with run_lock(warehouse, wait, command="mulu backup"):
        missing = [f"{what} 不存在：{folder}" for what, folder in _named_folders(out, reference)
                   if folder is not None and not Path(folder).is_dir()]
        if missing:  # looked at once the night has finished: a first night makes OUT
            raise BackupError(missing)
        with _held_against_writers(warehouse, deadline) as database:
            name = _free_name(to)
            partial = to / f".{name}.partial"
            try:
                written = _write_backup(partial, warehouse, database, out, reference)
                manifest, problems = read_manifest(partial)  # read back, as a restore will read it
                if manifest is not None:
                    problems = verify(partial, manifest) if manifest == written else [f"{MANIFEST}：读回的内容与写入的不同"]
                if problems:
                    raise BackupError(["备份写入后校验失败（磁盘有问题？）：", *problems])
                os.rename(partial, to / name)
            except BaseException:
                shutil.rmtree(partial, ignore_errors=True)
                raise
        removed = prune(to, keep) if keep else []  # still under the run lock: no other backup of it runs
    sizes = manifest["files"].values()
    return Backup(to / name, len(sizes), sum(entry["size"] for entry in sizes), removed)


def _named_folders(out, reference):
    return (("发布文件夹 --out", out), ("参考数据文件夹 --reference", reference))


def _backup_problems(warehouse: Path, to: Path, out: Path | None, reference: Path | None,
                     keep: int | None) -> list[str]:
    problems = []
    if not warehouse.is_file():
        problems.append(f"仓库文件不存在：{warehouse}")
    for what, folder in _named_folders(out, reference):
        if folder is not None and Path(folder).exists() and not Path(folder).is_dir():
            problems.append(f"{what} 不是文件夹：{folder}")
    if to.exists() and not to.is_dir():
        problems.append(f"备份位置不是文件夹：{to}")
    for folder in (rows_dir(warehouse), out, reference):
        if folder is not None and to.resolve().is_relative_to(Path(folder).resolve()):
            problems.append(f"备份位置 {to} 不能在被备份的文件夹 {folder} 之内")
    if keep is not None and keep < 1:
        problems.append("--keep 至少为 1")
    return problems


@contextmanager
def _held_against_writers(warehouse: Path, deadline: float):
    """The warehouse file open for reading under a shared lock (see the module's docstring)."""
    file = open(warehouse, "rb")
    try:
        while True:
            try:
                fcntl.lockf(file, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    raise WarehouseInUse(f"仓库正被另一个进程写入（例如 mulu review import 或 mulu site），"
                                         f"本次未备份，请稍后再试：{warehouse}") from None
                time.sleep(0.2)
        yield file
    finally:
        file.close()


def _free_name(to: Path) -> str:
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    name, n = f"mulu-backup-{stamp}", 1
    while (to / name).exists():
        n += 1
        name = f"mulu-backup-{stamp}-{n}"
    return name


def _write_backup(folder: Path, warehouse: Path, database, out: Path | None, reference: Path | None) -> dict:
    manifest = {"format": 1, "made_by": "mulu backup", "taken_at": datetime.now().isoformat(timespec="seconds"),
                "sources": {"warehouse": str(warehouse), "out": str(Path(out).absolute()) if out else None,
                            "reference": str(Path(reference).absolute()) if reference else None},
                "files": {}, "links": {}, "folders": []}
    folder.mkdir()
    manifest["files"][DATABASE] = copy_file(database, folder / DATABASE, os.fstat(database.fileno()))
    wal = Path(f"{warehouse}.wal")  # left by a killed process: DuckDB replays it when the file is opened
    if wal.is_file():
        with open(wal, "rb") as source:
            manifest["files"][WAL] = copy_file(source, folder / WAL, os.fstat(source.fileno()))
    rows = rows_dir(warehouse)
    if rows.is_dir():
        copy_tree(rows, folder / ROWS, ROWS, manifest)
    for name, source in (("out", out), ("reference", reference)):
        if source is not None:
            copy_tree(Path(source), folder / name, name, manifest)
    with open(folder / MANIFEST, "x", encoding="utf-8") as file:
        json.dump(manifest, file, ensure_ascii=False, indent=1)
        file.flush()
        os.fsync(file.fileno())
    return manifest


def copy_tree(source: Path, target: Path, name: str, manifest: dict, linked: dict | None = None) -> None:
    """Copy a folder into `target` (which must not exist), listing what it holds in the manifest
    under the relative name `name`. Symbolic links are copied as links; files linked more than
    once inside it are copied once and linked in the copy."""
    linked = {} if linked is None else linked  # (device, inode) of a source file → its copy, its entry
    target.mkdir()
    manifest["folders"].append(name)
    for entry in sorted(os.scandir(source), key=lambda e: e.name):
        relative, copy = f"{name}/{entry.name}", target / entry.name
        if entry.is_symlink():
            manifest["links"][relative] = os.readlink(entry.path)
            os.symlink(manifest["links"][relative], copy)
        elif entry.is_dir():
            copy_tree(Path(entry.path), copy, relative, manifest, linked)
        elif entry.is_file():
            stat = entry.stat()
            key = (stat.st_dev, stat.st_ino)
            if stat.st_nlink > 1 and key in linked:
                os.link(linked[key][0], copy)
                manifest["files"][relative] = linked[key][1]
                continue
            with open(entry.path, "rb") as file:
                manifest["files"][relative] = copy_file(file, copy, stat)
            linked[key] = (copy, manifest["files"][relative])


def copy_file(source, target: Path, stat: os.stat_result) -> dict:
    """Copy an open file's bytes to a new file (flushed to disk, mode and times kept); its size and sha256."""
    source.seek(0)
    digest, size = hashlib.sha256(), 0
    with open(target, "xb") as copy:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            copy.write(chunk)
            size += len(chunk)
        copy.flush()
        os.fsync(copy.fileno())
    os.chmod(target, stat.st_mode & 0o7777)
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return {"size": size, "sha256": digest.hexdigest()}


def read_manifest(folder: Path) -> tuple[dict | None, list[str]]:
    """A backup folder's manifest, or the problem that it has none that can be read."""
    path = Path(folder) / MANIFEST
    if not Path(folder).is_dir():
        return None, [f"备份文件夹不存在：{folder}"]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return None, [f"{folder} 不是可用的 mulu 备份（{MANIFEST} 缺失或无法读取：{error}）"]
    if not isinstance(manifest, dict) or manifest.get("format") != 1 or DATABASE not in manifest.get("files", {}):
        return None, [f"{folder} 不是可用的 mulu 备份（{MANIFEST} 格式不对）"]
    return manifest, []


def verify(folder: Path, manifest: dict) -> list[str]:
    """Every problem of a backup folder against its manifest: a file missing, changed in size or
    sha256, a link or folder missing or changed, anything the manifest does not list."""
    problems = []
    found = _listing(folder)
    expected = {**{p: "file" for p in manifest["files"]}, **{p: "link" for p in manifest["links"]},
                **{p: "folder" for p in manifest["folders"]}}
    words = {"file": "文件", "link": "链接", "folder": "文件夹"}
    for path, kind in expected.items():
        if found.get(path) != kind:
            problems.append(f"{path}：{words[kind]}缺失" if path not in found else f"{path}：应为{words[kind]}")
    problems += [f"{path}：清单中没有的{words[kind]}" for path, kind in found.items() if path not in expected]
    hashed: dict[tuple[int, int], tuple[int, str]] = {}  # a file linked twice is read once
    for path, entry in manifest["files"].items():
        if found.get(path) != "file":
            continue
        stat = (folder / path).stat()
        key = (stat.st_dev, stat.st_ino)
        if key not in hashed:
            hashed[key] = (stat.st_size, _sha256(folder / path))
        if hashed[key] != (entry["size"], entry["sha256"]):
            problems.append(f"{path}：校验和不符（文件已损坏或被改动）")
    for path, pointer in manifest["links"].items():
        if found.get(path) == "link" and os.readlink(folder / path) != pointer:
            problems.append(f"{path}：链接指向已被改动")
    if len(problems) > MAX_LISTED:
        problems = problems[:MAX_LISTED] + [f"……另有 {len(problems) - MAX_LISTED} 处问题"]
    return problems


def _listing(folder: Path) -> dict[str, str]:
    """Everything under a backup folder but its manifest: relative path → file, link or folder."""
    found = {}
    for root, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(root, name)
            relative = path.relative_to(folder).as_posix()
            found[relative] = "link" if path.is_symlink() else "folder" if path.is_dir() else "file"
    found.pop(MANIFEST, None)
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def backups(to: Path) -> list[Path]:
    """The backup folders `mulu backup` made under `to`, oldest first (other folders are not ours)."""
    if not Path(to).is_dir():
        return []
    made = [(NAME.match(p.name), p) for p in Path(to).iterdir() if p.is_dir() and not p.is_symlink()]
    made = [(m, p) for m, p in made if m and (p / MANIFEST).is_file()]
    return [p for m, p in sorted(made, key=lambda mp: (mp[0].group(1), int(mp[0].group(2) or 1)))]


def prune(to: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups, and folders a killed backup left half-written
    (called under the run lock: one folder `to` takes the backups of one warehouse)."""
    for partial in Path(to).glob(".mulu-backup-*.partial"):
        shutil.rmtree(partial, ignore_errors=True)
    old = backups(to)[:-keep]
    for path in old:
        shutil.rmtree(path)
    return old
