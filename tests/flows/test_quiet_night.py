"""A night with nothing new stays light: it does not read again a catalog a finished run took, and
it imports neither pandas, pyarrow nor Great Expectations (flows/refresh.py decides before
flows/night.py is loaded)."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flows.refresh import nightly_refresh
from flows.steps import catalog_key, catalog_taken_before, preflight
from warehouse.reference import CATALOG_SEED, init_reference, load_reference

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def refreshed(small_city, tmp_path_factory, prefect_harness):
    base = tmp_path_factory.mktemp("quiet")
    summary = nightly_refresh(inbox=str(small_city / "inbox"), warehouse=str(base / "mulu.duckdb"),
                              out=str(base / "out"))
    assert summary["status"] == "published"
    return small_city / "inbox", base / "mulu.duckdb", base / "out"


def test_a_night_with_nothing_new_imports_no_pandas_pyarrow_or_gx(refreshed):
    inbox, warehouse, out = refreshed
    script = textwrap.dedent(f"""
        import logging, sys
        from pathlib import Path
        from flows.refresh import run_refresh
        from flows.steps import RefreshOptions, preflight

        preflight(Path({str(inbox)!r}), None, None, Path({str(warehouse)!r}))
        options = RefreshOptions(Path({str(inbox)!r}), None, Path({str(warehouse)!r}), Path({str(out)!r}))
        summary = run_refresh(options, logging.getLogger("quiet"))
        heavy = [m for m in ("pandas", "pyarrow", "numpy", "great_expectations", "rapidfuzz") if m in sys.modules]
        print(summary.status, heavy)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "unchanged []"


def test_a_catalog_a_finished_run_took_is_not_read_again(refreshed, tmp_path, monkeypatch):
    inbox, warehouse, _ = refreshed
    import warehouse.catalog_store as catalog_store

    reads = []
    monkeypatch.setattr(catalog_store, "read_checked_catalog", lambda *args: reads.append(args[1]))
    preflight(inbox, None, None, warehouse)
    assert reads == [], "the warehouse's last run took this catalog with this reference data"
    preflight(inbox, None, None, None)
    assert len(reads) == 1, "without a warehouse the catalog is read"
    preflight(inbox, None, None, tmp_path / "新仓库.duckdb")
    assert len(reads) == 2, "a new warehouse has taken no catalog"

    folder = tmp_path / "reference"
    init_reference(folder)
    assert catalog_taken_before(warehouse, catalog_key(CATALOG_SEED.read_bytes(), load_reference(folder))), \
        "the same files in a reference folder are the same reference data"
    with open(folder / "header_synonyms.csv", "a", encoding="utf-8") as synonyms:
        synonyms.write("item_name,事项名称,事项名\n")  # new header words can read the catalog differently
    preflight(inbox, None, folder, warehouse)
    assert len(reads) == 3
