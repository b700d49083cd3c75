"""transforms.column_roles through detect_header: columns read by header word, checked and decided by cells."""

from transforms.column_content import ContentKnowledge
from transforms.headers import detect_header
from transforms.readers import Sheet
from warehouse.reference import load_reference

REFERENCE = load_reference()
KNOWLEDGE = ContentKnowledge(name_keys=frozenset({"残疾人证办理", "高龄津贴发放", "临时救助申请"}),
                             code_keys=frozenset({"370500004000"}), vocabulary=REFERENCE.vocabulary,
                             towns=REFERENCE.towns)
NAMES = ["残疾人证办理", "高龄津贴发放", "临时救助申请"] * 4


def grid(rows):
    return Sheet("S", [list(r) for r in rows], list(range(1, len(rows) + 1)))


def test_a_sheet_without_any_header_is_read_by_its_cells():
    rows = [[str(i + 1), name, "公共服务", "《社会救助暂行办法》第九条", f"{1 + i % 3}个工作日", f"{20 + i}个工作日", "承诺件"]
            for i, name in enumerate(NAMES)]
    header = detect_header(grid(rows), REFERENCE.synonyms, KNOWLEDGE, "崂山区")
    assert header.first_data_index == 0, "the first row is data"
    assert header.columns == {"seq": 0, "item_name": 1, "item_type": 2, "legal_basis": 3,
                              "promised_limit": 4, "statutory_limit": 5, "handling_type": 6}
    assert any("较长的为法定" in why for _, _, why in header.inferred), "the limits were told apart by value"


def test_unknown_header_words_are_read_by_cells_or_a_telling_word():
    rows = [["项目", "代码", "性质", "层次", "前提", "线上"]] + [
        [name, "370500004000", "行政许可", "4", "年满60周岁", "是"] for name in NAMES]
    header = detect_header(grid(rows), REFERENCE.synonyms, KNOWLEDGE, "崂山区")
    assert header.columns == {"item_name": 0, "item_code": 1, "item_type": 2, "exercise_levels": 3,
                              "acceptance_conditions": 4, "online": 5}
    assert {h for h, _, _ in header.inferred} == {"项目", "代码", "性质", "层次", "前提", "线上"}


def test_a_column_nothing_can_be_made_of_is_unplaced():
    rows = [["事项名称", "事项编码", "事项类型", "联系电话"]] + [[name, "", "公共服务", "88990011"] for name in NAMES]
    header = detect_header(grid(rows), REFERENCE.synonyms, KNOWLEDGE, "崂山区")
    assert header.unplaced == ["联系电话"] and header.extras == {3: "联系电话"}


def test_a_second_fee_column_holding_documents_is_the_fee_basis():
    rows = [["事项名称", "收费", "收费标准"]] + [
        [name, "收费" if i % 2 else "否", "《关于规范收费标准的通知》（鲁价费发〔2020〕1号）" if i % 2 else "无"]
        for i, name in enumerate(NAMES)]
    header = detect_header(grid(rows), REFERENCE.synonyms, KNOWLEDGE, "崂山区")
    assert (header.columns["fee"], header.columns["fee_basis"]) == (1, 2)
