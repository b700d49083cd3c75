"""GX Data Docs that open on an offline intranet: the CDN assets of GX's templates served from local copies.

GX's page templates load Bootstrap, jQuery, bootstrap-table, Font Awesome and Vega from public CDNs,
so on the bureau's intranet the pages open unstyled and their tables empty. `make install` puts the
same versions, from npm, in `.venv/npm` (ASSET_PACKAGES); after a run's docs are built, each asset
is copied into the docs' `static/vendor/` and every page is pointed at its copy by a relative path.
"""

import logging
import os
import re
import shutil
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

# What `make install` installs (npm install --prefix .venv/npm …): GX 1.24's templates' versions.
ASSET_PACKAGES = [
    "bootstrap@4.3.1", "jquery@3.7.1", "popper.js@1.12.9", "bootstrap-table@1.19.1",
    "bootstrap-datepicker@1.9.0", "@fortawesome/fontawesome-free@6.6.0", "@forevolve/bootstrap-dark@1.1.0",
    "vega@5.33.1", "vega-lite@5.23.0", "vega-embed@6.29.0",
]

# The URL in GX's templates → the file in node_modules that serves it.
CDN_ASSETS = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/dist/js/bootstrap.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js/dist/umd/popper.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        "bootstrap-table/dist/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js":
        "bootstrap-table/dist/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    # the templates ask for 1.19.0's stylesheet of the extension; 1.19.1's is the same file
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        "@fortawesome/fontawesome-free/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/build/vega-embed.min.js",
}
# Folders a copied stylesheet points into (Font Awesome's ../webfonts/).
ASSET_FOLDERS = ["@fortawesome/fontawesome-free/webfonts"]
# GX's logo, fetched from S3 with a time stamp; GX ships the same picture in static/images.
LOGO = re.compile(r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/[a-z_-]+\.png(\?d=[^\"')]*)?")
LOCAL_LOGO = "static/images/logo-long.png"
VENDOR = "static/vendor"
LOCAL_TAG = re.compile(rf'<(?:script|link)[^>]*{VENDOR}/[^>]*>')
CORS_ATTRIBUTES = re.compile(r'\s(?:integrity|crossorigin)="[^"]*"')
OWN_STATIC = re.compile(r'\b(src|href)="(?:\./|\.\./)*static/')
# What a page still loads from elsewhere: <script src>, <link href> and CSS url(...).
EXTERNAL_ASSET = re.compile(r"""<script[^>]*\ssrc=["'](https?://[^"']+)|<link[^>]*\shref=["'](https?://[^"']+)"""
                            r"""|url\(\s*["']?(https?://[^"')]+)""")


def npm_modules() -> Path:
    """Where `make install` put the npm packages (MULU_NPM_MODULES names another place)."""
    return Path(os.environ.get("MULU_NPM_MODULES") or Path(sys.prefix) / "npm" / "node_modules")


def missing_assets(modules: Path | None = None) -> list[str]:
    modules = modules or npm_modules()
    return [path for path in [*CDN_ASSETS.values(), *ASSET_FOLDERS] if not (modules / path).exists()]


def make_offline(docs_dir: Path, modules: Path | None = None) -> list[str]:
    """Copy the assets into the docs and point every page at them; the external assets still loaded.

    A missing local copy is logged (the page then lacks that asset) but never left pointing at a CDN.
    """
    modules = modules or npm_modules()
    vendor = docs_dir / VENDOR
    missing = missing_assets(modules)
    if missing:
        logger.warning("GX Data Docs: %d local asset(s) missing under %s (run `make install` where npm exists): %s",
                       len(missing), modules, ", ".join(missing))
    for path in CDN_ASSETS.values():
        if (modules / path).is_file():
            (vendor / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(modules / path, vendor / path)
    for folder in ASSET_FOLDERS:
        if (modules / folder).is_dir():
            shutil.copytree(modules / folder, vendor / folder, dirs_exist_ok=True)
    still_external: set[str] = set()
    for page in docs_dir.rglob("*.html"):
        text = localized(page.read_text(encoding="utf-8"), os.path.relpath(docs_dir, page.parent))
        page.write_text(text, encoding="utf-8")
        still_external.update(external_assets(text))
    if still_external:
        logger.warning("GX Data Docs still load from outside: %s", ", ".join(sorted(still_external)))
    return sorted(still_external)


def localized(html: str, root: str) -> str:
    """The page with every known CDN asset pointed at its copy; root: the docs' root relative to the page."""
    for url, path in CDN_ASSETS.items():
        html = html.replace(f'"{url}"', f'"{root}/{VENDOR}/{path}"')
    # GX counts one folder too few on validation pages (../../../static/… four folders down).
    html = OWN_STATIC.sub(lambda m: f'{m.group(1)}="{root}/static/', html)
    # A CDN tag's integrity and crossorigin make the browser refuse the copy when opened from disk.
    html = LOCAL_TAG.sub(lambda m: CORS_ATTRIBUTES.sub("", m.group(0)), html)
    return LOGO.sub(f"{root}/{LOCAL_LOGO}", html)


def external_assets(html: str) -> list[str]:
    return [next(group for group in match.groups() if group) for match in EXTERNAL_ASSET.finditer(html)]


if __name__ == "__main__":  # `make install` asks which npm packages to install
    print(" ".join(ASSET_PACKAGES))
