"""The staff's own report, beside the districts' ones: the catalog's problems (目录问题), the
reference data's (参考数据问题: the communities list) and files that belong to no district. Written
with the district reports, so they change together."""

from pathlib import Path

import pandas as pd
import xlsxwriter

from transforms.fields import label

STAFF_REPORT = "目录问题.xlsx"
SEVERITY_WORDS = {"error": "错误", "warning": "提醒", "info": "说明"}
CATALOG_LABELS = {"row_number": "目录行号", "catalog_code": "事项编码", "field": "要素", "severity": "级别",
                  "message": "问题说明", "value": "值", "rule": "规则"}
INBOX_LABELS = {"source_file": "文件", "severity": "级别", "message": "问题说明", "hint": "修改建议", "rule": "规则"}


def _people(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    out = frame.reindex(columns=list(labels)).copy()
    out["severity"] = out["severity"].map(lambda s: SEVERITY_WORDS.get(s, s))
    if "field" in out:
        out["field"] = out["field"].map(lambda f: label(f) if isinstance(f, str) else f)
    return out.rename(columns=labels)


RULE_WORDS = {"catalog.name_empty": "事项名称为空的行", "catalog.code_empty": "事项编码为空的行",
              "catalog.code_repeated": "事项编码重复（名称不同）的行", "catalog.row_repeated": "与前面重复的行（已忽略）",
              "catalog.name_repeated": "事项名称重复的行", "catalog.column_missing": "缺少的列",
              "catalog.element_empty": "要素为空", "reference.community_town_unknown": "村(社区)名单：镇(街道)不在名单中",
              "reference.community_district_unknown": "村(社区)名单：区(市)不在名单中",
              "reference.community_repeated": "村(社区)名单：重复的村(社区)",
              "reference.community_name_nonstandard": "村(社区)名单：名称不是标准写法",
              "reference.community_incomplete": "村(社区)名单：未填全的行",
              "reference.site_kind_unknown": "站点表：类型有误", "reference.site_town_unknown": "站点表：镇(街道)不在名单中",
              "reference.site_community_missing": "站点表：便民服务站未填村社区名称",
              "reference.site_name_nonstandard": "站点表：站点名称不是标准写法"}
REFERENCE_LABELS = {"source_file": "文件", "row_number": "行号", "severity": "级别", "message": "问题说明", "value": "值",
                    "rule": "规则"}


def _counts(catalog_findings: pd.DataFrame) -> list[tuple[str, str]]:
    problems = catalog_findings[catalog_findings["severity"] != "info"]
    words = [RULE_WORDS.get(rule, rule) + (f"：{label(field)}" if rule == "catalog.element_empty" else "")
             for rule, field in zip(problems["rule"], problems["field"])]
    return [(word, str(n)) for word, n in pd.Series(words, dtype=object).value_counts(sort=False).items()]


def write_staff_report(path: Path, catalog_findings: pd.DataFrame, inbox_findings: pd.DataFrame,
                       write_sheet, rules: pd.DataFrame | None = None) -> None:
    """xlsx: 汇总 (what the catalog's codes are read as, counts per problem), 目录问题 (each catalog
    row's problems), 收件箱问题 (files outside any district folder), 名称规则 (the rules people's
    answers made: warehouse/noise_rules.py rules_frame). write_sheet is warehouse/workbook.py's sheet
    writer."""
    notes = [("说明", m) for m in catalog_findings.loc[catalog_findings["severity"] == "info", "message"]]
    of_catalog = ~catalog_findings["rule"].str.startswith("reference.")
    files = ", ".join(sorted(set(catalog_findings.loc[of_catalog, "source_file"].dropna()))) \
        if "source_file" in catalog_findings else ""
    rows = [("目录文件", files), *notes, *_counts(catalog_findings),
            ("不属于任何区(市)的文件问题", str(len(inbox_findings)))]
    summary = pd.DataFrame(rows, columns=["项目", "数值"])
    workbook = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False,
                                          "strings_to_numbers": False})
    write_sheet(workbook, "汇总", summary, {"项目": 30, "数值": 80})
    of_reference = catalog_findings["rule"].str.startswith("reference.")
    problems = catalog_findings[(catalog_findings["severity"] != "info") & ~of_reference].sort_values(
        ["row_number", "field"], na_position="first")
    write_sheet(workbook, "目录问题", _people(problems, CATALOG_LABELS), {"问题说明": 60, "值": 30, "事项编码": 34})
    reference = catalog_findings[of_reference].sort_values(["source_file", "row_number"])
    write_sheet(workbook, "参考数据问题", _people(reference, REFERENCE_LABELS), {"文件": 18, "问题说明": 60, "值": 30})
    write_sheet(workbook, "收件箱问题", _people(inbox_findings, INBOX_LABELS), {"文件": 40, "问题说明": 50, "修改建议": 40})
    if rules is not None:
        write_sheet(workbook, "名称规则", rules, {"核对过的名称": 50, "核对人": 20, "停用原因": 40})
    workbook.close()
