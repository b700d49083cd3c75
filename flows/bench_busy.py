"""`make bench-busy`: the small sample's night on a machine that runs other jobs, as the README's cron
line runs it (no Prefect server: the refresh starts a temporary one), beside 0, 1 and 2 CPU-bound
processes.

Each condition runs twice into a new warehouse and out folder: first with an empty PREFECT_HOME (the
first night on a machine: Prefect migrates its database), then with the PREFECT_HOME that run left.
Prints seconds per condition and the ratio of two busy processes to one (target: at most 3), with
the stages of each night from the warehouse.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path("data/bench")
BUSY = [sys.executable, "-c", "while True: pass"]
TARGET = 3.0  # a night beside two busy processes, against beside one (issue: run it at a bureau)


def night(sample: Path, place: Path, prefect_home: Path, env: dict) -> dict:
    """One refresh as the cron line runs it; its seconds, exit code and stage seconds."""
    for folder in ("w", "out"):
        shutil.rmtree(place / folder, ignore_errors=True)
    (place / "w").mkdir(parents=True)
    mulu = str(Path(sys.executable).parent / "mulu")
    command = [mulu, "refresh", "--inbox", str(sample / "inbox"), "--warehouse", str(place / "w" / "mulu.duckdb"),
               "--out", str(place / "out")]
    if (sample / "reference").is_dir():
        command += ["--reference", str(sample / "reference")]
    started = time.perf_counter()
    done = subprocess.run(command, env={**env, "PREFECT_HOME": str(prefect_home)}, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    import duckdb

    con = duckdb.connect(str(place / "w" / "mulu.duckdb"), read_only=True)
    stages = json.loads(con.sql("SELECT stage_seconds FROM runs ORDER BY started_at DESC LIMIT 1").fetchall()[0][0]
                        or "{}")
    con.close()
    return {"seconds": round(seconds, 1), "exit": done.returncode, "stages": stages}


def main() -> None:
    from flows.sample import SAMPLE_VERSION, generate_city

    sample = BENCH_DIR / f"small-v{SAMPLE_VERSION}"
    if not (sample / "truth.csv").exists():
        generate_city(sample, scale="small")
    place = (BENCH_DIR / "busy").resolve()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update({"GX_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PYTHONPATH": str(Path.cwd())})
    report = {}
    for busy in (0, 1, 2):
        hogs = [subprocess.Popen(BUSY) for _ in range(busy)]
        try:
            home = place / f"prefect-home-{busy}"
            shutil.rmtree(home, ignore_errors=True)
            home.mkdir(parents=True)
            report[f"beside_{busy}"] = {"empty_prefect_home": night(sample, place, home, env),
                                        "prefect_home_kept": night(sample, place, home, env)}
        finally:
            for hog in hogs:
                hog.kill()
                hog.wait()
        print(f"beside {busy} busy: {json.dumps(report[f'beside_{busy}'], ensure_ascii=False)}", flush=True)
    for first in ("empty_prefect_home", "prefect_home_kept"):
        report[f"two_over_one_{first}"] = round(report["beside_2"][first]["seconds"]
                                                / report["beside_1"][first]["seconds"], 2)
    report["target_two_over_one"] = f"<= {TARGET}"
    print(json.dumps(report, ensure_ascii=False, indent=2))
    (BENCH_DIR / "report-busy.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
