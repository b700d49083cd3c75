"""Alerts: OUT/ALERT.txt in Chinese, and the same facts posted as JSON to a webhook (a local server here)."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from flows.alerts import ALERT_FILE, WEBHOOK_ENV, clear_alert, raise_alert


def test_an_alert_is_a_file_and_a_webhook_post(tmp_path, monkeypatch):
    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append((self.headers["Content-Type"], self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv(WEBHOOK_ENV, f"http://127.0.0.1:{server.server_address[1]}/hook")
    try:
        path = raise_alert(tmp_path / "out", "blocked", ["目录事项数减少超过10%"], "20261129T020000", "w.duckdb")
    finally:
        server.shutdown()
    [(content_type, body)] = received
    message = json.loads(body.decode("utf-8"))
    assert content_type.startswith("application/json")
    assert message["status"] == "blocked" and message["run_id"] == "20261129T020000"
    assert message["reasons"] == ["目录事项数减少超过10%"] and "未通过发布审核" in message["text"]
    text = path.read_text(encoding="utf-8")
    assert path.name == ALERT_FILE and "未通过发布审核" in text and "目录事项数减少超过10%" in text
    assert "已发送到 webhook（HTTP 204）" in text
    assert clear_alert(tmp_path / "out") and not path.exists()


def test_a_webhook_that_cannot_be_reached_is_noted_never_raised(tmp_path, monkeypatch):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(WEBHOOK_ENV, f"http://127.0.0.1:{port}/hook")
    text = raise_alert(tmp_path, "failed", ["OSError: 磁盘已满"]).read_text(encoding="utf-8")
    assert "运行失败" in text and "发送到 webhook 失败" in text
