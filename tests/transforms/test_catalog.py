"""transforms.catalog: read a master catalog with the district readers, and list every problem at once."""

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from transforms.catalog import CATALOG_FIELDS, CatalogUnusable, check_catalog, read_catalog
from transforms.headers import build_synonym_index

SEEDS = Path(__file__).resolve().parents[2] / "warehouse" / "seeds"


def seed_synonyms() -> dict[str, str]:
    with (SEEDS / "header_synonyms.csv").open(encoding="utf-8-sig", newline="") as f:
        return build_synonym_index((r["字段"], r["同义列名"]) for r in csv.DictReader(f))


SYNONYMS = seed_synonyms()


def csv_bytes(rows, encoding="utf-8-sig"):
    return "\n".join(",".join(r) for r in rows).encode(encoding) + b"\n"


def xlsx_bytes(rows, title=None):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("指导目录")
    offset = 0
    if title:
        sheet.merge_range(0, 0, 0, len(rows[0]) - 1, title)
        offset = 1
    for r, row in enumerate(rows):
        sheet.write_row(r + offset, 0, row)
    workbook.close()
    return buffer.getvalue()


HEADER = ["事项编码", "事项名称", "事项类型", "便民服务层级"]
GOOD = [HEADER, ["370500004000", "残疾人证办理", "公共服务", "村(社区)"],
        ["370500001001", "食品经营许可(新办)", "行政许可", "镇(街道)"],
        ["370500001002", "食品经营许可(变更)", "行政许可", "镇(街道)"]]


@pytest.mark.parametrize("data, filename, row_numbers", [
    pytest.param(csv_bytes(GOOD), "目录.csv", [2, 3, 4], id="csv UTF-8 with BOM"),
    pytest.param(csv_bytes(GOOD, "gbk"), "目录.csv", [2, 3, 4], id="csv GBK"),
    pytest.param(xlsx_bytes(GOOD, title="青岛市便民服务事项指导目录"), "目录.xlsx", [3, 4, 5],
                 id="xlsx below a merged title"),
    pytest.param(csv_bytes([["基本编码", "服务事项名称", "权力类型", "服务层级"]] + GOOD[1:]), "目录.csv", [2, 3, 4],
                 id="synonym header words"),
])
def test_read_catalog(data, filename, row_numbers):
    frame, findings = read_catalog(data, filename, SYNONYMS)
    assert frame["row_number"].tolist() == row_numbers
    assert frame["item_code"].tolist() == ["370500004000", "370500001001", "370500001002"]
    assert frame["item_name"].tolist() == ["残疾人证办理", "食品经营许可(新办)", "食品经营许可(变更)"]
    assert frame["site_level"].tolist() == ["村(社区)", "镇(街道)", "镇(街道)"]
    assert list(frame.columns) == CATALOG_FIELDS + ["row_number", "guide_extras", "alt_codes"]
    assert frame["guide_extras"].isna().all(), "no other columns: no other guide elements"
    assert {"item_code", "item_name", "item_type", "site_level"} <= set(frame.attrs["present_fields"])
    assert [f.rule for f in findings if f.severity != "info"] == ["catalog.column_missing"] * 8
    checked, problems = check_catalog(frame)
    assert [p for p in problems if p.rule != "catalog.element_empty"] == [], "situation-split names are distinct items"
    assert checked["catalog_code"].tolist() == frame["item_code"].tolist()


def test_the_unique_code_column_identifies_items_and_the_others_are_alternatives():
    """A real export: 实施编码 (unique), 目录编码 (shared by sub-items), 业务办理项编码 (mostly 无)."""
    data = csv_bytes([["实施编码", "事项名称", "目录编码", "业务办理项编码"],
                      ["11440000006939756B2440101007001", "实验动物生产许可(变更)", "440101007000", "无"],
                      ["11440000006939756B2440101007002", "实验动物生产许可(注销)", "440101007000",
                       "11440000006939756B244010100700201"]])
    frame, findings = read_catalog(data, "目录.csv", SYNONYMS)
    assert frame["item_code"].tolist() == ["11440000006939756B2440101007001", "11440000006939756B2440101007002"]
    assert frame["alt_codes"].tolist() == [["440101007000"], ["440101007000", "11440000006939756B244010100700201"]]
    assert "按'实施编码'列识别事项" in findings[0].message and findings[0].severity == "info"


@pytest.mark.parametrize("data, filename, words", [
    pytest.param(csv_bytes([["甲", "乙"], ["1", "2"]]), "目录.csv", ["未找到目录表头"], id="no recognizable header"),
    pytest.param(b"", "目录.csv", ["文件为空"], id="empty file"),
    pytest.param(b"PK\x03\x04broken", "目录.xlsx", ["文件已损坏"], id="corrupt xlsx"),
    pytest.param(csv_bytes([["事项名称", "事项编码"]]), "目录.csv", ["没有事项行"], id="no rows"),
])
def test_a_catalog_nothing_can_be_identified_in_is_refused(data, filename, words):
    with pytest.raises(CatalogUnusable) as refused:
        read_catalog(data, filename, SYNONYMS)
    [problem] = refused.value.problems
    assert problem.startswith(f"{filename}：")
    assert all(word in problem for word in words)


def test_a_catalog_without_a_code_column_runs_on_names():
    frame, findings = read_catalog(csv_bytes([["事项名称", "事项类型"], ["残疾人证办理", "公共服务"]]), "目录.csv", SYNONYMS)
    checked, _ = check_catalog(frame)
    assert checked["catalog_code"].tolist() == ["#2"]
    assert any("没有事项编码列" in f.message for f in findings)


def catalog(rows):
    """Rows (code, name) from row 2 on, as read_catalog returns them."""
    frame = pd.DataFrame({
        "item_code": [code for code, _ in rows],
        "item_name": [name for _, name in rows],
        "row_number": list(range(2, 2 + len(rows))),
    })
    frame.attrs["present_fields"] = ["item_code", "item_name"]
    return frame


@pytest.mark.parametrize("rows, codes, expected", [
    pytest.param([("370500004000", "残疾人证办理"), ("370500001000", "高龄津贴")],
                 ["370500004000", "370500001000"], [], id="clean catalog"),
    pytest.param(
        [("370500004000", "残疾人证办理"), ("370500004000", "高龄津贴"), ("370500005000", "残疾人证办理"),
         ("370500006000", "最低生活保障金给付")],
        ["370500004000", "370500004000#3", "370500005000", "370500006000"],
        [("catalog.code_repeated", 3), ("catalog.name_repeated", 2), ("catalog.name_repeated", 4)],
        id="a repeated code gets a stand-in; a repeated name is matched by code or by people"),
    pytest.param(
        [("370500004000", "残疾人证办理(县级)"), ("3705-0000-4000", "残疾人证办理（县级）")],
        ["370500004000"], [("catalog.row_repeated", 3)],
        id="the same code and name twice (brackets, dashes aside) is one item"),
    pytest.param([("370500004000", "残疾人证办理(县级)"), ("370500005000", "残疾人证办理(镇级)"),
                  ("370500006000", "残疾人证办理")], ["370500004000", "370500005000", "370500006000"], [],
                 id="level-split names are not repeats"),
    pytest.param([("实验动物生产许可-1", "实验动物生产许可(变更)"), ("实验动物生产许可-2", "实验动物生产许可(注销)")],
                 ["实验动物生产许可-1", "实验动物生产许可-2"], [], id="sub-items differing by a bracket; any code text"),
    pytest.param(
        [("", "残疾人证办理"), ("abc", "高龄津贴"), ("370500004000", "")],
        ["#2", "ABC", "370500004000"], [("catalog.code_empty", 2), ("catalog.name_empty", 4)],
        id="an empty code or name is reported; any non-empty code identifies"),
])
def test_check_catalog_reports_every_problem_and_keeps_every_item(rows, codes, expected):
    checked, findings = check_catalog(catalog(rows))
    assert checked["catalog_code"].tolist() == codes
    assert sorted((f.rule, f.row_number) for f in findings) == sorted(expected)


def test_check_catalog_of_an_empty_catalog_has_no_problems():
    checked, findings = check_catalog(catalog([]))
    assert checked.empty and findings == []


def test_the_catalog_s_other_columns_are_kept_as_guide_elements():
    rows = [HEADER + ["办理地点", "服务对象", "目录编码"],
            ["370500004000", "残疾人证办理", "公共服务", "村(社区)", "区残联窗口", "自然人", "3705000040"],
            ["370500001001", "食品经营许可(新办)", "行政许可", "镇(街道)", "", "", "3705000010"]]
    frame, _ = read_catalog(csv_bytes(rows), "目录.csv", SYNONYMS)
    assert json.loads(frame["guide_extras"][0]) == {"办理地点": "区残联窗口", "服务对象": "自然人"}, "codes are not extras"
    assert pd.isna(frame["guide_extras"][1])
