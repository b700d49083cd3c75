"""xlsx workbooks whose rows DuckDB renders: for sheets too long to write cell by cell in Python.

A district's 一次告知 report of a province night has tens of thousands of findings; xlsxwriter
spends most of a report's time on its per-cell Python calls. Here SQL renders each row's
SpreadsheetML (`row_xml`), and `write_workbook` only wraps the rows in a minimal package: inline
strings, one header style and one wrapped-text body style, a frozen header row and an autofilter.
Cells are always text or numbers, never formulas or links (as the reports' WORKBOOK_OPTIONS).
"""

import math
import numbers
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

MAX_CELL_CHARS = 32767  # Excel's limit; longer text is cut, as xlsxwriter does
HEADER_STYLE, BODY_STYLE = 1, 2  # cellXfs indexes in STYLES
COMPRESS_LEVEL = 1  # the sheets are large and repetitive: speed over a few percent of size
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 cannot carry (C0 controls but tab and line feed); a carriage return is kept as &#13;.
INVALID_XML = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]"
NEEDS_ESCAPING = r"[&<>\r\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]"
INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NEEDS_ESCAPING_CHARS = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Sheet:
    name: str
    titles: list[str]
    widths: list[int]
    rows_xml: str  # rows 2.. as rendered by row_xml, in order
    row_count: int  # rows below the header


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text_sql(expression: str) -> str:
    """SQL for a text as XML character data: cut to Excel's limit, characters XML cannot carry dropped,
    markup escaped. Most texts need none of it, and one test spares them the rest."""
    value = f"CAST({expression} AS VARCHAR)"
    text = f"left({value}, {MAX_CELL_CHARS})"
    text = f"regexp_replace({text}, '{INVALID_XML}', '', 'g')"
    for raw, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
        text = f"replace({text}, chr({ord(raw)}), '{escaped}')"
    return f"CASE WHEN strlen({value}) > {MAX_CELL_CHARS} OR regexp_matches({value}, '{NEEDS_ESCAPING}') " \
           f"THEN {text} ELSE {value} END"


def cell_sql(expression: str, column: int, number: bool = False, row: str = "_row") -> str:
    """SQL for one cell's XML (empty for NULL): text as an inline string, or a number."""
    ref = f"'{column_letter(column)}' || {row}"
    if number:
        body = f"'<c r=\"' || {ref} || '\" s=\"{BODY_STYLE}\"><v>' || CAST({expression} AS VARCHAR) || '</v></c>'"
    else:
        body = (f"'<c r=\"' || {ref} || '\" s=\"{BODY_STYLE}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">' || "
                f"{_text_sql(expression)} || '</t></is></c>'")
    return f"coalesce({body}, '')"


def row_xml(cells: list[tuple[str, bool]], row: str = "_row") -> str:
    """SQL for a row's XML; cells: (expression, is_number) in column order; row: the sheet row number
    (the header is row 1)."""
    parts = [cell_sql(expression, i, number, row) for i, (expression, number) in enumerate(cells)]
    return f"'<row r=\"' || {row} || '\">' || " + " || ".join(parts) + " || '</row>'"


def text_xml(value) -> str:
    """A value as XML character data: cut to Excel's cell limit, characters XML cannot carry dropped."""
    text = str(value)
    if len(text) <= MAX_CELL_CHARS and not NEEDS_ESCAPING_CHARS.search(text):
        return text  # most texts: one search instead of four replacements
    text = INVALID_XML_CHARS.sub("", text[:MAX_CELL_CHARS])
    return xml_escape(text, {"\r": "&#13;"})


def _cell(column: int, row: int, value, style: int) -> str:
    ref = f"{column_letter(column)}{row}"
    missing = type(value).__name__ in ("NAType", "NaTType") or (isinstance(value, float) and math.isnan(value))
    if value is None or missing:
        return ""  # no cell
    if isinstance(value, bool):
        value = "是" if value else "否"  # as the other workbooks show booleans to people
    elif isinstance(value, numbers.Real) and math.isfinite(value):
        return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text_xml(value)}</t></is></c>'


def values_xml(rows: list[list], first_row: int = 2) -> str:
    """Rows rendered in Python, for short sheets (the same cells as row_xml renders)."""
    return "".join(f'<row r="{r}">' + "".join(_cell(c, r, v, BODY_STYLE) for c, v in enumerate(values)) + "</row>"
                   for r, values in enumerate(rows, start=first_row))


def _header_row(titles: list[str]) -> str:
    return '<row r="1">' + "".join(_cell(i, 1, str(t), HEADER_STYLE) for i, t in enumerate(titles)) + "</row>"


def _sheet_xml_parts(sheet: Sheet, selected: bool) -> tuple[str, str]:
    last = f"{column_letter(len(sheet.titles) - 1)}{sheet.row_count + 1}"
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" style="{BODY_STYLE}" customWidth="1"/>'
                   for i, w in enumerate(sheet.widths))
    tab = ' tabSelected="1"' if selected else ""
    head = (f'{XML_HEAD}<worksheet {NS} {REL_NS}><dimension ref="A1:{last}"/>'
            f'<sheetViews><sheetView{tab} workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>{_header_row(sheet.titles)}')
    tail = "</sheetData>"
    if sheet.row_count:
        tail += f'<autoFilter ref="A1:{last}"/>'
    tail += '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
    return head, tail


STYLES = (f'{XML_HEAD}<styleSheet {NS}>'
          '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
          '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
          '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
          '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>'
          '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
          '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
          '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" '
          'applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
          '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
          '<alignment vertical="top" wrapText="1"/></xf></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def _package_parts(sheets: list[Sheet]) -> dict[str, str]:
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                        for i in range(1, len(sheets) + 1))
    sheet_entries = "".join(f'<sheet name="{xml_escape(s.name[:31], {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                            for i, s in enumerate(sheets, start=1))
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"'{xml_escape(s.name[:31].replace(chr(39), chr(39) * 2))}'!$A$1:${column_letter(len(s.titles) - 1)}$"
        f"{s.row_count + 1}</definedName>"
        for i, s in enumerate(sheets) if s.row_count)
    relations = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
    n = len(sheets)
    return {
        "[Content_Types].xml": (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"),
        "_rels/.rels": (
            f'{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f"{XML_HEAD}<workbook {NS} {REL_NS}><bookViews><workbookView/></bookViews>"
            f"<sheets>{sheet_entries}</sheets>" + (f"<definedNames>{filters}</definedNames>" if filters else "")
            + "</workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{relations}<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": STYLES,
    }


def write_workbook(path: Path, sheets: list[Sheet]) -> None:
    """The workbook of these sheets, the first one selected."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as package:
        for name, text in _package_parts(sheets).items():
            package.writestr(name, text)
        for i, sheet in enumerate(sheets, start=1):
            head, tail = _sheet_xml_parts(sheet, selected=i == 1)
            with package.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as part:
                for text in (head, sheet.rows_xml, tail):
                    part.write(text.encode("utf-8"))
