import pytest
from hypothesis import given, settings, strategies as st

from transforms.materials import Material, materials_key, split_materials

ID_CARD, HOUSEHOLD, FORM = Material("身份证"), Material("户口簿"), Material("申请表")


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param(
            "1.身份证原件及复印件1份；2.户口簿复印件（如有）；3.申请表一份",
            (
                Material("身份证", original="原件及复印件", copies=1),
                Material("户口簿", required=False, original="复印件"),
                Material("申请表", copies=1),
            ),
            id="dot numbering with originals, copies and optional",
        ),
        pytest.param("1、身份证\n2、户口簿\n3、申请表", (ID_CARD, HOUSEHOLD, FORM), id="dunhao numbering on lines"),
        pytest.param("1.身份证2.户口簿3.申请表", (ID_CARD, HOUSEHOLD, FORM), id="numbering without separators"),
        pytest.param("(1)身份证(2)户口簿", (ID_CARD, HOUSEHOLD), id="bracketed numbering"),
        pytest.param("①身份证②户口簿③申请表", (ID_CARD, HOUSEHOLD, FORM), id="circled numbers"),
        pytest.param("一、身份证\n二、户口簿", (ID_CARD, HOUSEHOLD), id="chinese numbering"),
        pytest.param("身份证；户口簿;申请表", (ID_CARD, HOUSEHOLD, FORM), id="semicolons"),
        pytest.param("身份证\n户口簿", (ID_CARD, HOUSEHOLD), id="line breaks"),
        pytest.param("身份证、户口簿、申请表", (ID_CARD, HOUSEHOLD, FORM), id="dunhao without numbering"),
        pytest.param(
            "身份证、镇(乡、街道)出具的证明、《残疾人证》",
            (ID_CARD, Material("镇(乡、街道)出具的证明"), Material("《残疾人证》")),
            id="no split inside brackets",
        ),
        pytest.param(
            "《关于A、B的证明》；身份证", (Material("《关于A、B的证明》"), ID_CARD), id="no split inside book title"
        ),
        pytest.param("申请材料：1.身份证 2.户口簿", (ID_CARD, HOUSEHOLD), id="preamble dropped"),
        pytest.param(
            "1.申请表(附件1)；2.身份证", (Material("申请表", note="附件1"), ID_CARD),
            id="number inside brackets is not numbering",
        ),
        pytest.param(
            "1.结婚证（非必要）\n2.委托书（选填）",
            (Material("结婚证", required=False), Material("委托书", required=False)),
            id="optional markers",
        ),
        pytest.param(
            "身份证明：身份证或户口簿", (Material("身份证明", note="身份证或户口簿"),), id="description after colon"
        ),
        pytest.param("身份证复印件2份", (Material("身份证", original="复印件", copies=2),), id="copies"),
        pytest.param("无", (), id="none needed"),
        pytest.param("", (), id="empty"),
        pytest.param(None, (), id="none"),
    ],
)
def test_split_materials(value, expected):
    assert split_materials(value) == expected


def test_materials_key_ignores_order_numbering_and_form():
    district = split_materials("1.户口簿复印件 2.《身份证》原件")
    catalog = split_materials("身份证；户口簿")
    assert materials_key(district) == materials_key(catalog) == "户口簿；身份证"


@settings(max_examples=300)
@given(st.one_of(st.text(), st.text(alphabet="12一、.;；()（）《》①②\n原件复印件份身份证如有", max_size=40)))
def test_split_materials_never_raises(value):
    assert all(m.name for m in split_materials(value))
