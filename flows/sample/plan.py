"""Plan one district: its file shape and header words, its sites, and every row they list.

Pure: everything comes from the reference data and one `random.Random` per district, seeded from
(seed, district name), so districts can be generated in any order or in parallel.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from transforms.fields import COMMUNITY_LEVEL, LABELS, TOWN_LEVEL

from . import defects, places
from .local_items import local_values
from .refdata import District, RefData
from .rows import NoiseContext, Row, catalog_row, local_row

SHAPES = tuple(range(1, 11))
URBAN = ("市南区", "市北区", "李沧区")
# Site columns (town / community / level / seq) each shape writes besides the item fields.
SITE_COLUMNS = {
    1: ("community",), 2: ("community", "site_level"), 3: ("town", "community", "site_level"),
    4: (), 5: ("town", "community", "site_level"), 6: ("site",),
    7: ("seq", "community"), 8: ("town", "community"), 9: ("town", "community", "site_level"),
    10: ("town", "site"),
}
# Header words of real published lists (../shared/realdata/HEADER_WORDS.md), ambiguous ones included:
# 类别 holding 事项类型 values, 依据 for 设定依据, 办理时限 for the promised limit, a 服务站点 column.
REAL_HEADER_WORDS = {
    4: {"item_name": "职权名称", "item_code": "职权编码", "item_type": "类别", "legal_basis": "行使依据",
        "acceptance_conditions": "受理标准", "materials": "办理材料", "statutory_limit": "法定期限",
        "promised_limit": "承诺完成时限", "handling_type": "办理类型", "fee": "收费情况", "online": "是否网办"},
    6: {"site": "服务站点", "item_name": "办理项名称", "item_type": "事项类别", "legal_basis": "依据",
        "promised_limit": "办理时限", "department": "实施机关"},
    10: {"town": "乡镇（街道）名称", "site": "站点名称", "item_code": "业务办理项编码", "legal_basis": "实施依据"},
}
CSV_SHAPES = {3: "gbk", 6: "utf-8-sig", 9: "gbk"}
ITEM_FIELDS = (
    "item_name", "item_code", "item_type", "item_family", "department", "legal_basis",
    "exercise_levels", "acceptance_conditions", "materials", "statutory_limit", "promised_limit",
    "fee", "fee_basis", "handling_type", "online", "proxy", "note",
)
OPTIONAL_FIELDS = ("item_family", "department", "online", "proxy", "note")
SUBFOLDERS = ("", "", "2026年11月", "报送材料/2026年11月", "便民服务事项")
FILE_STEMS = ("{town}便民服务事项清单", "{district}{town}便民服务事项清单", "附件2：{town}便民服务事项目录",
              "{town}便民服务事项清单（2026年11月）")
SCALES = {
    # towns per district, communities per town, share of the level's catalog items a site lists
    # small: one town per district (two for the one-file-per-district shape 8), ≈5–6k rows
    "small": {"towns": 1, "communities": (2, 3), "town_share": (0.75, 0.9), "community_items": (80, 150)},
    # city: every town, ≈22 communities each (≈3,000), ≈0.4 M rows
    "city": {"towns": None, "communities": (16, 29), "town_share": (0.75, 0.9), "community_items": (95, 150)},
}


@dataclass
class Site:
    town: str
    community: str  # "" for the town's own 便民服务中心
    level: str
    uscc: str
    level_digit: str
    phone: str
    window: str
    address: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Profile:
    shape: int
    columns: tuple[str, ...]  # field names in file order (site columns included)
    headers: dict[str, str]  # field -> header word this district uses
    subfolder: str
    file_stem: str
    encoding: str  # csv encoding ("" for xlsx)
    person: str
    mobile: str


@dataclass
class TownPlan:
    name: str
    sites: list[Site]


@dataclass
class DistrictPlan:
    district: District
    profile: Profile
    towns: list[TownPlan]


def district_rng(seed: int, district: str, purpose: str) -> random.Random:
    return random.Random(f"{seed}|{district}|{purpose}")


def make_profile(rng: random.Random, shape: int, ref: RefData) -> Profile:
    optional = [f for f in OPTIONAL_FIELDS if rng.random() < 0.6]
    if shape == 1 or shape == 9:
        optional = sorted(set(optional) | {"online", "proxy"}, key=OPTIONAL_FIELDS.index)
    site_cols = list(SITE_COLUMNS[shape])
    if "seq" not in site_cols and rng.random() < 0.3:
        site_cols.insert(0, "seq")
    items = [f for f in ITEM_FIELDS if f not in OPTIONAL_FIELDS or f in optional]
    columns = site_cols + items
    if shape == 3:  # columns in another order
        rng.shuffle(columns)
    headers: dict[str, str] = {}
    used: set[str] = set()
    for f in columns:
        words = ref.headers.get(f, [LABELS[f]])
        word = words[0] if rng.random() < 0.4 or len(words) == 1 else rng.choice(words[1:])
        word = REAL_HEADER_WORDS.get(shape, {}).get(f, word)
        if word in used:
            word = LABELS[f]
        headers[f] = word
        used.add(word)
    return Profile(
        shape=shape, columns=tuple(columns), headers=headers, subfolder=rng.choice(SUBFOLDERS),
        file_stem=rng.choice(FILE_STEMS), encoding=CSV_SHAPES.get(shape, ""),
        person=places.person(rng), mobile=places.mobile(rng),
    )


def _noise_context(ref: RefData, profile: Profile) -> NoiseContext:
    names: dict[str, frozenset[str]] = {}
    for c in ref.catalog:
        names[c["item_name"]] = names.get(c["item_name"], frozenset()) | {c["item_code"]}
    for code, aliases in ref.aliases.items():
        for a in aliases:
            names[a] = names.get(a, frozenset()) | {code}
    bracketed = {
        base for base in (c["item_name"] for c in ref.catalog)
        if any(o["item_name"] != base and o["item_name"].startswith((base + "（", base + "("))
               for o in ref.catalog)
    }
    return NoiseContext(
        columns=frozenset(profile.columns), gbk=profile.encoding == "gbk",
        excel_numbers=profile.shape == 10, materials_newlines=profile.shape == 9,
        names=names, bracketed_bases=frozenset(bracketed),
    )


def _site(rng: random.Random, district: District, town: str, community: str) -> Site:
    level = COMMUNITY_LEVEL if community else TOWN_LEVEL
    return Site(
        town=town, community=community, level=level,
        uscc=places.uscc(rng, district.code, "54" if community else "11"),
        level_digit="6" if community else "5", phone=places.phone(rng),
        window=rng.choice(("综合业务窗口", "综合受理窗口", "帮办代办窗口")) if not community else "综合业务窗口",
        address=(community or town) + ("党群服务中心" if community else "便民服务中心")
        + rng.choice(("一楼", "二楼", "大厅", "")),
    )


def _fill(rng: random.Random, site: Site, items: list[dict], ref: RefData, ctx: NoiseContext, codes: set[str]) -> None:
    rows = [catalog_row(rng, item, site, ref.catalog, ref.aliases.get(item["item_code"], []), ctx)
            for item in items]
    n_local = sum(1 for _ in range(len(items)) if rng.random() < defects.NOT_IN_CATALOG_RATE)
    used_names: set[str] = set()
    for _ in range(n_local):
        values = local_values(rng, site.level == COMMUNITY_LEVEL, ref_province(ref))
        if values["item_name"] in used_names or values["item_name"] in ctx.names:
            continue
        used_names.add(values["item_name"])
        if values["item_code"] in codes:
            values["item_code"] = ""
        rows.insert(rng.randrange(len(rows) + 1), local_row(rng, values, site, ctx))
    for i in range(len(rows) - 1, -1, -1):  # duplicates: a defect-free row listed again later
        if not rows[i].defects and rows[i].true_code and rng.random() < defects.DUPLICATE_ROW_RATE:
            copy = Row(rows[i].true_code, dict(rows[i].values), ["duplicate_row"], list(rows[i].noise))
            rows.insert(rng.randrange(i + 1, len(rows) + 1), copy)
    site.rows = rows


def ref_province(ref: RefData) -> str:
    return ref.districts[0].code[:2] if ref.districts else "37"


def plan_district(ref: RefData, district: District, shape: int, scale: str, seed: int) -> DistrictPlan:
    conf = SCALES[scale]
    rng = district_rng(seed, district.name, "plan")
    profile = make_profile(rng, shape, ref)
    ctx = _noise_context(ref, profile)
    town_items = [c for c in ref.catalog if TOWN_LEVEL in c.get("site_level", "")]
    village_items = [c for c in ref.catalog if COMMUNITY_LEVEL in c.get("site_level", "")]
    towns = list(district.towns)
    if conf["towns"]:
        n = conf["towns"] + (1 if shape == 8 else 0)
        towns = sorted(rng.sample(towns, min(len(towns), n)), key=towns.index)
    order = {c["item_code"]: i for i, c in enumerate(ref.catalog)}
    codes = set(order)
    plans = []
    for town, kind in towns:
        names = places.site_names(rng, rng.randint(*conf["communities"]), kind, district.name in URBAN)
        sites = [_site(rng, district, town, "")] + [_site(rng, district, town, n) for n in names]
        for site in sites:
            if site.community:
                lo, hi = conf["community_items"]
                k = min(len(village_items), rng.randint(lo, hi))
                chosen = rng.sample(village_items, k) if k < len(village_items) else list(village_items)
            else:
                share = rng.uniform(*conf["town_share"])
                chosen = [c for c in town_items if rng.random() < share]
            chosen.sort(key=lambda c: order[c["item_code"]])
            _fill(rng, site, chosen, ref, ctx, codes)
        plans.append(TownPlan(town, sites))
    return DistrictPlan(district, profile, plans)
