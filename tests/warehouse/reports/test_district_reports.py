"""A district's 一次告知 xlsx, its rows rendered by DuckDB: opened with openpyxl and calamine."""

import duckdb
import numpy as np
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from warehouse.reports.district import finding_counts, report_files, write_district_report
from warehouse.reports.grouped import problem_lines
from warehouse.reports.xlsx_rows import MAX_CELL_CHARS, Sheet, column_letter, values_xml, write_workbook

LONG = "长" * (MAX_CELL_CHARS + 100)
FINDINGS = [  # district, source_file, sheet, row_number, field, rule, severity, message, value, standard_value, hint
    ("市南区", "市南区/b.xlsx", "村(社区)", 9, "fee", "conformance.fee", "warning", "收费情况不一致",
     "收费 & <b>加急</b>\r\n第二行", "不收费", None),
    ("市南区", "市南区/b.xlsx", "村(社区)", 7, "legal_basis", "required.legal_basis", "error", "'设定依据'未填写",
     None, None, "请补充"),
    ("市南区", "市南区/a.xlsx", "Sheet1", 3, "item_name", "name.unknown", "error", "名称不在目录中",
     "  前后空格\x01控制符 ", None, LONG),
    ("市南区", None, None, None, None, "district.no_files", "error", "未报送文件", None, None, None),
    ("市北区", "市北区/c.xlsx", "Sheet1", 2, "fee", "conformance.fee", "warning", "别区的问题", "x", "y", None),
]


@pytest.fixture()
def report(tmp_path):
    con = duckdb.connect()
    con.execute("""CREATE TABLE findings (district VARCHAR, source_file VARCHAR, sheet VARCHAR, row_number INTEGER,
        field VARCHAR, rule VARCHAR, severity VARCHAR, message VARCHAR, value VARCHAR, standard_value VARCHAR,
        hint VARCHAR)""")
    con.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", FINDINGS)
    query = "SELECT * FROM findings WHERE district = ?"
    files = report_files(con, query, ["市南区"])
    lines = problem_lines(con, query, ["市南区"], "SELECT NULL AS source_file, NULL AS sheet, 0 AS rows")
    path = tmp_path / "市南区_一次告知.xlsx"
    write_district_report(path, "市南区", {"错误数": 3, "全市统一符合率": "98.5%"}, files, lines,
                          finding_counts(con, query, ["市南区"]), "20261130T020000", COVERAGE)
    return path, files


COVERAGE = [
    {"town": "八大峡街道", "centre_reported": True, "communities_listed": 3, "communities_reported": 1,
     "communities_silent": "团岛社区、西藏路社区", "stations_unlisted": 0, "points_reported": 1},
    {"town": "云南路街道", "centre_reported": False, "communities_listed": 2, "communities_reported": 2,
     "communities_silent": None, "stations_unlisted": 1, "points_reported": 0},
]


def test_the_report_says_which_sites_sent_nothing(report):
    path, _ = report
    rows = list(openpyxl.load_workbook(path)["站点覆盖"].iter_rows(values_only=True))
    assert rows == [("镇(街道)", "中心已报送", "名单中的村(社区)", "已报送的村(社区)站", "未报送的村(社区)", "名单外的站",
                     "已报送的便民服务点"),
                    ("八大峡街道", "是", 3, 1, "团岛社区、西藏路社区", 0, 1), ("云南路街道", "否", 2, 2, None, 1, 0)]
    page = path.with_suffix(".html").read_text(encoding="utf-8")
    assert "站点覆盖" in page and "团岛社区、西藏路社区" in page and "未报送的镇(街道)便民服务中心：云南路街道" in page


def test_every_finding_in_report_order_with_its_values_intact(report):
    path, files = report
    assert [(f.source_file, f.count) for f in files] == [(None, 1), ("市南区/a.xlsx", 1), ("市南区/b.xlsx", 2)]
    rows = list(openpyxl.load_workbook(path)["问题清单"].iter_rows(values_only=True))
    assert rows[0] == ("文件", "工作表", "行号", "字段", "级别", "规则", "问题说明", "报送值", "目录值", "修改建议")
    assert [r[:5] for r in rows[1:]] == [
        (None, None, None, None, "错误"), ("市南区/a.xlsx", "Sheet1", 3, "事项名称", "错误"),
        ("市南区/b.xlsx", "村(社区)", 7, "设定依据", "错误"), ("市南区/b.xlsx", "村(社区)", 9, "是否收费", "提醒")]
    assert rows[2][7] == "  前后空格控制符 ", "a character XML cannot carry is dropped, spaces kept"
    assert rows[2][9] == LONG[:MAX_CELL_CHARS], "cut to Excel's cell limit"
    assert rows[4][7] == "收费 & <b>加急</b>\r\n第二行" and rows[4][8] == "不收费"
    assert "别区的问题" not in {cell for row in rows for cell in row}


def test_the_workbook_opens_as_people_use_it(report):
    path, _ = report
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["汇总", "问题汇总", "问题清单", "站点覆盖"]
    assert [row[:4] for row in workbook["问题汇总"].iter_rows(min_row=2, values_only=True)] == [
        ("（全区）", None, None, 0), ("市南区/a.xlsx", "Sheet1", "第3行", 1), ("市南区/b.xlsx", "村(社区)", "第7行", 1),
        ("市南区/b.xlsx", "村(社区)", "第9行", 1)]
    assert list(workbook["汇总"].iter_rows(values_only=True)) == [
        ("项目", "数值"), ("区(市)", "市南区"), ("错误数", 3), ("全市统一符合率", "98.5%")]
    problems = workbook["问题清单"]
    assert problems.freeze_panes == "A2" and problems.auto_filter.ref == f"A1:{column_letter(9)}5"
    assert problems["A1"].font.b and problems["A1"].fill.fgColor.rgb == "FFDDEBF7"
    assert problems["G3"].alignment.wrap_text and problems.column_dimensions["G"].width == 50
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("问题清单").to_python()
    assert len(calamine) == 5 and calamine[2][1:3] == ["Sheet1", 3.0]


def test_a_district_without_findings_has_an_empty_list(tmp_path):
    path = tmp_path / "r.xlsx"
    write_district_report(path, "市南区", {"错误数": 0}, [], [], [], "20261130T020000")
    problems = openpyxl.load_workbook(path)["问题清单"]
    assert problems.max_row == 1 and problems.auto_filter.ref is None
    assert "未发现问题" in path.with_suffix(".html").read_text(encoding="utf-8")


def test_python_values_are_numbers_text_or_no_cell(tmp_path):
    path = tmp_path / "values.xlsx"
    rows = [["整数", np.int64(3)], ["小数", 1.5], ["缺失", float("nan")], ["无", None], ["是否", True], ["文本", "<&>"]]
    write_workbook(path, [Sheet("汇总", ["项目", "数值"], [24, 30], values_xml(rows), len(rows))])
    read = list(openpyxl.load_workbook(path)["汇总"].iter_rows(min_row=2, values_only=True))
    assert read == [("整数", 3), ("小数", 1.5), ("缺失", None), ("无", None), ("是否", "是"), ("文本", "<&>")]
