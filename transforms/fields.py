"""The field vocabulary: every element's English column name and the Chinese label people read.

Code and SQL use the English snake_case names; every file, report and message a person reads
uses the Chinese labels. Header synonyms that districts write (服务事项名称, 名称 …) live in
warehouse/seeds/header_synonyms.csv; the labels here are the canonical spelling.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool = False  # a required element of a site item row (seed §二(二)2)


# The elements a district submits for one item at one site, in the order people expect them.
SUBMISSION_FIELDS: tuple[Field, ...] = (
    Field("town", "镇(街道)"),
    Field("community", "村(社区)"),
    Field("site", "服务站点"),  # one column naming a town's centre or a community's station
    Field("site_level", "便民服务层级"),
    Field("seq", "序号"),
    Field("item_name", "事项名称", required=True),
    Field("item_code", "事项编码", required=True),
    Field("item_type", "事项类型", required=True),
    Field("item_family", "事项类别"),
    Field("department", "主管部门"),
    Field("legal_basis", "设定依据", required=True),
    Field("exercise_levels", "行使层级", required=True),
    Field("acceptance_conditions", "受理条件", required=True),
    Field("materials", "申请材料", required=True),
    Field("statutory_limit", "法定办结时限", required=True),
    Field("promised_limit", "承诺办结时限", required=True),
    Field("fee", "是否收费", required=True),
    Field("fee_basis", "收费依据"),
    Field("handling_type", "办件类型", required=True),
    Field("online", "网上可办"),
    Field("proxy", "帮办代办"),
    Field("note", "备注"),
)

FIELDS_BY_NAME = {f.name: f for f in SUBMISSION_FIELDS}
LABELS = {f.name: f.label for f in SUBMISSION_FIELDS}
REQUIRED_FIELDS = tuple(f.name for f in SUBMISSION_FIELDS if f.required)

# Elements compared with the catalog's standard (全市统一, seed §二(二)2), with the words reports use.
CONFORMANCE_ELEMENTS = {
    "item_type": "事项类型",
    "legal_basis": "设定依据",
    "exercise_levels": "行使层级",
    "acceptance_conditions": "受理条件",
    "handling_type": "办件类型",
    "statutory_limit": "法定办结时限",
    "promised_limit": "承诺办结时限",
    "materials": "申请材料",
    "fee": "收费情况",
}

# Site levels of a 便民服务 site (seed §二(一)1).
TOWN_LEVEL = "镇(街道)"
COMMUNITY_LEVEL = "村(社区)"
SITE_LEVELS = (TOWN_LEVEL, COMMUNITY_LEVEL)

# Labels of derived (normalized) columns, for published files and reports.
DERIVED_LABELS = {
    "district": "区(市)",
    "district_code": "区划代码",
    "source_file": "来源文件",
    "sheet": "工作表",
    "row_number": "行号",
    "raw_name": "报送事项名称",
    "raw_code": "报送事项编码",
    "catalog_code": "目录事项编码",
    "catalog_name": "目录事项名称",
    "match_method": "匹配方式",
    "match_score": "匹配得分",
    "match_evidence": "匹配依据",
    "runner_up_code": "次优候选编码",
    "runner_up_score": "次优候选得分",
    "item_type_code": "事项类型代码",
    "exercise_level_codes": "行使层级代码",
    "statutory_days": "法定办结时限(天)",
    "statutory_day_unit": "法定时限单位",
    "promised_days": "承诺办结时限(天)",
    "promised_day_unit": "承诺时限单位",
    "is_immediate": "是否即办",
    "fee_charged": "是否收费",
    "handling_type_code": "办件类型代码",
    "material_count": "申请材料数",
    "is_online": "是否网上可办",
    "is_proxy": "是否帮办代办",
}


# A landed rows file's columns (warehouse/landing_files.py): where each row came from, then its fields.
LANDING_COLUMNS = (
    ["district", "source_file", "file_sha256", "sheet", "row_number"]
    + [f.name for f in SUBMISSION_FIELDS]
    + ["extras", "site_evidence", "site_point"]
)

# Bump when a change of reading (headers, columns, sites) must make every file count as unread.
READER_VERSION = "7"


def label(name: str) -> str:
    """The Chinese label of a column, or the name itself when it has none."""
    return LABELS.get(name) or DERIVED_LABELS.get(name) or name
