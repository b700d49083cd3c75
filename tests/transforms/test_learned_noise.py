"""Rules from people's answers (transforms/learned_noise.py): three answers alike make one, one answer
against unmakes it, and a word the catalog tells items apart by never becomes one."""

from datetime import datetime

from tests.transforms.test_matching import CATALOG_ITEMS, catalog_frame
from transforms.learned_noise import Answer, Word, rules_from_answers, word_between
from transforms.matching import catalog_index
from transforms.name_identity import identity_of_name

INDEX = catalog_index(catalog_frame(CATALOG_ITEMS + [("370500020000", "失业登记"), ("370500021000", "失业登记办结")]))


def answer(name: str, code: str | None, decision: str = "code", by: str = "张三") -> Answer:
    return Answer(name, identity_of_name(name), decision, INDEX.position.get(code) if code else None, by,
                  datetime(2026, 12, 1))


def test_the_word_between_a_name_and_its_item():
    assert word_between(identity_of_name("残疾人证办理（一件事）"), identity_of_name("残疾人证办理")) == Word("bracket", "一件事")
    assert word_between(identity_of_name("掌上办残疾人证办理"), identity_of_name("残疾人证办理")) == Word("prefix", "掌上办")
    assert word_between(identity_of_name("残疾人证办理一件事"), identity_of_name("残疾人证办理")) == Word("suffix", "一件事")
    assert word_between(identity_of_name("残疾人证办理（变更）"), identity_of_name("残疾人证办理")) is None, "a situation"
    assert word_between(identity_of_name("残疾人证"), identity_of_name("残疾人证办理")) is None


def test_three_answers_alike_make_a_rule_and_one_against_unmakes_it():
    alike = [answer("残疾人证办理（一件事）", "370500004000"), answer("高龄老人生活补贴（一件事）", "370500277000"),
             answer("特困人员救助供养（一件事）", "370500007000", by="李四")]
    assert Word("bracket", "一件事") in rules_from_answers(alike, INDEX)
    assert not rules_from_answers(alike[:2], INDEX), "two are not enough"
    assert Word("bracket", "一件事") in rules_from_answers(alike[:2], INDEX, threshold=2), "the number is a setting"
    against = alike + [answer("最低生活保障金给付（一件事）", None, decision="new_item")]
    assert not rules_from_answers(against, INDEX), "people said a name with the word is a new item"
    other = alike + [answer("失业登记（一件事）", "370500021000")]
    assert not rules_from_answers(other, INDEX), "people chose another item than the name without the word"


def test_a_word_the_catalog_tells_items_apart_by_never_becomes_a_rule():
    alike = [answer("残疾人证办理办结", "370500004000"), answer("高龄老人生活补贴办结", "370500277000"),
             answer("特困人员救助供养办结", "370500007000")]
    assert not rules_from_answers(alike, INDEX), "失业登记 and 失业登记办结 are two items: 办结 is meaning"
    assert Word("suffix", "办结") in rules_from_answers(alike, catalog_index(catalog_frame(CATALOG_ITEMS)))


def test_a_rule_decides_the_names_with_its_word_and_moves_no_earlier_match():
    import pandas as pd

    from tests.transforms.test_matching import CATALOG, NAME_COLUMNS
    from transforms.codes import code_key
    from transforms.matching import ACCEPTED_METHODS, match_pairs
    from transforms.noise_words import NO_NOISE_WORDS
    from transforms.normalize import names_table

    names = [name for _, name in CATALOG_ITEMS] + ["最低生活保障金给付（一件事）", "一件事最低生活保障金给付",
                                                   "食品经营许可（一件事）", "燃气经营许可证变更（一件事）"]
    table = names_table(names)
    queries = pd.DataFrame({**{c: table[c] for c in NAME_COLUMNS}, "code_key": [code_key("")] * len(names)})
    aliases = pd.DataFrame(columns=["alias_key", "code", "method"])
    before = match_pairs(queries, CATALOG, aliases)
    ruled = NO_NOISE_WORDS.with_rules([Word("bracket", "一件事"), Word("prefix", "一件事")])
    after = match_pairs(queries, CATALOG, aliases, noise=ruled)
    by_name = dict(zip(names, after.itertuples()))
    assert by_name["最低生活保障金给付（一件事）"].catalog_code == "370500006000"
    assert "人工核对规则" in by_name["最低生活保障金给付（一件事）"].evidence
    assert by_name["一件事最低生活保障金给付"].catalog_code == "370500006000"
    assert "人工核对规则" in by_name["一件事最低生活保障金给付"].evidence
    assert by_name["食品经营许可（一件事）"].match_method == "review", "新办 or 变更: the rule does not choose"
    assert by_name["燃气经营许可证变更（一件事）"].match_method not in ACCEPTED_METHODS, "meaning stays meaning"
    accepted = before["match_method"].isin(ACCEPTED_METHODS)
    assert before.loc[accepted, "catalog_code"].tolist() == after.loc[accepted, "catalog_code"].tolist()
    assert dict(zip(names, before["match_method"]))["最低生活保障金给付（一件事）"] not in ACCEPTED_METHODS, \
        "without the rule, people were asked"
