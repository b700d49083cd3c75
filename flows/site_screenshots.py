"""`make screenshots`: the README's pictures of the public site, taken in headless Chromium.

python -m flows.site_screenshots SITE_DIR OUT_DIR  (SITE_DIR: e.g. data/demo/small/out/site)
"""

import shutil
import sys
from pathlib import Path


def take(site: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from warehouse.site.pages import item_path

    site = site.resolve()  # file URIs are absolute
    rows = (site / "data" / "search-index.js").read_text(encoding="utf-8")
    code = next(c for c in ("370700136000", "000500300000") if f'"{c}"' in rows)
    shots = [(out / "guide.png", (site / item_path(code)).as_uri(), 1400),
             (out / "search.png", (site / "search.html").as_uri() + "?q=残疾", 900)]
    out.mkdir(parents=True, exist_ok=True)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser, args=["--no-sandbox"])
        page = chromium.new_page(viewport={"width": 1000, "height": 900})
        for path, url, height in shots:
            page.set_viewport_size({"width": 1000, "height": height})
            page.goto(url)
            page.screenshot(path=str(path))
        chromium.close()
    return [path for path, _, _ in shots]


if __name__ == "__main__":
    for written in take(Path(sys.argv[1]), Path(sys.argv[2])):
        print(written)
