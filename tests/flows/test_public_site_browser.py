"""The public site of a real night, driven in headless Chromium as a citizen would use it: browse a
district down to a community, open a guide, search with two characters, print, and an axe-core check."""

import json
import re
import threading
import unicodedata
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from flows.refresh import nightly_refresh

pytestmark = pytest.mark.slow


class _Silent(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(small_city, tmp_path_factory, prefect_harness) -> Path:
    base = tmp_path_factory.mktemp("site-night")
    summary = nightly_refresh(inbox=str(small_city / "inbox"), warehouse=str(base / "mulu.duckdb"), out=str(base / "out"))
    assert summary["status"] == "published"
    assert str(base / "out" / "site" / "index.html") in summary["outputs"]
    return base / "out" / "site"


@pytest.fixture(scope="module")
def server(site):
    """The site on a plain static web server (as the bureau's would serve it)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Silent, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def search_rows(site: Path) -> list[list[str]]:
    text = (site / "data" / "search-index.js").read_text(encoding="utf-8")
    return json.loads(text.removeprefix("window.MULU_SEARCH=").removesuffix(";\n"))["items"]


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def test_browse_a_district_down_to_a_community_and_open_a_guide(page, server):
    page.goto(server)
    district = page.locator("main a[href^='sites/']").first
    district_name = district.inner_text()
    district.click()
    assert page.locator("h1").inner_text() == district_name
    page.locator("main table a").first.click()
    assert page.locator("h1").inner_text().endswith("便民服务中心")
    page.locator("main section ul.facet a").first.click()
    community = page.locator("h1").inner_text()
    assert community.endswith("便民服务站")
    assert district_name in page.locator("nav.crumbs").inner_text()
    row = page.locator("main tr[data-item-code]").first
    code, name = row.get_attribute("data-item-code"), row.locator("a").inner_text()
    row.locator("a").click()
    assert page.locator("h1").inner_text() == name
    assert page.locator("article").get_attribute("data-item-code") == code
    assert page.locator("text=开展站点").count() == 1 and community.removesuffix("便民服务站") in page.content()


@pytest.mark.parametrize("query", ["低保", "社保", "残疾", "供水"])
def test_a_two_character_search_finds_every_item_whose_name_holds_it(page, server, site, query):
    rows = search_rows(site)
    named = {r[0] for r in rows if query in fold(r[1])}
    anywhere = {r[0] for r in rows if any(query in fold(r[i]) for i in (0, 1, 2, 6))}
    page.goto(f"{server}search.html?q={query}")
    found = page.locator("#results [data-item-code]").evaluate_all("els => els.map(e => e.dataset.itemCode)")
    assert set(found) == anywhere, "every item holding the query, and no other"
    assert set(found[:len(named)]) == named, "items whose name holds it come first"
    assert named or query in ("社保", "供水"), "the sample catalog names 低保 and 残疾 items"
    status = page.locator("#search-status").inner_text()
    assert (f"找到 {len(found)} 项" in status) if found else ("没有找到" in status)


def test_typing_searches_at_once_and_keeps_the_query_in_the_url(page, server):
    page.goto(f"{server}search.html")
    page.locator("#q").fill("残疾")
    page.wait_for_function("document.querySelectorAll('#results [data-item-code]').length > 0")
    assert page.url.endswith("search.html?q=%E6%AE%8B%E7%96%BE")
    marks = page.locator("#results mark").all_inner_texts()
    assert marks and set(marks) == {"残疾"}
    page.goto(page.url)  # the shared link gives the same results
    assert page.locator("#results [data-item-code]").count() > 0


def test_the_header_search_box_and_disk_pages_work_without_a_server(page, site):
    page.goto((site / "index.html").as_uri())
    page.locator("#site-q").fill("低保")
    page.locator("header form button").click()
    page.wait_for_load_state()
    assert "search.html" in page.url
    assert page.locator("#results [data-item-code]").count() > 0


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_a_guide_prints_on_one_a4_page_and_the_full_version_adds_the_sites(page, server, site):
    rows = search_rows(site)
    code = next(r[0] for r in rows if "低保" in r[1])
    page.goto(f"{server}{rows[[r[0] for r in rows].index(code)][7]}")
    screen_sections = page.locator("article section:not(.full-only) h2").all_inner_texts()
    page.emulate_media(media="print")
    assert page.locator("header.site").is_hidden() and page.locator(".full-only").first.is_hidden()
    assert page.locator("article section:not(.full-only) h2").all_inner_texts() == screen_sections, \
        "the printed guide is the screen's text"
    brief = page.pdf(format="A4")
    assert pdf_pages(brief) == 1
    page.evaluate("document.body.classList.add('print-full')")
    assert page.locator(".full-only").first.is_visible()
    assert pdf_pages(page.pdf(format="A4")) >= 1
    page.emulate_media(media="screen")
    before = page.evaluate("getComputedStyle(document.querySelector('main p')).fontSize")
    page.get_by_role("button", name="放大字号").click()
    assert float(page.evaluate("getComputedStyle(document.querySelector('main p')).fontSize")[:-2]) > float(before[:-2])


def test_pages_fit_a_phone(browser, server, site):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    guide = search_rows(site)[0][7]
    for path in ("", guide, "search.html?q=低保", "changes.html"):
        page.goto(server + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    context.close()


def test_no_serious_or_critical_accessibility_violation(page, server, site, axe_source):
    rows = search_rows(site)
    community = next(p for p in sorted((site / "sites").rglob("*.html")) if p.name != "index.html")
    paths = ["", rows[0][7], "search.html?q=低保", "changes.html", "sites/index.html",
             community.relative_to(site).as_posix(), "lists/all/全部事项.html"]
    for path in paths:
        page.goto(server + path)
        page.add_script_tag(content=axe_source)
        result = page.evaluate("axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', "
                               "'wcag21aa', 'best-practice']}})")
        bad = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
        assert not bad, f"{path}: {bad}"
        assert result["passes"], "axe ran its checks"
