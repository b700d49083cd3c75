"""A night on real published items (tests/fixtures/realdata, MIT): the catalog as published, district
sheets in layouts mulu's generator never writes, a reference folder with an unlisted town."""

import csv
import html
import io
import json
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from flows.cli import main
from flows.scoring import evaluate
from warehouse.db import read_rows
from warehouse.site.pages import item_path

pytestmark = pytest.mark.slow

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "realdata"
ROWS = list(csv.DictReader(io.StringIO((REAL / "guangdong_subset.csv").read_text(encoding="utf-8"))))
TRUTH = ["source_file", "sheet", "row_number", "district", "town", "community", "site_level", "true_code", "defects"]


def items(start: int, count: int) -> list[dict]:
    return [ROWS[(start + i) % len(ROWS)] for i in range(count)]


def district_a(inbox: Path, truth: list) -> None:
    """One workbook, a title row, real header words (职权名称, 职权编码, 类别, 行使依据 …) and one 服务站点
    column naming the town's centre and its communities' stations."""
    rel = "榕湖区/附件1：榕湖区便民服务事项汇总表.xlsx"
    (inbox / "榕湖区").mkdir(parents=True)
    workbook = xlsxwriter.Workbook(inbox / rel)
    sheet = workbook.add_worksheet("汇总")
    sheet.write_row(0, 0, ["榕湖区便民服务事项清单（2026年）"])
    sheet.write_row(1, 0, ["服务站点", "职权名称", "职权编码", "类别", "行使依据", "受理标准", "办理材料", "法定期限",
                           "承诺完成时限", "办理类型", "收费情况", "是否网办"])
    row = 2
    for site, community, chosen in (("榕城街道便民服务中心", "", items(0, 60)),
                                    ("东门社区便民服务站", "东门社区", items(60, 30))):
        for item in chosen:
            sheet.write_row(row, 0, [site, item["事项名称"], item["实施编码"], item["事项类型"], "《广东省某条例》第三条",
                                     item["受理条件"] or "无", item["申请材料"] or "无", item["法定办结时限"],
                                     item["承诺办结时限"], "承诺件", "不收费", item["是否网办"]])
            truth.append([rel, "汇总", row + 1, "榕湖区", "榕城街道", community,
                          "村(社区)" if community else "镇(街道)", item["实施编码"], ""])
            row += 1
    workbook.close()


def district_b(inbox: Path, truth: list) -> None:
    """A GBK csv per site in a town folder the towns list lacks; codes blank or 12-digit 目录编码,
    names with (县级) and full-width brackets; 事项类别 holds 事项类型 values, 依据 the legal basis."""
    for community, chosen in (("", items(100, 40)), ("新村村", items(140, 25))):
        name = f"{community or '蓝塘镇便民服务中心'}.csv"
        rel = f"海滨区/蓝塘镇/{name}"
        (inbox / "海滨区" / "蓝塘镇").mkdir(parents=True, exist_ok=True)
        lines = [["序号", "办理项名称", "目录编码", "事项类别", "依据", "申请条件", "申请材料", "法定办结时限", "办理时限",
                  "办件类型", "是否收费"]]
        for n, item in enumerate(chosen, start=1):
            name_written = item["事项名称"].replace("(", "（").replace(")", "）") + ("（县级）" if n % 3 == 0 else "")
            lines.append([n, name_written, item["目录编码"] if n % 2 else "", item["事项类型"], "《广东省某办法》第五条",
                          item["受理条件"] or "无", item["申请材料"] or "无", item["法定办结时限"],
                          item["承诺办结时限"], "承诺件", "否"])
            truth.append([rel, "", n + 1, "海滨区", "蓝塘镇", community, "村(社区)" if community else "镇(街道)",
                          item["实施编码"], ""])
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(lines)
        (inbox / rel).write_bytes(buffer.getvalue().encode("gb18030"))


@pytest.fixture(scope="module")
def night(tmp_path_factory, prefect_harness):
    base = tmp_path_factory.mktemp("real")
    inbox, truth = base / "inbox", []
    district_a(inbox, truth)
    district_b(inbox, truth)
    with (base / "truth.csv").open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([TRUTH] + truth)
    reference = base / "reference"
    assert main(["init", str(reference)]) == 0
    (reference / "districts.csv").write_text("区划代码,区市名称,别名\n445301,榕湖区,\n445302,海滨区,\n", encoding="utf-8-sig")
    (reference / "towns.csv").write_text("区市名称,镇街名称,类型\n榕湖区,榕城街道,街道\n", encoding="utf-8-sig")
    code = main(["refresh", "--inbox", str(inbox), "--catalog", str(REAL / "guangdong_subset.csv"),
                 "--reference", str(reference), "--warehouse", str(base / "mulu.duckdb"), "--out", str(base / "out")])
    return base, code


def test_the_real_catalog_runs_and_publishes(night):
    base, code = night
    assert code == 0
    [(status, version)] = read_rows(base / "mulu.duckdb", "SELECT status, version FROM runs")
    assert (status, version) == ("published", 1)


def test_rows_are_matched_sited_and_clean_as_the_truth_says(night):
    base, _ = night
    figures = evaluate(base / "mulu.duckdb", base / "truth.csv")
    assert figures["matching"]["precision"] == 1.0
    assert figures["matching"]["auto_match_rate"] >= 0.95
    assert figures["sites"]["landed_rate"] == 1.0 and figures["sites"]["site_rate"] == 1.0
    assert figures["findings"]["clean_error_rate"] == 0.0


def test_what_was_inferred_is_told_once_per_file(night):
    base, _ = night
    told = read_rows(base / "mulu.duckdb", "SELECT source_file, rule, message FROM findings "
                                           "WHERE rule IN ('column_inferred', 'site.unknown_town')")
    messages = [m for _, _, m in told]
    assert any("'类别'识别为'事项类型'" in m for m in messages)
    assert any("'蓝塘镇'不在镇(街道)名单中" in m for m in messages)
    assert len(told) == len(set(told)), "once per file"


def test_the_staff_report_lists_the_catalog_s_own_problems(night):
    base, _ = night
    workbook = openpyxl.load_workbook(base / "out" / "reports" / "目录问题.xlsx", read_only=True)
    summary = {row[0]: row[1] for row in workbook["汇总"].iter_rows(min_row=2, values_only=True)}
    assert any("实施编码" in str(v) for v in summary.values())
    assert "事项名称重复的行" in summary and "缺少的列" in summary
    problems = list(workbook["目录问题"].iter_rows(values_only=True))
    assert problems[0][:3] == ("目录行号", "事项编码", "要素") and len(problems) > 10
    assert json.loads(read_rows(base / "mulu.duckdb", "SELECT stage_seconds FROM runs")[0][0])["catalog"] >= 0


def test_the_public_guides_carry_every_element_the_real_catalog_holds(night):
    base, _ = night
    site = base / "out" / "site"
    published = read_rows(base / "mulu.duckdb", "SELECT DISTINCT catalog_code, guide_extras FROM catalog")
    code, extras = next((c, json.loads(e)) for c, e in published if e and "办理地点" in e)
    guide = (site / item_path(code)).read_text(encoding="utf-8")
    assert html.escape(extras["办理地点"]) in guide and ">服务对象<" in guide and ">咨询电话<" in guide
    assert "实施主体组织机构代码" in extras and "实施主体组织机构代码" not in guide, "identifiers stay off the guide"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "按服务对象浏览" in index and "按主题分类浏览" in index
    header = next(openpyxl.load_workbook(site / "data" / "便民服务事项指导目录清单.xlsx", read_only=True)
                  .worksheets[0].iter_rows(max_row=1, values_only=True))
    assert "服务对象" in header and "办理地点" in header, "the published list carries them too"
