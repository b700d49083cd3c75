"""One site's sheet of a 填报模板: every published item of its level with the catalog's elements
locked (grey) and the site's answers open, with dropdowns; below it the 新增事项 block. xlsxwriter
writes the sheet's settings; its rows are rendered here as SpreadsheetML (a city's templates hold ten
million cells: xlsxwriter's per-cell calls took most of their time).

Layout (transforms/template_layout.py COLUMNS): a title row, a hint row, the header, the list; an
empty row, the 新增事项 row, its header, the site's earlier local rows and NEW_ROWS empty rows. The
sheet is protected without a password: only the answer cells (and the 新增事项 block) take input.
"""

import re
from dataclasses import dataclass, field

from transforms.fields import COMMUNITY_LEVEL, TOWN_LEVEL
from transforms.template_layout import (
    ANSWERS, COLUMNS, NEW_ITEMS_MARK, NO, OFFERED, WINDOW, YES, TemplateIdentity, TemplateSheet, catalog_texts,
    column_label, display_code, yes_no)
from transforms.vocab import Vocabulary
from warehouse.reports.xlsx_rows import column_letter, text_xml

NEW_ROWS = 5  # empty rows of the 新增事项 block (more can be inserted: the protection allows it)
HEADER_ROW = 2
WIDTHS = {"seq": 5, "item_code": 15, "item_name": 26, OFFERED: 7, "item_type": 10, "item_family": 10,
          "department": 14, "legal_basis": 30, "exercise_levels": 14, "acceptance_conditions": 30,
          "materials": 30, "statutory_limit": 10, "promised_limit": 10, "fee": 6, "fee_basis": 14,
          "handling_type": 8, "online": 7, "proxy": 7, "window": 10, "note": 14}
YES_NO_COLUMNS = (OFFERED, "online", "proxy")
# Dropdowns of the 新增事项 block: column → vocabulary (vocabularies.csv) its values come from.
NEW_ITEM_LISTS = {"item_type": "item_type", "handling_type": "handling_type"}
PROTECTION = {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True,
              "format_rows": True, "insert_rows": True, "delete_rows": True, "autofilter": True}
A4 = 9


@dataclass
class SiteRows:
    """A site of a town and what it reported last time."""

    kind: str  # 中心, 站, 点
    community: str
    point: str
    answers: dict[str, dict] = field(default_factory=dict)  # catalog_code -> online, proxy, window, note
    local_rows: list[dict] = field(default_factory=list)  # its rows of no listed item, as written

    @property
    def level(self) -> str:
        return COMMUNITY_LEVEL if self.kind == "站" or (self.kind == "点" and self.community) else TOWN_LEVEL


class Formats:
    """The cell formats of a template workbook (made once per workbook)."""

    def __init__(self, workbook):
        base = {"text_wrap": True, "valign": "top", "border": 1, "border_color": "#BFBFBF", "font_size": 10}
        self.locked = workbook.add_format({**base, "bg_color": "#E7E6E6", "locked": True})
        self.open = workbook.add_format({**base, "locked": False})
        self.answer = workbook.add_format({**base, "locked": False, "bg_color": "#FFF2CC", "align": "center"})
        self.header = workbook.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "valign": "vcenter",
                                           "align": "center", "locked": True})
        self.title = workbook.add_format({"bold": True, "font_size": 14, "valign": "vcenter"})
        self.hint = workbook.add_format({"text_wrap": True, "valign": "top", "font_color": "#595959", "font_size": 10})
        self.mark = workbook.add_format({"bold": True, "font_size": 12, "bg_color": "#FCE4D6", "valign": "vcenter",
                                         "text_wrap": True})
        self.bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.text = workbook.add_format({"text_wrap": True, "valign": "top"})
        for rendered in (self.locked, self.open, self.answer, self.header, self.title, self.hint, self.mark):
            rendered._get_xf_index()  # a site sheet's cells are rendered outside xlsxwriter: register them


def site_title(sheet: TemplateSheet, town: str) -> str:
    if sheet.kind == "点":
        return sheet.point
    return f"{sheet.community}便民服务站" if sheet.kind == "站" else f"{town}便民服务中心"


@dataclass(frozen=True)
class SheetBlocks:
    """Where a site sheet's blocks fall (0-based rows): the list right after the header, then an
    empty row, the 新增事项 row, its header, the site's earlier local rows and NEW_ROWS empty rows."""

    items: int
    local_rows: int

    @property
    def first_item(self) -> int:
        return HEADER_ROW + 1

    @property
    def last_item(self) -> int:
        return HEADER_ROW + self.items

    @property
    def mark(self) -> int:
        return self.last_item + 2

    @property
    def first_new(self) -> int:
        return self.mark + 2

    @property
    def last_new(self) -> int:
        return self.first_new + self.local_rows + NEW_ROWS - 1


def write_site_sheet(workbook, formats: Formats, sheet: TemplateSheet, site: SiteRows, items: list[dict],
                     identity: TemplateIdentity, vocabulary: Vocabulary) -> None:
    """The sheet's settings (columns, dropdowns, panes, filter, print, protection); its rows are
    rendered by site_sheet_xml once the workbook's own shared strings are known (templates.py)."""
    ws = workbook.add_worksheet(sheet.name)
    for col, key in enumerate(COLUMNS):
        ws.set_column(col, col, WIDTHS[key])
    blocks = SheetBlocks(len(items), len(site.local_rows))
    _validations(ws, blocks.first_item, blocks.last_item, blocks.first_new, blocks.last_new, vocabulary)
    ws.freeze_panes(HEADER_ROW + 1, COLUMNS.index("item_name") + 1)
    if items:
        ws.autofilter(HEADER_ROW, 0, blocks.last_item, len(COLUMNS) - 1)
    _page_setup(ws)
    ws.protect("", PROTECTION)


def sheet_title(sheet: TemplateSheet, identity: TemplateIdentity) -> str:
    place = identity.district + ("" if sheet.kind == "中心" else identity.town) + site_title(sheet, identity.town)
    return f"{place} 便民服务事项填报（目录第{identity.catalog_version}版，{sheet.level}事项）"


SHEET_HINT = ("灰色列为全市统一的目录要素，已锁定；请在黄色列逐项选择'是否开展'（是/否）、'网上可办'和"
              "'帮办代办'，填写'办理窗口'和'备注'。已预填上次报送的情况：上次报送的事项为'是'，其余为'否'。"
              f"目录中没有、本站点开展的事项请填在表格下方的'{NEW_ITEMS_MARK}'中。")
NEW_ITEMS_HINT = f"{NEW_ITEMS_MARK}（目录中没有、本站点开展的事项）：请逐行填写全部要素；行不够时可插入行，不再开展的事项把'是否开展'选为'否'"


def site_sheet_xml(sheet_xml: str, title: str, site: SiteRows, item_rows: "ItemRows | None",
                   strings: "SharedStrings", formats: Formats) -> str:
    """The sheet xlsxwriter wrote (settings only) with its rows and merged ranges: the title, the
    hint, the header, the list (item_rows: its level's), the 新增事项 block."""
    blocks = SheetBlocks(len(item_rows.items) if item_rows else 0, len(site.local_rows))
    last_letter = column_letter(len(COLUMNS) - 1)
    cell = strings.cell
    letters = [column_letter(col) for col in range(len(COLUMNS))]

    def merged(row: int, text: str, style: int, height: int) -> str:
        number = row + 1
        rest = "".join(f'<c r="{letter}{number}" s="{style}"/>' for letter in letters[1:])
        return f'<row r="{number}" ht="{height}" customHeight="1">{cell(f"A{number}", text, style)}{rest}</row>'

    def header(row: int) -> str:
        style = formats.header.xf_index
        return (f'<row r="{row + 1}">'
                + "".join(cell(f"{letters[col]}{row + 1}", column_label(key), style) for col, key in enumerate(COLUMNS))
                + "</row>")

    def open_row(row: int, values: dict) -> str:
        return (f'<row r="{row + 1}">' + "".join(
            cell(f"{letters[col]}{row + 1}", values.get(key, ""),
                 (formats.answer if key in YES_NO_COLUMNS else formats.open).xf_index)
            for col, key in enumerate(COLUMNS)) + "</row>")

    rows = [merged(0, title, formats.title.xf_index, 24), merged(1, SHEET_HINT, formats.hint.xf_index, 30),
            header(HEADER_ROW), item_rows.xml(site) if item_rows else "",
            merged(blocks.mark, NEW_ITEMS_HINT, formats.mark.xf_index, 30), header(blocks.mark + 1)]
    for offset, local in enumerate(site.local_rows):
        values = {**{k: "" if v is None else str(v) for k, v in local.items()}, "seq": str(offset + 1), OFFERED: YES}
        rows.append(open_row(blocks.first_new + offset, values))
    empty = (f'<c r="{{letter}}{{number}}" s="{formats.open.xf_index}"/>')
    for row in range(blocks.first_new + len(site.local_rows), blocks.last_new + 1):
        rows.append(f'<row r="{row + 1}">'
                    + "".join(empty.format(letter=letter, number=row + 1) for letter in letters) + "</row>")
    merges = "".join(f'<mergeCell ref="A{row + 1}:{last_letter}{row + 1}"/>' for row in (0, 1, blocks.mark))
    if "<sheetData/>" not in sheet_xml or "<dataValidations" not in sheet_xml:
        raise ValueError("unexpected site sheet from xlsxwriter: no empty sheetData or no dataValidations")
    sheet_xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last_letter}{blocks.last_new + 1}"/>',
                       sheet_xml, count=1)
    sheet_xml = sheet_xml.replace("<sheetData/>", "<sheetData>" + "".join(rows) + "</sheetData>", 1)
    return sheet_xml.replace("<dataValidations", f'<mergeCells count="3">{merges}</mergeCells><dataValidations', 1)


class SharedStrings:
    """The workbook's shared strings after xlsxwriter's own (first: how many it wrote): the list's
    texts are stored once per workbook however many site sheets show them."""

    def __init__(self, first: int):
        self.first = first
        self.index: dict[str, int] = {}
        self.uses = 0  # cells referring to them

    def cell(self, ref: str, text: str, style: int) -> str:
        """A cell of the text (counted as a use of it)."""
        if text:
            self.uses += 1
        return self.uncounted_cell(ref, text, style)

    def uncounted_cell(self, ref: str, text: str, style: int) -> str:
        """A cell of the text, rendered once and repeated by the caller (who counts its uses)."""
        if not text:
            return f'<c r="{ref}" s="{style}"/>'
        index = self.index.get(text)
        if index is None:
            index = self.index[text] = self.first + len(self.index)
        return f'<c r="{ref}" s="{style}" t="s"><v>{index}</v></c>'

    def xml(self) -> str:
        """The <si> elements to append to the workbook's sharedStrings part, in index order."""
        return "".join(f'<si><t xml:space="preserve">{text_xml(text)}</t></si>' for text in self.index)


class ItemRows:
    """The list's rows of one level as SpreadsheetML: each item's locked cells rendered once per
    workbook, and each distinct answer once (a town's 20 stations share their list and mostly
    their answers)."""

    def __init__(self, items: list[dict], formats: Formats, strings: SharedStrings):
        self.items, self.strings = items, strings
        self.styles = {key: (formats.answer.xf_index if key in YES_NO_COLUMNS else formats.open.xf_index)
                       if key in ANSWERS else formats.locked.xf_index for key in COLUMNS}
        self.letters = {key: column_letter(col) for col, key in enumerate(COLUMNS)}
        offered = COLUMNS.index(OFFERED)
        self.before, self.after = [], []  # the locked cells left and right of 是否开展
        self.locked_texts = 0  # non-empty locked cells of one sheet
        keys = [key for key in COLUMNS if key not in ANSWERS]
        for i, item in enumerate(items):
            number = HEADER_ROW + 2 + i
            values = {"seq": str(i + 1), "item_code": display_code(item["catalog_code"]), **catalog_texts(item)}
            cells = [strings.uncounted_cell(f"{self.letters[key]}{number}", values.get(key, ""), self.styles[key])
                     for key in keys]
            self.locked_texts += sum(1 for key in keys if values.get(key))
            self.before.append("".join(cells[:offered]))
            self.after.append("".join(cells[offered:]))
        self.rendered: dict[tuple, tuple[str, int]] = {}  # (item, answers) → (row, its answer texts)

    def xml(self, site: SiteRows) -> str:
        """The rows of one site's sheet: the items, with its last answers (or 否 and the catalog's
        网上可办 and 帮办代办)."""
        rows = []
        uses = self.locked_texts
        for i, item in enumerate(self.items):
            answer = site.answers.get(item["catalog_code"])
            if answer is None:
                values = (NO, yes_no(item["is_online"]), yes_no(item["is_proxy"]), "", "")
            else:
                values = (YES, yes_no(answer["online"]), yes_no(answer["proxy"]), answer["window"] or "",
                          answer["note"] or "")
            row = self.rendered.get((i, values))
            if row is None:
                row = self.rendered[(i, values)] = self._row(i, values)
            rows.append(row[0])
            uses += row[1]
        self.strings.uses += uses
        return "".join(rows)

    def _row(self, i: int, values: tuple[str, ...]) -> tuple[str, int]:
        number = HEADER_ROW + 2 + i
        cells = [self.strings.uncounted_cell(f"{self.letters[key]}{number}", value, self.styles[key])
                 for key, value in zip(ANSWERS, values)]
        return (f'<row r="{number}">{self.before[i]}{cells[0]}{self.after[i]}{"".join(cells[1:])}</row>',
                sum(1 for value in values if value))


def _validations(ws, first_item: int, last_item: int, first_new: int, last_new: int, vocabulary: Vocabulary) -> None:
    """Dropdowns: 是/否 in the answer columns of both blocks; the vocabularies' labels (and 是/否 for
    是否收费) in the 新增事项 block."""
    yes_no_list = {"validate": "list", "source": [YES, NO], "error_title": "请选择'是'或'否'",
                   "error_message": "此列只能填写'是'或'否'，请从下拉列表中选择。"}
    blocks = [(first_item, last_item), (first_new, last_new)] if last_item >= first_item else [(first_new, last_new)]
    for key in YES_NO_COLUMNS:
        col = COLUMNS.index(key)
        for first, last in blocks:
            ws.data_validation(first, col, last, col, yes_no_list)
    ws.data_validation(first_new, COLUMNS.index("fee"), last_new, COLUMNS.index("fee"), yes_no_list)
    for key, name in NEW_ITEM_LISTS.items():
        labels = [term.label for term in vocabulary.terms(name)]
        if labels and len(",".join(labels)) <= 255:  # Excel's limit for a list written in the validation
            col = COLUMNS.index(key)
            ws.data_validation(first_new, col, last_new, col, {
                "validate": "list", "source": labels, "error_type": "warning", "error_title": "不是标准值",
                "error_message": f"标准值见'填报说明'工作表：{'、'.join(labels)}"[:255]})


def _page_setup(ws) -> None:
    """A4 landscape, one page wide, the header on every page."""
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.set_margins(left=0.3, right=0.3, top=0.4, bottom=0.5)
    ws.set_footer("&C第 &P 页，共 &N 页")
