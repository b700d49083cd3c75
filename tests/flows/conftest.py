"""Fixtures of the flow tests that several files share."""

import shutil
from datetime import datetime

import duckdb
import pytest

from flows.refresh import nightly_refresh

GONE = "莱西市"  # reports last month, sends nothing this month: its last submission stays
RESENT = "平度市"  # sends a changed sheet this month


@pytest.fixture(scope="session")
def two_months(small_city, tmp_path_factory, prefect_harness):
    """Run 1 moved 40 days back (last month); then run 2, one district's folder emptied, another's csv
    changed. Returns (base, paths, last month, this month, run 2's summary)."""
    base = tmp_path_factory.mktemp("monthly")
    shutil.copytree(small_city / "inbox", base / "inbox")
    paths = {"inbox": str(base / "inbox"), "warehouse": str(base / "mulu.duckdb"), "out": str(base / "out")}
    first = nightly_refresh(**paths)
    con = duckdb.connect(paths["warehouse"])
    con.execute("UPDATE audit.runs SET started_at = started_at - INTERVAL 40 DAY, "
                "finished_at = finished_at - INTERVAL 40 DAY")
    con.execute("UPDATE published.catalog_versions SET published_at = published_at - INTERVAL 40 DAY")
    con.execute("UPDATE landing.files SET read_at = read_at - INTERVAL 40 DAY")
    [(earlier,)] = con.execute("SELECT strftime(started_at, '%Y-%m') FROM audit.runs").fetchall()
    con.close()
    shutil.rmtree(base / "inbox" / GONE)
    [sheet] = (base / "inbox" / RESENT).rglob("*.csv")
    sheet.write_bytes(b"\n".join(sheet.read_bytes().rstrip(b"\r\n").split(b"\n")[:-1]) + b"\n")  # one row fewer
    second = nightly_refresh(**paths)
    assert first["status"] == "published" and second["status"] in ("published", "blocked")
    return base, paths, earlier, datetime.now().strftime("%Y-%m"), second
