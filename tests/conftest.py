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
    """One Prefect test server for the whole session (starting one takes 10–16 s)."""
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

