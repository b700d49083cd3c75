"""`mulu site`: rebuild the public site from the current published version, and preview it locally."""

import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from warehouse import db
from warehouse.site.public_site import SITE_DIR, build_site
from warehouse.reference import load_reference


def build_public_site(warehouse: Path, out: Path, reference_dir: Path | None) -> int:
    if not warehouse.is_file():
        print(f"仓库文件不存在：{warehouse}", file=sys.stderr)
        return 2
    reference = load_reference(reference_dir)
    con = db.connect(warehouse)
    try:
        version = db.scalar(con, "SELECT max(version) FROM published.catalog_versions")
        if version is None:
            print("仓库中还没有已发布的目录版本：请先运行 mulu refresh。", file=sys.stderr)
            return 2
        result = build_site(con, version, out, reference.district_codes)
    finally:
        con.close()
    print(f"公开网站已按目录版本 v{result.version} 生成：{result.path}（{result.pages} 个页面）。"
          f"预览：mulu site serve --out {out}")
    return 0


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # one short line per request, no traceback noise
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def serve_public_site(out: Path, host: str, port: int) -> int:
    site = out / SITE_DIR
    if not (site / "index.html").is_file():
        print(f"{site} 中还没有网站：请先运行 mulu refresh 或 mulu site。", file=sys.stderr)
        return 2
    handler = functools.partial(_QuietHandler, directory=str(site))
    with ThreadingHTTPServer((host, port), handler) as server:
        print(f"预览公开网站：http://{host}:{server.server_address[1]}/ （Ctrl+C 停止）", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0
