"""`make bench`: time the nightly refresh on the city sample against the floor of decoding its files.

Measures, each as a separate process (wall seconds and peak RSS of the largest process in its tree):
  (a) decoding every inbox file with calamine (csv with Python's codecs + csv): the floor;
  (b) a full `mulu refresh` into a new warehouse;
  (c) a second `mulu refresh` with nothing changed;
  (e) a night with one district's file changed (one row fewer in one csv): only that district is
      built again (warehouse/increments.py);
  (d) landing every inbox file as the refresh does (read, find the table, write its rows file),
      but in one process: ingestion's cost per core, against (a).
Refreshes talk to a running Prefect server, as the nightly deployment does (`mulu serve`); one more
full refresh runs as the README's cron line runs it, with a temporary server (b_temporary_server).
BENCH_SCALE=province measures the 16-city sample (`mulu sample --scale province`, ≈6.5 M rows, with
its reference folder); BENCH_REPEAT sets the rounds.
Each is run --repeat times (default 3); the median round is reported with every round's seconds.
Prints rows, seconds, peak RSS, the ratios b/a and c/b, ingestion throughput against decoding
(the refresh's ingest stage, and (d)), and match accuracy against truth.
The public site: its build seconds (the refresh's `site` stage) against the whole refresh, its
largest page apart from the search data, and the search's answer time in headless Chromium.csv.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

BENCH_DIR = Path("data/bench")

DECODE_SCRIPT = r"""
import csv, io, sys
from pathlib import Path
from python_calamine import CalamineWorkbook
from transforms.readers import decode_text
rows = 0
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            rows += len(wb.get_sheet_by_name(name).to_python())
    elif path.suffix.lower() in (".csv", ".tsv"):
        text, _ = decode_text(path.read_bytes())
        rows += sum(1 for _ in csv.reader(io.StringIO(text, newline="")))
print(rows)
"""

LAND_SCRIPT = r"""
import sys, tempfile
from pathlib import Path
from flows.reading import reading_context
from transforms.readers import ACCEPTED_SUFFIXES
from warehouse import db
from warehouse.catalog_store import load_catalog
from warehouse.landing_files import land_file
from warehouse.reference import CATALOG_SEED, load_reference
reference = load_reference()
con = db.connect()  # what the refresh's readers know: the catalog's names and codes, the vocabularies
load_catalog(con, CATALOG_SEED.read_bytes(), CATALOG_SEED.name, reference)
context = reading_context(con, reference)
con.close()
inbox = Path(sys.argv[1])
rows = 0
with tempfile.TemporaryDirectory() as rows_dir:
    for path in sorted(inbox.rglob("*")):
        if path.suffix.lower() in ACCEPTED_SUFFIXES:
            source_file = path.relative_to(inbox).as_posix()
            rows += land_file(path, source_file, source_file.split("/")[0], context, Path(rows_dir)).row_count
print(rows)
"""


@contextmanager
def one_row_fewer(inbox: Path):
    """One district sends its csv again with its last row gone; put back afterwards."""
    sheet = sorted(inbox.rglob("*.csv"))[0]
    original = sheet.read_bytes()
    lines = original.rstrip(b"\r\n").split(b"\n")
    sheet.write_bytes(b"\n".join(lines[:-1]) + b"\n")
    try:
        yield sheet
    finally:
        sheet.write_bytes(original)


def measure(command: list[str], env: dict) -> dict:
    """Run a command in a fresh wrapper process; wall seconds and the tree's peak RSS."""
    wrapper = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "wall = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'seconds': wall, 'peak_rss_mib': rss / 1024, 'code': p.returncode,"
        " 'stdout': p.stdout[-4000:], 'stderr': p.stderr[-4000:]}))\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True, env=env)
    result = json.loads(done.stdout)
    if result["code"] != 0:
        raise SystemExit(f"command failed: {' '.join(command)}\n{result['stderr']}")
    return result


def _median(runs: list[dict]) -> dict:
    """The run with the median wall time, with the spread of all runs."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    middle = dict(ordered[len(ordered) // 2])
    middle["all_seconds"] = [round(r["seconds"], 2) for r in runs]
    return middle


def _last_stage_seconds(warehouse: Path) -> dict:
    from warehouse.db import read_rows

    [(stages,)] = read_rows(warehouse, "SELECT stage_seconds FROM runs ORDER BY started_at DESC LIMIT 1")
    return json.loads(stages)


SEARCH_QUERIES = ["低保", "社保", "残疾", "供水", "证明", "登记", "补贴", "许可", "0005", "老年人 补贴"]


def site_figures(site: Path, refresh_seconds: float, site_seconds: float | None) -> dict:
    """Build time against the refresh, the largest page (the search data apart), and the slowest
    search of SEARCH_QUERIES in headless Chromium (search and drawing the results, median of 5)."""
    pages = [p for p in site.rglob("*") if p.is_file() and p.relative_to(site).parts[0] != "data"]
    largest = max(pages, key=lambda p: p.stat().st_size)
    figures = {"site_seconds": site_seconds,
               "site_over_refresh": round(site_seconds / refresh_seconds, 3) if site_seconds else None,
               "site_files": len(pages), "site_largest_page_kib": round(largest.stat().st_size / 1024, 1),
               "site_largest_page": largest.relative_to(site).as_posix(),
               "search_data_kib": round((site / "data" / "search-index.js").stat().st_size / 1024, 1)}
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser = None
    if browser is None:
        return {**figures, "search_ms_max": None, "search_note": "no Chromium or Playwright here"}
    timings = {}
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser, args=["--no-sandbox"])
        page = chromium.new_page()
        page.goto((site / "search.html").resolve().as_uri())
        for query in SEARCH_QUERIES:
            runs = page.evaluate("""q => Array.from({length: 5}, () => {
                const t = performance.now(); window.muluRender(q); return performance.now() - t; })""", query)
            timings[query] = round(sorted(runs)[2], 2)
        chromium.close()
    return {**figures, "search_ms": timings, "search_ms_max": max(timings.values())}


def start_prefect_server(home: Path, port: int, env: dict) -> subprocess.Popen:
    env = {**env, "PREFECT_HOME": str(home)}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2)
            return server
        except OSError:
            time.sleep(1)
    server.terminate()
    raise SystemExit("the Prefect server did not start within 180 s")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default=os.environ.get("BENCH_SCALE", "city"), choices=["small", "city", "province"])
    parser.add_argument("--port", type=int, default=4299)
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 3)),
                        help="rounds; the median round is reported")
    args = parser.parse_args(argv)

    from flows.sample import SAMPLE_VERSION, generate_city, generate_province
    from flows.scoring import score, score_findings, score_sites
    from warehouse.landing_files import rows_dir

    sample = BENCH_DIR / f"{args.scale}-v{SAMPLE_VERSION}"  # a new generator builds a new sample
    if not (sample / "truth.csv").exists():
        print(f"building the {args.scale} sample once (cached in {sample}) …", flush=True)
        started = time.perf_counter()
        if args.scale == "province":
            generate_province(sample)
        else:
            generate_city(sample, scale=args.scale)
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    inbox, warehouse, out = sample / "inbox", BENCH_DIR / f"{args.scale}.duckdb", BENCH_DIR / f"{args.scale}-out"
    shutil.rmtree(out, ignore_errors=True)

    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PYTHONPATH": str(Path.cwd())}
    env.pop("PREFECT_API_URL", None)
    server = start_prefect_server((BENCH_DIR / "prefect-home").resolve(), args.port, env)
    env["PREFECT_API_URL"] = f"http://127.0.0.1:{args.port}/api"
    mulu = str(Path(sys.executable).parent / "mulu")
    refresh = [mulu, "refresh", "--inbox", str(inbox), "--warehouse", str(warehouse), "--out", str(out)]
    if (sample / "reference").is_dir():  # the province's districts and towns
        refresh += ["--reference", str(sample / "reference")]
    try:
        decodes, fulls, agains, lands, ingest_stages, ones = [], [], [], [], [], []
        for _ in range(args.repeat):  # each round: a fresh warehouse, a full refresh, then an unchanged one
            for path in (warehouse, Path(f"{warehouse}.wal")):
                path.unlink(missing_ok=True)
            shutil.rmtree(rows_dir(warehouse), ignore_errors=True)
            decodes.append(measure([sys.executable, "-c", DECODE_SCRIPT, str(inbox)], env))
            fulls.append(measure(refresh, env))
            ingest_stages.append(_last_stage_seconds(warehouse)["ingest"])
            agains.append(measure(refresh, env))
            with one_row_fewer(inbox):
                ones.append(measure(refresh, env))
            lands.append(measure([sys.executable, "-c", LAND_SCRIPT, str(inbox)], env))
        decode, full, again, land, one = (_median(runs) for runs in (decodes, fulls, agains, lands, ones))
        measure(refresh, env)  # the district's file is back: the warehouse matches the truth file again
        # As the README's cron line runs it: no server, so the refresh starts a temporary one.
        alone = BENCH_DIR / f"{args.scale}-temporary-server"
        shutil.rmtree(alone, ignore_errors=True)
        without_server = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
        temporary = measure([*refresh[:3], str(inbox), "--warehouse", str(alone / "w.duckdb"), "--out",
                             str(alone / "out"), *refresh[8:]], without_server)
        shutil.rmtree(alone, ignore_errors=True)
    finally:
        server.terminate()
        server.wait(timeout=30)

    figures = score(warehouse, sample / "truth.csv")
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    last_round = con.sql("SELECT status, stage_seconds FROM runs ORDER BY started_at").fetchall()
    con.close()
    decoded_rows = int(decode["stdout"].strip().splitlines()[-1])
    report = {
        "scale": args.scale,
        "rows": figures["truth_rows"],
        "decoded_sheet_rows": decoded_rows,
        **{name: {"seconds": round(run["seconds"], 2), "all_seconds": run["all_seconds"],
                  "peak_rss_mib": round(max(r["peak_rss_mib"] for r in runs))}
           for name, run, runs in (("a_decode", decode, decodes), ("b_refresh", full, fulls),
                                   ("c_unchanged", again, agains), ("d_land_one_process", land, lands),
                                   ("e_one_district_changed", one, ones))},
        "b_stage_seconds_last_round": json.loads(last_round[0][1] or "{}"),
        "c_status": last_round[1][0],
        "e_stage_seconds_last_round": json.loads(last_round[2][1] or "{}"),
        "b_temporary_server": {"seconds": round(temporary["seconds"], 2),
                               "peak_rss_mib": round(temporary["peak_rss_mib"])},
        "b_over_a": round(full["seconds"] / decode["seconds"], 3),
        "b_temporary_server_over_a": round(temporary["seconds"] / decode["seconds"], 3),
        "c_over_b": round(again["seconds"] / full["seconds"], 3),
        "e_over_b": round(one["seconds"] / full["seconds"], 3),
        # Throughput (rows per second) of ingestion as a share of plain decoding's, on the same files:
        "ingest_stage_seconds": sorted(ingest_stages)[len(ingest_stages) // 2],
        "ingest_stage_all_seconds": ingest_stages,
        "ingest_throughput_vs_decode": round(decode["seconds"] / sorted(ingest_stages)[len(ingest_stages) // 2], 3),
        "ingest_one_process_vs_decode": round(decode["seconds"] / land["seconds"], 3),
        **{k: v for k, v in score_findings(warehouse, sample / "truth.csv").items() if k != "recall_by_kind"},
        "precision": figures["precision"],
        "auto_match_rate": figures["auto_match_rate"],
        "new_item_auto_rate": figures["new_item_auto_rate"],
        "review_top3_recall": figures["review_top3_recall"],
        **{k: v for k, v in score_sites(warehouse, sample / "truth.csv").items() if k.endswith("_rate")},
        **site_figures(out / "site", full["seconds"], json.loads(last_round[0][1] or "{}").get("site")),
        "targets": {"b_over_a": "<= 5.0 (city), 3.0 (province)", "c_over_b": "<= 0.15", "e_over_b": "<= 0.15", "peak_rss_mib": "<= 2048",
                    "ingest_throughput_vs_decode": ">= 0.7", "site_over_refresh": "<= 0.15",
                    "site_largest_page_kib": "<= 150", "search_ms_max": "<= 50"},
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    (BENCH_DIR / f"report-{args.scale}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
