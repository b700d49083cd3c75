"""Land one inbox file: read it and write its rows as one parquet file in the rows folder.

Runs in the reader processes, so it imports only what reading needs (no DuckDB, no pandas);
warehouse/landing.py records the result in the warehouse. The readers and pyarrow are imported
where a file is landed: a night with nothing to read never imports them.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transforms.ingest import FileFinding, IngestContext, IngestResult

ROWS_DIR_SUFFIX = ".landing"
LAYOUT_KEY = "mulu_layout"  # the rows file's metadata key of where each field was read (IngestResult.layout)


@dataclass(frozen=True)
class LandedFile:
    """One file's reading as its reader process reports it: the rows stay in rows_file."""

    district: str
    source_file: str
    file_sha256: str
    row_count: int
    rows_file: str | None  # name in the rows folder; None when the file gave no rows
    findings: list[FileFinding]


FILTERED_COLUMNS = ["district", "source_file"]


def rows_dir(warehouse: str | Path) -> Path:
    """The folder of landed rows that belongs to a warehouse file (mulu.duckdb → mulu.landing/)."""
    return Path(warehouse).with_suffix(ROWS_DIR_SUFFIX)


def rows_file_name(source_file: str, file_sha256: str) -> str:
    """Named by path and content: a re-read of the same version rewrites the same file."""
    return hashlib.sha256(f"{source_file}\0{file_sha256}".encode()).hexdigest()[:32] + ".parquet"


def land_file(path: Path, source_file: str, district: str, context: IngestContext, directory: Path) -> LandedFile:
    """Read one file and write its rows file. A fault while reading becomes a finding, so no single
    file can stop the night."""
    from transforms.ingest import FileFinding, empty_result, ingest_file, sha256

    try:
        data = path.read_bytes()
    except OSError as error:  # moved or deleted since the inbox was scanned, or unreadable on disk
        finding = FileFinding("file_unreadable", f"无法打开文件（{type(error).__name__}），可能已被移动或删除，"
                                                 "已保留上次成功报送的数据。")
        return write_rows(empty_result(district, source_file, "", [finding]), directory)
    collecting = gc.isenabled()
    gc.disable()  # a sheet's millions of cells are acyclic: collecting cycles among them was 5 % of reading
    try:
        result = ingest_file(data, source_file, district, context)
    except BaseException as error:  # a bug or a pathological file: report it, keep the last good rows
        # A panic in a Rust reader (calamine) arrives as pyo3's PanicException, a BaseException.
        if not isinstance(error, Exception) and type(error).__name__ != "PanicException":
            raise  # KeyboardInterrupt, SystemExit
        finding = FileFinding("file_unreadable", f"读取文件时出错（{type(error).__name__}），已保留上次成功报送的数据。")
        result = empty_result(district, source_file, sha256(data), [finding])
    finally:
        if collecting:
            gc.enable()
    return write_rows(result, directory)


def write_rows(result: IngestResult, directory: Path) -> LandedFile:
    """Write a reading's rows as parquet, atomically: a crash leaves no half-written rows file."""
    import pyarrow.parquet as pq

    name = None
    if result.usable:
        name = rows_file_name(result.source_file, result.file_sha256)
        directory.mkdir(parents=True, exist_ok=True)
        partial = directory / f"{name}.{os.getpid()}.partial"
        # Statistics only where the warehouse filters (a night reads some districts' rows): the other
        # columns' min/max cost a third of writing and are never read.
        rows = result.rows
        if result.layout:
            rows = rows.replace_schema_metadata({**(rows.schema.metadata or {}),
                                                 LAYOUT_KEY: json.dumps(result.layout, ensure_ascii=False)})
        pq.write_table(rows, partial, write_statistics=FILTERED_COLUMNS)
        os.replace(partial, directory / name)
    return LandedFile(result.district, result.source_file, result.file_sha256, result.rows.num_rows, name,
                      result.findings)
