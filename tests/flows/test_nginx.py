"""The public site through nginx with the server block docs/public-site.md gives: every page and
download, Chinese paths percent-encoded as a browser sends them, with its type and charset; and a
swap of the site in the middle of the requests never answers 404 or a page of two versions."""

import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest

from flows.deploy import nginx_server_block
from tests.conftest import require_program
from warehouse import db, swap
from warehouse.publish import CATALOG_COLUMNS, publish
from warehouse.site.public_site import BUILDS_DIR, SITE_DIR, build_site

ROOT = Path(__file__).resolve().parents[2]
LOCATION = "/bianmin/"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _item(code: str, name: str, level: str = "镇(街道)", **elements) -> dict:
    row = {column: None for column in CATALOG_COLUMNS}
    row.update(site_level=level, catalog_code=code, item_name=name, item_type="行政给付", department="区民政局",
               materials="申请书；居民身份证", promised_limit="10个工作日", is_online=True, district_count=1, site_count=1)
    row.update(elements)
    return row


def _publish(con, rows: list[dict], run_id: str) -> None:
    con.execute("DELETE FROM core.site_items")
    for i, row in enumerate(rows):
        community = "团岛社区" if row["site_level"] == "村(社区)" else None
        con.execute("INSERT INTO core.site_items (item_id, district, town, community, site_level, catalog_code, "
                    "match_method) VALUES (?, '市南区', '八大峡街道', ?, ?, ?, 'code')",
                    [i, community, row["site_level"], row["catalog_code"]])
    publish(con, run_id, pd.DataFrame(rows)[CATALOG_COLUMNS])


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path, Path]:
    """OUT/site of two published versions: (OUT, the build of v1, the build of v2); the link on v2."""
    base = tmp_path_factory.mktemp("nginx-site")
    out = base / "out"
    con = db.connect(base / "mulu.duckdb")
    first = [_item("370700136000", "低保边缘家庭认定"), _item("370700136000", "低保边缘家庭认定", level="村(社区)"),
             _item("#12", "临时救助（急难型）")]
    _publish(con, first, "run-1")
    build_site(con, 1, out)
    _publish(con, [_item("370700136000", "低保边缘家庭认定", promised_limit="5个工作日"), *first[1:],
                   _item("000500301000", "重度残疾人护理补贴")], "run-2")
    build_site(con, 2, out)
    con.close()
    v1, v2 = (next((out / BUILDS_DIR).glob(f"v000{version}-*")) for version in (1, 2))
    assert (out / SITE_DIR).resolve() == v2
    return out, v1, v2


def _nginx_conf(folder: Path, port: int, site: Path) -> str:
    """nginx.conf around the docs' server block: its own pid, logs and temporary files in `folder`."""
    temp_paths = "".join(f"    {kind}_temp_path {folder / kind};\n"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return ("user root;\n" if os.geteuid() == 0 else "") + (  # workers as root read the test's private tmp
        f"worker_processes 2;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        "events { worker_connections 64; }\n"
        f"http {{\n    access_log off;\n{temp_paths}"
        + nginx_server_block(site, f"127.0.0.1:{port}", LOCATION) + "}\n")


@pytest.fixture(scope="module")
def nginx(builds, tmp_path_factory) -> str:
    program = require_program("nginx")
    out, _, _ = builds
    folder = tmp_path_factory.mktemp("nginx")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = folder / "nginx.conf"
    conf.write_text(_nginx_conf(folder, port, out / SITE_DIR), encoding="utf-8")
    process = subprocess.Popen([program, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log"),
                                "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"nginx did not start: {process.stderr.read().decode()}")
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}{LOCATION}"
    process.terminate()  # SIGTERM: nginx's fast shutdown
    process.wait(timeout=20)


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def _files(build: Path) -> dict[str, bytes]:
    return {path.relative_to(build).as_posix(): path.read_bytes() for path in sorted(build.rglob("*")) if path.is_file()}


def test_the_docs_give_the_block_the_tests_serve():
    docs = (ROOT / "docs" / "public-site.md").read_text(encoding="utf-8")
    assert f"```nginx\n{nginx_server_block(Path('/srv/mulu/out/site'))}```" in docs


def test_every_page_and_download_is_served_with_its_type_and_charset(builds, nginx):
    _, _, v2 = builds
    files = _files(v2)
    assert set(CONTENT_TYPES) == {Path(path).suffix for path in files}, "every kind of file the site holds"
    assert any(not path.isascii() for path in files), "Chinese folder and file names"
    for path, body in files.items():
        url = nginx + quote(path)  # as a browser sends it: UTF-8, percent-encoded
        assert _get(url) == (200, CONTENT_TYPES[Path(path).suffix], body), path
    for folder in ("", "sites/市南区/", "sites/市南区/八大峡街道/"):  # a folder's address serves its index.html
        assert _get(nginx + quote(folder)) == (200, CONTENT_TYPES[".html"], files[folder + "index.html"]), folder
    assert _get(nginx + "search.html?q=" + quote("低保 残疾"))[:2] == (200, CONTENT_TYPES[".html"])
    assert _get(nginx + quote("items/没有这个事项.html"))[0] == 404


def test_a_swap_of_the_site_during_requests_never_serves_a_404_or_two_versions(builds, nginx):
    out, v1, v2 = builds
    versions = [_files(v1), _files(v2)]
    paths = sorted(set(versions[0]) & set(versions[1]))
    changed = [path for path in paths if versions[0][path] != versions[1][path]]
    assert "index.html" in changed and any(not path.isascii() for path in changed)
    link, stop, swaps = out / SITE_DIR, threading.Event(), [0]

    def swap_back_and_forth():
        while not stop.is_set():
            for build in (v1, v2):  # as a night publishes: the link replaced in one rename
                swap.replace_link(link, os.path.relpath(build, link.parent))
                swaps[0] += 1

    swapper = threading.Thread(target=swap_back_and_forth)
    swapper.start()
    seen, wrong = {0: 0, 1: 0}, []
    try:
        for round_ in range(40):
            for path in paths:
                status, _, body = _get(nginx + quote(path))
                version = next((v for v in (0, 1) if body == versions[v][path]), None)
                if status != 200 or version is None:
                    wrong.append((path, status))
                elif path in changed:
                    seen[version] += 1
    finally:
        stop.set()
        swapper.join()
        swap.replace_link(link, os.path.relpath(v2, link.parent))
    assert not wrong, wrong[:10]
    assert swaps[0] > 100 and seen[0] > 0 and seen[1] > 0, (swaps[0], seen)
