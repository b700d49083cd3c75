"""A version's site items (便民服务站点事项, published.site_items) as a folder of one part per district:
<folder>/<区(市)>/*.parquet, every column of core.site_items in its order, rows in no particular order.

A night that rebuilt one district writes one part; every other district's part is a hard link to
the previous version's (builds.json in each folder says which build of each district it holds), so
a province's 6.5 M rows are neither written again nor stored again for every version. Read them all
with `read_parquet('<folder>/*/*.parquet')`.
"""

import json
from pathlib import Path

import duckdb

from warehouse.sql_literal import path_literal, text_list
from warehouse.swap import link_tree

BUILDS_FILE = "builds.json"  # district -> the run that built the rows its part holds
NO_DISTRICT = "（未定区市）"  # the part of rows without a district (always written)
PARQUET_OPTIONS = "COMPRESSION zstd, COMPRESSION_LEVEL 1"  # as fast as snappy here, and 30 % smaller


def part_name(district: str | None) -> str:
    return (district or NO_DISTRICT).replace("/", "／")


def write_site_items(con: duckdb.DuckDBPyConnection, folder: Path, previous: Path | None) -> None:
    """published.site_items into folder (new); districts built as in `previous` are linked from it."""
    builds = dict(con.sql("SELECT district, built_run FROM published.site_districts").fetchall())
    before = _builds_of(previous)
    folder.mkdir(parents=True)
    kept = sorted(d for d, run in builds.items() if before.get(d) == run and (previous / part_name(d)).is_dir())
    for district in kept:
        link_tree(previous / part_name(district), folder / part_name(district))
    columns = ", ".join(con.sql("SELECT * FROM core.site_items").columns)
    written = sorted((d for (d,) in con.sql("SELECT DISTINCT district FROM published.site_items").fetchall()
                      if d not in kept), key=lambda d: (d is None, d or ""))
    # A COPY per district: one COPY partitioned by district was seven times slower (160 open files).
    # One at a time: two at once finished the files no sooner and slowed the site built beside them.
    con.execute("SET preserve_insertion_order = false")  # for the whole database: readers sort as they need
    try:
        for district in written:
            where = "district IS NULL" if district is None else f"district = {text_list([district])}"
            part = folder / part_name(district)
            part.mkdir()
            con.execute(f"COPY (SELECT {columns} FROM published.site_items WHERE {where}) "
                        f"TO {path_literal(part / 'data_0.parquet')} (FORMAT parquet, {PARQUET_OPTIONS})")
    finally:
        con.execute("RESET preserve_insertion_order")
    (folder / BUILDS_FILE).write_text(json.dumps(builds, ensure_ascii=False, sort_keys=True, indent=1),
                                      encoding="utf-8")


def _builds_of(folder: Path | None) -> dict[str, str]:
    if folder is None or not (folder / BUILDS_FILE).is_file():
        return {}
    return json.loads((folder / BUILDS_FILE).read_text(encoding="utf-8"))


def parquet_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/*.parquet"))
