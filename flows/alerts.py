"""Tell someone when a night goes wrong: OUT/ALERT.txt in Chinese, and a JSON POST to a webhook.

A refresh that fails or is blocked by the publish audit writes ALERT.txt (replacing it whole) and,
when MULU_ALERT_WEBHOOK names a URL, posts the same facts there as JSON. The next run that
publishes or finds nothing new removes ALERT.txt, so its presence means "the last night needs a
person". Sending never raises: a webhook that cannot be reached is written into ALERT.txt.
"""

import json
import os
import socket
import urllib.request
from datetime import datetime
from pathlib import Path

ALERT_FILE = "ALERT.txt"
WEBHOOK_ENV = "MULU_ALERT_WEBHOOK"
WORDS = {"failed": "运行失败", "blocked": "未通过发布审核（已保留上一版本）", "not_started": "未能开始运行",
         "late": "到早上仍未结束", "missed": "没有运行"}


def raise_alert(out_dir: Path, status: str, reasons: list[str], run_id: str | None = None,
                warehouse: str | None = None) -> Path:
    """Write OUT/ALERT.txt and post to the webhook, if one is configured."""
    message = {
        "source": "mulu", "status": status, "title": f"mulu 夜间运行{WORDS.get(status, status)}",
        "run_id": run_id, "reasons": reasons, "host": socket.gethostname(),
        "time": datetime.now().strftime("%Y-%m-%d %H:%M:%S"), "warehouse": warehouse, "out": str(out_dir),
    }
    sent = _post(message)
    lines = [message["title"], "", f"时间：{message['time']}（主机 {message['host']}）", f"运行编号：{run_id or '无'}",
             f"仓库：{warehouse or '未知'}", "原因："] + [f"  - {r}" for r in reasons or ["未知"]]
    lines += ["", "处理：查看 runs 视图和运行日志，修复后重新运行 mulu refresh；成功后本文件会自动删除。"]
    if sent:
        lines.append(f"通知：{sent}")
    path = Path(out_dir) / ALERT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{ALERT_FILE}.tmp")
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return path


def clear_alert(out_dir: Path) -> bool:
    """A good night: the alert of an earlier one is answered."""
    path = Path(out_dir) / ALERT_FILE
    if path.exists():
        path.unlink()
        return True
    return False


def _post(message: dict) -> str:
    """POST the message to the configured webhook; what happened, in words ('' when none is set)."""
    url = os.environ.get(WEBHOOK_ENV, "").strip()
    if not url:
        return ""
    body = json.dumps({**message, "text": f"{message['title']}：{'；'.join(message['reasons'])}"},
                      ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return f"已发送到 webhook（HTTP {response.status}）"
    except Exception as error:  # an alert must never fail the run that raises it
        return f"发送到 webhook 失败：{error}"
