"""transforms.readers: bytes → sheets of text with the row numbers a person sees.

Every input is built in memory: csv text encoded on the spot, xlsx written by xlsxwriter into a
BytesIO. Row numbers are the Excel row or the csv line on which a record starts (from 1).
"""

import datetime as dt
import io

import pytest
import xlsxwriter

from transforms.readers import cell_text, decode_text, read_file

TABLE = "序号,事项名称,事项编码\n1,高龄津贴,370520001000\n2,城乡居民基本养老保险参保登记,002000149001\n"
ROWS = [["序号", "事项名称", "事项编码"], ["1", "高龄津贴", "370520001000"],
        ["2", "城乡居民基本养老保险参保登记", "002000149001"]]


def xlsx_bytes(sheets):
    """sheets: [(name, {(row, col): value}, [(r0, c0, r1, c1, value), ...])], 0-based cells."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, cells, merges in sheets:
        sheet = workbook.add_worksheet(name)
        for (row, col), value in cells.items():
            sheet.write(row, col, value)
        for r0, c0, r1, c1, value in merges:
            sheet.merge_range(r0, c0, r1, c1, value)
    workbook.close()
    return buffer.getvalue()


@pytest.mark.parametrize("data, encoding", [
    pytest.param(TABLE.encode("utf-8"), "utf-8", id="utf-8 without BOM"),
    pytest.param(TABLE.encode("utf-8-sig"), "utf-8-sig", id="utf-8 with BOM (Excel 'CSV UTF-8')"),
    pytest.param(TABLE.encode("gbk"), "gb18030", id="GBK (Excel/WPS default on Chinese Windows)"),
    pytest.param(TABLE.encode("gb18030"), "gb18030", id="GB18030"),
    pytest.param(TABLE.encode("utf-16"), "utf-16", id="utf-16 with BOM (Excel 'Unicode text')"),
    pytest.param(b"\xfe\xff" + TABLE.encode("utf-16-be"), "utf-16", id="utf-16 big-endian with BOM"),
])
def test_decode_text_detects_the_encoding(data, encoding):
    text, found = decode_text(data)
    assert (text, found) == (TABLE, encoding)


@pytest.mark.parametrize("data, filename", [
    pytest.param(TABLE.encode("utf-8"), "a.csv", id="utf-8 comma"),
    pytest.param(TABLE.encode("utf-8-sig"), "a.csv", id="utf-8 BOM comma: BOM not in first header"),
    pytest.param(TABLE.encode("gbk"), "a.csv", id="GBK comma"),
    pytest.param(TABLE.encode("utf-16"), "a.csv", id="utf-16 (tab-free) comma"),
    pytest.param(TABLE.replace(",", "\t").encode("utf-16"), "a.txt", id="utf-16 tab (Excel Unicode text)"),
    pytest.param(TABLE.replace(",", "\t").encode("gbk"), "a.csv", id="tab-delimited although named .csv"),
    pytest.param(TABLE.replace(",", ";").encode("utf-8"), "a.csv", id="semicolon-delimited"),
    pytest.param(TABLE.replace(",", "|").encode("utf-8"), "a.csv", id="pipe-delimited"),
    pytest.param(TABLE.replace("\n", "\r\n").encode("gbk"), "a.csv", id="CRLF line ends"),
])
def test_csv_encodings_and_delimiters_read_the_same_rows(data, filename):
    result = read_file(data, filename)
    assert result.problems == []
    [sheet] = result.sheets
    assert sheet.name is None
    assert sheet.rows == ROWS
    assert sheet.row_numbers == [1, 2, 3]


@pytest.mark.parametrize("text, rows, row_numbers", [
    pytest.param('事项名称,申请材料\n高龄津贴,"1.身份证\n2.户口簿"\n残疾人证,照片\n',
                 [["事项名称", "申请材料"], ["高龄津贴", "1.身份证\n2.户口簿"], ["残疾人证", "照片"]],
                 [1, 2, 3], id="quoted cell with a line break: one row, as Excel and WPS show it"),
    pytest.param('事项名称,申请材料\r\n高龄津贴,"1.身份证\r\n2.户口簿\r\n3.照片"\r\n残疾人证,照片\r\n',
                 [["事项名称", "申请材料"], ["高龄津贴", "1.身份证\r\n2.户口簿\r\n3.照片"], ["残疾人证", "照片"]],
                 [1, 2, 3], id="two CRLF breaks inside a cell"),
    pytest.param("事项名称,编码\n\n高龄津贴,1\n", [["事项名称", "编码"], [], ["高龄津贴", "1"]], [1, 2, 3],
                 id="a blank line is a row"),
])
def test_csv_row_numbers_are_the_rows_excel_shows(text, rows, row_numbers):
    """The report's 第N行 and the corrected copy's row N are the row a clerk sees in Excel or WPS,
    where a record is one row whatever line breaks its cells hold."""
    [sheet] = read_file(text.encode("utf-8"), "a.csv").sheets
    assert sheet.rows == rows
    assert sheet.row_numbers == row_numbers


def test_xlsx_merged_title_row_keeps_excel_row_numbers():
    data = xlsx_bytes([("事项", {
        (1, 0): "事项名称", (1, 1): "事项编码", (1, 2): "事项类型",
        (2, 0): "高龄津贴", (2, 1): 370520001000.0, (2, 2): "公共服务",
    }, [(0, 0, 0, 2, "崂山区便民服务事项目录")])])
    [sheet] = read_file(data, "a.xlsx").sheets
    assert sheet.name == "事项"
    # Workbook cells keep their types (tables.py turns the kept columns into text).
    assert [[cell_text(v) for v in row] for row in sheet.rows] == [
        ["崂山区便民服务事项目录", "", ""], ["事项名称", "事项编码", "事项类型"], ["高龄津贴", "370520001000", "公共服务"]]
    assert sheet.row_numbers == [1, 2, 3]
    assert sheet.merged == [(0, 0, 0, 2)]


def test_xlsx_starting_below_and_right_of_a1_counts_from_excel_rows():
    data = xlsx_bytes([("S", {(3, 2): "事项名称", (3, 3): "事项编码", (4, 2): "高龄津贴", (4, 3): "1"},
                        [(2, 2, 2, 3, "标题")])])
    [sheet] = read_file(data, "a.xlsx").sheets
    assert sheet.row_numbers == [3, 4, 5]
    assert sheet.rows[1] == ["事项名称", "事项编码"]
    assert sheet.merged == [(0, 0, 0, 1)], "merged ranges are relative to the rows read"


def test_xlsx_reads_every_sheet_in_order():
    data = xlsx_bytes([("填表说明", {(0, 0): "说明"}, []), ("东麦窑社区", {(0, 0): "事项名称"}, []),
                       ("南窑村", {(0, 0): "事项名称"}, [])])
    assert [s.name for s in read_file(data, "a.xlsx").sheets] == ["填表说明", "东麦窑社区", "南窑村"]


def test_xlsx_named_csv_is_read_by_content():
    data = xlsx_bytes([("S", {(0, 0): "事项名称"}, [])])
    result = read_file(data, "wrongly_named.csv")
    assert result.problems == [] and result.sheets[0].rows == [["事项名称"]]


@pytest.mark.parametrize("value, text", [
    pytest.param(None, "", id="empty cell"),
    pytest.param("高龄津贴", "高龄津贴", id="text unchanged"),
    pytest.param(370520001000.0, "370520001000", id="code stored as a number loses .0"),
    pytest.param(2000149001.0, "2000149001", id="number with lost leading zeros stays as shown"),
    pytest.param(5.0, "5", id="integral float"),
    pytest.param(1.5, "1.5", id="fraction"),
    pytest.param(-3.0, "-3", id="negative integral"),
    pytest.param(float("nan"), "", id="NaN is empty"),
    pytest.param(True, "是", id="boolean true"),
    pytest.param(False, "否", id="boolean false"),
    pytest.param(dt.date(2024, 3, 1), "2024-03-01", id="date"),
    pytest.param(dt.datetime(2024, 3, 1), "2024-03-01", id="datetime at midnight is a date"),
    pytest.param(dt.datetime(2024, 3, 1, 8, 30), "2024-03-01 08:30:00", id="datetime with time"),
])
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_xlsx_numbers_dates_and_booleans_become_visible_text():
    data = xlsx_bytes([("S", {(0, 0): 370520001000.0, (0, 1): 5, (0, 2): True, (0, 3): 1.25}, [])])
    [row] = read_file(data, "a.xlsx").sheets[0].rows
    assert [cell_text(v) for v in row] == ["370520001000", "5", "是", "1.25"]


@pytest.mark.parametrize("data, filename, rule", [
    pytest.param(b"", "a.csv", "file_empty", id="zero bytes"),
    pytest.param(b"  \r\n\t\n", "a.xlsx", "file_empty", id="only whitespace"),
    pytest.param(b"PK\x03\x04" + b"not a zip" * 20, "a.xlsx", "file_corrupt", id="truncated zip named .xlsx"),
    pytest.param(b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "a.xls", "file_corrupt", id="broken OLE named .xls"),
    pytest.param(b"\x00\x01\x02\x03binary", "a.xlsx", "file_corrupt", id="binary junk named .xlsx"),
    pytest.param(b"a,b\n\xff\xff\xff\n", "a.csv", "file_encoding", id="bytes neither UTF-8 nor GB18030"),
])
def test_unreadable_files_become_problems_not_exceptions(data, filename, rule):
    result = read_file(data, filename)
    assert result.sheets == []
    assert [p.rule for p in result.problems] == [rule]
    assert result.problems[0].message  # a Chinese message for the district


def test_limits_reject_oversized_files_and_zip_bombs_before_opening_them():
    import zipfile

    from transforms.readers import ReadLimits

    small = ReadLimits(max_bytes=1000, max_unzipped_bytes=10_000)
    assert read_file(b"x" * 2000, "a.csv", small).problems[0].rule == "file_too_large"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 50_000)  # compresses to a few hundred bytes
    assert read_file(bomb.getvalue(), "a.xlsx", small).problems[0].rule == "file_zip_bomb"


def test_an_encrypted_workbook_is_named_as_such():
    # An encrypted xlsx is an OLE container holding an "EncryptedPackage" stream.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512
    [problem] = read_file(data, "加密.xlsx").problems
    assert problem.rule == "file_encrypted" and "密码" in problem.message
