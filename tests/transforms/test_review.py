"""transforms.review: the review sheet out, and people's decisions checked whole on the way back."""

import json

import pandas as pd
import pytest

from transforms.review import DECISION_COLUMN, KEY_COLUMN, OTHER_CODE_COLUMN, parse_decisions, review_sheet

CATALOG = pd.DataFrame({
    "catalog_code": ["000120001000", "000120002000"], "item_name": ["高龄老人生活补贴", "临时救助"],
    "item_type": ["公共服务", "行政给付"], "statutory_limit": ["20个工作日", "10个工作日"],
    "promised_limit": ["5个工作日", "即办"], "materials": ["身份证；户口簿", "申请书"],
})
CODES = set(CATALOG["catalog_code"])


def test_review_sheet_puts_candidates_and_their_elements_side_by_side():
    queue = pd.DataFrame([{
        "review_key": "高龄津贴#", "raw_name": "高龄津贴", "basic_code": None, "row_count": 7,
        "districts": "市南区、市北区", "source_files": "a.xlsx；b.csv", "match_evidence": "需人工确认",
        "locations": "a.xlsx 第3行；b.csv 第7行",
        "candidates": json.dumps([["000120001000", 80.0], ["000120002000", 40.0]]),
    }])
    sheet = review_sheet(queue, CATALOG)
    row = sheet.iloc[0]
    assert row["候选1名称"] == "高龄老人生活补贴" and row["候选1得分"] == 80.0 and row["候选1法定时限"] == "20个工作日"
    assert row["候选2编码"] == "000120002000" and pd.isna(row["候选3编码"])
    assert row[KEY_COLUMN] == "高龄津贴#" and pd.isna(row[DECISION_COLUMN])


def sheet(*rows):
    base = {"报送名称": "高龄津贴", "报送编码": None, "候选1编码": "000120001000", "候选2编码": None,
            "候选3编码": None, OTHER_CODE_COLUMN: None, "核对人": None, KEY_COLUMN: "k"}
    return pd.DataFrame([{**base, **row} for row in rows])


@pytest.mark.parametrize("row, decision, code", [
    pytest.param({DECISION_COLUMN: "候选1"}, "code", "000120001000", id="candidate 1"),
    pytest.param({DECISION_COLUMN: "其他编码", OTHER_CODE_COLUMN: "0001-2000-2000"}, "code", "000120002000",
                 id="another code, written with dashes"),
    pytest.param({DECISION_COLUMN: "新事项"}, "new_item", None, id="a new item"),
    pytest.param({DECISION_COLUMN: "不是事项"}, "not_item", None, id="not an item"),
    pytest.param({DECISION_COLUMN: " 候选1 "}, "code", "000120001000", id="stray spaces"),
])
def test_valid_decisions(row, decision, code):
    decisions, problems = parse_decisions(sheet(row), CODES, "王五")
    assert problems == []
    assert [(d.decision, d.catalog_code, d.decided_by) for d in decisions] == [(decision, code, "王五")]


def test_an_undecided_row_is_left_in_the_queue():
    assert parse_decisions(sheet({DECISION_COLUMN: None}), CODES, "x") == ([], [])


@pytest.mark.parametrize("row, words", [
    pytest.param({DECISION_COLUMN: "好的"}, "无效", id="not a choice"),
    pytest.param({DECISION_COLUMN: "候选2"}, "没有候选2", id="no such candidate"),
    pytest.param({DECISION_COLUMN: "其他编码"}, "请在'其他编码'列填写", id="other code left empty"),
    pytest.param({DECISION_COLUMN: "其他编码", OTHER_CODE_COLUMN: "999999999999"}, "不在目录中", id="unknown code"),
    pytest.param({DECISION_COLUMN: "候选1", KEY_COLUMN: None}, "为空", id="key removed"),
])
def test_each_bad_row_is_named_and_nothing_is_returned_for_it(row, words):
    decisions, problems = parse_decisions(sheet(row), CODES, "x", row_numbers=[7])
    assert decisions == [] and len(problems) == 1
    assert problems[0].startswith("第7行（高龄津贴）") and words in problems[0]


def test_every_problem_is_reported_at_once_and_duplicates_are_caught():
    frame = sheet({DECISION_COLUMN: "好的"}, {DECISION_COLUMN: "候选2"}, {DECISION_COLUMN: "新事项", KEY_COLUMN: "d"},
                  {DECISION_COLUMN: "不是事项", KEY_COLUMN: "d"})
    _, problems = parse_decisions(frame, CODES, "x")
    assert len(problems) == 3 and "多个决定" in problems[-1]


def test_the_reviewer_column_wins_over_the_default():
    decisions, _ = parse_decisions(sheet({DECISION_COLUMN: "新事项", "核对人": "赵六"}), CODES, "默认")
    assert decisions[0].decided_by == "赵六"
