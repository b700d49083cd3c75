"""Ends what a killed run leaves behind: `python -m flows.watchdog PID`, started by `mulu refresh`.

kill -9 (or the OOM killer) ends the main process at once; its reader processes and the temporary
Prefect server it started would live on, orphaned. The watchdog, in a session of its own, notes the
main process's descendants twice a second; when the main process is gone it ends those still alive
(SIGTERM, then SIGKILL). Linux only (it reads /proc); elsewhere it does nothing.
"""

import os
import signal
import sys
import time
from pathlib import Path

PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, start time) of a process, or None when it is gone."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), fields[19]


def descendants(root: int) -> dict[int, str]:
    """Every process below root: pid -> start time (so a reused pid is never taken for it)."""
    children: dict[int, list[int]] = {}
    starts = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (found := _stat(int(entry.name))):
            children.setdefault(found[0], []).append(int(entry.name))
            starts[int(entry.name)] = found[1]
    out, todo = {}, [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            out[child] = starts[child]
            todo.append(child)
    return out


def _end(processes: dict[int, str]) -> None:
    alive = lambda: {p for p, start in processes.items() if (s := _stat(p)) and s[1] == start}  # noqa: E731
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 0)):
        for pid in alive():
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + grace
        while grace and alive() and time.monotonic() < deadline:
            time.sleep(0.1)


def watch(main_pid: int, interval: float = 0.5) -> None:
    seen: dict[int, str] = {}
    while os.getppid() == main_pid:
        seen.update(descendants(main_pid))
        seen.pop(os.getpid(), None)
        time.sleep(interval)
    _end(seen)


def start() -> None:
    """Start the watchdog of this process (no-op where there is no /proc)."""
    import subprocess

    if PROC.is_dir():
        subprocess.Popen([sys.executable, "-m", "flows.watchdog", str(os.getpid())], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         cwd=Path(__file__).resolve().parents[1])


if __name__ == "__main__":
    watch(int(sys.argv[1]))
