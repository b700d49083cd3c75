"""Write one corrected copy (修正稿) of a district file as xlsx: the file's own sheets, rows, columns
and merged cells, read as the night read them (transforms/readers.py), with the corrections. An xlsx
is patched in place instead where it can be (corrected_patch.py), keeping its formatting.

The SpreadsheetML is written directly, as the reports' long sheets are (warehouse/reports/xlsx_rows.py):
a city's copies hold millions of cells, and xlsxwriter's per-cell calls made them 60 s a district.

Every cell keeps its value and type but the corrected ones, which hold the standard value on a
yellow fill; every problem cell carries a comment (问题说明 and 修改建议). csv and xls come back as
xlsx: a csv's records are its rows, every cell text (a code keeps its leading zeros). Fonts,
colours and column widths of the original are not carried: calamine reads values, not styles.
"""

import datetime
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from transforms.readers import Sheet, read_file
from warehouse.reports.xlsx_rows import COMPRESS_LEVEL, NS, REL_NS, XML_HEAD, column_letter, text_xml

CORRECTED_FILL = "#FFFF00"
CSV_SHEET = "Sheet1"
MIN_WIDTH, MAX_WIDTH = 8, 40
WIDTH_SAMPLE_ROWS = 200  # rows a column's width is judged by
WRITE_PIECES = 2000  # rows of a sheet's XML encoded and compressed together
ORIGINAL_SHOWN = 200  # characters of a corrected cell's old value its comment repeats
COMMENT_WIDTH_PT, COMMENT_HEIGHT_PT = 240, 120
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
CORRECTED_STYLE, DATE_STYLE = 1, 2  # cellXfs indexes in STYLES
STYLES = (f'{XML_HEAD}<styleSheet {NS}>'
          '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
          '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
          f'<fill><patternFill patternType="solid"><fgColor rgb="FF{CORRECTED_FILL[1:]}"/><bgColor indexed="64"/>'
          '</patternFill></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/>'
          '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


@dataclass(frozen=True)
class CellFix:
    """One problem cell: its file's sheet (None for a csv), the person-visible row, the field read
    there; value: the standard value to write (None: keep the cell); comment: what was found."""
    sheet: str | None
    row_number: int
    field: str
    value: str | None
    comment: str


def _merged_owner(sheet: Sheet) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """(row index, column index) of every cell in a merged range → the range."""
    owner = {}
    for r0, c0, r1, c1 in sheet.merged:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                owner[(r, c)] = (r0, c0, r1, c1)
    return owner


def place_fixes(sheet: Sheet, layout: dict, fixes: list[CellFix]) -> dict[tuple[int, int], CellFix]:
    """The fixes of one sheet by (row index, column index) into sheet.rows. A fix inside a merged
    range is moved to the range's first cell, and keeps its value only when every row of the range
    has the same fix (one value stands for them all); otherwise only its comment is kept."""
    where = layout.get(sheet.name or "")
    if not where:
        return {}
    index_of_row = {number: i for i, number in enumerate(sheet.row_numbers)}
    owner = _merged_owner(sheet)
    located: dict[tuple[int, int], list[CellFix]] = {}
    for fix in fixes:
        column = where["columns"].get(fix.field)
        row = index_of_row.get(fix.row_number)
        if column is None or row is None:
            continue
        merged = owner.get((row, column))
        located.setdefault((merged[0], merged[1]) if merged else (row, column), []).append(fix)
    out = {}
    for (row, column), cell_fixes in located.items():
        merged = owner.get((row, column))
        rows_covered = {f.row_number for f in cell_fixes}
        values = {f.value for f in cell_fixes}
        whole = merged is None or len(rows_covered) == merged[2] - merged[0] + 1
        value = values.pop() if len(values) == 1 and whole else None
        comment = "\n".join(dict.fromkeys(f.comment for f in cell_fixes))
        if value is None and any(f.value is not None for f in cell_fixes):
            comment += "\n（此合并单元格跨多行，各行应填的值不全相同，未自动改正）"
        out[(row, column)] = CellFix(sheet.name, sheet.row_numbers[row], cell_fixes[0].field, value, comment)
    return out


def _serial(value) -> float | None:
    """A date, time or duration as Excel's serial number (days since 1899-12-30)."""
    if isinstance(value, datetime.datetime):
        return (value - EXCEL_EPOCH).total_seconds() / 86400
    if isinstance(value, datetime.date):
        return (datetime.datetime.combine(value, datetime.time()) - EXCEL_EPOCH).total_seconds() / 86400
    if isinstance(value, datetime.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if isinstance(value, datetime.timedelta):
        return value.total_seconds() / 86400
    return None


def _cell_xml(ref: str, value, style: int) -> str:
    """One cell's SpreadsheetML ('' for an empty one without a style)."""
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, str):
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text_xml(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            return f'<c r="{ref}"{s} t="inlineStr"><is><t>{value}</t></is></c>'
        shown = int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 1e15 else value
        return f'<c r="{ref}"{s}><v>{shown!r}</v></c>'
    serial = _serial(value)
    if serial is not None:
        return f'<c r="{ref}" s="{style or DATE_STYLE}"><v>{serial!r}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text_xml(value)}</t></is></c>'


@dataclass
class _SheetPart:
    name: str
    xml: list[str]  # the worksheet's XML, in pieces
    comments: list[tuple[int, int, str]]  # (sheet row index, column index, text), 0-based


def _sheet_part(sheet: Sheet, fixes: dict[tuple[int, int], CellFix], csv_file: bool) -> _SheetPart:
    # A workbook's cells go back to their own rows and columns; a csv's records are rows 1, 2, …
    first_row = 0 if csv_file or not sheet.row_numbers else sheet.row_numbers[0] - 1
    first_column = 0 if csv_file else sheet.first_column
    owner = _merged_owner(sheet)
    width = max([len(r) for r in sheet.rows] + [c + 1 for _, c in fixes] + [0])
    letters = [column_letter(first_column + c) for c in range(width)]
    comments = []
    fixed_cells: dict[int, dict[int, str]] = {}
    for (r, c), fix in fixes.items():
        original = sheet.rows[r][c] if r < len(sheet.rows) and c < len(sheet.rows[r]) else None
        comment = fix.comment
        ref = f"{letters[c]}{first_row + r + 1}"
        if fix.value is not None:
            if not comment.startswith("【已改正】"):
                was = "（空）" if original is None or original == "" else str(original)[:ORIGINAL_SHOWN]
                comment = f"【已改正】原为：{was}\n{comment}"
            cell = _cell_xml(ref, fix.value, CORRECTED_STYLE)
        else:
            cell = _cell_xml(ref, original, 0) or f'<c r="{ref}"/>'
        fixed_cells.setdefault(r, {})[c] = cell
        comments.append((first_row + r, first_column + c, comment))
    hidden = {(r, c) for (r, c), m in owner.items() if m[:2] != (r, c)}  # a merged range's other cells
    special_rows = set(fixed_cells) | {r for r, _ in hidden}
    escaped: dict[str, str] = {}  # a district repeats its texts (设定依据, 申请材料) on every row
    starts = [f'<c r="{letter}' for letter in letters]
    text_middle, text_end = '" t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"

    def text_cell(c: int, number: str, value: str) -> str:
        text = escaped.get(value)
        if text is None:
            text = escaped[value] = text_xml(value)
        return starts[c] + number + text_middle + text + text_end

    xml_rows = []
    for r in range(max(len(sheet.rows), max(special_rows, default=-1) + 1)):
        values = sheet.rows[r] if r < len(sheet.rows) else []
        number = str(first_row + r + 1)
        cells = []
        if r not in special_rows:  # most rows: every cell as read
            for c, value in enumerate(values):
                if type(value) is str:
                    if value:
                        cells.append(text_cell(c, number, value))
                elif value is not None:
                    cells.append(_cell_xml(letters[c] + number, value, 0))
        else:
            fixed = fixed_cells.get(r, {})
            for c in range(max(len(values), max(fixed, default=-1) + 1)):
                if c in fixed:
                    cells.append(fixed[c])
                    continue
                value = values[c] if c < len(values) else None
                if value is None or value == "" or (r, c) in hidden:
                    continue
                cells.append(text_cell(c, number, value) if type(value) is str
                             else _cell_xml(letters[c] + number, value, 0))
        if cells:
            xml_rows.append(f'<row r="{number}">' + "".join(cells) + "</row>")
    widths: dict[int, int] = {}
    for values in sheet.rows[:WIDTH_SAMPLE_ROWS]:
        for c, value in enumerate(values):
            if type(value) is str and value:
                widths[c] = max(widths.get(c, 0), min(len(value) * 2, MAX_WIDTH))
    cols = "".join(f'<col min="{first_column + c + 1}" max="{first_column + c + 1}" width="{max(w, MIN_WIDTH)}" '
                   'customWidth="1"/>' for c, w in sorted(widths.items()))
    xml = [f'{XML_HEAD}<worksheet {NS} {REL_NS}><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
           f'<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"]
    xml += xml_rows
    xml.append("</sheetData>")
    if sheet.merged:
        refs = "".join(f'<mergeCell ref="{column_letter(first_column + c0)}{first_row + r0 + 1}:'
                       f'{column_letter(first_column + c1)}{first_row + r1 + 1}"/>' for r0, c0, r1, c1 in sheet.merged)
        xml.append(f'<mergeCells count="{len(sheet.merged)}">{refs}</mergeCells>')
    xml.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
    if comments:
        xml.append('<legacyDrawing r:id="rId1"/>')
    xml.append("</worksheet>")
    return _SheetPart((sheet.name or CSV_SHEET)[:31], xml, comments)


def comments_xml(comments: list[tuple[int, int, str]]) -> str:
    items = "".join(f'<comment ref="{column_letter(c)}{r + 1}" authorId="0"><text><r><rPr><sz val="9"/></rPr>'
                    f'<t xml:space="preserve">{text_xml(text)}</t></r></text></comment>' for r, c, text in comments)
    return f'{XML_HEAD}<comments {NS}><authors><author>mulu</author></authors><commentList>{items}</commentList></comments>'


def vml_xml(comments: list[tuple[int, int, str]], sheet_number: int) -> str:
    """The comments' boxes, as Excel draws them (hidden until the cell is pointed at)."""
    shapes = "".join(
        f'<v:shape id="_x0000_s{sheet_number * 1024 + i + 1}" type="#_x0000_t202" style="position:absolute;'
        f'margin-left:0;margin-top:0;width:{COMMENT_WIDTH_PT}pt;height:{COMMENT_HEIGHT_PT}pt;z-index:{i + 1};'
        'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
        '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
        '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
        f'<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f'<x:Anchor>{c + 1}, 15, {max(r - 1, 0)}, 10, {c + 4}, 15, {r + 7}, 4</x:Anchor><x:AutoFill>False</x:AutoFill>'
        f'<x:Row>{r}</x:Row><x:Column>{c}</x:Column></x:ClientData></v:shape>'
        for i, (r, c, _) in enumerate(comments))
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">'
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{sheet_number}"/></o:shapelayout>'
            '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
            '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
            f"{shapes}</xml>")


def _package(parts: list[_SheetPart]) -> dict[str, str]:
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    comments_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}"/>'
                        + (f'<Override PartName="/xl/comments{i}.xml" ContentType="{comments_type}"/>'
                           if part.comments else "")
                        for i, part in enumerate(parts, start=1))
    sheets = "".join(f'<sheet name="{xml_escape(part.name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, part in enumerate(parts, start=1))
    relations = "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                        for i in range(1, len(parts) + 1))
    files = {
        "[Content_Types].xml": (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"),
        "_rels/.rels": (
            f'{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f"{XML_HEAD}<workbook {NS} {REL_NS}><bookViews><workbookView/></bookViews>"
                            f"<sheets>{sheets}</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{relations}<Relationship Id="rId{len(parts) + 1}" Type="{rel}/styles" Target="styles.xml"/>'
            "</Relationships>"),
        "xl/styles.xml": STYLES,
    }
    for i, part in enumerate(parts, start=1):
        if part.comments:
            files[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = (
                f'{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{rel}/vmlDrawing" Target="../drawings/vmlDrawing{i}.vml"/>'
                f'<Relationship Id="rId2" Type="{rel}/comments" Target="../comments{i}.xml"/></Relationships>')
            files[f"xl/comments{i}.xml"] = comments_xml(part.comments)
            files[f"xl/drawings/vmlDrawing{i}.vml"] = vml_xml(part.comments, i)
    return files


def write_corrected_copy(data: bytes, filename: str, layout: dict, fixes: list[CellFix], path: Path) -> bool:
    """Write the copy to path; False (nothing written) when no fix falls on a cell of the file."""
    result = read_file(data, filename)
    by_sheet: dict[str | None, list[CellFix]] = {}
    for fix in fixes:
        by_sheet.setdefault(fix.sheet, []).append(fix)
    placed = {sheet.name: place_fixes(sheet, layout, by_sheet.get(sheet.name, [])) for sheet in result.sheets}
    if not any(placed.values()):
        return False
    csv_file = result.sheets[0].name is None
    parts = [_sheet_part(sheet, placed[sheet.name], csv_file) for sheet in result.sheets]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as package:
        for name, text in _package(parts).items():
            package.writestr(name, text)
        for i, part in enumerate(parts, start=1):
            with package.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as stream:
                for start in range(0, len(part.xml), WRITE_PIECES):  # rows in batches: fewer, larger writes
                    stream.write("".join(part.xml[start:start + WRITE_PIECES]).encode("utf-8"))
    return True
