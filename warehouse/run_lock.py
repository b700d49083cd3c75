"""One refresh of a warehouse at a time: an OS file lock beside the warehouse (`<warehouse>.lock`).

The lock is flock(2) on an open file, so the operating system lets it go when its process ends in
any way (kill -9 and the OOM killer included): a lock is never left behind. The file names the
holder (pid, start time) so that a refresh that finds it taken can say who has it.
"""

import fcntl
import json
import os
import socket
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

_HELD: set[Path] = set()  # locks this process holds (a flow inside `mulu refresh` takes it again)


class RefreshRunning(Exception):
    """Another process is refreshing this warehouse."""

    def __init__(self, warehouse: Path, holder: dict):
        self.warehouse, self.holder = warehouse, holder
        who = f"进程 {holder['pid']}，开始于 {holder['started_at']}" if holder.get("pid") else "持有者不明"
        command = holder.get("command", "mulu refresh")
        super().__init__(f"另一次 {command} 正在运行（{who}，仓库 {warehouse}），本次未运行。")


def lock_path(warehouse: Path) -> Path:
    return Path(f"{Path(warehouse).resolve()}.lock")


def holder(warehouse: Path) -> dict:
    """Who holds the lock, as the holder wrote it ({} when unknown)."""
    try:
        return json.loads(lock_path(warehouse).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


@contextmanager
def run_lock(warehouse: Path, wait: float = 0, command: str = "mulu refresh"):
    """Hold the warehouse's refresh lock; wait up to `wait` seconds for it, then RefreshRunning.
    command: what the holder runs, for the message another process gets."""
    path = lock_path(warehouse)
    if path in _HELD:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + max(wait, 0)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RefreshRunning(Path(warehouse), holder(warehouse)) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "command": command,
                                  "started_at": datetime.now().strftime("%Y-%m-%d %H:%M:%S")}).encode(), 0)
        _HELD.add(path)
        try:
            yield
        finally:
            _HELD.discard(path)
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing the file lets the lock go
