"""Test settings: no analytics, a private Prefect home, and one Prefect test server per session."""

import os
import tempfile

os.environ["GX_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="mulu-prefect-"))

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for the whole session (starting one takes 10–16 s). The session's
    refreshes run Great Expectations in the session's process (expectations/gx_process.py): one
    import, rather than a GX process per refresh."""
    import great_expectations  # noqa: F401
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture(scope="session")
def small_city(tmp_path_factory) -> Path:
    """The deterministic small sample city, generated once per session."""
    from flows.sample import generate_city

    base = tmp_path_factory.mktemp("small-city")
    generate_city(base, scale="small", seed=20200709)
    return base


def _missing_browser(reason: str):
    if os.environ.get("MULU_REQUIRE_BROWSER"):
        pytest.fail(f"MULU_REQUIRE_BROWSER is set but {reason}")
    pytest.skip(f"{reason} (CI installs it and sets MULU_REQUIRE_BROWSER)")


def require_program(name: str) -> str:
    """The path of a program from Debian's packages (soffice, nginx, systemd-analyze …): skipped
    where it is missing, a failure in CI (.ci/run installs them and sets MULU_REQUIRE_BROWSER)."""
    import shutil

    path = shutil.which(name)
    if path is None:
        _missing_browser(f"{name} is not installed")
    return path


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium (Debian's package) driven by Playwright; never a downloaded browser."""
    import shutil

    executable = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if executable is None:
        _missing_browser("no Chromium is installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("Playwright for Python is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed from npm by `make install` (into .venv/npm) or named by MULU_AXE_JS."""
    path = Path(os.environ.get("MULU_AXE_JS") or
                Path(__file__).parents[1] / ".venv" / "npm" / "node_modules" / "axe-core" / "axe.min.js")
    if not path.is_file():
        _missing_browser(f"axe-core is not at {path}")
    return path.read_text(encoding="utf-8")


def serious_axe_violations(page, axe_source: str) -> list[tuple[str, str]]:
    """axe-core's serious or critical WCAG 2.1 A/AA (and best-practice) violations of an open page."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', "
                           "'wcag21aa', 'best-practice']}})")
    return [(v["id"], v["impact"]) for v in result["violations"] if v["impact"] in ("serious", "critical")]
