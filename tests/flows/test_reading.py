"""Reading in worker processes: a file whose reader process dies cannot stop the night."""

import textwrap

from flows import reading
from flows.inbox import scan_inbox
from flows.pools import worker_pool
from transforms.ingest import IngestContext
from warehouse.reference import load_reference

CSV = "事项名称,事项编码,事项类型\n{name},000120001000,公共服务\n"


def test_a_file_that_kills_its_reader_process_becomes_a_finding_and_the_others_land(tmp_path, monkeypatch):
    # A stand-in for a native crash: the reader process exits at once on files named crash*.
    (tmp_path / "crashing_reader.py").write_text(textwrap.dedent("""
        import os
        from warehouse.landing_files import land_file

        def land(path, *args):
            if path.name.startswith("crash"):
                os._exit(70)
            return land_file(path, *args)
    """), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))  # spawned reader processes get this sys.path
    import crashing_reader

    monkeypatch.setattr(reading, "land_file", crashing_reader.land)
    inbox = tmp_path / "inbox" / "崂山区"
    inbox.mkdir(parents=True)
    for name in ("a.csv", "crash.csv", "b.csv", "c.csv"):
        (inbox / name).write_text(CSV.format(name=f"事项{name}"), encoding="utf-8")
    reference = load_reference()
    scan = scan_inbox(tmp_path / "inbox", reference.districts)

    with worker_pool(2) as pool:
        context = IngestContext(reference.synonyms, reference.towns)
        reads = reading.submit_reads(pool, scan, scan.files, context, tmp_path / "rows")
        landed = {f.source_file: reads.landed(f) for f in scan.files}

    crashed = landed.pop("崂山区/crash.csv")
    assert (crashed.row_count, crashed.rows_file) == (0, None)
    assert [(f.rule, f.message) for f in crashed.findings] == [("file_unreadable", reading.CRASHED_MESSAGE)]
    assert {source: r.row_count for source, r in landed.items()} == {"崂山区/a.csv": 1, "崂山区/b.csv": 1,
                                                                    "崂山区/c.csv": 1}
    assert all((tmp_path / "rows" / r.rows_file).is_file() for r in landed.values())
