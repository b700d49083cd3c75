"""The district report page: built from finding records (rendered by DuckDB as the night does),
opened in a real headless Chromium."""

import os
import shutil
import subprocess

import duckdb
import pandas as pd
import pytest

from tests.conftest import serious_axe_violations
from warehouse.reports.district import finding_counts
from warehouse.reports.grouped import problem_lines
from warehouse.reports.html import bar_chart, district_report_html

FINDINGS = pd.DataFrame([
    {"district": "市南区", "source_file": "市南区/八大峡街道.xlsx", "sheet": "村(社区)", "row_number": 7,
     "field": "legal_basis", "rule": "required.legal_basis", "severity": "error", "message": "'设定依据'未填写",
     "value": None, "hint": "请补充填写'设定依据'", "catalog_code": None},
    {"district": "市南区", "source_file": "市南区/八大峡街道.xlsx", "sheet": "村(社区)", "row_number": 9,
     "field": "fee", "rule": "conformance.fee", "severity": "warning", "message": "收费情况与市级目录不一致",
     "value": "收费<script>", "standard_value": "不收费", "hint": "请按目录填写", "catalog_code": "000120001000"},
    {"district": "市南区", "source_file": "市南区/坏文件.xlsx", "sheet": None, "row_number": None,
     "field": None, "rule": "file_corrupt", "severity": "error", "message": "文件已损坏", "value": None,
     "hint": None, "catalog_code": None},
])
SUMMARY = {"收到事项行数": 120, "错误数": 2, "提醒数": 1, "全市统一符合率": "98.5%", "事项类型符合率": "97.0%"}
SHEET_ROWS = "SELECT * FROM (VALUES ('市南区/八大峡街道.xlsx', '村(社区)', 40)) AS s(source_file, sheet, rows)"


def page_of(findings: pd.DataFrame, coverage: pd.DataFrame | None = None) -> str:
    con = duckdb.connect()
    con.register("findings_frame", findings)
    con.execute("CREATE TABLE findings AS SELECT * REPLACE (row_number::INTEGER AS row_number) FROM findings_frame")
    query = "SELECT * FROM findings WHERE district = ?"
    lines = problem_lines(con, query, ["市南区"], SHEET_ROWS)
    return district_report_html("市南区", SUMMARY, finding_counts(con, query, ["市南区"]), lines, "20261127T020000",
                                coverage, copies={"市南区/八大峡街道.xlsx": "市南区_修正稿/八大峡街道_修正稿.xlsx"},
                                templates_href="../templates/市南区/")


def test_the_page_holds_summary_charts_and_every_problem_escaped():
    page = page_of(FINDINGS)
    assert page.count("<svg") == 2
    # summary: header + rows; 八大峡街道: a table of header + two problems; 坏文件: a problem of no row, to do once
    assert page.count("<tr>") == (1 + len(SUMMARY)) + (1 + 2)
    assert "市南区/坏文件.xlsx（1 项问题，涉及 1 条）" in page and "市南区/八大峡街道.xlsx（2 项问题，涉及 2 条）" in page
    assert "<script>" not in page and "收费&lt;script&gt;" in page
    assert "<th>报送值</th><th>目录值</th>" in page and "<td>不收费</td>" in page, "submitted and catalog side by side"
    assert '<td class="error">错误</td>' in page and '<td class="warning">提醒</td>' in page
    assert page.index("八大峡街道.xlsx（2 项") < page.index("<td>第7行</td>") < page.index("<td>第9行</td>") \
        < page.index("坏文件.xlsx（1 项"), "files by name, and rows in order within each"
    assert '<a href="市南区_修正稿/八大峡街道_修正稿.xlsx">' in page and '<a href="../templates/市南区/">' in page
    assert page.index("先处理") > page.index("坏文件.xlsx（1 项"), "a problem of no row is what to do once"


def test_the_same_problem_over_many_rows_is_one_line_with_its_rows():
    rows = [7, 8, 9, 10, 15, 20, 21]
    same = pd.DataFrame([{**FINDINGS.iloc[0].to_dict(), "row_number": r, "hint": f"目录中该事项的编码为{r}"}
                         for r in rows])
    page = page_of(same)
    assert "<td>第7–10、15、20–21行</td>" in page and "（各行不同，见问题清单）" in page
    assert page.count("&#x27;设定依据&#x27;未填写") == 1
    every_row = pd.DataFrame([{**FINDINGS.iloc[0].to_dict(), "row_number": r} for r in range(2, 42)])
    page = page_of(every_row)
    assert "全部40行" in page and page.index("先处理") < page.index("全部40行"), \
        "a problem of every row of a sheet is said once, first"


def test_bar_chart_scales_to_the_largest_value():
    svg = bar_chart("问题数", [("设定依据", 10, "#c00000"), ("收费", 5, "#f4b183")])
    assert 'width="320"' in svg and 'width="160"' in svg


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_the_page_renders_in_headless_chromium(tmp_path):
    browser = chromium()
    if browser is None:
        if os.environ.get("MULU_REQUIRE_BROWSER"):
            pytest.fail("MULU_REQUIRE_BROWSER is set but no Chromium is installed")
        pytest.skip("no Chromium here (CI installs it and sets MULU_REQUIRE_BROWSER)")
    page = tmp_path / "市南区_一次告知.html"
    page.write_text(page_of(FINDINGS), encoding="utf-8")
    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"]
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert "市南区 便民服务事项报送问题一次告知" in dom.stdout
    assert dom.stdout.count("<svg") == 2 and "文件已损坏" in dom.stdout
    shot = tmp_path / "page.png"
    subprocess.run([browser, *flags, "--window-size=1280,900", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000


COVERAGE = pd.DataFrame([["八大峡街道", "是", 3, 1, "团岛社区、西藏路社区", 0, 1], ["云南路街道", "否", 2, 2, None, 0, 0]],
                        columns=["镇(街道)", "中心已报送", "名单中的村(社区)", "已报送的村(社区)站", "未报送的村(社区)",
                                 "名单外的站", "已报送的便民服务点"])


def test_the_page_with_its_coverage_passes_axe_in_chromium(tmp_path, browser, axe_source):
    path = tmp_path / "市南区_一次告知.html"
    path.write_text(page_of(FINDINGS, COVERAGE), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(path.as_uri())
    assert "站点覆盖" in page.inner_text("body") and "团岛社区、西藏路社区" in page.inner_text("body")
    charts = page.eval_on_selector_all("svg[role=img]", "nodes => nodes.map(n => n.getAttribute('aria-label'))")
    assert any("村(社区)便民服务站" in c for c in charts)
    assert not serious_axe_violations(page, axe_source)
    page.close()
