"""Plausible items a town or community lists that are not in the catalog (本地自设事项).

Their values are complete and consistent, so the only defect they carry is not_in_catalog.
"""

from __future__ import annotations

import random

# Clearly local services: none is a catalog item or a name variation of one (checked by eye
# against seeds/catalog.csv and aliases.csv; the planner also skips any exact catalog name).
TOWN_ITEMS = (
    "渔船进出港报告登记", "海域养殖情况证明出具", "农村宅基地使用情况证明出具", "农业种植结构调整补助申请",
    "共享农机预约服务", "社区文化活动室场地预约", "垃圾分类积分兑换登记", "居民临时困难帮扶申请",
    "农村改厕补助申请", "秸秆综合利用补助申请", "新就业形态劳动者登记", "企业用工需求登记",
    "村级工程项目备案", "集体资产租赁报名", "护林员巡护登记", "文化下乡演出预约", "小微企业入驻登记",
    "失地农民养老补助申请",
)
COMMUNITY_ITEMS = (
    "网格员入户走访预约", "社区居民公约咨询", "邻里纠纷调解预约", "爱心积分兑换", "老年活动中心报名",
    "四点半课堂报名", "社区食堂就餐登记", "文明家庭评选推荐", "社区志愿服务时长证明", "困难群众走访登记",
    "电动自行车充电桩报装", "小区停车位登记", "农家书屋图书借阅", "村史馆参观预约", "社区健身器材报修",
    "红白理事会登记", "邻里守望队报名", "村务公开查询",
)
DEPARTMENTS = ("镇(街道)社会事务办公室", "镇(街道)便民服务中心", "社区居委会", "镇(街道)农业农村办公室")
FAMILIES = ("民政服务", "社会救助", "惠农政策落实", "出具有关证明", "就业创业服务", "老年人优待")
BASES = ("《青岛市基层便民服务管理办法》", "镇(街道)党工委、办事处工作规定", "《中华人民共和国城市居民委员会组织法》")
MATERIALS = ("居民身份证；申请表", "居民身份证；户口簿；申请书", "申请表", "居民身份证；相关证明材料")


def local_values(rng: random.Random, community_level: bool, province_code: str = "37") -> dict:
    """Clean values of one invented local item (no code, or a made-up well-formed one)."""
    name = rng.choice(COMMUNITY_ITEMS if community_level else TOWN_ITEMS)
    immediate = rng.random() < 0.4
    statutory = rng.choice(("5个工作日", "10个工作日", "3个工作日"))
    code = ""
    if rng.random() < 0.4:  # made up: province prefix, 20 公共服务, a 9xxxx main number no catalog uses
        code = f"{province_code}20{rng.randrange(90000, 100000):05d}000"
    return {
        "item_name": name,
        "item_code": code,
        "item_type": rng.choice(("公共服务", "公共服务", "其他行政权力")),
        "item_family": rng.choice(FAMILIES),
        "department": rng.choice(DEPARTMENTS),
        "legal_basis": rng.choice(BASES),
        "exercise_levels": "村（社区）级" if community_level else "镇（乡、街道）级",
        "acceptance_conditions": "本辖区居民" if community_level else "本镇(街道)辖区内居民或单位",
        "materials": rng.choice(MATERIALS),
        "statutory_limit": statutory,
        "promised_limit": "即办" if immediate else "3个工作日",
        "fee": "否",
        "fee_basis": "",
        "handling_type": "即办件" if immediate else "承诺件",
        "online": rng.choice(("是", "否")),
        "proxy": "是",
    }
