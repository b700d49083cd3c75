"""The sample's place lists, as a bureau keeps them: communities.csv (every 村(社区) of each town, with
a few whose 站 sends nothing and one name not in its standard form) and sites.csv (each 中心 and 站
with its address, phone, hours and windows, and a few 便民服务点 at banks and post offices).

Drawn from a random of their own, so the inbox and the truth file stay what the seed gives.
"""

from __future__ import annotations

import random

from . import places
from .plan import DistrictPlan

COMMUNITY_COLUMNS = ("区市名称", "镇街名称", "村社区名称")
SITE_COLUMNS = ("站点名称", "类型", "区市名称", "镇街名称", "村社区名称", "合作单位", "地址", "联系电话", "办公时间", "窗口")
HOURS = ("周一至周五 9:00-12:00，13:30-17:00", "工作日 8:30-17:30", "周一至周六 9:00-17:00")
PARTNERS = ("邮政", "农商银行", "超市")


def place_rows(plan: DistrictPlan, seed: int) -> tuple[list[tuple], list[tuple]]:
    """(communities.csv rows, sites.csv rows) of one district's plan."""
    rng = random.Random(f"{seed}|{plan.district.name}|places")
    district = plan.district.name
    communities, sites = [], []
    for town in plan.towns:
        named = [s.community for s in town.sites if s.community]
        silent = [n for n in places.site_names(rng, 2, "街道" if town.name.endswith("街道") else "镇", False)
                  if n not in named][:1]  # listed, but its 站 sends nothing
        for name in named + silent:
            communities.append((district, town.name, name))
        hours = rng.choice(HOURS)
        for site in town.sites:
            kind, name = ("站", f"{site.community}便民服务站") if site.community else ("中心", f"{town.name}便民服务中心")
            windows = "综合业务、帮办代办" if site.community else "综合业务、帮办代办、咨询投诉"
            sites.append((name, kind, district, town.name, site.community, "", site.address, site.phone, hours, windows))
        for name in silent:
            sites.append((f"{name}便民服务站", "站", district, town.name, name, "", f"{name}党群服务中心",
                          places.phone(rng), hours, "综合业务、帮办代办"))
        if named and rng.random() < 0.5:  # a 点 that the district's sheets never name
            partner = rng.choice(PARTNERS)
            host = rng.choice(named)
            sites.append((f"{host}{partner}便民服务点", "点", district, town.name, host, partner, f"{host}{partner}网点",
                          places.phone(rng), "营业时间内", "代收代办"))
    if communities:  # one name as a clerk might key it: the list's own finding (reference.community_name_nonstandard)
        district_name, town_name, name = communities[0]
        communities[0] = (district_name, town_name, f"{name}居委会" if name.endswith("社区") else f"{name}委会")
    return communities, sites
