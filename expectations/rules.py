"""Every validation rule of mulu: what it checks, and what a district is told when it fails.

A rule is a Great Expectations expectation plus the words for people. Suites are built from these
lists in code (expectations/suites.py), so a rule and its message are edited in one place.
Columns named here come from the validation frame (warehouse/checks.py).
"""

from dataclasses import dataclass

from transforms.fields import CONFORMANCE_ELEMENTS, LABELS, REQUIRED_FIELDS


@dataclass(frozen=True)
class Rule:
    rule: str  # stable id, used in findings and tests
    expectation: str  # a class name in great_expectations.expectations
    kwargs: dict
    field: str | None  # the element (English field name) the finding points at
    message: str  # Chinese, names the problem
    hint: str  # Chinese, says how to fix it
    severity: str = "error"


REQUIRED_ELEMENTS = {name: LABELS[name] for name in REQUIRED_FIELDS}  # seed §二(二)2

# Row rules run over warehouse/checks.py's validation frame, one row per site item.
# Rules whose hint names the catalog's code of the row's item when it is known (steps.validate_rows).
CODE_HINT_RULES = ("required.item_code", "code.not_in_catalog", "code.repaired", "code.other_item")

ROW_RULES: list[Rule] = [
    Rule(f"required.{name}", "ExpectColumnValuesToNotBeNull", {"column": f"present_{name}"}, name,
         f"'{label}'未填写", f"请补充填写'{label}'（参照市级指导目录）",
         # A blank code is no obstacle when the name identifies the item: the hint gives the code.
         severity="warning" if name == "item_code" else "error")
    for name, label in REQUIRED_ELEMENTS.items()
] + [
    Rule("code.not_in_catalog", "ExpectColumnValuesToBeInSet", {"column": "code_in_catalog", "value_set": [True]},
         "item_code", "事项编码不在目录中（或格式无法识别）", "请按目录填写事项编码", severity="warning"),
    Rule("code.repaired", "ExpectColumnValuesToBeInSet", {"column": "code_intact", "value_set": [True]},
         "item_code", "事项编码被Excel改变（丢失前导零或变成科学计数法）",
         "请把编码列设为文本格式后按目录填写", severity="warning"),
    Rule("code.other_item", "ExpectColumnValuesToBeInSet", {"column": "code_names_item", "value_set": [True]},
         "item_code", "事项编码对应的是目录中的另一事项（事项名称与目录一字不差，已按名称确定）",
         "请按目录填写本事项的编码"),
    Rule("site.unknown", "ExpectColumnValuesToBeInSet", {"column": "site_known", "value_set": [True]},
         "town", "无法确定该行属于哪个镇(街道)或村(社区)：表中、工作表名、文件名和文件夹名都没有",
         "请增加'镇(街道)''村(社区)'列，或在文件名、工作表名中写明"),
    Rule("duration.statutory_implausible", "ExpectColumnValuesToBeInSet",
         {"column": "statutory_plausible", "value_set": [True]}, "statutory_limit",
         "法定办结时限不合理（负数、为0却带单位，或超过1000天）", "请按实际填写，如'20个工作日'或'即办'"),
    Rule("duration.promised_implausible", "ExpectColumnValuesToBeInSet",
         {"column": "promised_plausible", "value_set": [True]}, "promised_limit",
         "承诺办结时限不合理（负数、为0却带单位，或超过1000天）", "请按实际填写，如'5个工作日'或'即办'"),
    Rule("vocab.item_type", "ExpectColumnValuesToBeInSet", {"column": "item_type_known", "value_set": [True]},
         "item_type", "事项类型不在标准类型中", "请填写标准类型，如'行政许可''公共服务''行政确认'"),
    Rule("vocab.exercise_levels", "ExpectColumnValuesToBeInSet", {"column": "levels_known", "value_set": [True]},
         "exercise_levels", "行使层级无法识别", "请填写'县级''镇（乡、街道）级''村（社区）级'等，多个用逗号分隔"),
    Rule("vocab.handling_type", "ExpectColumnValuesToBeInSet", {"column": "handling_type_known", "value_set": [True]},
         "handling_type", "办件类型无法识别", "请填写'即办件'或'承诺件'"),
    Rule("duration.statutory", "ExpectColumnValuesToBeInSet", {"column": "statutory_parsed", "value_set": [True]},
         "statutory_limit", "法定办结时限无法识别", "请写成'20个工作日'或'即办'"),
    Rule("duration.promised", "ExpectColumnValuesToBeInSet", {"column": "promised_parsed", "value_set": [True]},
         "promised_limit", "承诺办结时限无法识别", "请写成'5个工作日'或'即办'"),
    Rule("duration.promised_le_statutory", "ExpectColumnPairValuesAToBeGreaterThanB",
         {"column_A": "statutory_days", "column_B": "promised_days", "or_equal": True,
          "ignore_row_if": "either_value_is_missing"}, "promised_limit",
         "承诺办结时限长于法定办结时限", "承诺时限应不超过法定时限"),
    Rule("consistency.immediate", "ExpectColumnValuesToBeInSet", {"column": "immediate_consistent", "value_set": [True]},
         "handling_type", "承诺时限与办件类型不一致（即办应为即办件，非即办应为承诺件）",
         "承诺时限为'即办'时办件类型填'即办件'，否则填'承诺件'"),
    Rule("consistency.fee_basis", "ExpectColumnValuesToBeInSet", {"column": "fee_basis_ok", "value_set": [True]},
         "fee_basis", "收费事项未填写收费依据", "收费的事项请填写收费依据（文件名称及文号）"),
    Rule("site.duplicate", "ExpectColumnValuesToBeInSet", {"column": "first_at_site", "value_set": [True]},
         "item_name", "同一站点重复报送了该事项", "请删除重复的行"),
    Rule("site.level_allowed", "ExpectColumnValuesToBeInSet", {"column": "level_allowed", "value_set": [True]},
         "exercise_levels", "该事项的行使层级不包含本站点所在层级", "核对行使层级，或确认该事项是否应在本站点办理",
         severity="warning"),
    Rule("match.code_name_conflict", "ExpectColumnValuesToBeInSet", {"column": "code_name_agree", "value_set": [True]},
         "item_code", "事项编码与事项名称对应的不是同一个目录事项，已转人工核对",
         "核对编码和名称，按市级指导目录填写同一事项的名称和编码"),
    Rule("match.catalog", "ExpectColumnValuesToBeInSet", {"column": "match_accepted", "value_set": [True]}, "item_name",
         "未能确定对应的目录事项，已转人工核对", "请按市级指导目录的事项名称和编码填写", severity="warning")
] + [
    Rule(f"conformance.{name}", "ExpectColumnValuesToBeInSet", {"column": f"{name}_conforms", "value_set": [True]},
         name, f"{label}与市级目录不一致（全市统一）", f"请按目录的{label}填写",
         severity="error" if name == "item_type" else "warning")
    for name, label in CONFORMANCE_ELEMENTS.items()
]

# Site rules run over one row per site (warehouse/checks.py site_frame).
ONLINE_SHARE = {"镇(街道)": 0.60, "村(社区)": 0.50}  # of 依申请 items, 网上可办 (seed §二(三)3)
SITE_RULES: list[Rule] = [
    Rule("site.online_share", "ExpectColumnValuesToBeInSet", {"column": "online_share_ok", "value_set": [True]},
         "online", "依申请事项网上可办比例未达到要求（镇(街道)≥60%，村(社区)≥50%）",
         "对具备条件的事项开通网上办理，并在报送表中如实填写'网上可办'", severity="warning"),
]

# The publish audit: the candidate 指导目录清单 (warehouse/publish.py CATALOG_COLUMNS).


def publish_rules(previous_count: int | None, max_shrink: float | None) -> list[Rule]:
    # Empty elements of the catalog are the catalog's findings (the 目录问题 report), never a reason
    # to withhold the list.
    rules = [
        Rule("publish.unique", "ExpectCompoundColumnsToBeUnique", {"column_list": ["site_level", "catalog_code"]},
             "item_code", "目录中同一层级的事项编码重复", "检查目录编码"),
        Rule("publish.level", "ExpectColumnValuesToBeInSet",
             {"column": "site_level", "value_set": ["镇(街道)", "村(社区)"]}, "site_level", "便民服务层级无效", "检查层级"),
        Rule("publish.code", "ExpectColumnValuesToNotBeNull", {"column": "catalog_code"}, "item_code",
             "目录事项缺少编码", "检查目录编码"),
    ]
    if previous_count and max_shrink is not None:
        floor = previous_count - int(previous_count * max_shrink)  # the allowed loss, rounded down
        rules.append(Rule("publish.shrink", "ExpectTableRowCountToBeBetween", {"min_value": floor}, None,
                          f"目录条数比上一版本（{previous_count}条）减少超过{max_shrink:.0%}",
                          "核对是否有区(市)漏报；确认无误后用 --allow-shrink 发布"))
    return rules
