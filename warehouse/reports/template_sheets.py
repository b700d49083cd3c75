"""One site's sheet of a 填报模板 (xlsxwriter): every published item of its level with the catalog's
elements locked (grey) and the site's answers open, with dropdowns; below it the 新增事项 block.

Layout (transforms/template_layout.py COLUMNS): a title row, a hint row, the header, the list; an
empty row, the 新增事项 row, its header, the site's earlier local rows and NEW_ROWS empty rows. The
sheet is protected without a password: only the answer cells (and the 新增事项 block) take input.
"""

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
        for listed in (self.locked, self.open, self.answer):
            listed._get_xf_index()  # the list's cells are rendered outside xlsxwriter (ItemRows): register them


def site_title(sheet: TemplateSheet, town: str) -> str:
    if sheet.kind == "点":
        return sheet.point
    return f"{sheet.community}便民服务站" if sheet.kind == "站" else f"{town}便民服务中心"


def write_site_sheet(workbook, formats: Formats, sheet: TemplateSheet, site: SiteRows, items: list[dict],
                     identity: TemplateIdentity, vocabulary: Vocabulary) -> None:
    ws = workbook.add_worksheet(sheet.name)
    last_col = len(COLUMNS) - 1
    for col, key in enumerate(COLUMNS):
        ws.set_column(col, col, WIDTHS[key])
    place = identity.district + ("" if sheet.kind == "中心" else identity.town) + site_title(sheet, identity.town)
    ws.merge_range(0, 0, 0, last_col, f"{place} 便民服务事项填报（目录第{identity.catalog_version}版，{sheet.level}事项）",
                   formats.title)
    ws.set_row(0, 24)
    ws.merge_range(1, 0, 1, last_col, "灰色列为全市统一的目录要素，已锁定；请在黄色列逐项选择'是否开展'（是/否）、'网上可办'和"
                   "'帮办代办'，填写'办理窗口'和'备注'。已预填上次报送的情况：上次报送的事项为'是'，其余为'否'。"
                   f"目录中没有、本站点开展的事项请填在表格下方的'{NEW_ITEMS_MARK}'中。", formats.hint)
    ws.set_row(1, 30)
    ws.write_row(HEADER_ROW, 0, [column_label(key) for key in COLUMNS], formats.header)
    # The list's rows are not written here: item_rows_xml renders them, and the workbook's package
    # takes them in after the header row (templates.py), each item's locked cells rendered once.
    row = HEADER_ROW + 1 + len(items)
    last_item = row - 1
    mark = row + 1
    ws.merge_range(mark, 0, mark, last_col, f"{NEW_ITEMS_MARK}（目录中没有、本站点开展的事项）：请逐行填写全部要素；"
                   "行不够时可插入行，不再开展的事项把'是否开展'选为'否'", formats.mark)
    ws.set_row(mark, 30)
    ws.write_row(mark + 1, 0, [column_label(key) for key in COLUMNS], formats.header)
    first_new = mark + 2
    for offset, local in enumerate(site.local_rows):
        _write_local(ws, first_new + offset, offset + 1, local, formats)
    last_new = first_new + len(site.local_rows) + NEW_ROWS - 1
    for empty in range(first_new + len(site.local_rows), last_new + 1):
        ws.write_row(empty, 0, [""] * len(COLUMNS), formats.open)
    _validations(ws, HEADER_ROW + 1, last_item, first_new, last_new, vocabulary)
    ws.freeze_panes(HEADER_ROW + 1, COLUMNS.index("item_name") + 1)
    if items:
        ws.autofilter(HEADER_ROW, 0, last_item, last_col)
    _page_setup(ws)
    ws.protect("", PROTECTION)


class SharedStrings:
    """The workbook's shared strings after xlsxwriter's own (first: how many it wrote): the list's
    texts are stored once per workbook however many site sheets show them."""

    def __init__(self, first: int):
        self.first = first
        self.index: dict[str, int] = {}
        self.uses = 0  # cells referring to them

    def cell(self, ref: str, text: str, style: int) -> str:
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
    workbook, each site's answers per sheet (a town's 20 stations share their list)."""

    def __init__(self, items: list[dict], formats: Formats, strings: SharedStrings):
        self.items, self.strings = items, strings
        self.styles = {key: (formats.answer.xf_index if key in YES_NO_COLUMNS else formats.open.xf_index)
                       if key in ANSWERS else formats.locked.xf_index for key in COLUMNS}
        self.letters = {key: column_letter(col) for col, key in enumerate(COLUMNS)}
        offered = COLUMNS.index(OFFERED)
        self.before, self.after = [], []  # the locked cells left and right of 是否开展
        self.locked_texts = 0  # non-empty locked cells of one sheet
        for i, item in enumerate(items):
            number = HEADER_ROW + 2 + i
            values = {"seq": str(i + 1), "item_code": display_code(item["catalog_code"]), **catalog_texts(item)}
            keys = [key for key in COLUMNS if key not in ANSWERS]
            cells = [strings.cell(f"{self.letters[key]}{number}", values.get(key, ""), self.styles[key]) for key in keys]
            self.locked_texts += sum(1 for key in keys if values.get(key))
            self.before.append("".join(cells[:offered]))
            self.after.append("".join(cells[offered:]))

    def xml(self, site: SiteRows) -> str:
        """The rows of one site's sheet: the items, with its last answers (or 否 and the catalog's
        网上可办 and 帮办代办)."""
        rows = []
        cell = self.strings.cell
        uses = self.locked_texts
        for i, item in enumerate(self.items):
            number = HEADER_ROW + 2 + i
            answer = site.answers.get(item["catalog_code"])
            values = {OFFERED: NO, "online": yes_no(item["is_online"]), "proxy": yes_no(item["is_proxy"])}
            if answer is not None:
                values = {OFFERED: YES, "online": yes_no(answer["online"]), "proxy": yes_no(answer["proxy"]),
                          WINDOW: answer["window"] or "", "note": answer["note"] or ""}
            uses += sum(1 for value in values.values() if value)
            offered = cell(f"{self.letters[OFFERED]}{number}", values[OFFERED], self.styles[OFFERED])
            rest = "".join(cell(f"{self.letters[key]}{number}", values.get(key, ""), self.styles[key])
                           for key in ("online", "proxy", WINDOW, "note"))
            rows.append(f'<row r="{number}">{self.before[i]}{offered}{self.after[i]}{rest}</row>')
        self.strings.uses += uses
        return "".join(rows)


def _write_local(ws, row: int, seq: int, local: dict, formats: Formats) -> None:
    """A row the site sent last time of no listed item, as it wrote it (every cell open)."""
    values = {**{k: "" if v is None else str(v) for k, v in local.items()}, "seq": str(seq), OFFERED: YES}
    for col, key in enumerate(COLUMNS):
        ws.write_string(row, col, values.get(key, ""), formats.answer if key in YES_NO_COLUMNS else formats.open)


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
