"""generate_province: a sample province of 16 cities, each with the bundled city's ten districts.

    generate_province(Path("data/province"))   # DIR/inbox/<区市>/…, DIR/reference/, DIR/truth.csv

Shandong's 16 cities each take the bundled (Qingdao) districts and towns as their own: district
济南市市南区 has 区划代码 370102 and 市南区's towns. The districts are written in the reference
folder format (`mulu refresh --reference DIR/reference`), and the files exactly as generate_city
writes a city's, so a province is ~16 cities' rows (≈6.5 M at the `city` district scale).
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

from .city import default_seeds_dir, generate_city

CITIES = [  # Shandong's cities and their 区划代码 prefixes
    ("济南市", "3701"), ("青岛市", "3702"), ("淄博市", "3703"), ("枣庄市", "3704"), ("东营市", "3705"),
    ("烟台市", "3706"), ("潍坊市", "3707"), ("济宁市", "3708"), ("泰安市", "3709"), ("威海市", "3710"),
    ("日照市", "3711"), ("临沂市", "3713"), ("德州市", "3714"), ("聊城市", "3715"), ("滨州市", "3716"),
    ("菏泽市", "3717"),
]
COPIED_SEEDS = ("catalog.csv", "aliases.csv", "header_synonyms.csv", "vocabularies.csv", "code_patterns.csv")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # with a BOM: opens right in Excel/WPS
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def province_reference(folder: Path, cities: int = len(CITIES), seeds_dir: Path | None = None) -> dict[str, int]:
    """Write districts.csv and towns.csv of the province into `folder` (the reference folder format)."""
    seeds = Path(seeds_dir or default_seeds_dir())
    districts = sorted(_read(seeds / "districts.csv"), key=lambda r: r["区划代码"])
    towns = _read(seeds / "towns.csv")
    folder.mkdir(parents=True, exist_ok=True)
    district_rows, town_rows = [], []
    for city, prefix in CITIES[:cities]:
        for district in districts:
            name = f"{city}{district['区市名称']}"
            district_rows.append([prefix + district["区划代码"][-2:], name, ""])
            town_rows += [[name, t["镇街名称"], t.get("类型", "")] for t in towns if t["区市名称"] == district["区市名称"]]
    _write(folder / "districts.csv", ["区划代码", "区市名称", "别名"], district_rows)
    _write(folder / "towns.csv", ["区市名称", "镇街名称", "类型"], town_rows)
    return {"districts": len(district_rows), "towns": len(town_rows)}


def generate_province(out_dir: Path, scale: str = "city", seed: int = 20200709, cities: int = len(CITIES),
                      workers: int | None = None) -> dict:
    """Write out_dir/reference/ (districts, towns), out_dir/inbox/<区市>/… and out_dir/truth.csv.

    scale: the district scale of generate_city ("city": every town; "small": 1–2 towns each)."""
    out_dir = Path(out_dir)
    reference = out_dir / "reference"
    counts = province_reference(reference, cities)
    with tempfile.TemporaryDirectory(prefix="mulu-province-seeds-") as seeds:
        for name in COPIED_SEEDS:
            if (default_seeds_dir() / name).exists():
                shutil.copyfile(default_seeds_dir() / name, Path(seeds) / name)
        for name in ("districts.csv", "towns.csv"):
            shutil.copyfile(reference / name, Path(seeds) / name)
        written = generate_city(out_dir, scale=scale, seed=seed, seeds_dir=Path(seeds), workers=workers)
    return {**written, "cities": cities, "reference_districts": counts["districts"]}
