"""transforms.ingest: one district file's bytes → landing rows + file findings, never an exception.

Each case builds the file in memory (csv text encoded on the spot, xlsx via xlsxwriter) the way a
district would send it, and names only the landing columns it is about.
"""

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.headers import build_synonym_index
from transforms.ingest import LANDING_COLUMNS, IngestContext, ingest_file

SEEDS = Path(__file__).resolve().parents[2] / "warehouse" / "seeds"
DISTRICT = "崂山区"


def seed_synonyms() -> dict[str, str]:
    with (SEEDS / "header_synonyms.csv").open(encoding="utf-8-sig", newline="") as f:
        return build_synonym_index((r["字段"], r["同义列名"]) for r in csv.DictReader(f))


CONTEXT = IngestContext(seed_synonyms(), {DISTRICT: ["沙子口街道", "王哥庄街道", "北宅街道"]})


def xlsx_bytes(*sheets):
    """sheets: (name, rows, merges); rows are lists from A1 (None = leave the cell empty),
    merges are (r0, c0, r1, c1, value), 0-based."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows, merges in sheets:
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
        for r0, c0, r1, c1, value in merges:
            sheet.merge_range(r0, c0, r1, c1, value)
    workbook.close()
    return buffer.getvalue()


def ingest(data: bytes, source_file: str):
    return ingest_file(data, source_file, DISTRICT, CONTEXT)


def picked(result, expected_rows):
    """The result rows restricted to the columns the expectation names."""
    columns = list(expected_rows[0]) if expected_rows else ["row_number"]
    return result.rows.select(columns).to_pylist()


# --- csv: one table, many encodings and delimiters --------------------------------------------

CSV_TABLE = (
    "序号,事项名称,事项编码,事项类型\n"
    "1,高龄津贴,370520001000,公共服务\n"
    '2,"城乡居民基本养老保险\n参保登记",002000149001,公共服务\n'
    "3,残疾人证办理,370500004000,公共服务\n"
)
CSV_ROWS = [
    {"row_number": 2, "seq": "1", "item_name": "高龄津贴", "item_code": "370520001000", "item_type": "公共服务"},
    {"row_number": 3, "seq": "2", "item_name": "城乡居民基本养老保险\n参保登记", "item_code": "002000149001",
     "item_type": "公共服务"},
    {"row_number": 4, "seq": "3", "item_name": "残疾人证办理", "item_code": "370500004000", "item_type": "公共服务"},
]


@pytest.mark.parametrize("data", [
    pytest.param(CSV_TABLE.encode("utf-8"), id="UTF-8"),
    pytest.param(CSV_TABLE.encode("utf-8-sig"), id="UTF-8 with BOM"),
    pytest.param(CSV_TABLE.encode("gbk"), id="GBK"),
    pytest.param(CSV_TABLE.encode("utf-16"), id="UTF-16"),
    pytest.param(CSV_TABLE.replace(",", "\t").encode("utf-8"), id="tab-delimited"),
    pytest.param(CSV_TABLE.replace(",", ";").encode("gbk"), id="semicolon-delimited GBK"),
    pytest.param(CSV_TABLE.replace("\n", "\r\n").encode("utf-8-sig"), id="CRLF, embedded CRLF in a quoted cell"),
])
def test_csv_variants_give_the_same_rows_with_the_rows_excel_shows(data):
    result = ingest(data, "崂山区/目录.csv")
    assert [f for f in result.findings if f.rule != "column_missing"] == []  # small tables lack columns
    rows = picked(result, CSV_ROWS)
    for row in rows:
        row["item_name"] = row["item_name"].replace("\r\n", "\n")
    assert rows == CSV_ROWS


# --- landing rows from district-shaped files ----------------------------------------------------

TWO_ROW_HEADER = xlsx_bytes((
    "事项",
    [
        [None] * 9,
        [None] * 4 + ["办理时限", None, "收费", None, None],
        [None] * 4 + ["法定", "承诺", "是否收费", "收费依据", None],
        [None, "东麦窑社区", "高龄津贴", "370520001000", "5个工作日", "即办", "否", None, "88990011"],
        [None, "", "残疾人证办理", "370500004000", None, "1个工作日", "是", "鲁价费发〔2020〕1号", None],
        [None, "南窑村", "城乡居民基本养老保险参保登记", "002000149001", None, None, None, None, None],
    ],
    [(0, 0, 0, 8, "沙子口街道便民服务事项目录"),
     (1, 0, 2, 0, "镇(街道)"), (1, 1, 2, 1, "村(社区)"), (1, 2, 2, 2, "事项名称"), (1, 3, 2, 3, "事项编码"),
     (1, 4, 1, 5, "办理时限"), (1, 6, 1, 7, "收费"), (1, 8, 2, 8, "联系电话"),
     (3, 0, 5, 0, "沙子口街道")],
))

CASES = [
    pytest.param(
        xlsx_bytes(("Sheet1", [[None], ["事项名称", "事项编码", "事项类型"], ["高龄津贴", "370520001000", "公共服务"],
                               ["残疾人证办理", "370500004000", "公共服务"]],
                    [(0, 0, 0, 2, "崂山区沙子口街道便民服务事项目录")])),
        "崂山区/汇总.xlsx",
        [{"sheet": "Sheet1", "row_number": 3, "item_name": "高龄津贴"},
         {"sheet": "Sheet1", "row_number": 4, "item_name": "残疾人证办理"}],
        id="xlsx: merged title row above the header, row numbers are Excel rows"),
    pytest.param(
        "崂山区便民服务事项目录\n填报单位：沙子口街道,,\n\n事项名称,事项编码,事项类型\n高龄津贴,370520001000,公共服务\n"
        .encode("gbk"),
        "崂山区/目录.csv",
        [{"row_number": 5, "item_name": "高龄津贴", "item_code": "370520001000"}],
        id="csv: header on line 4 below a title, a unit line and a blank line"),
    pytest.param(
        TWO_ROW_HEADER, "崂山区/沙子口.xlsx",
        [{"row_number": 4, "town": "沙子口街道", "community": "东麦窑社区", "item_name": "高龄津贴",
          "statutory_limit": "5个工作日", "promised_limit": "即办", "fee": "否", "fee_basis": "",
          "extras": json.dumps({"联系电话": "88990011"}, ensure_ascii=False)},
         {"row_number": 5, "town": "沙子口街道", "community": "", "item_name": "残疾人证办理",
          "statutory_limit": "", "promised_limit": "1个工作日", "fee": "是", "fee_basis": "鲁价费发〔2020〕1号",
          "extras": "{}"},
         {"row_number": 6, "town": "沙子口街道", "community": "南窑村", "item_name": "城乡居民基本养老保险参保登记",
          "statutory_limit": "", "promised_limit": "", "fee": "", "fee_basis": "", "extras": "{}"}],
        id="xlsx: two-row merged header; merged town filled down, blank unmerged community not filled"),
    pytest.param(
        "是否网办,服务事项名称,实施主体,基本编码,权力类型,承诺时限,村居\n是,高龄津贴,区民政局,370520001000,公共服务,即办,东麦窑社区\n"
        .encode("utf-8"),
        "崂山区/目录.csv",
        [{"item_name": "高龄津贴", "item_code": "370520001000", "department": "区民政局", "item_type": "公共服务",
          "promised_limit": "即办", "online": "是", "community": "东麦窑社区"}],
        id="csv: columns in another order, synonym words"),
    pytest.param(
        "事项名称,联系电话,事项编码,窗口,事项类型\n高龄津贴,88990011,370520001000,,公共服务\n".encode("utf-8"),
        "崂山区/目录.csv",
        [{"item_name": "高龄津贴", "extras": json.dumps({"联系电话": "88990011"}, ensure_ascii=False)}],
        id="csv: unknown columns kept as JSON extras (empty cells left out)"),
    pytest.param(
        xlsx_bytes(("事项", [["事项名称", "事项编码", "事项类型"], ["高龄津贴", "370520001000", "公共服务"], [None],
                             ["", "", ""], ["残疾人证办理", "370500004000", "公共服务"], [None], [None],
                             ["填表人：张三"], ["注：以上事项均可帮办代办"]],
                    [(9, 0, 9, 2, "以上事项由街道便民服务中心统一受理")])),
        "崂山区/目录.xlsx",
        [{"row_number": 2, "item_name": "高龄津贴"}, {"row_number": 5, "item_name": "残疾人证办理"}],
        id="xlsx: blank rows and notes under the table skipped"),
    pytest.param(
        xlsx_bytes(("填表说明", [["事项名称", "事项编码", "事项类型"], ["示例事项", "370500000000", "公共服务"]], []),
                   ("便民服务事项目录", [["事项名称", "事项编码", "事项类型"], ["高龄津贴", "370520001000", "公共服务"]],
                    [])),
        "崂山区/目录.xlsx",
        [{"sheet": "便民服务事项目录", "item_name": "高龄津贴"}],
        id="xlsx: 填表说明 sheet skipped, a data sheet named …目录 read"),
    pytest.param(
        xlsx_bytes(("东麦窑社区", [["事项名称", "事项编码", "事项类型"], ["高龄津贴", "370520001000", "公共服务"]], []),
                   ("南窑村", [["事项名称", "事项编码", "事项类型"], ["残疾人证办理", "370500004000", "公共服务"]], [])),
        "崂山区/王哥庄街道/村级事项.xlsx",
        [{"sheet": "东麦窑社区", "town": "王哥庄街道", "community": "东麦窑社区", "site_level": "村(社区)"},
         {"sheet": "南窑村", "town": "王哥庄街道", "community": "南窑村", "site_level": "村(社区)"}],
        id="xlsx: one sheet per community; town from the file path"),
    pytest.param(
        xlsx_bytes(("北宅街道", [["事项名称", "事项编码", "事项类型"], ["高龄津贴", "370520001000", "公共服务"]], []),
                   ("村级", [["事项名称", "事项编码", "事项类型"], ["残疾人证办理", "370500004000", "公共服务"]], [])),
        "崂山区/报送.xlsx",
        [{"sheet": "北宅街道", "town": "北宅街道", "community": "", "site_level": "镇(街道)"},
         {"sheet": "村级", "town": "", "community": "", "site_level": "村(社区)"}],
        id="xlsx: sheet named after a known town or a level"),
    pytest.param(
        "镇(街道),事项名称,事项编码,事项类型\n王哥庄街道,高龄津贴,370520001000,公共服务\n,残疾人证办理,370500004000,公共服务\n"
        .encode("utf-8"),
        "崂山区/沙子口街道/目录.csv",
        [{"town": "王哥庄街道", "item_name": "高龄津贴"}, {"town": "沙子口街道", "item_name": "残疾人证办理"}],
        id="csv: town from the path fills only blank town cells"),
    pytest.param(
        xlsx_bytes(("S", [["事项名称", "事项编码", "事项类型", "序号"],
                          ["高龄津贴", 370520001000.0, "公共服务", 1.0],
                          ["城乡居民基本养老保险参保登记", 2000149001, "公共服务", 2]], [])),
        "崂山区/目录.xlsx",
        [{"item_code": "370520001000", "seq": "1"}, {"item_code": "2000149001", "seq": "2"}],
        id="xlsx: codes written as numbers become their digits, no .0"),
]


@pytest.mark.parametrize("data, source_file, expected_rows", CASES)
def test_landing_rows(data, source_file, expected_rows):
    result = ingest(data, source_file)
    assert [f.rule for f in result.findings if f.rule not in ("column_missing", "column_unplaced")] == []
    assert picked(result, expected_rows) == expected_rows


def test_landing_rows_carry_provenance():
    data = CSV_TABLE.encode("gbk")
    result = ingest(data, "崂山区/目录.csv")
    assert result.rows.column_names == list(LANDING_COLUMNS)
    assert set(result.rows["district"].to_pylist()) == {DISTRICT}
    assert set(result.rows["source_file"].to_pylist()) == {"崂山区/目录.csv"}
    assert set(result.rows["file_sha256"].to_pylist()) == {hashlib.sha256(data).hexdigest()} == {result.file_sha256}
    assert result.usable


# --- files that give findings instead of rows ---------------------------------------------------

@pytest.mark.parametrize("data, source_file, rules, row_count", [
    pytest.param(b"PK\x03\x04" + b"\x00garbage" * 50, "崂山区/目录.xlsx", ["file_corrupt"], 0,
                 id="corrupt zip named .xlsx"),
    pytest.param(b"\x00\x01\x02\x03\xff\xfe junk", "崂山区/目录.xlsx", ["file_corrupt"], 0,
                 id="binary junk named .xlsx"),
    pytest.param(b"", "崂山区/目录.csv", ["file_empty"], 0, id="empty file"),
    pytest.param(b"\r\n  \n", "崂山区/目录.xls", ["file_empty"], 0, id="only blank lines"),
    pytest.param("甲,乙,丙\n1,2,3\n".encode("gbk"), "崂山区/目录.csv", ["header_not_found", "no_item_rows"], 0,
                 id="csv without a recognizable header"),
    pytest.param("事项名称,事项编码,事项类型\n\n,,\n".encode("utf-8"), "崂山区/目录.csv", ["no_item_rows"], 0,
                 id="header but no item rows"),
    pytest.param(xlsx_bytes(("说明", [["请按模板填写"]], [])), "崂山区/目录.xlsx", ["no_item_rows"], 0,
                 id="workbook with only an instructions sheet"),
    pytest.param(xlsx_bytes(("东麦窑社区", [["事项名称", "事项编码", "事项类型"], ["高龄津贴", "1", "公共服务"]], []),
                            ("统计", [["合计", "3"]], [])),
                 "崂山区/目录.xlsx", ["header_not_found"], 1, id="one good sheet and one without a header"),
])
def test_findings(data, source_file, rules, row_count):
    result = ingest(data, source_file)
    assert [f.rule for f in result.findings if f.rule != "column_missing"] == rules
    assert all(f.message for f in result.findings)
    assert len(result.rows) == row_count
    assert result.rows.column_names == list(LANDING_COLUMNS)
    assert result.usable == (row_count > 0)


def test_header_not_found_names_the_sheet_as_a_warning():
    data = xlsx_bytes(("统计", [["合计", "3"]], []))
    [finding, _] = [f for f in ingest(data, "崂山区/目录.xlsx").findings if f.rule != "column_missing"]
    assert (finding.sheet, finding.severity) == ("统计", "warning")


# --- any bytes end as rows or findings ----------------------------------------------------------

_PREFIXES = st.sampled_from([
    b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
    "事项名称,事项编码,事项类型\n".encode("utf-8"), "事项名称\t事项编码\t事项类型\n".encode("gbk"),
])
_BODIES = st.one_of(st.binary(max_size=300), st.text(max_size=120).map(lambda t: t.encode("utf-8", "surrogatepass")))


@settings(max_examples=150, deadline=None)
@given(prefix=_PREFIXES, body=_BODIES, suffix=st.sampled_from([".xlsx", ".xls", ".csv"]))
def test_any_bytes_end_as_rows_or_findings(prefix, body, suffix):
    result = ingest(prefix + body, "崂山区/沙子口街道/目录" + suffix)
    assert result.rows.column_names == list(LANDING_COLUMNS)
    assert len(result.rows) > 0 or result.findings


def test_each_missing_required_column_is_one_finding_naming_it():
    text = "事项名称,事项编码,事项类型,设定依据\n高龄津贴,000120001000,公共服务,《条例》\n"
    result = ingest(text.encode("utf-8"), "崂山区/缺列.csv")
    missing = [f for f in result.findings if f.rule == "column_missing"]
    assert {f.field for f in missing} == {"exercise_levels", "acceptance_conditions", "materials", "statutory_limit",
                                          "promised_limit", "fee", "handling_type"}
    assert any(f.message.startswith("未找到'申请材料'列") for f in missing)
    assert len(result.rows) == 1, "the rows are still landed"
