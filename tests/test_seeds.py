"""Checks of the staff-editable reference data in warehouse/seeds/.

The CSVs are edited by hand in Excel/WPS, so these tests are the guard rail: they read the files
with the csv module only (UTF-8 with BOM) and check shape, uniqueness and the consistency rules of
the 指导目录 (承诺 ≤ 法定, 即办 ⇔ 即办件, 收费 ⇒ 依据, level coverage …).
"""

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest

from transforms.fields import SUBMISSION_FIELDS

SEEDS = Path(__file__).resolve().parent.parent / "warehouse" / "seeds"

CATALOG_COLUMNS = [
    "事项编码", "事项名称", "事项类型", "事项类别", "主管部门", "设定依据", "行使层级", "便民服务层级",
    "受理条件", "申请材料", "法定办结时限", "承诺办结时限", "是否收费", "收费依据", "办件类型",
    "网上可办", "帮办代办",
]
CATALOG_REQUIRED = [c for c in CATALOG_COLUMNS if c != "收费依据"]
TOWN, COMMUNITY = "镇(街道)", "村(社区)"
SITE_VALUES = {TOWN, COMMUNITY, f"{TOWN},{COMMUNITY}"}
TOWN_EXERCISE, COMMUNITY_EXERCISE = "镇（乡、街道）级", "村（社区）级"
CODE_RE = re.compile(r"^(00|37)(\d{2})(\d{5})(\d{3})$")


@cache
def read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    path = SEEDS / name
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def rows(name: str) -> list[dict[str, str]]:
    return read(name)[1]


@cache
def vocab() -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows("vocabularies.csv"):
        out[r["词表"]].append(r)
    return dict(out)


def standard_names(vocabulary: str) -> dict[str, str]:
    """standard name -> code"""
    return {r["标准名称"]: r["代码"] for r in vocab()[vocabulary]}


def days(limit: str) -> float:
    """即办 -> 0; N日 -> N calendar days; N个工作日 -> N × 7/5 calendar days."""
    if limit == "即办":
        return 0.0
    m = re.fullmatch(r"(\d+)(个工作日|日)", limit)
    assert m, f"unparsable 办结时限 {limit!r}"
    n = int(m.group(1))
    return n * 7 / 5 if m.group(2) == "个工作日" else float(n)


def test_every_seed_file_has_a_bom_and_its_header():
    expected = {
        "catalog.csv": CATALOG_COLUMNS,
        "aliases.csv": ["别名", "事项编码", "来源", "登记人", "登记时间"],
        "districts.csv": ["区划代码", "区市名称", "别名"],
        "towns.csv": ["区市名称", "镇街名称", "类型"],
        "header_synonyms.csv": ["字段", "标准列名", "同义列名"],
        "vocabularies.csv": ["词表", "代码", "标准名称", "写法"],
    }
    for name, header in expected.items():
        assert (SEEDS / name).read_bytes().startswith(b"\xef\xbb\xbf"), f"{name} lacks the UTF-8 BOM"
        assert read(name)[0] == header, name


# ---------------------------------------------------------------- catalog


def test_catalog_size_and_unique_names():
    cat = rows("catalog.csv")
    assert len(cat) >= 280
    dupes = [n for n, c in Counter(r["事项名称"] for r in cat).items() if c > 1]
    assert not dupes


def test_catalog_codes_shape_unique_and_type_segment():
    type_codes = standard_names("item_type")
    cat = rows("catalog.csv")
    dupes = [c for c, n in Counter(r["事项编码"] for r in cat).items() if n > 1]
    assert not dupes
    for r in cat:
        m = CODE_RE.match(r["事项编码"])
        assert m, f"bad 基本编码 {r['事项编码']!r}"
        assert r["事项类型"] in type_codes, r["事项类型"]
        assert m.group(2) == type_codes[r["事项类型"]], (r["事项编码"], r["事项类型"])


def test_catalog_required_elements_filled():
    for r in rows("catalog.csv"):
        empty = [c for c in CATALOG_REQUIRED if not r[c].strip()]
        assert not empty, (r["事项名称"], empty)
        assert all(v == v.strip() for v in r.values()), r["事项名称"]
        assert 2 <= len(r["申请材料"].split("；")) <= 6, r["事项名称"]


def test_catalog_time_limits():
    for r in rows("catalog.csv"):
        statutory, promised = r["法定办结时限"], r["承诺办结时限"]
        assert days(promised) <= days(statutory), (r["事项名称"], statutory, promised)
        assert r["办件类型"] in {"即办件", "承诺件"}
        assert (promised == "即办") == (r["办件类型"] == "即办件"), r["事项名称"]


def test_catalog_fee_and_yes_no():
    for r in rows("catalog.csv"):
        for c in ("是否收费", "网上可办", "帮办代办"):
            assert r[c] in {"是", "否"}, (r["事项名称"], c, r[c])
        if r["是否收费"] == "是":
            assert r["收费依据"].strip(), r["事项名称"]
        else:
            assert not r["收费依据"].strip(), r["事项名称"]


def test_catalog_levels_known_and_consistent():
    known = set(standard_names("exercise_level"))
    for r in rows("catalog.csv"):
        levels = r["行使层级"].split(",")
        assert levels and set(levels) <= known, (r["事项名称"], levels)
        assert len(levels) == len(set(levels))
        site = r["便民服务层级"]
        assert site in SITE_VALUES, (r["事项名称"], site)
        if TOWN in site:
            assert TOWN_EXERCISE in levels, r["事项名称"]
        if COMMUNITY in site:
            assert COMMUNITY_EXERCISE in levels, r["事项名称"]


def test_catalog_coverage():
    cat = rows("catalog.csv")
    assert sum(TOWN in r["便民服务层级"] for r in cat) >= 230
    assert sum(COMMUNITY in r["便民服务层级"] for r in cat) >= 130
    assert sum(r["网上可办"] == "是" for r in cat) >= 0.7 * len(cat)
    families = {r["事项类别"] for r in cat}
    for fam in ("养老保险", "医疗保险", "民政服务", "社会救助", "卫生健康服务", "就业创业服务", "退役军人事务",
                "老年人优待", "残疾人帮扶", "惠农政策落实", "法律顾问及纠纷调解", "出具有关证明", "水电气暖费用收缴",
                "市场准入"):
        assert fam in families, fam


def test_catalog_has_situation_sub_items():
    """Sub-items (新办/变更/注销 …) share the main-item digits; there must be several such groups."""
    groups = Counter(r["事项编码"][:9] for r in rows("catalog.csv") if not r["事项编码"].endswith("000"))
    assert sum(n >= 2 for n in groups.values()) >= 8


# ---------------------------------------------------------------- aliases


def test_aliases_point_to_catalog_and_are_unique():
    cat = rows("catalog.csv")
    codes = {r["事项编码"] for r in cat}
    names = {r["事项名称"] for r in cat}
    aliases = rows("aliases.csv")
    assert len(aliases) >= 30
    assert len({a["别名"] for a in aliases}) == len(aliases)
    for a in aliases:
        assert a["别名"].strip() and a["别名"] not in names, a["别名"]
        assert a["事项编码"] in codes, a
        assert a["来源"] and a["登记人"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", a["登记时间"]), a


# ---------------------------------------------------------------- districts and towns


def test_districts():
    ds = rows("districts.csv")
    assert len(ds) == 10
    assert len({d["区划代码"] for d in ds}) == 10
    assert len({d["区市名称"] for d in ds}) == 10
    assert all(re.fullmatch(r"3702\d\d", d["区划代码"]) for d in ds)
    aliases = [a for d in ds for a in d["别名"].split(";") if a]
    assert len(aliases) == len(set(aliases))
    assert {"西海岸新区", "青岛西海岸新区"} <= set(aliases)


def test_towns():
    districts = {d["区市名称"] for d in rows("districts.csv")}
    towns = rows("towns.csv")
    assert 120 <= len(towns) <= 160
    assert len({(t["区市名称"], t["镇街名称"]) for t in towns}) == len(towns)
    assert {t["区市名称"] for t in towns} == districts
    for t in towns:
        assert t["类型"] in {"镇", "街道"}, t
        assert t["镇街名称"].endswith(t["类型"]), t
        if t["区市名称"] in {"市南区", "市北区", "李沧区"}:
            assert t["类型"] == "街道", t


# ---------------------------------------------------------------- header synonyms


def test_header_synonyms():
    labels = {f.name: f.label for f in SUBMISSION_FIELDS}
    syn = rows("header_synonyms.csv")
    by_norm: dict[str, set[str]] = defaultdict(set)
    for r in syn:
        assert r["字段"] in labels, r
        assert r["标准列名"] == labels[r["字段"]], r
        assert r["同义列名"].strip() == r["同义列名"] and r["同义列名"], r
        by_norm[unicodedata.normalize("NFKC", r["同义列名"])].add(r["字段"])
    clashes = {s: f for s, f in by_norm.items() if len(f) > 1}
    assert not clashes
    raw = Counter(r["同义列名"] for r in syn)
    assert all(n == 1 for n in raw.values())
    present = {(r["字段"], r["同义列名"]) for r in syn}
    for name, label in labels.items():
        assert (name, label) in present, f"{name}: its label {label} is not listed as a synonym"


# ---------------------------------------------------------------- vocabularies


def test_vocabularies():
    v = vocab()
    for name in ("item_type", "exercise_level", "handling_type", "service_object", "scope",
                 "handling_form", "yes_no", "site_level"):
        assert name in v, name
    for name, entries in v.items():
        spellings = Counter(e["写法"] for e in entries)
        assert all(n == 1 for n in spellings.values()), (name, [s for s, n in spellings.items() if n > 1])
        std_by_code: dict[str, set[str]] = defaultdict(set)
        for e in entries:
            std_by_code[e["代码"]].add(e["标准名称"])
        for code, stds in std_by_code.items():
            assert len(stds) == 1, (name, code, stds)
            assert next(iter(stds)) in spellings, (name, code)
    assert len(standard_names("item_type")) == 12
    assert standard_names("exercise_level") == {
        "国家级": "1", "省级": "2", "市级": "3", "县级": "4", TOWN_EXERCISE: "5", COMMUNITY_EXERCISE: "6"}
    assert standard_names("site_level") == {TOWN: "town", COMMUNITY: "community"}


@pytest.mark.parametrize("limit,expected", [("即办", 0), ("15日", 15), ("20个工作日", 28)])
def test_days_helper(limit, expected):
    assert days(limit) == expected
