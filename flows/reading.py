"""Read the inbox's new or changed files in worker processes (each writes its own rows file) and
record the readings in landing, district by district."""

from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from flows.inbox import InboxScan
from flows.pools import process_pool
from transforms.column_content import ContentKnowledge
from transforms.ingest import FileFinding, IngestContext, context_for, reading_key
from transforms.name_identity import identity_of
from transforms.template_layout import CATALOG_COLUMNS, catalog_fingerprints
from warehouse.build import catalog_for_matching
from warehouse import landing
from warehouse.landing import InboxFile
from warehouse.landing_files import LandedFile, land_file
from warehouse.reference import Reference

CRASHED_MESSAGE = "读取文件时读取进程异常退出（文件可能已损坏），本文件未读取，已保留上次成功报送的数据。"


@dataclass
class PendingReads:
    """The files being read by a pool of reader processes."""

    futures: dict[str, Future]
    paths: dict[str, Path]
    context: IngestContext
    rows_dir: Path
    reading_key: str  # what the readings depended on (transforms.ingest.reading_key)

    def landed(self, inbox_file: InboxFile) -> LandedFile:
        """The file's reading once done. A reader process that died (a crash in a native reader, or
        killed for memory) breaks the whole pool (on Dask: the task's worker is killed), so each file
        it leaves unread is read again alone."""
        try:
            return self.futures.pop(inbox_file.source_file).result()
        except Exception as error:
            if not isinstance(error, BrokenProcessPool) and type(error).__name__ != "KilledWorker":  # Dask's
                raise
            return land_alone(self.paths[inbox_file.source_file], inbox_file, self.context, self.rows_dir)


def reading_context(con, reference: Reference) -> IngestContext:
    """What the reader processes need: header words, towns, and the catalog's names and codes and
    the vocabularies, to read columns by their content; its items' elements, to compare a template
    made from an older catalog with it."""
    catalog = catalog_for_matching(con, reference)
    identities = [identity_of(*row) for row in zip(
        catalog["name_key"].fillna(""), catalog["name_situations"].fillna(""), catalog["name_qualifier"].fillna(""),
        catalog["name_notes"].fillna(""), catalog["name_guide"].fillna(False))]
    knowledge = ContentKnowledge(
        name_keys=frozenset(k for i in identities for k in (i.core, i.flat) if k),
        code_keys=frozenset(k for keys in catalog["code_keys"] for k in keys if "#" not in k),
        vocabulary=reference.vocabulary, towns=reference.towns)
    items = con.sql(f"SELECT catalog_code, {', '.join(CATALOG_COLUMNS)} FROM core.catalog_items").df()
    return IngestContext(reference.synonyms, reference.towns, knowledge, reference.communities,
                         catalog_fingerprints(items.to_dict("records")))


def submit_reads(pool: Executor, scan: InboxScan, to_read: list[InboxFile], context: IngestContext,
                 rows_dir: Path, on_read=None) -> PendingReads:
    """Start reading the files; on_read(rows) is called as each one is done (for progress)."""
    paths = {f.source_file: scan.paths[f.source_file] for f in to_read}
    futures = {f.source_file: pool.submit(land_file, paths[f.source_file], f.source_file, f.district,
                                          context_for(context, f.district), rows_dir)
               for f in to_read}
    if on_read is not None:
        for future in futures.values():
            future.add_done_callback(
                lambda done: on_read(0 if done.cancelled() or done.exception() else done.result().row_count))
    return PendingReads(futures, paths, context, rows_dir, reading_key(context))


def land_alone(path: Path, inbox_file: InboxFile, context: IngestContext, rows_dir: Path) -> LandedFile:
    """Read one file in a process of its own; if that dies too, the file becomes a finding."""
    with process_pool(1) as pool:
        try:
            return pool.submit(land_file, path, inbox_file.source_file, inbox_file.district,
                               context_for(context, inbox_file.district), rows_dir).result()
        except BrokenProcessPool:
            return LandedFile(inbox_file.district, inbox_file.source_file, inbox_file.file_sha256, 0, None,
                              [FileFinding("file_unreadable", CRASHED_MESSAGE)])


def store_district_files(con, files: list[InboxFile], reads: PendingReads, run_id: str) -> int:
    """Record one district's file readings in landing once they are all done; returns the rows landed."""
    readings = [(reads.landed(f), f.size_bytes) for f in files]
    landing.store_readings(con, readings, run_id, reads.reading_key)
    return sum(landed.row_count for landed, _ in readings)
