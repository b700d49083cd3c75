"""Read the inbox's new or changed files in worker processes, each writing its own rows file, and
record the readings in landing."""

import hashlib
from concurrent.futures import Executor, Future
from pathlib import Path

from flows.inbox import InboxScan
from transforms.ingest import FileFinding, IngestContext, empty_result, ingest_file
from warehouse import landing
from warehouse.landing import InboxFile, LandedFile
from warehouse.reference import Reference


def read_inbox_file(path: Path, source_file: str, district: str, context: IngestContext,
                    rows_dir: Path) -> LandedFile:
    """Read one file and write its rows file (runs in a worker process). A fault while reading
    becomes a finding, so no single file can stop the night."""
    data = path.read_bytes()
    try:
        result = ingest_file(data, source_file, district, context)
    except Exception as error:  # a bug or a pathological file: report it, keep the last good rows
        finding = FileFinding("file_unreadable", f"读取文件时出错（{type(error).__name__}），已保留上次成功报送的数据。")
        result = empty_result(district, source_file, hashlib.sha256(data).hexdigest(), [finding])
    return landing.write_rows(result, rows_dir)


def submit_reads(pool: Executor, scan: InboxScan, to_read: list[InboxFile], reference: Reference,
                 rows_dir: Path) -> dict[str, Future]:
    context = IngestContext(reference.synonyms, reference.towns)
    return {f.source_file: pool.submit(read_inbox_file, scan.paths[f.source_file], f.source_file, f.district,
                                       context, rows_dir)
            for f in to_read}


def store_district_files(con, files: list[InboxFile], reads: dict[str, Future], run_id: str) -> int:
    """Record one district's file readings in landing as they complete; returns the rows landed."""
    landed = 0
    for inbox_file in files:
        reading = reads.pop(inbox_file.source_file).result()
        landing.store_landed(con, reading, inbox_file.size_bytes, run_id)
        landed += reading.row_count
    return landed
