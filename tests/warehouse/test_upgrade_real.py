"""Warehouses that earlier mulu really wrote open with today's, keep what they held, and their next
night publishes what a new warehouse publishes from the same inbox.

tests/fixtures/old_warehouses/schemaNAME.zip: a warehouse, its rows folder and the inbox it was
built from, each made once by the commit that had that schema, with its own sample generator,
refresh and review loop (make_fixtures.py says how; these tests never run it). source.json inside
names the commit.
"""

import json
import zipfile
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from transforms.codes import code_key, code_text
from transforms.matching import DECISION_EVIDENCE, review_key
from transforms.name_identity import alias_key, identity_of_name
from warehouse import db
from warehouse.landing_files import rows_dir

FIXTURES = Path(__file__).parents[1] / "fixtures" / "old_warehouses"
NAMES = sorted(path.stem.removeprefix("schema") for path in FIXTURES.glob("schema*.zip"))
DECISIONS = "SELECT review_key, raw_name, basic_code, decision, catalog_code, decided_by FROM core.review_decisions"
LATEST = "(SELECT max(version) FROM published.catalog_versions)"
SITE_ITEMS = "SELECT district, town, community, catalog_code FROM published.site_items ORDER BY ALL"


def unpack(name: str, into: Path) -> tuple[Path, dict]:
    with zipfile.ZipFile(FIXTURES / f"schema{name}.zip") as archive:
        archive.extractall(into)
    return into / "mulu.duckdb", json.loads((into / "source.json").read_text(encoding="utf-8"))


def _rows(con, sql: str) -> list[tuple]:
    return con.sql(sql).fetchall()


def _columns(con, relation: str) -> list[str]:
    return [c for (c,) in _rows(con, f"SELECT column_name FROM (DESCRIBE SELECT * FROM {relation})")]


def _today_key(raw_name: str | None, basic_code: str | None) -> str:
    """The review key today's matcher gives a name and code (transforms/matching.py)."""
    return review_key(identity_of_name(raw_name or ""), code_key(code_text(basic_code)))


def _landed(con, warehouse: Path) -> str:
    """What landing.rows held in the old warehouse: a table (schema 1), or the rows files listed."""
    if _rows(con, "SELECT 1 FROM duckdb_tables() WHERE schema_name = 'landing' AND table_name = 'rows'"):
        return "landing.rows"
    listed = _rows(con, "SELECT rows_file FROM landing.files WHERE rows_file IS NOT NULL")
    files = [rows_dir(warehouse) / f for (f,) in listed]
    return f"read_parquet([{', '.join(repr(str(f)) for f in files)}], union_by_name = true)"


def held(warehouse: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table of a warehouse and its landed rows, as plain DuckDB reads them: {name: (columns, rows)}."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [f"{s}.{t}" for s, t in _rows(con, "SELECT schema_name, table_name FROM duckdb_tables()")]
        tables = [t for t in tables if t not in ("audit.schema_version", "landing.rows")]
        found = {t: (_columns(con, t), _rows(con, f"SELECT * FROM {t} ORDER BY ALL")) for t in tables}
        landed = _landed(con, warehouse)
        columns = [c for c in _columns(con, landed) if c != "landed_row"]
        found["landing.rows"] = (columns, _rows(con, f"SELECT {', '.join(columns)} FROM {landed} ORDER BY ALL"))
        return found
    finally:
        con.close()


def test_every_earlier_schema_has_a_real_warehouse():
    versions = set()
    for name in NAMES:
        with zipfile.ZipFile(FIXTURES / f"schema{name}.zip") as archive:
            versions.add(json.loads(archive.read("source.json"))["schema_version"])
    assert versions == set(range(db.SCHEMA_VERSION)), "make one with make_fixtures.py for a new SCHEMA_VERSION"


@pytest.mark.parametrize("name", NAMES)
def test_an_old_warehouse_opens_at_the_current_schema_with_what_it_held(name, tmp_path):
    warehouse, source = unpack(name, tmp_path)
    before = held(warehouse)
    assert before["landing.rows"][1] and before["published.catalog_versions"][1], "a warehouse that published"

    con = db.connect(warehouse)
    try:
        assert _rows(con, "SELECT version FROM audit.schema_version") == [(db.SCHEMA_VERSION,)]
        rekeyed = {"core.aliases": "alias_key", "core.review_decisions": "review_key"}
        for table, (columns, rows) in before.items():
            kept = [c for c in columns if source["schema_version"] >= 3 or rekeyed.get(table) != c]
            assert _rows(con, f"SELECT {', '.join(kept)} FROM {table} ORDER BY ALL") == \
                [tuple(row[columns.index(c)] for c in kept) for row in rows], table
        # People's answers under the keys today's matcher gives the words they decided on.
        for key, raw_name, basic_code, *_ in _rows(con, DECISIONS):
            assert key == _today_key(raw_name, basic_code)
        for key, alias in _rows(con, "SELECT alias_key, alias FROM core.aliases"):
            assert key == alias_key(alias)
        assert len(_rows(con, DECISIONS)) == len(source["decisions"])
        # The rows folder holds every file's rows; the published list is where it was.
        listed = _rows(con, "SELECT rows_file FROM landing.files WHERE status = 'loaded'")
        assert listed and all(f and (rows_dir(warehouse) / f).is_file() for (f,) in listed)
        assert _rows(con, "SELECT count(*) FROM published.site_items") == \
            [(len(before["published.site_items"][1]),)]
        assert _rows(con, "SELECT table_type FROM information_schema.tables WHERE table_schema = 'published' "
                          "AND table_name = 'site_items'") == [("VIEW",)]
    finally:
        con.close()
    again = db.connect(warehouse)  # upgraded once: opening it again changes nothing
    try:
        assert _rows(again, "SELECT version FROM audit.schema_version") == [(db.SCHEMA_VERSION,)]
        assert _rows(again, "SELECT count(*) FROM landing.rows") == [(len(before["landing.rows"][1]),)]
    finally:
        again.close()


@pytest.fixture(scope="module", params=NAMES)
def nights(request, tmp_path_factory, prefect_harness):
    """The old warehouse's next night with today's mulu, and a new warehouse's first night on the
    same inbox with the same answers of people."""
    from flows.refresh import nightly_refresh
    from transforms.review import Decision
    from warehouse.review_store import store_decisions

    base = tmp_path_factory.mktemp(f"schema{request.param}")
    old, source = unpack(request.param, base / "old")
    con = db.connect(old)
    decisions = [Decision(*row) for row in _rows(con, DECISIONS)]
    versions = _rows(con, "SELECT version FROM published.catalog_versions ORDER BY 1")
    con.close()
    inbox = str(base / "old" / "inbox")
    upgraded = nightly_refresh(inbox=inbox, warehouse=str(old), out=str(base / "old" / "out"))
    new = base / "new" / "mulu.duckdb"
    con = db.connect(new)  # the same answers, under the keys today's mulu gives their words
    store_decisions(con, [replace(d, review_key=_today_key(d.raw_name, d.basic_code)) for d in decisions])
    con.close()
    fresh = nightly_refresh(inbox=inbox, warehouse=str(new), out=str(base / "new" / "out"))
    return {"old": old, "new": new, "upgraded": upgraded, "fresh": fresh, "source": source,
            "decisions": decisions, "versions": versions}


def _read(warehouse: Path, sql: str) -> list[tuple]:
    return db.read_rows(warehouse, sql)


@pytest.mark.slow
def test_the_next_night_publishes_what_a_new_warehouse_publishes(nights):
    assert nights["upgraded"]["status"] == nights["fresh"]["status"] == "published"
    for sql in (f"SELECT * EXCLUDE (version) FROM published.catalog_items WHERE version = {LATEST} ORDER BY ALL",
                SITE_ITEMS):
        upgraded, fresh = _read(nights["old"], sql), _read(nights["new"], sql)
        assert fresh and upgraded == fresh, sql


@pytest.mark.slow
def test_peoples_answers_still_apply_after_the_upgrade(nights):
    assert len(nights["decisions"]) == len(nights["source"]["decisions"])
    for d in nights["decisions"]:
        rows = _read(nights["old"], f"SELECT catalog_code, match_method, match_evidence FROM core.site_items "
                                    f"WHERE review_key = '{d.review_key}'")
        assert rows, f"no row of {d.raw_name!r} is under its key"
        if d.decision == "code":
            assert {(code, method) for code, method, _ in rows} == {(d.catalog_code, "reviewed")}, d
        else:
            assert {(code, evidence) for code, _, evidence in rows} == {(None, DECISION_EVIDENCE[d.decision])}, d


@pytest.mark.slow
def test_the_published_versions_go_on(nights):
    versions = _read(nights["old"], "SELECT version FROM published.catalog_versions ORDER BY 1")
    old = nights["versions"]
    assert versions == old + ([(old[-1][0] + 1,)] if nights["upgraded"]["new_version"] else [])
    assert nights["upgraded"]["version"] == versions[-1][0]
    assert _read(nights["old"], "SELECT DISTINCT version FROM published.catalog_items ORDER BY 1") == versions


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_a_blocked_first_night_leaves_what_the_old_mulu_published(name, tmp_path, prefect_harness):
    """The first night after the upgrade is blocked (a catalog of half the items shrinks the list by
    more than 10 %): the published site items stay the ones the old mulu published."""
    from flows.refresh import nightly_refresh
    from warehouse.reference import CATALOG_SEED

    warehouse, _ = unpack(name, tmp_path)
    before = db.read_rows(warehouse, SITE_ITEMS)  # the old warehouse, as its own mulu left it
    versions = db.read_rows(warehouse, "SELECT version FROM published.catalog_versions ORDER BY 1")
    lines = CATALOG_SEED.read_bytes().splitlines(keepends=True)
    (tmp_path / "目录.csv").write_bytes(b"".join(lines[:len(lines) // 2]))
    summary = nightly_refresh(inbox=str(tmp_path / "inbox"), warehouse=str(warehouse), out=str(tmp_path / "out"),
                              catalog=str(tmp_path / "目录.csv"))
    assert summary["status"] == "blocked", summary["reasons"]
    assert before and _read(warehouse, SITE_ITEMS) == before
    assert _read(warehouse, "SELECT version FROM published.catalog_versions ORDER BY 1") == versions
