"""A version's site items as one part per district: unchanged districts are the previous version's
bytes (hard links), the parts together are published.site_items."""

import json

import duckdb

from tests.warehouse.test_publish import ROWS, warehouse
from warehouse.files import catalog_list
from warehouse.publish import build_candidate, publish
from warehouse.files.site_items import BUILDS_FILE, NO_DISTRICT, parquet_files, write_site_items
from warehouse.sql_literal import path_literal

PUBLISHED = "SELECT district, town, community, catalog_code, item_id FROM published.site_items ORDER BY ALL"


def read_parts(folder) -> list[tuple]:
    return duckdb.sql(f"SELECT district, town, community, catalog_code, item_id FROM "
                      f"read_parquet({path_literal(folder / '*' / '*.parquet')}) ORDER BY ALL").fetchall()


def test_a_district_built_again_is_the_only_part_written(tmp_path):
    con = warehouse(ROWS)
    con.execute("INSERT INTO core.district_inputs VALUES ('市南区', 's1', 'run1'), ('市北区', 's2', 'run1')")
    publish(con, "run1", build_candidate(con))
    first = tmp_path / "v1"
    write_site_items(con, first, None)
    assert sorted(p.name for p in first.iterdir()) == [BUILDS_FILE, "市北区", "市南区"]
    assert read_parts(first) == con.sql(PUBLISHED).fetchall()
    assert con.sql("SELECT * FROM core.site_items").columns == \
        duckdb.sql(f"SELECT * FROM read_parquet({path_literal(parquet_files(first)[0])})").columns

    # run2 builds 市北区 again (one row fewer) and adds a row of no district
    con.execute("DELETE FROM core.site_items WHERE district = '市北区' AND community IS NOT NULL")
    con.execute("INSERT INTO core.site_items (item_id, district, town, site_level, source_file, row_number, "
                "catalog_code, match_method) VALUES (99, NULL, '某街道', '镇(街道)', 'g.xlsx', 2, '000120003000', 'code')")
    con.execute("UPDATE core.district_inputs SET built_run = 'run2' WHERE district = '市北区'")
    publish(con, "run2", build_candidate(con))
    second = tmp_path / "v2"
    write_site_items(con, second, first)
    [south_before], [south_after] = (first / "市南区").glob("*.parquet"), (second / "市南区").glob("*.parquet")
    assert south_after.stat().st_ino == south_before.stat().st_ino, "an unchanged district is linked"
    [north_before], [north_after] = (first / "市北区").glob("*.parquet"), (second / "市北区").glob("*.parquet")
    assert north_after.stat().st_ino != north_before.stat().st_ino
    assert (second / NO_DISTRICT).is_dir() and read_parts(second) == con.sql(PUBLISHED).fetchall()
    assert json.loads((second / BUILDS_FILE).read_text(encoding="utf-8")) == {"市北区": "run2", "市南区": "run1"}
    assert read_parts(first) != read_parts(second), "the earlier version's parts are untouched"


def test_the_single_file_of_an_earlier_mulu_leaves_with_its_version(tmp_path):
    out = tmp_path / "out"
    old = catalog_list.version_dir(out, 1)
    old.mkdir(parents=True)
    (old / f"{catalog_list.CATALOG_BASENAME}_v1.csv").write_text("a\n", encoding="utf-8")
    (old / f"{catalog_list.SITE_ITEMS_BASENAME}_v1.parquet").write_bytes(b"PAR1")  # as mulu wrote it before
    catalog_list.publish_latest(out, old, 1)
    assert (out / f"{catalog_list.SITE_ITEMS_BASENAME}.parquet").is_file()

    new = catalog_list.version_dir(out, 2)
    (new / catalog_list.site_items_name(2) / "市南区").mkdir(parents=True)
    (new / catalog_list.site_items_name(2) / "市南区" / "data_0.parquet").write_bytes(b"PAR1")
    (new / f"{catalog_list.CATALOG_BASENAME}_v2.csv").write_text("b\n", encoding="utf-8")
    catalog_list.publish_latest(out, new, 2)
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == \
        {f"{catalog_list.CATALOG_BASENAME}.csv", catalog_list.SITE_ITEMS_BASENAME, "versions"}, "no dangling link left"
    assert (out / catalog_list.SITE_ITEMS_BASENAME / "市南区" / "data_0.parquet").is_file()
