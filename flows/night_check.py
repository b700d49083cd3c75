"""Was last night's refresh done by the morning? `mulu check` (cron at 06:00) and the served
deployment `night_check/morning` tell someone when it was not (flows/alerts.py).

- a refresh still holds the warehouse's lock: it has not finished (alert 'late');
- no refresh started since midnight: the night did not happen (alert 'missed');
- tonight's refresh failed or was blocked: it raised its own alert; kept, not repeated.
"""

from datetime import datetime
from pathlib import Path

import duckdb

from flows import alerts
from warehouse.run_lock import RefreshRunning, run_lock


def check_night(warehouse: Path, out: Path, now: datetime | None = None) -> tuple[str, str]:
    """(outcome, message in Chinese); outcome is ok, late, missed or failed."""
    now = now or datetime.now()
    since = now.replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        with run_lock(warehouse):  # taken: no refresh is running now
            last = _last_run(warehouse, since)
    except RefreshRunning as running:
        message = f"到 {now:%H:%M} 夜间运行仍未结束（{running.holder.get('pid', '?')} 号进程，开始于 " \
                  f"{running.holder.get('started_at', '?')}）"
        alerts.raise_alert(out, "late", [message], warehouse=str(warehouse))
        return "late", message
    if last is None:
        message = f"{since:%Y-%m-%d} 0 点以来没有运行过 mulu refresh（定时任务没有启动？）"
        alerts.raise_alert(out, "missed", [message], warehouse=str(warehouse))
        return "missed", message
    run_id, status = last
    if status in ("published", "unchanged"):
        return "ok", f"夜间运行 {run_id} 已完成（{status}）"
    message = f"夜间运行 {run_id} 的状态为 {status}"
    if not (Path(out) / alerts.ALERT_FILE).exists():  # its own alert is the one to keep
        alerts.raise_alert(out, "failed", [message], run_id, str(warehouse))
    return "failed", message


def _last_run(warehouse: Path, since: datetime) -> tuple[str, str] | None:
    if not Path(warehouse).is_file():
        return None
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        found = con.execute("SELECT run_id, status FROM audit.runs WHERE started_at >= ? "
                            "ORDER BY started_at DESC LIMIT 1", [since]).fetchall()
    finally:
        con.close()
    return found[0] if found else None
