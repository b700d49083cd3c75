"""The review loop's sheet: uncertain names out to people, their decisions back in, checked whole.

One row per distinct uncertain (name, code) pair, with where it appears and its top three
candidates side by side. People pick a decision from a dropdown; every row's problems are
reported together and nothing is applied unless all rows are valid.
"""

import json
from dataclasses import dataclass

import pandas as pd

from transforms.codes import code_key, code_text
from transforms.text import clean_text

CHOICES = {"候选1": "candidate_1", "候选2": "candidate_2", "候选3": "candidate_3",
           "其他编码": "other_code", "新事项": "new_item", "不是事项": "not_item"}
CANDIDATE_ELEMENTS = {"item_name": "名称", "item_type": "事项类型", "statutory_limit": "法定时限",
                      "promised_limit": "承诺时限", "materials": "申请材料"}
KEY_COLUMN = "核对键(勿改)"
DECISION_COLUMN = "决定"
OTHER_CODE_COLUMN = "其他编码"
REVIEWER_COLUMN = "核对人"


@dataclass(frozen=True)
class Decision:
    review_key: str
    raw_name: str
    basic_code: str | None
    decision: str  # code, new_item, not_item
    catalog_code: str | None
    decided_by: str


def review_sheet(queue: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """The sheet people fill: queue rows (review_queue view) with candidate elements from the catalog."""
    by_code = catalog.set_index("catalog_code")
    rows = []
    for item in queue.itertuples(index=False):
        row = {
            "序号": len(rows) + 1,
            "报送名称": item.raw_name,
            "报送编码": item.basic_code,
            "出现行数": item.row_count,
            "涉及区(市)": item.districts,
            "涉及文件": item.source_files,
            "涉及位置(前10处)": item.locations,
            "系统判断": item.match_evidence,
        }
        for n, (code, score) in enumerate(json.loads(item.candidates or "[]")[:3], start=1):
            row[f"候选{n}编码"] = code
            row[f"候选{n}得分"] = score
            for column, label in CANDIDATE_ELEMENTS.items():
                row[f"候选{n}{label}"] = by_code[column].get(code) if code in by_code.index else None
        row[DECISION_COLUMN] = None
        row[OTHER_CODE_COLUMN] = None
        row[REVIEWER_COLUMN] = None
        row["备注"] = None
        row[KEY_COLUMN] = item.review_key
        rows.append(row)
    columns = ["序号", "报送名称", "报送编码", "出现行数", "涉及区(市)", "涉及文件", "涉及位置(前10处)", "系统判断"]
    for n in (1, 2, 3):
        columns += [f"候选{n}编码", f"候选{n}得分"] + [f"候选{n}{label}" for label in CANDIDATE_ELEMENTS.values()]
    columns += [DECISION_COLUMN, OTHER_CODE_COLUMN, REVIEWER_COLUMN, "备注", KEY_COLUMN]
    return pd.DataFrame(rows).reindex(columns=columns)


def parse_decisions(sheet: pd.DataFrame, catalog_codes: set[str], default_reviewer: str,
                    row_numbers: list[int] | None = None) -> tuple[list[Decision], list[str]]:
    """Decisions of every filled row, and every problem (Chinese, naming the Excel row) at once."""
    missing = [c for c in (KEY_COLUMN, DECISION_COLUMN, "报送名称") if c not in sheet.columns]
    if missing:
        return [], [f"核对表缺少列：{'、'.join(missing)}（请使用 mulu review export 导出的表）"]
    decisions, problems = [], []
    numbers = row_numbers or list(range(2, len(sheet) + 2))
    for number, (_, row) in zip(numbers, sheet.iterrows()):
        choice = clean_text(row.get(DECISION_COLUMN))
        if not choice:
            continue  # not decided yet: it stays in the queue
        where = f"第{number}行（{clean_text(row.get('报送名称'))}）"
        kind = CHOICES.get(choice)
        key = clean_text(row.get(KEY_COLUMN))
        if not key:
            problems.append(f"{where}：'{KEY_COLUMN}'为空，无法对应到事项")
            continue
        if kind is None:
            problems.append(f"{where}：决定'{choice}'无效，应为{'、'.join(CHOICES)}之一")
            continue
        code = None
        if kind.startswith("candidate_"):
            code = clean_text(row.get(f"候选{kind[-1]}编码")) or None
            if code is None:
                problems.append(f"{where}：选择了'{choice}'，但该行没有{choice}")
                continue
        elif kind == "other_code":
            written = clean_text(row.get(OTHER_CODE_COLUMN))
            # The catalog's code however it is written (spaces, dashes, case): compared as code keys.
            by_key = {code_key(c): c for c in catalog_codes}
            code = by_key.get(code_key(code_text(written)), code_text(written)) or None
            if not written:
                problems.append(f"{where}：选择了'其他编码'，请在'{OTHER_CODE_COLUMN}'列填写目录中的事项编码")
                continue
            if code not in catalog_codes:
                problems.append(f"{where}：编码'{written}'不在目录中")
                continue
        if code is not None and code not in catalog_codes:
            problems.append(f"{where}：编码'{code}'已不在目录中，请重新导出核对表")
            continue
        basic_code = clean_text(row.get("报送编码")) or None
        decisions.append(Decision(
            review_key=key, raw_name=clean_text(row.get("报送名称")), basic_code=basic_code,
            decision="code" if code else kind, catalog_code=code,
            decided_by=clean_text(row.get(REVIEWER_COLUMN)) or default_reviewer,
        ))
    keys = [d.review_key for d in decisions]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(f"同一事项出现了多个决定（核对键 {key}），请只保留一行")
    return decisions, problems
