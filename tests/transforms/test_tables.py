"""transforms.tables: item rows under a detected header, as column lists of raw text.

Each case is a small grid (rows of text + merged ranges, as the reader gives them) with the
columns a header maps; the expectation is the rows kept (by visible row number) and their cells.
"""

import json

import pytest

from transforms.fields import SUBMISSION_FIELDS
from transforms.headers import HeaderMap
from transforms.readers import Sheet
from transforms.tables import extract_table

# 镇(街道) | 村(社区) | 事项名称 | 事项编码 | 事项类型 | 办件类型 | 联系电话 (extra)
COLUMNS = {"town": 0, "community": 1, "item_name": 2, "item_code": 3, "item_type": 4, "handling_type": 5}
HEADER_ROW = ["镇(街道)", "村(社区)", "事项名称", "事项编码", "事项类型", "办件类型", "联系电话"]


def table(data_rows, merged=(), extras=None):
    """A sheet whose row 1 is the header, data from row 2; merged ranges index into all rows."""
    rows = [list(HEADER_ROW)] + [list(r) for r in data_rows]
    sheet = Sheet("S", rows, list(range(1, len(rows) + 1)), list(merged))
    header = HeaderMap(1, dict(COLUMNS), {6: "联系电话"} if extras is None else extras, (1,))
    return extract_table(sheet, header)


ITEM = ["沙子口街道", "东麦窑社区", "高龄津贴", "370520001000", "公共服务", "即办件", ""]


@pytest.mark.parametrize("data_rows, merged, row_numbers, towns, communities", [
    pytest.param([ITEM, ["", "", "残疾人证办理", "", "", "", ""]], [], [2, 3],
                 ["沙子口街道", ""], ["东麦窑社区", ""], id="row with only a name is an item"),
    pytest.param([ITEM, ["", "", "", "370500004000", "", "", ""]], [], [2, 3],
                 ["沙子口街道", ""], ["东麦窑社区", ""], id="row with only a code is an item"),
    pytest.param([ITEM, ["", "", "", "", "", "", ""], [""] * 3, [], ITEM], [], [2, 6],
                 ["沙子口街道"] * 2, ["东麦窑社区"] * 2, id="blank, short and empty rows skipped"),
    pytest.param([ITEM, ["", "", "", "", "公共服务", "即办件", "123"]], [], [2],
                 ["沙子口街道"], ["东麦窑社区"], id="two elements without a name: not an item"),
    pytest.param([ITEM, ["沙子口街道", "东麦窑社区", "", "", "公共服务", "即办件", ""]], [], [2],
                 ["沙子口街道"], ["东麦窑社区"], id="site columns do not count as elements"),
    pytest.param([ITEM, ["", "", "", "", "公共服务", "即办件", ""]], [], [2],
                 ["沙子口街道"], ["东麦窑社区"], id="type and handling without a name: not an item"),
    pytest.param([ITEM, ["", "", "", "", "", "", ""], ["填表人：张三", "", "", "", "", "", ""],
                  ["说明：本表由街道填报", "", "", "", "", "", ""]], [], [2],
                 ["沙子口街道"], ["东麦窑社区"], id="notes in the town column under the table"),
    pytest.param([ITEM, ["", "", "填表人：张三   联系电话：88990011", "", "", "", ""],
                  ["", "", "注：以上事项均可帮办代办", "", "", "", ""], ["", "", "审核人: 李四", "", "", "", ""]],
                 [], [2], ["沙子口街道"], ["东麦窑社区"], id="notes that land in the name column"),
    pytest.param([ITEM, ["以上事项由街道统一受理", "", "", "", "", "", ""]], [(2, 0, 2, 6)], [2],
                 ["沙子口街道"], ["东麦窑社区"], id="note merged across the whole table"),
    pytest.param([ITEM, ["沙子口街道", "", "注册登记", "", "", "", ""]], [], [2, 3],
                 ["沙子口街道"] * 2, ["东麦窑社区", ""], id="a name that merely starts like a note word is kept"),
    pytest.param([ITEM, ["", "", "注：以上事项", "370500004000", "", "", ""]], [], [2, 3],
                 ["沙子口街道", ""], ["东麦窑社区", ""], id="a note-like name with a code is kept"),
    pytest.param([ITEM, ["", "", "城乡居民基本养老保险参保登记", "002000149001", "", "", ""],
                  ["", "南窑村", "残疾人证办理", "", "", "", ""]],
                 [(1, 0, 3, 0)], [2, 3, 4], ["沙子口街道"] * 3, ["东麦窑社区", "", "南窑村"],
                 id="merged town filled down; blank unmerged community stays blank"),
    pytest.param([ITEM, ["", "", "残疾人证办理", "", "", "", ""], ["王哥庄街道", "", "高龄津贴", "", "", "", ""]],
                 [(1, 0, 2, 0), (1, 1, 2, 1)], [2, 3, 4], ["沙子口街道", "沙子口街道", "王哥庄街道"],
                 ["东麦窑社区", "东麦窑社区", ""], id="each merged block fills only its own rows"),
])
def test_item_rows_and_site_fill_down(data_rows, merged, row_numbers, towns, communities):
    result = table(data_rows, merged)
    assert result.row_numbers == row_numbers
    assert result.columns["town"] == towns
    assert result.columns["community"] == communities


def test_every_submission_field_is_a_column_and_missing_ones_are_blank():
    result = table([ITEM])
    assert list(result.columns) == [f.name for f in SUBMISSION_FIELDS]
    assert result.columns["item_code"] == ["370520001000"]
    assert result.columns["materials"] == [""]


@pytest.mark.parametrize("data_rows, extras_map, extras", [
    pytest.param([ITEM[:6] + ["88990011"], ITEM], None, [{"联系电话": "88990011"}, {}],
                 id="extra column kept per row, empty cells left out"),
    pytest.param([ITEM[:6]], None, [{}], id="short row: extra cell missing"),
])
def test_extras_are_json_objects(data_rows, extras_map, extras):
    result = table(data_rows, extras=extras_map)
    assert [json.loads(e) for e in result.extras] == extras


def test_no_extra_columns_gives_empty_extras_text():
    assert table([ITEM], extras={}).extras == [""]


def test_json_extras_keep_chinese_readable():
    assert "联系电话" in table([ITEM[:6] + ["1"]]).extras[0]
