"""GX Data Docs name each validation after the mulu run and its data asset, and load nothing from a CDN."""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from expectations import data_docs as offline
from expectations.rules import publish_rules
from expectations.runner import data_docs, run_rules
from tests.expectations.test_rules import CANDIDATE  # a candidate that passes the audit

RUN_NAME = "mulu-20261129T020000000000"
LOCAL_REFERENCE = re.compile(r"""<(?:script|link|img)[^>]*\s(?:src|href)=["']([^"'#?]+)""")


def built_docs(folder: Path) -> Path:
    docs = data_docs(folder, RUN_NAME)
    passed, _ = run_rules(CANDIDATE, "publish_audit", publish_rules(None, 0.10), docs=docs,
                          asset="published.catalog_items_candidate")
    assert passed
    return folder


def page_text(path: Path) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_validation_is_filed_under_the_run_and_names_its_data_asset(tmp_path):
    docs = built_docs(tmp_path / "docs")
    [page] = (docs / "validations" / "publish_audit" / RUN_NAME).glob("*/*.html")
    assert "Data asset: published.catalog_items_candidate" in page_text(page)
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert f"'run_name': '{RUN_NAME}'" in index and "__none__" not in index
    assert "'asset_name': 'published.catalog_items_candidate'" in index


def fake_modules(root: Path) -> Path:
    for path in offline.CDN_ASSETS.values():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("/* local copy */", encoding="utf-8")
    for folder in offline.ASSET_FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "font.woff2").write_bytes(b"font")
    return root


def test_every_page_loads_its_assets_from_the_docs_themselves(tmp_path):
    docs = built_docs(tmp_path / "docs")
    pages = list(docs.rglob("*.html"))
    assert any(offline.external_assets(p.read_text(encoding="utf-8")) for p in pages), "GX's pages use CDNs"

    assert offline.make_offline(docs, fake_modules(tmp_path / "node_modules")) == []
    references = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert offline.external_assets(html) == [] and "amazonaws.com" not in html
        for reference in LOCAL_REFERENCE.findall(html):
            if reference.startswith(("http:", "https:", "mailto:", "javascript:")):
                continue
            references += 1
            assert (page.parent / unquote(reference)).exists(), f"{page.relative_to(docs)}: {reference}"
    assert references > 40
    assert (docs / offline.VENDOR / "@fortawesome/fontawesome-free/webfonts/font.woff2").exists()


def test_missing_local_copies_are_reported_and_never_fall_back_to_a_cdn(tmp_path, caplog):
    docs = built_docs(tmp_path / "docs")
    assert offline.make_offline(docs, tmp_path / "nothing-installed") == []
    assert "missing" in caplog.text and "make install" in caplog.text
    assert not any(offline.external_assets(p.read_text(encoding="utf-8")) for p in docs.rglob("*.html"))


def test_make_install_installs_what_the_pages_need():
    """The npm packages `make install` installs cover every asset the pages are pointed at."""
    packages = {spec.rsplit("@", 1)[0] for spec in offline.ASSET_PACKAGES}
    for path in [*offline.CDN_ASSETS.values(), *offline.ASSET_FOLDERS]:
        parts = path.split("/")
        assert (("/".join(parts[:2]) if parts[0].startswith("@") else parts[0]) in packages), path


@pytest.mark.slow
def test_the_docs_work_offline_in_chromium(tmp_path, browser):
    """With every network request refused, the index lists the validation and the page is styled."""
    missing = offline.missing_assets()
    if missing:
        from tests.conftest import _missing_browser
        _missing_browser(f"the Data Docs' npm packages are not installed under {offline.npm_modules()}: {missing}")
    docs = built_docs(tmp_path / "docs")
    offline.make_offline(docs)
    context = browser.new_context()
    refused: list[str] = []
    context.route(re.compile(r"^https?://"), lambda route: (refused.append(route.request.url), route.abort()))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((docs / "index.html").as_uri())
    page.wait_for_selector("table tbody tr td")
    assert RUN_NAME in page.inner_text("table tbody")
    assert page.evaluate("typeof jQuery === 'function' && typeof jQuery.fn.bootstrapTable === 'function'")
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"  # Bootstrap
    [validation] = (docs / "validations").rglob("*.html")
    page.goto(validation.as_uri())
    assert page.evaluate("typeof vegaEmbed === 'function'")
    assert page.evaluate("document.fonts.load('900 1em \"Font Awesome 6 Free\"').then(faces => faces.length)") > 0
    assert refused == [] and errors == []
    context.close()
