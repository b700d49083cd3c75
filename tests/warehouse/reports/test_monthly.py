"""The monthly report is written, workbook and page, for any warehouse a night can leave."""

from datetime import datetime

import openpyxl
import pytest

from tests.conftest import serious_axe_violations
from transforms.fields import COMMUNITY_LEVEL, TOWN_LEVEL
from warehouse import db
from warehouse.reports.monthly import gather
from warehouse.reports.monthly_html import monthly_report_html
from warehouse.reports.monthly_xlsx import write_monthly_xlsx

DISTRICTS = ["市南区", "市北区", "李沧区"]
TOWNS = {"市南区": ["八大峡街道", "云南路街道"], "市北区": ["台东街道"], "李沧区": ["浮山路街道"]}


def _site(con, district, town, community, level, items):
    con.execute("""INSERT INTO audit.site_stats BY NAME SELECT 'r1' AS run_id, ? AS district, ? AS town,
                   ? AS community, '' AS site_point, ? AS site_level, ? AS items, ? AS matched_items,
                   ? AS application_items, 1 AS online_items, 1.0 / ? AS online_share, 0.6 AS online_share_required,
                   1.0 / ? >= 0.6 AS online_share_ok""",
                [district, town, community, level, items, items, items, items, items])


@pytest.fixture
def one_run():
    """One run this month: 市南区 sent town rows only, 市北区 a community row only, 李沧区 nothing."""
    con = db.connect(":memory:")
    con.execute("INSERT INTO audit.runs (run_id, started_at, status) VALUES ('r1', ?, 'published')",
                [datetime(2026, 12, 3, 2)])
    for district, rows in (("市南区", 30), ("市北区", 5)):
        con.execute("""INSERT INTO audit.district_stats BY NAME SELECT 'r1' AS run_id, ? AS district,
                       ? AS rows_received, ? AS rows_matched, 0 AS rows_review, 0 AS errors, 0 AS warnings""",
                    [district, rows, rows])
    _site(con, "市南区", "八大峡街道", "", TOWN_LEVEL, 20)
    _site(con, "市南区", "云南路街道", "", TOWN_LEVEL, 10)
    _site(con, "市北区", "台东街道", "延安路社区", COMMUNITY_LEVEL, 5)
    return con


def test_districts_without_community_rows_without_town_rows_or_without_rows(one_run, tmp_path):
    report = gather(one_run, "2026-12", DISTRICTS, TOWNS)
    page = monthly_report_html(report)
    assert all(d in page for d in DISTRICTS) and "nan" not in page.lower().replace("nan-", "")
    write_monthly_xlsx(tmp_path / "月报.xlsx", report)
    workbook = openpyxl.load_workbook(tmp_path / "月报.xlsx")
    overview = {row[0]: row for row in workbook["汇总"].iter_rows(values_only=True)}
    assert set(DISTRICTS) <= set(overview)


def test_a_month_before_any_run(tmp_path):
    con = db.connect(":memory:")
    report = gather(con, "2026-12", DISTRICTS, TOWNS)
    assert "市南区" in monthly_report_html(report)
    write_monthly_xlsx(tmp_path / "月报.xlsx", report)
    assert openpyxl.load_workbook(tmp_path / "月报.xlsx")["汇总"].max_row >= 1


def test_coverage_by_district_and_the_sites_that_sent_nothing(one_run, tmp_path):
    from warehouse.coverage import store_places

    store_places(one_run, TOWNS, {"市南区": {"八大峡街道": ["团岛社区"], "云南路街道": ["西藏路社区", "大学路社区"]},
                                  "市北区": {"台东街道": ["延安路社区", "威海路社区"]}})
    report = gather(one_run, "2026-12", DISTRICTS, TOWNS)
    rows = {(r["区(市)"], r["镇(街道)"]): r for r in report.coverage.to_dict("records")}
    assert rows[("市北区", "台东街道")]["已报送的村(社区)站"] == 1
    assert rows[("市北区", "台东街道")]["未报送的村(社区)"] == "威海路社区"
    assert rows[("市北区", "台东街道")]["中心已报送"] == "否"
    assert rows[("李沧区", "浮山路街道")]["中心已报送"] == "否", "a listed town that sent nothing is shown"
    page = monthly_report_html(report)
    assert "站点覆盖" in page and "村(社区)便民服务站报送覆盖率" in page and "威海路社区" in page
    write_monthly_xlsx(tmp_path / "月报.xlsx", report)
    sheet = list(openpyxl.load_workbook(tmp_path / "月报.xlsx")["站点覆盖"].iter_rows(values_only=True))
    assert sheet[0][:3] == ("区(市)", "镇(街道)", "中心已报送") and len(sheet) == 1 + 4


def test_the_page_with_coverage_passes_axe_in_chromium(one_run, tmp_path, browser, axe_source):
    from warehouse.coverage import store_places

    store_places(one_run, TOWNS, {"市北区": {"台东街道": ["延安路社区", "威海路社区"]}})
    path = tmp_path / "月报.html"
    path.write_text(monthly_report_html(gather(one_run, "2026-12", DISTRICTS, TOWNS)), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(path.as_uri())
    assert "本月未报送的站点" in page.inner_text("body")
    assert not serious_axe_violations(page, axe_source)
    page.close()
