"""A corrected copy of an xlsx file, patched in place: every part of the district's workbook is kept
as it was but the sheets with fixes (their corrected cells replaced, a comment part added), the
styles (each corrected cell's own style with the yellow fill) and the package's lists of parts.
The copy keeps the original's fonts, colours, widths, formulas and dropdowns, and costs no decoding
of the sheet: only the rows with fixes are touched.

What this does not patch is written by corrected_workbook's full writer instead (CannotPatch): a
macro workbook, a sheet that already has comments, a corrected cell holding a formula that the
workbook's calculation chain lists or others share, a sheet written with a namespace prefix or
without cell references.
"""

import io
import logging
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import unescape

from transforms.readers import Sheet
from warehouse.reports.corrected_workbook import (
    CORRECTED_FILL, ORIGINAL_SHOWN, CellFix, comments_xml, place_fixes, vml_xml, write_corrected_copy)
from warehouse.reports.xlsx_rows import COMPRESS_LEVEL, column_letter, text_xml

WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_NS_DECLARATION = f'xmlns:r="{REL}"'
# Elements a worksheet may have after <legacyDrawing> (ECMA-376 CT_Worksheet order).
AFTER_LEGACY_DRAWING = ("<legacyDrawingHF", "<drawingHF", "<picture", "<oleObjects", "<controls",
                        "<webPublishItems", "<tableParts", "<extLst", "</worksheet>")
_ATTRIBUTE = re.compile(r'([\w:]+)="([^"]*)"')
_ROW = re.compile(r'<row\b([^>]*?)(/?)>')
_CELL = re.compile(r'<c\b(?=[^>]*?\br="([A-Z]+)\d+")([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_ANY_CELL = re.compile(r"<c[\s/>]")
_ROW_NUMBER = re.compile(r'\br="(\d+)"')
_CELL_TYPE = re.compile(r'\bt="(\w+)"')
_CELL_STYLE = re.compile(r'\bs="(\d+)"')
_REF = re.compile(r"([A-Z]+)(\d+)")


class CannotPatch(Exception):
    """The workbook is not one this patches; the full writer makes the copy."""


def _attributes(tag_inside: str) -> dict[str, str]:
    return {k: unescape(v, {"&quot;": '"', "&apos;": "'"}) for k, v in _ATTRIBUTE.findall(tag_inside)}


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its worksheet part (xl/worksheets/sheet1.xml)."""
    workbook = package.read("xl/workbook.xml").decode("utf-8")
    rels = package.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for tag in re.findall(r"<Relationship\b([^>]*)>", rels):
        attributes = _attributes(tag)
        target = attributes.get("Target", "")
        targets[attributes.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
    parts = {}
    for tag in re.findall(r"<sheet\b([^>]*)>", workbook):
        attributes = _attributes(tag)
        if attributes.get("r:id") in targets and "name" in attributes:
            parts[attributes["name"]] = targets[attributes["r:id"]]
    return parts


def _merged(sheet_xml: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges as 0-based (first row, first column, last row, last column) of the sheet."""
    ranges = []
    for ref in re.findall(r'<mergeCell\b[^>]*\bref="([A-Z]+\d+):([A-Z]+\d+)"', sheet_xml):
        (c0, r0), (c1, r1) = (_REF.fullmatch(part).groups() for part in ref)
        ranges.append((int(r0) - 1, _column_index(c0), int(r1) - 1, _column_index(c1)))
    return ranges


class _Styles:
    """styles.xml with one yellow fill added and, per original cell style, its copy on that fill."""

    def __init__(self, xml: str, fill_rgb: str = CORRECTED_FILL[1:]):
        self.xml = xml
        fills = re.search(r'<fills\b[^>]*count="(\d+)"[^>]*>(.*?)</fills>', xml, re.S)
        cell_xfs = re.search(r'<cellXfs\b[^>]*count="(\d+)"[^>]*>(.*?)</cellXfs>', xml, re.S)
        if not fills or not cell_xfs:
            raise CannotPatch("styles without fills or cell formats")
        self.fill_id = len(re.findall(r"<fill\b", fills.group(2)))
        self.xfs = re.findall(r"<xf\b[^>]*?/>|<xf\b.*?</xf>", cell_xfs.group(2), re.S)
        self.fill_xml = (f'<fill><patternFill patternType="solid"><fgColor rgb="FF{fill_rgb}"/>'
                         '<bgColor indexed="64"/></patternFill></fill>')
        self.added: dict[int, int] = {}  # original xf index → its yellow copy's

    def corrected(self, style: int) -> int:
        if style not in self.added:
            if style >= len(self.xfs):
                raise CannotPatch("a cell style the styles part lacks")
            xf = re.sub(r'\s(fillId|applyFill)="[^"]*"', "", self.xfs[style])
            xf = re.sub(r"^<xf\b", f'<xf fillId="{self.fill_id}" applyFill="1"', xf)
            self.added[style] = len(self.xfs) + len(self.added)
            self.xfs.append(xf)
        return self.added[style]

    def result(self) -> str:
        xml = re.sub(r'(<fills\b[^>]*count=")(\d+)("[^>]*>)(.*?)(</fills>)',
                     lambda m: f"{m.group(1)}{int(m.group(2)) + 1}{m.group(3)}{m.group(4)}{self.fill_xml}{m.group(5)}",
                     self.xml, count=1, flags=re.S)
        return re.sub(r'(<cellXfs\b[^>]*count=")(\d+)("[^>]*>)(.*?)(</cellXfs>)',
                      lambda m: f"{m.group(1)}{len(self.xfs)}{m.group(3)}{''.join(self.xfs)}{m.group(5)}",
                      xml, count=1, flags=re.S)


@dataclass
class _Workbook:
    """What patching a sheet changes or must respect outside it."""
    styles: _Styles
    calculation_chain: bool  # a formula cell the chain lists cannot become a value


def _patch_rows(sheet_xml: str, cells: dict[tuple[int, int], tuple[str | None, str]],
                workbook: _Workbook) -> tuple[str, list[tuple[int, int, str]]]:
    """The sheet with its corrected cells replaced; cells: (0-based row, column) → (value or None,
    comment). Returns the sheet and its comments (0-based row, column, text)."""
    by_row: dict[int, dict[int, tuple[str | None, str]]] = {}
    for (row, column), fix in cells.items():
        by_row.setdefault(row + 1, {})[column] = fix
    data_start = sheet_xml.find("<sheetData")
    data_end = sheet_xml.find("</sheetData>")
    if data_start < 0 or data_end < 0:
        raise CannotPatch("no sheetData")
    pieces, position, comments, seen = [sheet_xml[:data_start]], data_start, [], set()
    for match in _ROW.finditer(sheet_xml, data_start, data_end):
        row_number = _ROW_NUMBER.search(match.group(1))
        if row_number is None:
            raise CannotPatch("a row without its number")
        number = int(row_number.group(1))
        if number not in by_row:
            continue
        seen.add(number)
        if match.group(2):  # <row r="5"/>: no cells yet
            end, inner = match.end(), ""
            opening = match.group(0)[:-2] + ">"
        else:
            end = sheet_xml.index("</row>", match.end()) + len("</row>")
            inner, opening = sheet_xml[match.end():end - len("</row>")], match.group(0)
        new_inner, row_comments = _patch_cells(inner, number, by_row[number], workbook)
        pieces += [sheet_xml[position:match.start()], opening, new_inner, "</row>"]
        position = end
        comments += row_comments
    missing = set(by_row) - seen
    if missing:  # a fix on a row the sheet does not write: only possible for a comment on an empty row
        raise CannotPatch("a fix on a row the sheet does not hold")
    pieces.append(sheet_xml[position:])
    return "".join(pieces), comments


def _patch_cells(inner: str, number: int, fixes: dict[int, tuple[str | None, str]],
                 workbook: _Workbook) -> tuple[str, list[tuple[int, int, str]]]:
    """A row's cells with its corrected ones replaced (or added, in column order), and its comments."""
    comments, spans = [], []  # spans: (start, end, new cell) of the row's text
    for column, (value, comment) in sorted(fixes.items()):
        if value is None:
            comments.append((number - 1, column, comment))
            continue
        ref = f"{column_letter(column)}{number}"
        span = _cell_span(inner, ref)
        if span is None:
            return _patch_cells_in_order(inner, number, fixes, workbook)
        start, end = span
        cell = _CELL.fullmatch(inner, start, end)
        if cell is None:
            raise CannotPatch("a cell this does not read")
        new, comment = _corrected_cell(ref, value, comment, cell.group(2), cell.group(3) or "", workbook)
        comments.append((number - 1, column, comment))
        spans.append((start, end, new))
    pieces, position = [], 0
    for start, end, new in spans:
        pieces += [inner[position:start], new]
        position = end
    pieces.append(inner[position:])
    return "".join(pieces), comments


def _cell_span(inner: str, ref: str) -> tuple[int, int] | None:
    """Where the cell of ref is in a row's text, or None when the row does not write it."""
    at = inner.find(f' r="{ref}"')
    if at < 0:
        return None
    start = inner.rfind("<c", 0, at)
    tag_end = inner.find(">", at)
    if start < 0 or tag_end < 0 or "<" in inner[start + 1:at]:
        raise CannotPatch("a cell reference outside a cell's tag")
    if inner[tag_end - 1] == "/":
        return start, tag_end + 1
    close = inner.find("</c>", tag_end)
    if close < 0:
        raise CannotPatch("a cell without its end")
    return start, close + len("</c>")


def _patch_cells_in_order(inner: str, number: int, fixes: dict[int, tuple[str | None, str]],
                          workbook: _Workbook) -> tuple[str, list[tuple[int, int, str]]]:
    """A row where a corrected cell is not written yet: every cell read, the new one put in its place."""
    present = {_column_index(match.group(1)): match for match in _CELL.finditer(inner)}
    if len(present) != len(_ANY_CELL.findall(inner)):
        raise CannotPatch("a cell without its reference")
    cells = {column: match.group(0) for column, match in present.items()}
    comments = []
    for column, (value, comment) in fixes.items():
        if value is not None:
            match = present.get(column)
            ref = f"{column_letter(column)}{number}"
            cells[column], comment = _corrected_cell(ref, value, comment, match.group(2) if match else "",
                                                     (match.group(3) or "") if match else "", workbook)
        comments.append((number - 1, column, comment))
    return "".join(cells[column] for column in sorted(cells)), comments


def _corrected_cell(ref: str, value: str, comment: str, tag: str, body: str, workbook: _Workbook) -> tuple[str, str]:
    """The corrected cell (the standard value on its own style with the yellow fill) and its
    comment, which says what the cell held."""
    if "<f" in body and (workbook.calculation_chain or 't="shared"' in body):
        raise CannotPatch("a formula others depend on in a corrected cell")
    kind, style = _CELL_TYPE.search(tag), _CELL_STYLE.search(tag)
    original = _cell_value(kind.group(1) if kind else None, body)
    if not comment.startswith("【已改正】"):
        was = "（空）" if not original else original[:ORIGINAL_SHOWN]
        comment = f"【已改正】原为：{was}\n{comment}"
    style = workbook.styles.corrected(int(style.group(1)) if style else 0)
    return (f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text_xml(value)}</t></is></c>',
            comment)


def _cell_value(kind: str | None, body: str) -> str:
    """A cell's shown value as far as the copy's comment needs it (shared strings are not looked up:
    their text is named by its place)."""
    if kind == "inlineStr":
        return unescape("".join(re.findall(r"<t\b[^>]*>(.*?)</t>", body, re.S)))
    value = re.search(r"<v>(.*?)</v>", body, re.S)
    if value is None:
        return ""
    return "（共享文本）" if kind == "s" else unescape(value.group(1))


def _free_name(names: set[str], pattern: str) -> str:
    n = 1
    while pattern.format(n) in names:
        n += 1
    return pattern.format(n)


def _with_comments(part: str, sheet_xml: str, rels: str, comments: list[tuple[int, int, str]],
                   taken: set[str]) -> tuple[dict[str, str], str]:
    """The parts that give a patched sheet its comments: the sheet (with its legacyDrawing), its
    relationships, the comments part and their boxes (VML), named apart from the parts taken; and
    the comments part's name."""
    folder, file = posixpath.split(part)
    comments_part = _free_name(taken, "xl/comments{}.xml")
    vml_part = _free_name(taken, "xl/drawings/vmlDrawing{}.vml")
    ids = set(re.findall(r'\bId="([^"]*)"', rels))
    vml_id = _free_name(ids, "rIdMulu{}")
    comments_id = _free_name(ids | {vml_id}, "rIdMulu{}")
    relations = (f'<Relationship Id="{vml_id}" Type="{REL}/vmlDrawing" Target="{posixpath.relpath(vml_part, folder)}"/>'
                 f'<Relationship Id="{comments_id}" Type="{REL}/comments" '
                 f'Target="{posixpath.relpath(comments_part, folder)}"/>')
    at = min(i for i in (sheet_xml.find(tag) for tag in AFTER_LEGACY_DRAWING) if i >= 0)
    sheet_xml = sheet_xml[:at] + f'<legacyDrawing r:id="{vml_id}"/>' + sheet_xml[at:]
    root = re.search(r"<worksheet\b[^>]*>", sheet_xml)
    if root is None:
        raise CannotPatch("a worksheet written with a namespace prefix")
    if REL_NS_DECLARATION not in root.group(0):
        if "xmlns:r=" in root.group(0):
            raise CannotPatch("the r prefix bound to another namespace")
        sheet_xml = sheet_xml[:root.end() - 1] + f" {REL_NS_DECLARATION}" + sheet_xml[root.end() - 1:]
    return {
        part: sheet_xml,
        f"{folder}/_rels/{file}.rels": (
            rels.replace("</Relationships>", relations + "</Relationships>") if rels else
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{relations}</Relationships>'),
        comments_part: comments_xml(comments),
        vml_part: vml_xml(comments, int(re.search(r"(\d+)\.vml$", vml_part).group(1))),
    }, comments_part


def patch_xlsx(data: bytes, layout: dict, fixes: list[CellFix], path: Path) -> bool:
    """Write the patched copy of an xlsx file to path; False (nothing written) when no fix falls on a
    cell of it. Raises CannotPatch for a workbook the full writer must copy."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = set(package.namelist())
        types = package.read("[Content_Types].xml").decode("utf-8")
        if WORKBOOK_TYPE not in types or "xl/styles.xml" not in names:
            raise CannotPatch("not a plain xlsx workbook")
        parts = _sheet_parts(package)
        workbook = _Workbook(_Styles(package.read("xl/styles.xml").decode("utf-8")),
                             "xl/calcChain.xml" in names)
    except (KeyError, zipfile.BadZipFile, UnicodeDecodeError) as error:
        raise CannotPatch(str(error)) from error
    by_sheet: dict[str, list[CellFix]] = {}
    for fix in fixes:
        by_sheet.setdefault(fix.sheet, []).append(fix)
    replaced: dict[str, str] = {}
    added_types = []
    for sheet_name, sheet_fixes in by_sheet.items():
        where = layout.get(sheet_name or "")
        if not where:
            continue
        part = parts.get(sheet_name)
        if part is None or part not in names:
            raise CannotPatch("a sheet's part not found")
        sheet_xml = package.read(part).decode("utf-8")
        placed = place_fixes(_sheet_in_place(sheet_name, sheet_xml, sheet_fixes), {sheet_name: _in_place(where)},
                             sheet_fixes)
        if not placed:
            continue
        rels_part = "{}/_rels/{}.rels".format(*posixpath.split(part))
        rels = package.read(rels_part).decode("utf-8") if rels_part in names else ""
        if "<legacyDrawing" in sheet_xml or "/comments" in rels or "/vmlDrawing" in rels:
            raise CannotPatch("a sheet that already has comments")
        cells = {key: (fix.value, fix.comment) for key, fix in placed.items()}
        sheet_xml, comments = _patch_rows(sheet_xml, cells, workbook)
        parts_with_comments, comments_part = _with_comments(part, sheet_xml, rels, comments, names | set(replaced))
        replaced.update(parts_with_comments)
        added_types.append(f'<Override PartName="/{comments_part}" ContentType="{COMMENTS_TYPE}"/>')
    if not replaced:
        return False
    if 'Extension="vml"' not in types:
        added_types.append(f'<Default Extension="vml" ContentType="{VML_TYPE}"/>')
    replaced["[Content_Types].xml"] = types.replace("</Types>", "".join(added_types) + "</Types>")
    replaced["xl/styles.xml"] = workbook.styles.result()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as target:
        for member in package.infolist():
            if member.filename in replaced:
                target.writestr(member.filename, replaced.pop(member.filename).encode("utf-8"))
            else:
                target.writestr(member, package.read(member))
        for name, text in replaced.items():
            target.writestr(name, text.encode("utf-8"))
    return True


def _sheet_in_place(name: str, sheet_xml: str, fixes: list[CellFix]) -> Sheet:
    """The sheet in its own coordinates (row index = row number - 1, column = sheet column) for
    placing the fixes as the full writer does (merged ranges to their first cell)."""
    merged = _merged(sheet_xml)
    last = max([fix.row_number for fix in fixes] + [r1 + 1 for _, _, r1, _ in merged] + [0])
    return Sheet(name, [], list(range(1, last + 1)), merged, 0)


def _in_place(where: dict) -> dict:
    """A sheet's layout with its columns counted from column A (the reader counts from its first)."""
    return {"first_column": 0, "columns": {field: where["first_column"] + column
                                           for field, column in where["columns"].items()}}


def write_copy_file(data: bytes, filename: str, layout: dict, fixes: list[CellFix], path: Path) -> bool:
    """The corrected copy of a district file: an xlsx patched in place where it can be, any other
    file (and an xlsx this cannot patch) written whole by corrected_workbook."""
    if data[:4] == b"PK\x03\x04":  # a zip package, whatever its name says (a macro workbook is refused inside)
        try:
            return patch_xlsx(data, layout, fixes, path)
        except (CannotPatch, ValueError) as why:  # ValueError: a row whose end is not where XML puts it
            logging.getLogger(__name__).info("修正稿改为整表重写（%s）：%s", why, filename)
    return write_corrected_copy(data, filename, layout, fixes, path)
