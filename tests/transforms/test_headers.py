"""transforms.headers: find the header row(s) and map columns through the synonym index.

Sheets are built directly as ``Sheet`` values (rows of text + merged ranges) so each case shows
exactly the grid a district sent. The index is the staff-edited seed file, read as staff save it.
"""

import csv
from pathlib import Path

import pytest

from transforms.headers import build_synonym_index, detect_header, header_key, lookup_header
from transforms.readers import Sheet

SEEDS = Path(__file__).resolve().parents[2] / "warehouse" / "seeds"


def seed_synonyms() -> dict[str, str]:
    with (SEEDS / "header_synonyms.csv").open(encoding="utf-8-sig", newline="") as f:
        return build_synonym_index((r["字段"], r["同义列名"]) for r in csv.DictReader(f))


SYNONYMS = seed_synonyms()


def sheet(rows, merged=(), first_row=1):
    return Sheet("S", [list(r) for r in rows], list(range(first_row, first_row + len(rows))), list(merged))


@pytest.mark.parametrize("text, key", [
    pytest.param("事项名称", "事项名称", id="plain"),
    pytest.param(" 事项\n名称 ", "事项名称", id="spaces and line break inside"),
    pytest.param("*事项名称：", "事项名称", id="required star and colon"),
    pytest.param("镇（街道）", "镇(街道)", id="full-width brackets fold to half-width"),
    pytest.param("ＮＯ．", "NO", id="full-width letters and dot"),
    pytest.param("", "", id="empty"),
])
def test_header_key(text, key):
    assert header_key(text) == key


@pytest.mark.parametrize("text, field", [
    pytest.param("事项名称", "item_name", id="canonical label"),
    pytest.param("服务事项名称", "item_name", id="synonym"),
    pytest.param("事项名称（必填）", "item_name", id="bracketed note stripped"),
    pytest.param("*事项\n名称", "item_name", id="star and line break"),
    pytest.param("基本编码", "item_code", id="code synonym"),
    pytest.param("镇（街道）", "town", id="bracketed label matched whole before stripping"),
    pytest.param("村（社区）", "community", id="full-width community label"),
    pytest.param("是否网办", "online", id="online synonym"),
    pytest.param("联系电话", None, id="unknown header"),
    pytest.param("", None, id="blank cell"),
])
def test_lookup_header_with_seed_synonyms(text, field):
    assert lookup_header(text, SYNONYMS) == field


def test_inline_pairs_build_the_same_kind_of_index():
    index = build_synonym_index([("item_name", "事项名称"), ("item_code", " 事项编码 "), ("note", "   ")])
    assert index == {"事项名称": "item_name", "事项编码": "item_code"}, "blank synonyms are dropped"


TWO_ROW_MERGED = sheet(
    [
        ["崂山区便民服务事项目录", "", "", "", "", "", "", "", ""],
        ["镇(街道)", "村(社区)", "事项名称", "事项编码", "办理时限", "", "收费", "", "联系电话"],
        ["", "", "", "", "法定", "承诺", "是否收费", "收费依据", ""],
        ["沙子口街道", "东麦窑社区", "高龄津贴", "370520001000", "5个工作日", "即办", "否", "", "123"],
    ],
    merged=[(0, 0, 0, 8), (1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 2, 2), (1, 3, 2, 3),
            (1, 4, 1, 5), (1, 6, 1, 7), (1, 8, 2, 8)],
)
TWO_ROW_MERGED_COLUMNS = {"town": 0, "community": 1, "item_name": 2, "item_code": 3, "statutory_limit": 4,
                          "promised_limit": 5, "fee": 6, "fee_basis": 7}


@pytest.mark.parametrize("grid, columns, first_data_index, header_rows, extras", [
    pytest.param(
        sheet([["序号", "事项名称", "事项编码", "事项类型"], ["1", "高龄津贴", "1", "公共服务"]]),
        {"seq": 0, "item_name": 1, "item_code": 2, "item_type": 3}, 1, (1,), {},
        id="header in row 1"),
    pytest.param(
        sheet([["崂山区便民服务事项目录", "", "", ""], ["填报单位：沙子口街道", "", "", ""], ["", "", "", ""],
               ["序号", "事项名称", "事项编码", "事项类型"], ["1", "高龄津贴", "1", "公共服务"]],
              merged=[(0, 0, 0, 3)]),
        {"seq": 0, "item_name": 1, "item_code": 2, "item_type": 3}, 4, (4,), {},
        id="header below a merged title and a unit line"),
    pytest.param(
        sheet([["标题"], ["序号", "事项名称", "事项编码", "事项类型"]], first_row=3),
        {"seq": 0, "item_name": 1, "item_code": 2, "item_type": 3}, 2, (4,), {},
        id="header row number is the person-visible row"),
    pytest.param(
        TWO_ROW_MERGED, TWO_ROW_MERGED_COLUMNS, 3, (2, 3), {8: "联系电话"},
        id="two-row header: 办理时限 over 法定|承诺, 收费 over 是否收费|收费依据, others merged down"),
    pytest.param(
        sheet([["事项名称", "事项编码", "办理时限", "", "收费", "", "办件", ""],
               ["", "", "法定", "承诺", "是否收费", "收费依据", "办件类型", "是否网办"],
               ["高龄津贴", "1", "5日", "即办", "否", "", "即办件", "是"]],
              merged=[(0, 2, 0, 3), (0, 4, 0, 5), (0, 6, 0, 7)]),
        {"item_name": 0, "item_code": 1, "statutory_limit": 2, "promised_limit": 3, "fee": 4, "fee_basis": 5,
         "handling_type": 6, "online": 7},
        2, (1, 2), {},
        id="two-row header without vertical merges whose second line names more fields"),
    pytest.param(
        sheet([["事项名称", "事项编码", "收费", ""], ["", "", "项目", "依据"], ["高龄津贴", "1", "否", ""]],
              merged=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3)]),
        {"item_name": 0, "item_code": 1, "fee": 2, "fee_basis": 3}, 2, (1, 2), {},
        id="second-line word read with its parent: 收费+项目, 收费+依据"),
    pytest.param(
        sheet([["事项名称", "事项编码", "办理时限", "", "收费", ""],
               ["", "", "法定", "承诺", "项目", "依据"],
               ["高龄津贴", "1", "5日", "即办", "否", ""]],
              merged=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3), (0, 4, 0, 5)]),
        {"item_name": 0, "item_code": 1, "statutory_limit": 2, "promised_limit": 3, "fee": 4, "fee_basis": 5},
        2, (1, 2), {},
        id="second line alone names more fields, but 项目 means 收费项目 only under its parent"),
    pytest.param(
        sheet([["权力类型", "基本编码", "实施主体", "服务事项名称", "所需材料", "承诺时限", "是否网办", "村居"]]),
        {"item_type": 0, "item_code": 1, "department": 2, "item_name": 3, "materials": 4, "promised_limit": 5,
         "online": 6, "community": 7}, 1, (1,), {},
        id="other order and synonym words"),
    pytest.param(
        sheet([["事项名称（必填）", "联系电话", "事项编码", "窗口", "事项类型"]]),
        {"item_name": 0, "item_code": 2, "item_type": 4}, 1, (1,), {1: "联系电话", 3: "窗口"},
        id="unknown columns kept as extras by header text"),
])
def test_detect_header(grid, columns, first_data_index, header_rows, extras):
    header = detect_header(grid, SYNONYMS)
    assert header is not None
    assert header.columns == columns
    assert header.first_data_index == first_data_index
    assert header.header_row_numbers == header_rows
    assert header.extras == extras


@pytest.mark.parametrize("grid", [
    pytest.param(sheet([["甲", "乙", "丙"], ["1", "2", "3"]]), id="no known header word"),
    pytest.param(sheet([["事项类型", "主管部门", "备注"], ["许可", "x", ""]]), id="neither name nor code column"),
    pytest.param(sheet([["事项名称", "备注"], ["高龄津贴", ""]]), id="fewer than three known columns"),
    pytest.param(sheet([]), id="empty sheet"),
    pytest.param(sheet([["标题"]] * 15 + [["事项名称", "事项编码", "事项类型"]]), id="header below row 15"),
])
def test_detect_header_returns_none_without_a_usable_header(grid):
    assert detect_header(grid, SYNONYMS) is None
