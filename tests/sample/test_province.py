"""The sample province: 16 cities' districts in the reference-folder format, and their inbox."""

import csv

from flows.sample import generate_province
from flows.sample.province import CITIES, province_reference
from warehouse.reference import load_reference


def _rows(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_reference_folder_names_16_cities_of_ten_districts_each(tmp_path):
    counts = province_reference(tmp_path)
    districts = _rows(tmp_path / "districts.csv")
    assert counts["districts"] == len(districts) == 16 * 10 == len({d["区划代码"] for d in districts})
    assert {d["区市名称"][:3] for d in districts} == {city for city, _ in CITIES}
    reference = load_reference(tmp_path)  # mulu reads it as a reference folder
    assert len(reference.district_codes) == 160 and all(reference.towns[d] for d in reference.district_codes)
    assert reference.district_codes["济南市市南区"] == "370102"


def test_a_small_province_writes_every_district_s_files_and_the_truth(tmp_path):
    counts = generate_province(tmp_path, scale="small", cities=2, workers=1)
    assert counts["districts"] == counts["reference_districts"] == 20
    assert sorted(p.name for p in (tmp_path / "inbox").iterdir()) == sorted(
        d["区市名称"] for d in _rows(tmp_path / "reference" / "districts.csv"))
    truth = _rows(tmp_path / "truth.csv")
    assert len(truth) == counts["rows"] > 10_000 and {r["district"] for r in truth} == {
        p.name for p in (tmp_path / "inbox").iterdir()}
