"""`mulu restore`: put a backup (warehouse/backup.py) back into an empty place, whole or not at all.

Every checksum of the backup is checked and every target looked at before anything is written; a
problem refuses the restore (BackupError, every problem at once). The parts are then copied under
temporary names beside their targets and renamed into place at the end, the warehouse file last,
so a failure on the way leaves no half-restored warehouse behind.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from warehouse.backup import DATABASE, ROWS, WAL, BackupError, copy_file, copy_tree, read_manifest, verify
from warehouse.landing_files import rows_dir
from warehouse.run_lock import run_lock


@dataclass(frozen=True)
class Restored:
    places: list[Path]  # what was written, the warehouse file first
    not_restored: list[str]  # parts of the backup not asked for: "out", "reference"


def restore_backup(backup: Path, warehouse: Path, out: Path | None = None,
                   reference: Path | None = None) -> Restored:
    backup, warehouse = Path(backup), Path(warehouse).absolute()
    manifest, problems = read_manifest(backup)
    if manifest is not None:
        problems += verify(backup, manifest)
        for part, target, option in (("out", out, "--out"), ("reference", reference, "--reference")):
            if target is not None and part not in manifest["folders"]:
                problems.append(f"备份中没有{_WORDS[part]}（备份时未给 {option}），不能恢复到 {target}")
    places = _places(warehouse, out, reference)
    problems += _occupied(places)
    if problems:
        raise BackupError(problems)
    present = set(manifest["files"]) | set(manifest["folders"])
    targets = [(part, target) for part, target in places if part in present]
    with run_lock(warehouse, command="mulu restore"):  # no night starts into the place meanwhile
        problems = _occupied(places)
        if problems:
            raise BackupError(problems)
        _restore(backup, manifest, targets)
    not_restored = [part for part, target in (("out", out), ("reference", reference))
                    if target is None and part in manifest["folders"]]
    return Restored([target for _, target in reversed(targets)], not_restored)


_WORDS = {"out": "发布文件夹", "reference": "参考数据文件夹", ROWS: "行数据文件夹", WAL: "仓库的 WAL 日志文件",
          DATABASE: "仓库文件"}


def _places(warehouse: Path, out: Path | None, reference: Path | None) -> list[tuple[str, Path]]:
    """(part of a backup, where it goes), in the order they are renamed into place: the warehouse
    file last. A WAL file beside the warehouse would be replayed into it: its place must be empty too."""
    places = [(ROWS, rows_dir(warehouse)), (WAL, Path(f"{warehouse}.wal")), ("out", out), ("reference", reference),
              (DATABASE, warehouse)]
    return [(part, Path(place).absolute()) for part, place in places if place is not None]


def _occupied(places: list[tuple[str, Path]]) -> list[str]:
    """A warehouse and its side parts must not exist; the out and reference folders may be empty folders."""
    problems = []
    for part, target in sorted(places, key=lambda place: place[0] != DATABASE):  # the warehouse file first
        if part in ("out", "reference") and target.is_dir() and not target.is_symlink():
            if any(target.iterdir()):
                problems.append(f"{_WORDS[part]}不是空的：{target}（恢复只写入空的位置）")
        elif os.path.lexists(target):
            problems.append(f"{_WORDS[part]}已存在：{target}（恢复只写入空的位置）")
    return problems


def _restore(backup: Path, manifest: dict, targets: list[tuple[str, Path]]) -> None:
    """Copy each part beside its target, check the copies against the manifest, rename them into place."""
    temporaries = [(target.parent / f".{target.name}.restoring", target) for _, target in targets]
    written = {"files": {}, "links": {}, "folders": []}
    placed = []
    try:
        for (part, _), (temporary, target) in zip(targets, temporaries):
            target.parent.mkdir(parents=True, exist_ok=True)
            _remove(temporary)  # a killed restore's
            if part in (DATABASE, WAL):
                with open(backup / part, "rb") as source:
                    written["files"][part] = copy_file(source, temporary, os.fstat(source.fileno()))
            else:
                copy_tree(backup / part, temporary, part, written)
        expected = {path: entry for path, entry in manifest["files"].items()
                    if path.split("/")[0] in {part for part, _ in targets}}
        if written["files"] != expected:
            raise BackupError(["备份在恢复过程中被改动，未恢复任何内容；请重新运行 mulu restore"])
        for temporary, target in temporaries:
            if temporary.is_dir():
                os.rename(temporary, target)  # onto nothing or an empty folder: fails over anything else
            else:
                os.link(temporary, target)  # never over an existing file
                os.unlink(temporary)
            placed.append(target)
    except BaseException:
        for target in placed:
            _remove(target)
        for temporary, _ in temporaries:
            _remove(temporary)
        raise


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()
