"""Write the published 指导目录清单 as files people open (the district reports: warehouse/reports/district.py).

Files go to a temporary folder first and are swapped in by one rename (warehouse/swap.py), so a
reader never sees half a file, a missing file or files of two versions, and a crash never replaces
the last good files.
"""

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import xlsxwriter

from transforms.fields import SITE_LEVELS, TOWN_LEVEL, label
from warehouse import swap
from warehouse.files.site_items import write_site_items
from warehouse.sql_literal import path_literal
from warehouse.workbook import WORKBOOK_OPTIONS, write_sheet

CATALOG_BASENAME = "便民服务事项指导目录清单"
SITE_ITEMS_BASENAME = "便民服务站点事项"  # every site's items of the version (published.site_items)
# Column headers of the published list: the element labels, and a few words of its own.
CATALOG_LABELS = {
    **{name: label(name) for name in ("site_level", "item_name", "item_type", "item_family", "department",
                                      "legal_basis", "exercise_levels", "acceptance_conditions", "materials",
                                      "statutory_limit", "promised_limit", "fee_basis", "handling_type")},
    "version": "版本",
    "catalog_code": "事项编码",
    "fee_charged": "是否收费",
    "is_online": "网上可办",
    "is_proxy": "帮办代办",
    "district_count": "开展区(市)数",
    "guide_extras": "其他指南要素",
    "site_count": "开展站点数",
}


def _people_frame(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Booleans as 是/否, columns in Chinese."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool or str(out[column].dtype) == "boolean":
            out[column] = out[column].map({True: "是", False: "否"})
    return out.rename(columns=labels)


def catalog_frame(con: duckdb.DuckDBPyConnection, version: int) -> pd.DataFrame:
    """One published version's rows (published.catalog_items without the version column)."""
    return con.execute(
        "SELECT * EXCLUDE (version) FROM published.catalog_items WHERE version = ? "
        "ORDER BY site_level DESC, catalog_code", [version]).df()


def catalog_for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """The list as people read it: Chinese headers, 是/否, and the catalog's other guide elements
    (服务对象, 办理地点 …) as columns of their own after the standard ones."""
    extras = pd.DataFrame([json.loads(text) if isinstance(text, str) else {} for text in frame["guide_extras"]],
                          index=frame.index)
    people = _people_frame(frame.drop(columns=["guide_extras"]), CATALOG_LABELS)
    return pd.concat([people, extras.drop(columns=[c for c in extras.columns if c in people.columns])], axis=1)


def write_list_files(frame: pd.DataFrame, folder: Path, stem: str) -> list[Path]:
    """The list as xlsx (one sheet per site level) and csv (UTF-8 with BOM) in folder."""
    people = catalog_for_people(frame)
    workbook = xlsxwriter.Workbook(folder / f"{stem}.xlsx", WORKBOOK_OPTIONS)
    widths = {"事项名称": 30, "设定依据": 40, "受理条件": 40, "申请材料": 40}
    for level in sorted(SITE_LEVELS, key=lambda lv: lv != TOWN_LEVEL):
        write_sheet(workbook, level, people[frame["site_level"] == level].drop(columns=["便民服务层级"]), widths)
    workbook.close()
    people.to_csv(folder / f"{stem}.csv", index=False, encoding="utf-8-sig")
    return [folder / f"{stem}.xlsx", folder / f"{stem}.csv"]


def write_catalog_files(con: duckdb.DuckDBPyConnection, version: int, out_dir: Path) -> list[Path]:
    """xlsx (one sheet per level), csv (UTF-8 with BOM) and parquet of one version, atomically."""
    out_dir = Path(out_dir)
    frame = catalog_frame(con, version)
    for left in out_dir.glob(".tmp-v*"):  # this version's, or one a killed run left half-written
        shutil.rmtree(left, ignore_errors=True)
    tmp = out_dir / f".tmp-v{version}"
    tmp.mkdir(parents=True)
    stem = f"{CATALOG_BASENAME}_v{version}"
    write_list_files(frame, tmp, stem)
    con.execute(
        f"COPY (SELECT * FROM published.catalog_items WHERE version = {int(version)} "
        f"ORDER BY site_level DESC, catalog_code) TO {path_literal(tmp / f'{stem}.parquet')} (FORMAT parquet)")
    final = version_dir(out_dir, version)
    write_site_items(con, tmp / site_items_name(version), _previous_site_items(out_dir, version))
    final.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)
    return publish_latest(out_dir, final, version)


def version_dir(out_dir: Path, version: int) -> Path:
    return Path(out_dir) / "versions" / f"v{version:04d}"


def site_items_name(version: int) -> str:
    """The version's site items folder (warehouse/files/site_items.py)."""
    return f"{SITE_ITEMS_BASENAME}_v{version}"


def _previous_site_items(out_dir: Path, version: int) -> Path | None:
    """The site items folder of the latest version written (this one, written again, included)."""
    for number in range(version, 0, -1):
        folder = version_dir(out_dir, number) / site_items_name(number)
        if folder.is_dir():
            return folder
    return None


def copy_unordered(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> None:
    """A query's rows to parquet in no particular order: without keeping the order DuckDB writes on
    every core, three times faster for a province's site items (readers sort as they need)."""
    con.execute("SET preserve_insertion_order = false")
    try:
        con.execute(f"COPY ({query}) TO {path_literal(path)} (FORMAT parquet)")
    finally:
        con.execute("RESET preserve_insertion_order")


LATEST_DIR = ".latest"  # the current version's files under their plain names (a link, swapped whole)


def publish_latest(out_dir: Path, version_dir: Path, version: int) -> list[Path]:
    """Make a version's files the current ones, all at once.

    OUT/<name> is a link to .latest/<name>, and .latest a link to one complete build holding the
    version's files under their plain names: the single rename of .latest changes the whole set,
    so a reader never sees the xlsx of one version beside the csv of another, nor a missing file."""
    name = f"v{version:04d}-{datetime.now():%Y%m%dT%H%M%S%f}"
    tmp = swap.new_build(out_dir / ".latest-builds", name)
    for path in sorted(version_dir.iterdir()):
        swap.link_tree(path, tmp / path.name.replace(f"_v{version}", ""))  # the same bytes as versions/
    swap.publish_build(tmp, name, out_dir / LATEST_DIR)
    latest = []
    for path in sorted((out_dir / LATEST_DIR).iterdir()):
        target, pointer = out_dir / path.name, f"{LATEST_DIR}/{path.name}"
        if not (target.is_symlink() and os.readlink(target) == pointer):  # made once: a file from before is replaced
            swap.replace_link(target, pointer)
        latest.append(target)
    for gone in out_dir.iterdir():  # a file an earlier mulu published that a version no longer has
        if gone.is_symlink() and os.readlink(gone).startswith(f"{LATEST_DIR}/") and not gone.exists():
            gone.unlink()
    return latest
