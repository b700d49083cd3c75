"""People's answers make a rule through the real loop: three answers alike (export, decide, import),
the next night decides a fourth name by the rule; one answer against it retires it, and the night
after that asks about the fourth name again."""

import pytest

from flows.cli import main
from flows.refresh import nightly_refresh
from tests.flows.test_review_loop import fill
from warehouse.db import read_rows

pytestmark = pytest.mark.slow

NAMES = {"社会保险待遇资格认证（一站通办）": "002000171000", "个人社会保险参保证明查询打印（一站通办）": "002000175000",
         "社会保障卡补领（一站通办）": "002000182002"}
FOURTH, AGAINST = "社会保障卡挂失（一站通办）", "职工丧葬补助金和抚恤金申领（一站通办）"


def night(paths):
    nightly_refresh(**paths)
    return {name: (method, code, evidence) for name, method, code, evidence in read_rows(
        paths["warehouse"], "SELECT raw_name, match_method, catalog_code, match_evidence FROM site_items")}


def test_three_answers_make_a_rule_and_one_answer_against_retires_it(tmp_path, prefect_harness, capsys):
    (tmp_path / "inbox" / "市南区").mkdir(parents=True)
    rows = [*NAMES, FOURTH, AGAINST, "社会保障卡申领"]  # the last one the catalog's own name
    (tmp_path / "inbox" / "市南区" / "八大峡街道.csv").write_text(
        "镇(街道),事项名称\n" + "".join(f"八大峡街道,{name}\n" for name in rows), encoding="utf-8")
    paths = {"inbox": str(tmp_path / "inbox"), "warehouse": str(tmp_path / "mulu.duckdb"), "out": str(tmp_path / "out")}
    first = night(paths)
    assert all(first[name][0] == "review" for name in rows[:-1]), "一站通办 is no word mulu knows"

    sheet = tmp_path / "待核对事项.xlsx"
    assert main(["review", "export", str(sheet), "--warehouse", paths["warehouse"]]) == 0
    fill(sheet, lambda row: ("其他编码", NAMES[row["报送名称"]]) if row.get("报送名称") in NAMES else (None, None))
    assert main(["review", "import", str(sheet), "--warehouse", paths["warehouse"], "--by", "张三"]) == 0
    assert "新规则：括号'一站通办'" in capsys.readouterr().out

    second = night(paths)
    method, code, evidence = second[FOURTH]
    assert (method, code) == ("name", "002000182004") and "人工核对规则" in evidence
    assert main(["review", "rules", "--warehouse", paths["warehouse"]]) == 0
    assert "[生效] 括号'一站通办'：3 条核对（张三）" in capsys.readouterr().out

    assert main(["review", "export", str(sheet), "--warehouse", paths["warehouse"]]) == 0
    assert "待核对事项 2 条" in capsys.readouterr().out, "the names the rule decided, listed for checking"
    fill(sheet, lambda row: ("新事项", None) if row.get("报送名称") == AGAINST else (None, None))
    assert main(["review", "import", str(sheet), "--warehouse", paths["warehouse"], "--by", "李四"]) == 0
    assert "规则停用：括号'一站通办'" in capsys.readouterr().out
    third = night(paths)
    assert third[FOURTH][0] == "review", "the name the rule decided goes back to people"
    assert {name: third[name][1] for name in NAMES} == NAMES, "people's own answers stand"


def test_a_rule_staff_remove_is_a_change_the_next_night_sees(tmp_path):
    from flows.steps import RefreshOptions, context_fingerprint
    from warehouse import db
    from warehouse.reference import load_reference

    con = db.connect(tmp_path / "mulu.duckdb")
    reference = load_reference()
    options = RefreshOptions(inbox=tmp_path, catalog=None, warehouse=tmp_path / "mulu.duckdb", out=tmp_path / "out")
    before = context_fingerprint(b"catalog", reference, con, options)
    con.execute("INSERT INTO core.noise_rules VALUES ('bracket', '一站通办', 3, '', '张三', now(), NULL, NULL, NULL)")
    made = context_fingerprint(b"catalog", reference, con, options)
    con.execute("UPDATE core.noise_rules SET retired_at = now(), retired_by = '李四', retired_because = '人工删除'")
    removed = context_fingerprint(b"catalog", reference, con, options)
    assert len({before, made, removed}) == 3
