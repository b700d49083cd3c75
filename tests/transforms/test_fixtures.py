"""Every committed fixture file (tests/fixtures/files, built by tests/fixtures/build_fixtures.py) lands
with exactly its expected rows — names, row numbers, sites — or is rejected with its expected finding."""

import csv
from pathlib import Path

import pytest

from transforms.headers import build_synonym_index
from transforms.ingest import IngestContext, ingest_file
from transforms.normalize import codes_table

FILES = Path(__file__).parents[1] / "fixtures" / "files"
SEEDS = Path(__file__).parents[2] / "warehouse" / "seeds"
NAMES = ["高龄老人生活补贴", "临时救助"]


def context() -> IngestContext:
    with (SEEDS / "header_synonyms.csv").open(encoding="utf-8-sig", newline="") as f:
        synonyms = build_synonym_index((r["字段"], r["同义列名"]) for r in csv.DictReader(f))
    return IngestContext(synonyms, {"崂山区": ["沙子口街道", "王哥庄街道"]})


# file: (row numbers, names, {column: values}, finding rules other than none)
LANDED = {
    "01_utf8.csv": ([2, 3], NAMES, {}, set()),
    "02_utf8_bom.csv": ([2, 3], NAMES, {}, set()),
    "03_gbk.csv": ([2, 3], NAMES, {}, set()),
    "04_gb18030.csv": ([2], ["䶮字事项证明"], {}, set()),
    "05_utf16.csv": ([2, 3], NAMES, {}, set()),
    "06_tab.tsv": ([2, 3], NAMES, {}, set()),
    "07_semicolon.csv": ([2, 3], NAMES, {}, set()),
    "08_crlf_newline_in_cell.csv": ([2, 3], NAMES, {"materials": ["1.身份证\n2.户口簿", "申请书"]}, set()),
    "09_title_row.xlsx": ([3, 4], NAMES, {}, set()),
    "10_header_in_row_3.xlsx": ([4, 5], NAMES, {"seq": ["1", "2"]}, set()),
    "11_two_row_header.xlsx": ([3, 4], NAMES, {"statutory_limit": ["20个工作日", "即办"], "promised_limit": ["5个工作日", "即办"],
                                               "fee": ["否", "否"]}, {"column_missing"}),  # it has no 办件类型
    "12_synonyms_any_order.xlsx": ([2, 3], NAMES, {"item_code": ["000520001000", "000520002000"]}, set()),
    "13_extra_columns.csv": ([2, 3], NAMES, {"extras": ['{"联系电话": "0532-1234", "窗口名称": "综合窗口"}'] * 2},
                             {"column_unplaced"}),
    "14_blank_rows_and_notes.xlsx": ([2, 5], NAMES, {}, set()),
    "15_sheet_per_level.xlsx": ([2, 2], NAMES, {"sheet": ["镇(街道)", "村(社区)"], "site_level": ["镇(街道)", "村(社区)"],
                                                "community": ["", "王哥庄社区"]}, set()),
    "16_sheet_per_community.xlsx": ([2, 2, 2], [NAMES[0], NAMES[1], NAMES[0]], {
        "town": ["沙子口街道", "", ""], "community": ["", "东麦窑社区", "南窑社区"]}, set()),
    "17_town_merged_down.xlsx": ([2, 3, 4], [NAMES[0], NAMES[1], NAMES[0]], {
        "town": ["沙子口街道"] * 3, "community": ["东麦窑社区", "东麦窑社区", "南窑社区"]}, set()),
    "18_formula_cached_value.xlsx": ([2], NAMES[:1], {}, set()),
    "19_codes_as_numbers.xlsx": ([2, 3], NAMES, {"item_code": ["520001000", "370520001000"]}, set()),
    "20_macro_workbook.xlsm": ([2, 3], NAMES, {}, set()),
    "21_legacy.xls": ([2, 3], NAMES, {}, set()),
    "22_xlsx_named_csv.csv": ([2, 3], NAMES, {"sheet": ["S", "S"]}, set()),
    "23_csv_named_xlsx.xlsx": ([2, 3], NAMES, {}, set()),
    "28_missing_materials_column.csv": ([2, 3], NAMES, {"materials": ["", ""]}, {"column_missing"}),
    "32_沙子口街道_town_from_file_name.csv": ([2, 3], NAMES, {"town": ["沙子口街道"] * 2}, set()),
}
REJECTED = {
    "24_corrupt.xlsx": "file_corrupt",
    "25_empty.csv": "file_empty",
    "26_whitespace_only.csv": "file_empty",
    "27_no_header.csv": "no_item_rows",
    "29_encrypted.xlsx": "file_encrypted",
    "30_zip_bomb.xlsx": "file_zip_bomb",
    "31_binary_garbage.xls": "file_corrupt",
}


def ingest(name: str):
    return ingest_file((FILES / name).read_bytes(), f"崂山区/{name}", "崂山区", context())


def test_every_fixture_file_has_an_expectation_and_there_are_at_least_30():
    on_disk = {p.name for p in FILES.iterdir()}
    assert on_disk == set(LANDED) | set(REJECTED)
    assert len(on_disk) >= 30


@pytest.mark.parametrize("name", sorted(LANDED))
def test_fixture_lands_exactly_its_rows(name):
    row_numbers, names, columns, rules = LANDED[name]
    result = ingest(name)
    rows = result.rows.to_pydict()
    assert rows["row_number"] == row_numbers
    assert rows["item_name"] == names
    for column, values in columns.items():
        assert rows[column] == values, column
    assert {f.rule for f in result.findings} == rules
    assert set(rows["source_file"]) == {f"崂山区/{name}"}
    assert rows["file_sha256"] == [result.file_sha256] * len(row_numbers) and len(result.file_sha256) == 64


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_fixture_is_rejected_with_its_finding(name):
    result = ingest(name)
    assert len(result.rows) == 0
    finding = next(f for f in result.findings if f.rule == REJECTED[name])
    assert finding.message and finding.severity == "error"


def test_lost_leading_zeros_are_restored_where_exact_and_flagged_where_not():
    codes = codes_table(["520001000", "370520001000", "3.70520001E+11"]).set_index("raw")
    assert codes.loc["370520001000", "code_kind"] == "basic"
    assert codes.loc["3.70520001E+11", "code_kind"] == "unknown"  # digits may be lost: flagged, not guessed
