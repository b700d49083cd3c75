"""The sample city generator: deterministic, every shape, and truth positions that are exact."""

import csv
import io
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from flows.sample import generate_city
from flows.sample.city import default_seeds_dir
from flows.sample.defects import DEFECT_ORDER
from flows.sample.refdata import load_refdata
from flows.sample.rows import NOISE_ORDER
from flows.sample.truth import TRUTH_COLUMNS

SEEDS = default_seeds_dir()


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    summary = generate_city(out, scale="small", seeds_dir=SEEDS)
    return out, summary


@pytest.fixture(scope="module")
def truth(city):
    out, _ = city
    with (out / "truth.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def name_headers():
    return set(load_refdata(SEEDS).headers["item_name"])


def _sheet_rows(path: Path, sheet: str) -> list[list]:
    """Every row of a sheet, index = Excel row - 1 (calamine keeps leading empty rows this way)."""
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _csv_records(path: Path) -> tuple[dict[int, list[str]], list[str]]:
    """csv records keyed by the row Excel shows them on (header = row 1; a record is one row)."""
    data = path.read_bytes()
    text = data[3:].decode("utf-8") if data.startswith(b"\xef\xbb\xbf") else data.decode("gb18030")
    records = dict(enumerate(csv.reader(io.StringIO(text, newline="")), start=1))
    return records, records[1]


def _all_cell_values(inbox: Path) -> dict:
    values = {}
    for path in sorted(inbox.rglob("*")):
        if path.suffix == ".xlsx":
            wb = CalamineWorkbook.from_path(str(path))
            values[str(path.relative_to(inbox))] = {
                name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names
            }
        elif path.suffix == ".csv":
            values[str(path.relative_to(inbox))] = path.read_bytes()
    return values


def test_same_seed_gives_identical_files(city, tmp_path):
    """Same seed, same bytes, whether districts run in this process or in worker processes."""
    out, summary = city
    again = generate_city(tmp_path, scale="small", seeds_dir=SEEDS, workers=2)
    assert again == summary
    assert (tmp_path / "truth.csv").read_bytes() == (out / "truth.csv").read_bytes()
    assert _all_cell_values(tmp_path / "inbox") == _all_cell_values(out / "inbox")
    for path in sorted((out / "inbox").rglob("*.*")):
        twin = tmp_path / "inbox" / path.relative_to(out / "inbox")
        assert twin.read_bytes() == path.read_bytes(), f"not byte-identical: {path.name}"


def test_refuses_to_replace_an_inbox_it_did_not_write(tmp_path):
    (tmp_path / "inbox" / "市南区").mkdir(parents=True)
    (tmp_path / "inbox" / "市南区" / "real.xlsx").write_bytes(b"real submission")
    with pytest.raises(FileExistsError):
        generate_city(tmp_path, scale="small", seeds_dir=SEEDS)
    assert (tmp_path / "inbox" / "市南区" / "real.xlsx").exists()


def test_another_seed_gives_other_data(city, tmp_path):
    out, _ = city
    generate_city(tmp_path, scale="small", seed=7, seeds_dir=SEEDS)
    assert (tmp_path / "truth.csv").read_bytes() != (out / "truth.csv").read_bytes()


def test_every_district_and_shape_present(city, truth):
    out, summary = city
    districts = [d.name for d in load_refdata(SEEDS).districts]
    assert sorted(p.name for p in (out / "inbox").iterdir()) == sorted(districts)
    assert sorted(summary["shapes"].values()) == list(range(1, 11))
    assert summary["districts"] == len(districts) == 10
    assert {r["district"] for r in truth} == set(districts)
    assert summary["rows"] == len(truth)
    assert 3_000 <= summary["rows"] <= 8_000
    assert summary["files"] == len({r["source_file"] for r in truth})


def test_truth_columns_and_codes(truth):
    assert list(truth[0]) == list(TRUTH_COLUMNS)
    codes = {item["item_code"] for item in load_refdata(SEEDS).catalog}
    for r in truth:
        if "not_in_catalog" in r["defects"]:
            assert r["true_code"] == ""
        else:
            assert r["true_code"] in codes
        assert (r["community"] == "") == (r["site_level"] == "镇(街道)")
        assert r["raw_name"].strip()


def test_truth_positions_are_exact(city, truth, name_headers):
    """Each truth row's cell under the item-name header holds the raw name the generator wrote."""
    out, _ = city
    inbox = out / "inbox"
    groups = defaultdict(list)
    for r in truth:
        groups[(r["source_file"], r["sheet"])].append(r)
    checked = 0
    for (source, sheet), rows in groups.items():
        path = inbox / source
        first = min(int(r["row_number"]) for r in rows)
        if sheet:
            table = _sheet_rows(path, sheet)
            headers = [c for line in table[: first - 1] for c in line]
            col = next(i % len(table[0]) for i, c in enumerate(headers) if c in name_headers)
            cells = {int(r["row_number"]): table[int(r["row_number"]) - 1][col] for r in rows}
        else:
            records, header = _csv_records(path)
            col = next(i for i, c in enumerate(header) if c in name_headers)
            cells = {n: rec[col] for n, rec in records.items()}
        for r in rows:
            assert cells[int(r["row_number"])] == r["raw_name"], (source, sheet, r["row_number"])
            checked += 1
    assert checked == len(truth)


def test_openpyxl_agrees_on_excel_row_numbers(city, truth):
    """openpyxl is the reference for Excel row numbers: check the first and last row of each sheet."""
    out, _ = city
    ends = {}
    for r in truth:
        if r["sheet"]:
            key = (r["source_file"], r["sheet"])
            ends.setdefault(key, [r, r])[1] = r
    for (source, sheet), rows in ends.items():
        ws = openpyxl.load_workbook(out / "inbox" / source, read_only=True)[sheet]
        for r in rows:
            n = int(r["row_number"])
            assert r["raw_name"] in [c.value for line in ws.iter_rows(min_row=n, max_row=n) for c in line]
    assert len({source for source, _ in ends}) >= 7


def test_every_tag_appears(truth):
    defects = {t.split(":")[0] for r in truth for t in r["defects"].split(";") if t}
    noise = {t for r in truth for t in r["noise"].split(";") if t}
    assert defects == set(DEFECT_ORDER)
    assert noise == set(NOISE_ORDER)
    with_defect = sum(1 for r in truth if r["defects"]) / len(truth)
    assert 0.08 <= with_defect <= 0.2


def test_shape_quirks(city, truth):
    out, summary = city
    inbox = out / "inbox"
    shape = {v: k for k, v in summary["shapes"].items()}
    files = lambda s: sorted((inbox / shape[s]).rglob("*.*"))  # noqa: E731
    assert CalamineWorkbook.from_path(str(files(4)[0])).sheet_names[0] == "填表说明"
    assert CalamineWorkbook.from_path(str(files(1)[0])).sheet_names == ["镇(街道)", "村(社区)"]
    assert len(files(8)) == 1
    raw9 = files(9)[0].read_bytes()
    assert b"\r\n" in raw9 and raw9.count(b"\n") > raw9.count(b"\r\n")  # line breaks inside cells
    raw9.decode("gbk")
    files(3)[0].read_bytes().decode("gbk")
    assert files(6)[0].read_bytes().startswith(b"\xef\xbb\xbf")
    ws = openpyxl.load_workbook(files(2)[0])["便民服务事项"]
    assert {"办理时限", "收费"} <= {ws.cell(1, c).value for c in range(1, ws.max_column + 1)}
    assert any(r.min_row == 1 and r.max_row == 2 for r in ws.merged_cells.ranges)
    ws = openpyxl.load_workbook(files(5)[0])["Sheet1"]
    assert any(r.max_row > r.min_row for r in ws.merged_cells.ranges)
    assert any(str(c.value).startswith("填表人") for c in ws["A"] if c.value)
    numeric = [r for r in truth if "code_excel_number" in r["noise"]]
    assert numeric and all(r["district"] == shape[10] for r in numeric)
