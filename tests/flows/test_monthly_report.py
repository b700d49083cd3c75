"""`mulu report monthly` over two months of real runs: every district, the month's state, changes, trend."""

import subprocess
import sys
import zipfile

import duckdb
import openpyxl
import pytest

from flows.cli import main
from tests.flows.conftest import GONE, RESENT
from warehouse.reference import load_reference

pytestmark = pytest.mark.slow
DISTRICTS = list(load_reference().district_codes)
HOLD_LOCK = """
import sys, time
from pathlib import Path
from warehouse.run_lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def report(two_months, month: str, *extra: str) -> tuple[int, openpyxl.Workbook | None]:
    base, paths, *_ = two_months
    out = base / "monthly"
    code = main(["report", "monthly", "--month", month, "--warehouse", paths["warehouse"], "--out", str(out), *extra])
    xlsx = out / f"月报_{month}.xlsx"
    return code, openpyxl.load_workbook(xlsx) if code == 0 else None


def rows(workbook, sheet: str) -> list[dict]:
    values = list(workbook[sheet].iter_rows(values_only=True))
    return [dict(zip(values[0], row)) for row in values[1:]]


def test_each_run_that_builds_keeps_its_figures(two_months):
    _, paths, *_ = two_months
    con = duckdb.connect(paths["warehouse"], read_only=True)
    runs = con.execute("SELECT count(DISTINCT run_id) FROM audit.district_stats").fetchall()[0][0]
    sites = con.execute("SELECT count(*), count(*) FILTER (WHERE online_share IS NOT NULL) FROM audit.site_stats "
                        "WHERE town IS NOT NULL").fetchall()[0]
    con.close()
    assert runs == 2 and sites[0] > 20 and sites[1] == sites[0]


def test_this_month_names_every_district_and_says_whose_submission_is_new(two_months):
    _, _, earlier, this, second = two_months
    code, workbook = report(two_months, this)
    assert code == 0
    overview = {row["区(市)"]: row for row in rows(workbook, "汇总")}
    assert list(overview) == DISTRICTS
    assert overview[RESENT]["报送情况"] == "本月有新报送"
    assert overview[GONE]["报送情况"].startswith("沿用 " + earlier) and overview[GONE]["收到事项行"] > 0
    reporting = DISTRICTS
    assert all(overview[d]["已报送镇(街道)"] >= 1 for d in reporting)
    assert all(0 < overview[d]["网上可办率"] <= 1 and 0 < overview[d]["全市统一符合率"] <= 1 for d in reporting)
    header = [cell.value for cell in workbook["汇总"][1]]
    assert workbook["汇总"].cell(2, header.index("网上可办率") + 1).number_format == "0.0%"
    assert sum(overview[d]["未解决错误"] for d in reporting) == second["errors"]
    sites = rows(workbook, "站点")
    assert {s["区(市)"] for s in sites} == set(reporting)
    assert all(s["是否达标"] == ("达标" if s["网上可办率"] >= s["应达到"] else "未达标")
               for s in sites if s["网上可办率"] is not None)
    findings = rows(workbook, "未解决问题")
    assert sum(f["条数"] for f in findings if f["级别"] == "错误") == second["errors"]
    with zipfile.ZipFile(two_months[0] / "monthly" / f"月报_{this}.xlsx") as package:  # openpyxl drops charts
        assert len([n for n in package.namelist() if n.startswith("xl/charts/chart")]) == 2


def test_the_trend_carries_last_month_and_the_changes_belong_to_their_month(two_months):
    _, paths, earlier, this, second = two_months
    _, workbook = report(two_months, this)
    trend = {(r["月份"], r["区(市)"]): r for r in rows(workbook, "趋势")}
    assert trend[(earlier, RESENT)]["收到事项行"] == trend[(this, RESENT)]["收到事项行"] + 1
    assert all(trend[(earlier, d)]["网上可办率"] is not None for d in DISTRICTS)
    changes = rows(workbook, "目录变化")
    versions = rows(workbook, "本月版本")
    if second["new_version"]:
        assert [v["版本"] for v in versions] == ["v2"] and {c["版本"] for c in changes} <= {"v2"}
        assert len(changes) == sum(versions[0][k] for k in ("新增", "删除", "变更"))
    else:
        assert versions == [] and changes == []
    _, last_month = report(two_months, earlier)
    [v1] = rows(last_month, "本月版本")
    assert v1["版本"] == "v1" and len(rows(last_month, "目录变化")) == v1["新增"] > 0
    assert {r["报送情况"] for r in rows(last_month, "汇总")} == {"本月有新报送"}


def test_a_month_before_any_run_says_so(two_months):
    code, workbook = report(two_months, "2020-01")
    assert code == 0
    assert {r["报送情况"] for r in rows(workbook, "汇总")} == {"未报送"}
    notes = dict(workbook["说明"].iter_rows(values_only=True))
    assert "没有可用的运行数据" in notes["本月状态取自运行"]


def test_a_wrong_month_a_missing_or_a_held_warehouse_is_a_message_and_an_exit_code(two_months, capsys):
    _, paths, *_ = two_months
    assert report(two_months, "2026-13")[0] == 2 and "YYYY-MM" in capsys.readouterr().err
    assert main(["report", "monthly", "--warehouse", paths["warehouse"] + ".missing", "--out", "x"]) == 2
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, paths["warehouse"]], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert report(two_months, "2026-11")[0] == 4
        assert "正在运行" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("which", ["this month", "last month"])
def test_the_html_page_in_chromium(two_months, browser, axe_source, which):
    base, _, earlier, this, _ = two_months
    month = this if which == "this month" else earlier
    report(two_months, month)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(request.url))
    page.goto((base / "monthly" / f"月报_{month}.html").as_uri())
    overview = page.inner_text("table")
    assert all(district in overview for district in DISTRICTS)
    charts = page.eval_on_selector_all("svg[role=img]", "nodes => nodes.map(n => n.getAttribute('aria-label'))")
    assert len(charts) >= 8 and any("网上可办率" in c for c in charts)
    marks = page.eval_on_selector_all("svg[role=img] rect, svg[role=img] circle", "nodes => nodes.length")
    assert marks > 50
    if month == earlier:  # v1 was published then: its 新增 rows fold out
        page.click("details summary")
        assert page.is_visible("details table") and "新增" in page.inner_text("details table")
    page.add_script_tag(content=axe_source)
    result = page.evaluate("axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', "
                           "'wcag21aa', 'best-practice']}})")
    bad = [(v["id"], v["impact"]) for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad and not errors
    page.close()
