"""Rules from people's answers in the warehouse (warehouse/noise_rules.py): made on review import,
used by the next night's matching, retired by an answer against them (their names back to review),
removable by staff, listed for people."""

from datetime import datetime

from tests.transforms.test_matching import CATALOG_ITEMS
from transforms.learned_noise import Word
from transforms.review import Decision
from warehouse import db
from warehouse.build import catalog_for_matching
from warehouse.catalog_store import load_catalog
from warehouse.noise_rules import active_rules, remove_rule, rules_frame, update_rules
from warehouse.reference import load_reference
from warehouse.review_store import store_decisions

REFERENCE = load_reference()
CATALOG_CSV = "事项编码,事项名称\n" + "\n".join(f"{code},{name}" for code, name in CATALOG_ITEMS)


def warehouse(tmp_path):
    con = db.connect(tmp_path / "mulu.duckdb")
    load_catalog(con, CATALOG_CSV.encode(), "catalog.csv", REFERENCE)
    return con


def answer(con, name: str, code: str | None, decision: str = "code", by: str = "张三"):
    store_decisions(con, [Decision(f"{name}#", name, None, decision, code, by)], now=datetime(2026, 12, 1))
    return update_rules(con, catalog_for_matching(con, REFERENCE), REFERENCE, now=datetime(2026, 12, 2))


def test_three_answers_make_a_rule_and_an_answer_against_retires_it(tmp_path):
    con = warehouse(tmp_path)
    assert answer(con, "残疾人证办理（一件事）", "370500004000") == {"made": [], "retired": []}
    assert answer(con, "高龄老人生活补贴（一件事）", "370500277000")["made"] == []
    made = answer(con, "特困人员救助供养（一件事）", "370500007000", by="李四")
    assert made["made"] == [Word("bracket", "一件事")] and active_rules(con) == [Word("bracket", "一件事")]
    listed = rules_frame(con).iloc[0]
    assert (listed["词"], listed["状态"], listed["依据的核对数"]) == ("一件事", "生效", 3)
    assert "张三" in listed["核对人"] and "李四" in listed["核对人"]
    retired = answer(con, "最低生活保障金给付（一件事）", None, decision="new_item", by="王五")
    assert retired["retired"] == [Word("bracket", "一件事")] and active_rules(con) == []
    listed = rules_frame(con).iloc[0]
    assert listed["状态"] == "已停用" and listed["停用人"] == "王五" and "新事项" in listed["停用原因"]
    assert answer(con, "农村危房改造补助（一件事）", "370500003000")["made"] == [], "a retired rule stays retired"


def test_staff_remove_a_rule(tmp_path):
    con = warehouse(tmp_path)
    for name, code in (("残疾人证办理（一件事）", "370500004000"), ("高龄老人生活补贴（一件事）", "370500277000"),
                       ("特困人员救助供养（一件事）", "370500007000")):
        answer(con, name, code)
    assert remove_rule(con, "一件事", "赵六") == [Word("bracket", "一件事")]
    assert active_rules(con) == [] and rules_frame(con).iloc[0]["停用原因"] == "人工删除"
