"""A read-only snapshot of the product's views beside the published files: OUT/snapshot/<view>.parquet
(site_items: a folder of one part per district after a run that published, site_item_parts.py).

Staff cannot open the warehouse while a refresh runs (DuckDB: one writer, no readers). After each
run that publishes or is blocked, the views people query are written as parquet and swapped in
whole (warehouse/swap.py); `mulu query "SQL"` reads them with a DuckDB of its own, so no reader
ever blocks the night and the night never blocks a reader.
"""

from datetime import datetime
from pathlib import Path

import duckdb

from warehouse import swap
from warehouse.files.catalog_list import copy_unordered
from warehouse.files.site_items import parquet_files
from warehouse.sql_literal import path_literal

SNAPSHOT_DIR = "snapshot"
BUILDS_DIR = ".snapshot-builds"
VIEWS = ("catalog", "catalog_versions", "catalog_changes", "findings", "catalog_findings", "review_queue",
         "submissions", "site_items", "site_coverage", "runs")


def write_snapshot(con: duckdb.DuckDBPyConnection, out_dir: Path, site_items: Path | None = None) -> Path:
    """Every view in VIEWS as parquet, swapped in together; the snapshot folder.

    site_items: the published version's site items folder, holding exactly core.site_items after a
    run that published: linked, not written again (a province's is millions of rows)."""
    out_dir = Path(out_dir)
    name = datetime.now().strftime("%Y%m%dT%H%M%S%f")
    tmp = swap.new_build(out_dir / BUILDS_DIR, name)
    for view in VIEWS:
        path = tmp / f"{view}.parquet"
        if view == "site_items" and site_items is not None and parquet_files(site_items):
            swap.link_tree(site_items, tmp / view)
        elif view == "site_items":  # the largest view: written in no particular order, on every core
            copy_unordered(con, "SELECT * FROM main.site_items", path)
        else:
            con.execute(f"COPY (SELECT * FROM main.{view}) TO {path_literal(path)} (FORMAT parquet)")
    (tmp / "README.txt").write_text(
        f"mulu 只读快照，生成于 {datetime.now():%Y-%m-%d %H:%M:%S}。用 mulu query \"SQL\" --out {out_dir} 查询；"
        "各文件即仓库中同名视图（见 README 的视图说明）。\n", encoding="utf-8")
    swap.publish_build(tmp, name, out_dir / SNAPSHOT_DIR)
    return out_dir / SNAPSHOT_DIR


def snapshot_connection(out_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per snapshot file, named as the warehouse's views."""
    folder = (Path(out_dir) / SNAPSHOT_DIR).resolve()  # fixed once: a swap during a query does not move it
    if not folder.is_dir():
        raise FileNotFoundError(f"{Path(out_dir) / SNAPSHOT_DIR}（还没有快照：mulu refresh 发布后生成）")
    con = duckdb.connect()
    for path in sorted(folder.glob("*.parquet")):
        con.execute(f"CREATE VIEW {path.stem} AS SELECT * FROM read_parquet({path_literal(path)})")
    for path in sorted(p for p in folder.iterdir() if p.is_dir() and parquet_files(p)):  # parts of a view
        con.execute(f"CREATE VIEW {path.name} AS SELECT * FROM read_parquet({path_literal(path / '*' / '*.parquet')})")
    return con
