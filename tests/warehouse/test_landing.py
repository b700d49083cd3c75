"""Landing: rows files written by the readers, recorded in landing.files, read through the view
landing.rows — replaced, kept, dropped and upgraded by the rules in warehouse/landing.py."""

import functools
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from transforms.ingest import LANDING_COLUMNS, IngestContext, ingest_file
from warehouse import db, landing
from warehouse.landing import InboxFile
from warehouse.landing_files import land_file, rows_dir, rows_file_name
from warehouse.reference import load_reference

FIXTURES = Path(__file__).parents[1] / "fixtures" / "files"
CSV_HEADER = "事项名称,事项编码,事项类型\n"


@functools.cache
def context() -> IngestContext:
    return IngestContext(load_reference().synonyms, {"崂山区": ["沙子口街道", "王哥庄街道"]})


@pytest.fixture
def inbox(tmp_path) -> Path:
    return tmp_path / "inbox"


@pytest.fixture
def warehouse(tmp_path):
    con = db.connect(tmp_path / "mulu.duckdb")
    yield con
    con.close()


def _write(inbox: Path, source_file: str, text: str) -> Path:
    path = inbox / source_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def _land(con, inbox: Path, files: dict[str, str], run_id: str = "run") -> list[InboxFile]:
    """Write the files into the inbox, read and record them as a run does; the inbox's files."""
    directory = _rows_dir(con)
    inbox_files, readings = [], []
    for source_file, text in files.items():
        path = _write(inbox, source_file, text)
        landed = land_file(path, source_file, source_file.split("/")[0], context(), directory)
        inbox_files.append(InboxFile(source_file, source_file.split("/")[0], landed.file_sha256, path.stat().st_size))
        readings.append((landed, path.stat().st_size))
    landing.store_readings(con, readings, run_id)
    landing.refresh_rows_view(con, directory)
    landing.remove_unlisted_rows_files(con, directory)
    return inbox_files


def _names(con) -> list[tuple]:
    return con.sql("SELECT source_file, item_name FROM landing.rows ORDER BY source_file, row_number").fetchall()


def _rows_dir(con) -> Path:
    [(path,)] = con.sql("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return rows_dir(path)


def _rows_files(con) -> set[str]:
    return {p.name for p in _rows_dir(con).iterdir()}


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_fixture_reads_back_through_the_view_unchanged(tmp_path, name):
    """What the reader read is exactly what landing.rows gives back (nulls, numbers, sheets, text)."""
    con = db.connect(tmp_path / "mulu.duckdb")
    directory = rows_dir(tmp_path / "mulu.duckdb")
    landed = land_file(FIXTURES / name, f"崂山区/{name}", "崂山区", context(), directory)
    landing.store_readings(con, [(landed, 1)], "run")
    landing.refresh_rows_view(con, directory)
    stored = con.sql(f"SELECT {', '.join(LANDING_COLUMNS)} FROM landing.rows "
                     "ORDER BY sheet NULLS FIRST, row_number").fetchall()
    read = ingest_file((FIXTURES / name).read_bytes(), f"崂山区/{name}", "崂山区", context()).rows.to_pylist()
    expected = sorted((tuple(r[c] for c in LANDING_COLUMNS) for r in read), key=lambda r: (r[3] or "", r[4]))
    assert stored == expected and len(stored) == landed.row_count
    places = con.sql(f"SELECT list({landing.PLACE_COLUMN} ORDER BY {landing.PLACE_COLUMN}) FROM landing.rows").fetchall()
    assert places == [(list(range(landed.row_count)) or None,)]  # each row's own place in its rows file
    assert (landed.rows_file is None) == (landed.row_count == 0)
    con.close()


def test_rows_files_keep_statistics_where_the_warehouse_filters(tmp_path):
    """A night that builds some districts skips the others' row groups by district and file."""
    import pyarrow.parquet as pq

    name = next(p.name for p in sorted(FIXTURES.iterdir()) if p.suffix == ".csv")
    landed = land_file(FIXTURES / name, f"崂山区/{name}", "崂山区", context(), tmp_path)
    columns = pq.ParquetFile(tmp_path / landed.rows_file).metadata.row_group(0)
    stats = {columns.column(i).path_in_schema: columns.column(i).statistics for i in range(columns.num_columns)}
    assert stats["district"].min == stats["district"].max == "崂山区"
    assert stats["source_file"].min == f"崂山区/{name}"


def test_a_new_version_replaces_the_rows_and_its_old_rows_file(warehouse, inbox):
    _land(warehouse, inbox, {"崂山区/a.csv": CSV_HEADER + "高龄津贴,1,公共服务\n"})
    first = _rows_files(warehouse)
    _land(warehouse, inbox, {"崂山区/a.csv": CSV_HEADER + "临时救助,2,公共服务\n"})
    assert _names(warehouse) == [("崂山区/a.csv", "临时救助")]
    assert len(_rows_files(warehouse)) == 1 and _rows_files(warehouse) != first


def test_an_unreadable_version_keeps_the_last_good_rows(warehouse, inbox):
    _land(warehouse, inbox, {"崂山区/a.csv": CSV_HEADER + "高龄津贴,1,公共服务\n"})
    [(good,)] = warehouse.sql("SELECT file_sha256 FROM landing.files").fetchall()
    _land(warehouse, inbox, {"崂山区/a.csv": "甲,乙\n1,2\n"})
    assert _names(warehouse) == [("崂山区/a.csv", "高龄津贴")]
    [(status, good_sha256, sha256)] = warehouse.sql(
        "SELECT status, good_sha256, file_sha256 FROM landing.files").fetchall()
    assert status == "rejected" and good_sha256 == good != sha256
    rules = {r[0] for r in warehouse.sql("SELECT rule FROM landing.file_findings").fetchall()}
    assert "no_item_rows" in rules


def test_files_to_read_skips_unchanged_files(warehouse, inbox, tmp_path):
    files = _land(warehouse, inbox, {"崂山区/a.csv": CSV_HEADER + "高龄津贴,1,公共服务\n"})
    assert landing.files_to_read(warehouse, files, rows_dir(tmp_path / "mulu.duckdb")) == []
    changed = [InboxFile(f.source_file, f.district, "0" * 64, f.size_bytes) for f in files]
    assert landing.files_to_read(warehouse, changed, rows_dir(tmp_path / "mulu.duckdb")) == changed


def test_a_removed_file_drops_its_rows_unless_its_district_folder_is_empty(warehouse, inbox, tmp_path):
    files = _land(warehouse, inbox, {"崂山区/a.csv": CSV_HEADER + "高龄津贴,1,公共服务\n",
                                     "崂山区/b.csv": CSV_HEADER + "临时救助,2,公共服务\n",
                                     "市南区/c.csv": CSV_HEADER + "低保,3,公共服务\n"})
    still_there = [f for f in files if f.source_file != "崂山区/b.csv" and f.district != "市南区"]
    assert landing.forget_removed(warehouse, still_there) == ["崂山区/b.csv"]
    landing.refresh_rows_view(warehouse, rows_dir(tmp_path / "mulu.duckdb"))
    landing.remove_unlisted_rows_files(warehouse, rows_dir(tmp_path / "mulu.duckdb"))
    assert _names(warehouse) == [("崂山区/a.csv", "高龄津贴"), ("市南区/c.csv", "低保")]
    assert len(_rows_files(warehouse)) == 2


def test_lost_rows_files_are_read_again(warehouse, inbox, tmp_path):
    files = _land(warehouse, inbox, {"崂山区/a.csv": CSV_HEADER + "高龄津贴,1,公共服务\n",
                                     "崂山区/b.csv": CSV_HEADER + "临时救助,2,公共服务\n"})
    _land(warehouse, inbox, {"崂山区/b.csv": "甲,乙\n1,2\n"})  # b rejected: its first version's rows kept
    warehouse.close()
    directory = rows_dir(tmp_path / "mulu.duckdb")
    for path in directory.iterdir():  # someone empties the rows folder
        path.unlink()

    con = db.connect(tmp_path / "mulu.duckdb")  # as the next run does, before it looks for files to read
    assert _names(con) == []
    assert [f.source_file for f in landing.files_to_read(con, files, directory)] == ["崂山区/a.csv", "崂山区/b.csv"]
    b_now = InboxFile("崂山区/b.csv", "崂山区", con.sql(
        "SELECT file_sha256 FROM landing.files WHERE source_file = '崂山区/b.csv'").fetchall()[0][0], 1)
    assert landing.files_to_read(con, [b_now], directory) == [], "the rejected version is not read again"
    assert con.sql("SELECT source_file, status, using_previous_version FROM submissions ORDER BY 1").fetchall() == [
        ("崂山区/a.csv", "loaded", False), ("崂山区/b.csv", "rejected", False)]
    con.close()


def test_leftovers_of_a_crashed_run_are_removed(warehouse, inbox, tmp_path):
    _land(warehouse, inbox, {"崂山区/a.csv": CSV_HEADER + "高龄津贴,1,公共服务\n"})
    directory = rows_dir(tmp_path / "mulu.duckdb")
    (directory / "0123.parquet.99.partial").write_bytes(b"half")
    (directory / rows_file_name("崂山区/never-recorded.csv", "f" * 64)).write_bytes(b"orphan")
    assert landing.remove_unlisted_rows_files(warehouse, directory) == 2
    assert _names(warehouse) == [("崂山区/a.csv", "高龄津贴")]


def test_a_file_gone_since_the_scan_is_a_finding(tmp_path):
    landed = land_file(tmp_path / "gone.csv", "崂山区/gone.csv", "崂山区", context(), tmp_path / "rows")
    assert (landed.row_count, landed.rows_file) == (0, None)
    assert [f.rule for f in landed.findings] == ["file_unreadable"] and "移动或删除" in landed.findings[0].message


def test_an_in_memory_warehouse_has_an_empty_landing_view():
    con = db.connect(":memory:")
    assert con.sql("SELECT count(*) FROM landing.rows").fetchall() == [(0,)]
    assert [c[0] for c in con.sql("DESCRIBE landing.rows").fetchall()] == LANDING_COLUMNS + [landing.PLACE_COLUMN]


def test_a_schema_1_warehouse_is_upgraded_with_its_rows_kept(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))  # what mulu wrote before landing.rows became a view
    con.execute("CREATE SCHEMA audit; CREATE TABLE audit.schema_version (version INTEGER NOT NULL);"
                "INSERT INTO audit.schema_version VALUES (1); CREATE SCHEMA landing;")
    con.execute("""CREATE TABLE landing.files (source_file VARCHAR PRIMARY KEY, district VARCHAR NOT NULL,
                   file_sha256 VARCHAR NOT NULL, size_bytes BIGINT NOT NULL, status VARCHAR NOT NULL,
                   row_count INTEGER NOT NULL, good_sha256 VARCHAR, read_run_id VARCHAR NOT NULL,
                   read_at TIMESTAMP NOT NULL)""")
    columns = ", ".join(f"{c} {'INTEGER' if c == 'row_number' else 'VARCHAR'}" for c in LANDING_COLUMNS)
    con.execute(f"CREATE TABLE landing.rows ({columns})")
    con.execute("INSERT INTO landing.files VALUES ('崂山区/a.csv', '崂山区', 'bad', 9, 'rejected', 0, 'good', 'r', "
                "now()), ('崂山区/b.csv', '崂山区', 'b', 9, 'loaded', 1, 'b', 'r', now())")
    con.execute("INSERT INTO landing.rows (district, source_file, file_sha256, row_number, item_name) VALUES "
                "('崂山区', '崂山区/a.csv', 'good', 2, '高龄津贴'), ('崂山区', '崂山区/b.csv', 'b', 2, '临时救助')")
    con.close()

    upgraded = db.connect(path)
    assert upgraded.sql("SELECT version FROM audit.schema_version").fetchall() == [(db.SCHEMA_VERSION,)]
    assert upgraded.sql("SELECT table_type FROM information_schema.tables WHERE table_schema = 'landing' "
                        "AND table_name = 'rows'").fetchall() == [("VIEW",)]
    assert _names(upgraded) == [("崂山区/a.csv", "高龄津贴"), ("崂山区/b.csv", "临时救助")]
    assert upgraded.sql("SELECT source_file, rows_file FROM landing.files ORDER BY 1").fetchall() == [
        ("崂山区/a.csv", rows_file_name("崂山区/a.csv", "good")), ("崂山区/b.csv", rows_file_name("崂山区/b.csv", "b"))]
    upgraded.close()
    assert _names(db.connect(path)) == [("崂山区/a.csv", "高龄津贴"), ("崂山区/b.csv", "临时救助")]


def test_a_warehouse_from_a_newer_mulu_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    db.connect(path).execute("UPDATE audit.schema_version SET version = ?", [db.SCHEMA_VERSION + 1]).close()
    with pytest.raises(db.WarehouseVersionError, match="更新版本"):
        db.connect(path)


def test_the_reader_processes_import_neither_duckdb_nor_pandas():
    """Each reader process imports the landing_files module: keeping it light keeps reading fast."""
    code = ("import sys, warehouse.landing_files; "
            "print(sorted(m for m in ('duckdb', 'pandas') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).parents[2])
    assert done.stdout.strip() == "[]"
