"""A same-sounding typo sounds the same as people read the name, never by a rare reading."""

import pytest

from transforms.name_noise import noise_difference


@pytest.mark.parametrize("written, standard", [
    pytest.param("污染防治协议公正指引", "污染防治协议公证指引", id="公正/公证: zhèng in both"),
    pytest.param("残疾人证办里", "残疾人证办理", id="里/理: lǐ in both"),
])
def test_a_character_read_the_same_is_a_typo(written, standard):
    assert noise_difference(written, standard).startswith("同音字")


@pytest.mark.parametrize("written, standard", [
    pytest.param("事业单位岗位聘用备案", "事业单位岗历聘用备案", id="位 is wèi; lì only archaically"),
    pytest.param("长期居住证明办理", "涨期居住证明办理", id="长 in 长期 is cháng; zhǎng is another word's"),
])
def test_a_rare_reading_makes_no_typo(written, standard):
    assert noise_difference(written, standard) is None


def test_the_reading_in_context_decides():
    assert noise_difference("银行账户开立登记", "银杭账户开立登记").startswith("同音字"), "银行 is yín háng"
    assert noise_difference("行政许可事项登记", "形政许可事项登记").startswith("同音字"), "行政 is xíng zhèng"
    assert noise_difference("银行账户开立登记", "银形账户开立登记") is None, "行 in 银行 is not xíng"
