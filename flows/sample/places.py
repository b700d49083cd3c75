"""Plausible invented names and identifiers: communities, 统一社会信用代码, contact people, phones.

All functions are pure given their `random.Random`; every character is GBK-encodable.
"""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁"
    "魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹"
    "黎易常武乔贺赖龚文官仉逄綦臧隋栾"
)
DIRECTIONS = "东西南北前后大小上下"
PLACE_FIRST = "河山石柳杨松沙马泉岭湖龙凤桃杏梨枣槐榆营庄屯埠疃涧坡崖"
PLACE_SECOND = "头口沟湾岭埠庄营洼台岔店集堡岗泊"
COMMUNITY_FIRST = "海山河湖泉林花金福安宁康华兴盛春东西南北新阳光明翠青瑞祥和平德昌丰裕嘉景湾峰港馨锦"
COMMUNITY_SECOND = "园苑城湾岭峰桥港台苑府庭居里坊苑邸安宁华兴源泰"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志强海燕晓东"

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def village_name(rng: random.Random) -> str:
    """A 村 name such as 王家村, 东李家庄村, 石岭村."""
    pick = rng.random()
    if pick < 0.45:
        return f"{rng.choice(SURNAMES)}家{rng.choice(('', '', '庄', '屯', '疃'))}村"
    if pick < 0.7:
        return f"{rng.choice(DIRECTIONS)}{rng.choice(SURNAMES)}家{rng.choice(('', '庄', '洼'))}村"
    return f"{rng.choice(PLACE_FIRST)}{rng.choice(PLACE_SECOND)}{rng.choice(('', '', '子'))}村"


def community_name(rng: random.Random) -> str:
    """A 社区 name such as 福安社区, 海湾路社区."""
    first, second = rng.choice(COMMUNITY_FIRST), rng.choice(COMMUNITY_SECOND)
    if first == second:
        second = "园"
    return f"{first}{second}{rng.choice(('', '', '', '路', '里'))}社区"


def site_names(rng: random.Random, count: int, town_kind: str, urban: bool) -> list[str]:
    """`count` community names, unique within one town: mostly 社区 in 街道/urban areas, 村 in 镇."""
    share_community = 0.95 if urban else (0.7 if town_kind == "街道" else 0.15)
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = community_name(rng) if rng.random() < share_community else village_name(rng)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _org_code(rng: random.Random) -> str:
    """A 9-character 组织机构代码 with a valid GB 11714 check character."""
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def uscc(rng: random.Random, region: str, kind: str = "11") -> str:
    """A well-formed (but invented) 18-character 统一社会信用代码 with a valid GB 32100 check character.

    kind "11" is an organ of state (a 街道办事处/镇政府); "54" a 村(居)民委员会.
    """
    first17 = kind + region[:6] + _org_code(rng)
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + USCC_CHARS[(31 - total % 31) % 31]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def phone(rng: random.Random) -> str:
    return f"0532-8{rng.randrange(1000000, 9999999)}"


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}"
