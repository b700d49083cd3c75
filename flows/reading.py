"""Read the inbox's new or changed files in worker processes (each writes its own rows file) and
record the readings in landing, district by district."""

from concurrent.futures import Executor, Future
from pathlib import Path

from flows.inbox import InboxScan
from transforms.ingest import IngestContext
from warehouse import landing
from warehouse.landing import InboxFile
from warehouse.landing_files import land_file
from warehouse.reference import Reference


def submit_reads(pool: Executor, scan: InboxScan, to_read: list[InboxFile], reference: Reference,
                 rows_dir: Path) -> dict[str, Future]:
    context = IngestContext(reference.synonyms, reference.towns)
    return {f.source_file: pool.submit(land_file, scan.paths[f.source_file], f.source_file, f.district, context,
                                       rows_dir)
            for f in to_read}


def store_district_files(con, files: list[InboxFile], reads: dict[str, Future], run_id: str) -> int:
    """Record one district's file readings in landing once they are all done; returns the rows landed."""
    readings = [(reads.pop(f.source_file).result(), f.size_bytes) for f in files]
    landing.store_readings(con, readings, run_id)
    return sum(landed.row_count for landed, _ in readings)
