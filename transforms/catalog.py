"""Read and check a master catalog (the 指导目录 the districts' rows are matched to).

The catalog is read through the same readers and header synonyms as district files, so staff
can hand in an xlsx or csv with their own column words. Every problem is reported at once.
"""

import pandas as pd

from transforms.codes import DEFAULT_PATTERNS, CodePatterns
from transforms.fields import LABELS, SUBMISSION_FIELDS
from transforms.headers import detect_header
from transforms.matching import identity_keys
from transforms.normalize import codes_table, names_table
from transforms.readers import read_file
from transforms.tables import extract_table

CATALOG_REQUIRED = ("item_name", "item_code")
# 便民服务层级 of the catalog lists where an item may be offered: 镇(街道), 村(社区) or both.
CATALOG_FIELDS = [f.name for f in SUBMISSION_FIELDS if f.name not in ("town", "community", "seq", "note")]


def read_catalog(data: bytes, filename: str, synonyms: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """(raw catalog rows with English columns + row_number, problems in Chinese)."""
    result = read_file(data, filename)
    problems = [f"{filename}：{p.message}" for p in result.problems]
    for sheet in result.sheets:
        header = detect_header(sheet, synonyms, min_fields=len(CATALOG_REQUIRED))
        if header is None:
            continue
        missing = [LABELS[f] for f in CATALOG_REQUIRED if f not in header.columns]
        if missing:
            problems.append(f"{filename}：目录缺少必需的列：{'、'.join(missing)}")
            return pd.DataFrame(), problems
        table = extract_table(sheet, header)
        frame = pd.DataFrame({name: table.columns[name] for name in CATALOG_FIELDS})
        frame["row_number"] = table.row_numbers
        frame.attrs["present_fields"] = sorted(header.columns)
        return frame, problems
    if not problems:
        problems.append(f"{filename}：未找到目录表头，需要'事项名称'和'事项编码'两列。")
    return pd.DataFrame(), problems


def check_catalog(frame: pd.DataFrame, patterns: CodePatterns = DEFAULT_PATTERNS) -> list[str]:
    """Every problem that makes the catalog unusable for matching, in one list."""
    problems = []
    names = names_table(frame["item_name"]).set_index(frame.index)
    codes = codes_table(frame["item_code"], patterns).set_index(frame.index)
    rows = frame["row_number"]
    for index in frame.index[names["name_key"] == ""]:
        problems.append(f"第{rows[index]}行：事项名称为空")
    for index in frame.index[codes["code_kind"] == "empty"]:
        problems.append(f"第{rows[index]}行：事项编码为空")
    for index in frame.index[codes["code_kind"] == "invalid"]:
        problems.append(f"第{rows[index]}行：事项编码'{frame['item_code'][index]}'格式无法识别")
    code_key = codes["code_text"]
    for code, group in rows[code_key.duplicated(keep=False) & (code_key != "")].groupby(code_key):
        problems.append(f"事项编码'{code}'重复出现在第{'、'.join(map(str, group))}行")
    name_key = pd.Series([identity_keys(*k)[0] for k in zip(
        names["name_key"], names["name_situations"], names["name_qualifier"])], index=frame.index)
    for _, group in rows[name_key.duplicated(keep=False) & (name_key != "")].groupby(name_key):
        first = frame["item_name"][group.index[0]]
        problems.append(f"事项名称'{first}'重复出现在第{'、'.join(map(str, group))}行")
    return problems
