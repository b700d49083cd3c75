"""generate_city: write a sample city's district submissions and the truth file measured against.

    generate_city(Path("data"), scale="small")   # data/inbox/<区市>/…, data/truth.csv, data/reference/

Districts are independent (one seeded RNG each), so the city scale runs them in worker processes.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

from .place_lists import COMMUNITY_COLUMNS, SITE_COLUMNS, place_rows
from .plan import SCALES, SHAPES, plan_district
from .refdata import RefData, load_refdata
from .shapes_csv import WRITERS as CSV_WRITERS
from .shapes_xlsx import WRITERS as XLSX_WRITERS
from .truth import truth_records, truth_text

WRITERS = {**XLSX_WRITERS, **CSV_WRITERS}


def default_seeds_dir() -> Path:
    import warehouse  # only for its location

    return Path(warehouse.__file__).parent / "seeds"


def shape_of(index: int) -> int:
    """Districts sorted by 区划代码 take shapes 1..10 in turn (fixed, independent of the seed)."""
    return SHAPES[index % len(SHAPES)]


def _district_job(args) -> tuple[int, str, dict, tuple[list, list]]:
    ref, index, scale, seed, inbox = args
    district = ref.districts[index]
    plan = plan_district(ref, district, shape_of(index), scale, seed)
    positions = WRITERS[plan.profile.shape](plan, Path(inbox))
    records = truth_records(district.name, positions)
    counts = {
        "files": len({p.source_file for p in positions}),
        "rows": len(positions),
        "towns": len(plan.towns),
        "communities": sum(len(t.sites) - 1 for t in plan.towns),
        "shape": plan.profile.shape,
    }
    return index, truth_text(records), counts, place_rows(plan, seed)


def generate_city(
    out_dir: Path,
    scale: str = "small",
    seed: int = 20200709,
    seeds_dir: Path | None = None,
    workers: int | None = None,
    overwrite: bool = False,
) -> dict:
    """Write out_dir/inbox/<区市>/… (messy district files), out_dir/truth.csv and out_dir/reference/
    (communities.csv and sites.csv, the bureau's place lists; place_lists.py); return counts.

    `scale` is "small" (every district and shape, 1–2 towns each, ≈5k rows) or "city" (every town,
    ≈0.4–0.6 M rows). The same seed writes byte-identical files. An existing out_dir/inbox is
    replaced when a previous generation left out_dir/truth.csv beside it, or when `overwrite`;
    any other non-empty inbox (real submissions?) is an error.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; use one of {sorted(SCALES)}")
    out_dir = Path(out_dir)
    ref: RefData = load_refdata(Path(seeds_dir) if seeds_dir else default_seeds_dir())
    inbox = out_dir / "inbox"
    if inbox.exists() and any(inbox.iterdir()):
        if not (overwrite or (out_dir / "truth.csv").exists()):
            raise FileExistsError(f"{inbox} holds files this generator did not write; pass overwrite=True")
        shutil.rmtree(inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    jobs = [(ref, i, scale, seed, str(inbox)) for i in range(len(ref.districts))]
    if workers is None:
        workers = 1 if scale == "small" else min(os.cpu_count() or 1, len(jobs))
    if workers > 1:
        # biggest districts first, so the last worker does not finish alone
        jobs.sort(key=lambda j: -len(ref.districts[j[1]].towns))
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            results = pool.map(_district_job, jobs, chunksize=1)
    else:
        results = [_district_job(job) for job in jobs]
    results.sort(key=lambda r: r[0])
    truth = truth_text([], header=True) + "".join(text for _, text, _, _ in results)
    (out_dir / "truth.csv").write_bytes(truth.encode("utf-8-sig"))
    reference = out_dir / "reference"
    reference.mkdir(exist_ok=True)
    for name, columns, part in (("communities.csv", COMMUNITY_COLUMNS, 0), ("sites.csv", SITE_COLUMNS, 1)):
        rows = [row for *_, lists in results for row in lists[part]]
        (reference / name).write_bytes((truth_text([columns]) + truth_text(rows)).encode("utf-8-sig"))
    counts = [c for _, _, c, _ in results]
    return {
        "files": sum(c["files"] for c in counts),
        "rows": sum(c["rows"] for c in counts),
        "districts": len(counts),
        "towns": sum(c["towns"] for c in counts),
        "communities": sum(c["communities"] for c in counts),
        "shapes": {ref.districts[i].name: c["shape"] for i, (_, _, c, _) in enumerate(results)},
    }
