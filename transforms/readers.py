"""Read a district's spreadsheet bytes into sheets of text cells, never raising on bad input.

xlsx/xlsm/xls go through python-calamine; csv/tsv through Python's codecs with the encoding and
delimiter detected from the content. Every row keeps the row number a person sees: the Excel
row number, or the csv line on which the record starts (both counting from 1).
"""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from python_calamine import CalamineWorkbook

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
ACCEPTED_SUFFIXES = SPREADSHEET_SUFFIXES + TEXT_SUFFIXES

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class Sheet:
    """One sheet's cells; ``row_numbers[i]`` is the person-visible row of ``rows[i]``.

    csv cells are text; workbook cells keep calamine's value types (use ``cell_text``).
    """

    name: str | None  # None for csv
    rows: list[list[str]]
    row_numbers: list[int]
    # merged ranges as (first_row, first_col, last_row, last_col), 0-based indexes into rows/cols
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    first_column: int = 0  # the sheet column (0 = A) of each row's first cell: calamine skips empty ones


@dataclass
class FileProblem:
    rule: str
    message: str  # Chinese, for the district
    sheet: str | None = None


@dataclass
class ReadResult:
    sheets: list[Sheet]
    problems: list[FileProblem]
    encoding: str | None = None


def cell_text(value) -> str:
    """A cell value as the text a person sees; integral floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != dt.time() else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


@dataclass(frozen=True)
class ReadLimits:
    max_bytes: int = 50 * 2**20  # a district's list is a few MB; anything this big is a mistake
    max_unzipped_bytes: int = 500 * 2**20  # an xlsx is a zip: bound what it would expand to


# The name of the stream that holds an encrypted OOXML package inside its OLE container (UTF-16LE).
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def read_file(data: bytes, filename: str, limits: ReadLimits = ReadLimits()) -> ReadResult:
    """Read a spreadsheet or csv by its content; the name's suffix only breaks ties."""
    if not data or not data.strip():
        return ReadResult([], [FileProblem("file_empty", "文件为空，没有任何内容。请重新导出后报送。")])
    if len(data) > limits.max_bytes:
        return ReadResult([], [FileProblem(
            "file_too_large", f"文件过大（{len(data) / 2**20:.0f} MB，上限 {limits.max_bytes / 2**20:.0f} MB），未读取。"
            "请只报送事项清单，去掉图片等内容后重新报送。")])
    if data.startswith(_ZIP_MAGIC):
        problem = _zip_problem(data, limits)
        if problem:
            return ReadResult([], [problem])
        return _read_workbook(data)
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_PACKAGE in data:
            return ReadResult([], [FileProblem(
                "file_encrypted", "文件设置了密码或已加密，无法读取。请取消密码保护后重新报送。")])
        return _read_workbook(data)
    if filename.lower().endswith(SPREADSHEET_SUFFIXES) and _looks_binary(data):
        return ReadResult([], [FileProblem(
            "file_corrupt", "文件已损坏或不是有效的Excel文件，无法打开。请用Excel/WPS重新另存为.xlsx后报送。")])
    return _read_text(data, filename)


def _zip_problem(data: bytes, limits: ReadLimits) -> FileProblem | None:
    """A zip that is broken, or that would expand beyond the limit (a zip bomb), before opening it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return FileProblem("file_corrupt", "文件已损坏或不是有效的Excel文件，无法打开。请用Excel/WPS重新另存为.xlsx后报送。")
    if expanded > limits.max_unzipped_bytes:
        return FileProblem("file_zip_bomb", f"文件解压后过大（{expanded / 2**20:.0f} MB），疑似异常文件，未读取。"
                                            "请用Excel/WPS重新另存后报送。")
    return None


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _read_workbook(data: bytes) -> ReadResult:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises several error types for bad files
        return ReadResult([], [_workbook_problem(error)])
    sheets, problems = [], []
    for name in workbook.sheet_names:
        try:
            sheet = workbook.get_sheet_by_name(name)
            values = sheet.to_python(skip_empty_area=True)
            start_row, start_col = sheet.start or (0, 0)
            merged = [
                ((r0 - start_row), (c0 - start_col), (r1 - start_row), (c1 - start_col))
                for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
            ]
        except Exception as error:
            problems.append(FileProblem("sheet_unreadable", f"工作表无法读取（{type(error).__name__}），已跳过。", name))
            continue
        # Cells keep calamine's types (str, float, datetime …) here; transforms.tables turns the
        # columns it keeps into text, which is much cheaper than converting every cell.
        sheets.append(Sheet(name, values, list(range(start_row + 1, start_row + 1 + len(values))), merged, start_col))
    return ReadResult(sheets, problems)


def _workbook_problem(error: Exception) -> FileProblem:
    kind = type(error).__name__
    if "Password" in kind or "encrypt" in str(error).lower():
        return FileProblem("file_encrypted", "文件设置了密码或已加密，无法读取。请取消密码保护后重新报送。")
    return FileProblem("file_corrupt", "文件已损坏或不是有效的Excel文件，无法打开。请用Excel/WPS重新另存为.xlsx后报送。")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode csv bytes: BOMs first, then strict UTF-8, then GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return data.decode("gb18030", errors="replace"), "gb18030"


def _delimiter(text: str, filename: str) -> str:
    sample_lines = [line for line in text[:20000].splitlines() if line.strip()][:20]
    counts = {d: sum(line.count(d) for line in sample_lines) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        return "\t" if filename.lower().endswith(".tsv") else ","
    return best


def _read_text(data: bytes, filename: str) -> ReadResult:
    text, encoding = decode_text(data)
    if "\ufffd" in text[:20000] and encoding == "gb18030":
        return ReadResult([], [FileProblem(
            "file_encoding", "无法识别文件的字符编码。请另存为UTF-8或GBK编码的csv，或.xlsx文件后报送。")], encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, filename))
    rows = []
    line_before = 0
    try:
        for record in reader:
            rows.append(record)
            line_before = reader.line_num
    except csv.Error as error:
        return ReadResult([], [FileProblem("file_corrupt", f"csv文件格式错误（第{line_before + 1}行）：{error}。")], encoding)
    # A record's row is its place among the records, as Excel and WPS show a csv: a cell holding a line
    # break does not start a new row there (it does in a text editor's line numbers).
    return ReadResult([Sheet(None, rows, list(range(1, len(rows) + 1)))], [], encoding)
