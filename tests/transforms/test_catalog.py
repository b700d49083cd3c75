"""transforms.catalog: read a master catalog with the district readers, and list every problem at once."""

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from transforms.catalog import CATALOG_FIELDS, check_catalog, read_catalog
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
    frame, problems = read_catalog(data, filename, SYNONYMS)
    assert problems == []
    assert frame["row_number"].tolist() == row_numbers
    assert frame["item_code"].tolist() == ["370500004000", "370500001001", "370500001002"]
    assert frame["item_name"].tolist() == ["残疾人证办理", "食品经营许可(新办)", "食品经营许可(变更)"]
    assert frame["site_level"].tolist() == ["村(社区)", "镇(街道)", "镇(街道)"]
    assert list(frame.columns) == CATALOG_FIELDS + ["row_number"]
    assert {"item_code", "item_name", "item_type", "site_level"} <= set(frame.attrs["present_fields"])
    assert check_catalog(frame) == [], "situation-split names are distinct items"


@pytest.mark.parametrize("data, filename, words", [
    pytest.param(csv_bytes([["事项名称", "事项类型", "主管部门"], ["残疾人证办理", "公共服务", "区残联"]]), "目录.csv",
                 ["目录缺少必需的列", "事项编码"], id="missing 事项编码 column"),
    pytest.param(csv_bytes([["甲", "乙"], ["1", "2"]]), "目录.csv", ["未找到目录表头"], id="no recognizable header"),
    pytest.param(b"", "目录.csv", ["文件为空"], id="empty file"),
    pytest.param(b"PK\x03\x04broken", "目录.xlsx", ["文件已损坏"], id="corrupt xlsx"),
])
def test_read_catalog_problems(data, filename, words):
    frame, problems = read_catalog(data, filename, SYNONYMS)
    assert frame.empty
    assert len(problems) == 1
    assert problems[0].startswith(f"{filename}：")
    assert all(word in problems[0] for word in words)


def catalog(rows):
    """Rows (code, name) from row 2 on, as read_catalog returns them."""
    return pd.DataFrame({
        "item_code": [code for code, _ in rows],
        "item_name": [name for _, name in rows],
        "row_number": list(range(2, 2 + len(rows))),
    })


@pytest.mark.parametrize("rows, expected", [
    pytest.param([("370500004000", "残疾人证办理"), ("370500001000", "高龄津贴")], [], id="clean catalog"),
    pytest.param(
        [("370500004000", "残疾人证办理"), ("370500004000", "高龄津贴"), ("370500005000", "残疾人证办理"),
         ("370500006000", "最低生活保障金给付")],
        ["事项编码'370500004000'重复出现在第2、3行", "事项名称'残疾人证办理'重复出现在第2、4行"],
        id="duplicate codes and duplicate names reported together"),
    pytest.param(
        [("370500004000", "残疾人证办理(县级)"), ("370500005000", "残疾人证办理（县级）"),
         ("3705-0000-4000", "高龄津贴")],
        ["事项编码'370500004000'重复出现在第2、4行", "事项名称'残疾人证办理(县级)'重复出现在第2、3行"],
        id="duplicates found after normalizing brackets and dashes"),
    pytest.param([("370500004000", "残疾人证办理(县级)"), ("370500005000", "残疾人证办理(镇级)"),
                  ("370500006000", "残疾人证办理")], [], id="level-split names are not duplicates"),
    pytest.param(
        [("", "残疾人证办理"), ("abc", "高龄津贴"), ("370500004000", "")],
        ["第4行：事项名称为空", "第2行：事项编码为空", "第3行：事项编码'abc'格式无法识别"],
        id="empty name, empty code and bad code all listed"),
])
def test_check_catalog_lists_every_problem_at_once(rows, expected):
    assert check_catalog(catalog(rows)) == expected


def test_check_catalog_of_an_empty_catalog_has_no_problems():
    assert check_catalog(catalog([])) == []
