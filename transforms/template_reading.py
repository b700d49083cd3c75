"""Read a returned 填报模板 exactly (transforms/template_layout.py): no header or site inference.

Each sheet's site is the identity sheet's; its header is the template's own row of labels (found by
its words, so a row a clerk inserted moves nothing). A catalog item marked 是 in 是否开展 is a row;
否 is not an offered item and gives no row, and neither does a blank answer (said once per sheet).
A filled row of the 新增事项 block is a row like any submitted one (matched and checked as such).
The items of a template made from an older catalog are compared with today's catalog: those since
removed or changed are named in one finding.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass

from transforms.fields import LABELS, SUBMISSION_FIELDS
from transforms.flags import parse_yes_no
from transforms.readers import Sheet, cell_text
from transforms.tables import SheetTable
from transforms.template_layout import (
    COLUMNS, EVIDENCE, GUIDE_SHEET, IDENTITY_SHEET, NEW_ITEMS_MARK, OFFERED, WINDOW, TemplateIdentity, TemplateSheet,
    changed_elements, column_label)

HEADER_SEARCH_ROWS = 15  # the header is the template's third row; a clerk may insert a few above it
LISTED_CHANGES = 20  # items named in the older-template finding; the rest are counted


@dataclass
class TemplateProblem:
    """A file finding (transforms.ingest.FileFinding's fields, in its order)."""

    rule: str
    message: str
    sheet: str | None = None
    severity: str = "warning"
    field: str | None = None


@dataclass
class TemplateReading:
    identity: TemplateIdentity
    sheets: list[tuple[str, SheetTable, list[str]]]  # (sheet, its rows, each row's site evidence)
    problems: list[TemplateProblem]


@dataclass
class _Changes:
    removed: dict[str, str]  # code -> name
    changed: dict[str, tuple[str, list[str]]]  # code -> (name, elements)


def template_identity(sheets: list[Sheet]) -> TemplateIdentity | None:
    """The identity of a workbook mulu made as a template, or None for any other file."""
    for sheet in sheets:
        if sheet.name == IDENTITY_SHEET:
            return TemplateIdentity.from_rows([[cell_text(c) for c in row] for row in sheet.rows])
    return None


def read_template(sheets: list[Sheet], identity: TemplateIdentity, district: str,
                  catalog: Mapping[str, bytes | None]) -> TemplateReading:
    """The rows of every site sheet of a template sent in `district`'s folder; `catalog` is today's
    catalog (display code → fingerprint, template_layout.catalog_fingerprints), empty when unknown
    (then nothing is compared)."""
    by_name = {sheet.name: sheet for sheet in sheets}
    known = {site.name for site in identity.sheets}
    problems = [] if identity.district == district else [TemplateProblem(
        "template.district_mismatch", f"本模板是为{identity.district}{identity.town}生成的，却放在{district}的文件夹中："
        f"已按{district}读取，请核对是否放错", field="district")]
    problems += [TemplateProblem("template.sheet_unknown", f"工作表'{name}'不是模板中的站点工作表，未读取："
                                "请在模板原有的站点工作表中填写", name)
                for name in by_name if name not in known and name not in (GUIDE_SHEET, IDENTITY_SHEET)]
    read, changes = [], _Changes({}, {})
    for site in identity.sheets:
        sheet = by_name.get(site.name)
        if sheet is None:
            problems.append(TemplateProblem("template.sheet_missing", f"模板中的工作表'{site.name}'不在文件中："
                                            f"{_site_words(site, identity.town)}本次没有报送事项", site.name))
            continue
        table, found = _read_sheet(sheet, site, identity.town, catalog, changes)
        problems += found
        if table is not None and table.row_numbers:
            read.append((site.name, table, [EVIDENCE] * len(table.row_numbers)))
    if changes.removed or changes.changed:
        problems.append(_changes_problem(identity.catalog_version, changes))
    if not read:
        problems.append(TemplateProblem("no_item_rows", "模板中没有标为'是'的事项，也没有填写新增事项：本文件没有事项行。"
                                        "请在各站点工作表的'是否开展'列选择'是'后重新报送", severity="error"))
    return TemplateReading(identity, read, problems)


def _site_words(site: TemplateSheet, town: str) -> str:
    if site.point:
        return site.point
    return f"{site.community}便民服务站" if site.community else f"{town}便民服务中心"


def _read_sheet(sheet: Sheet, site: TemplateSheet, town: str, catalog: Mapping[str, bytes | None],
                changes: _Changes) -> tuple[SheetTable | None, list[TemplateProblem]]:
    rows = [[cell_text(c).strip() for c in row] for row in sheet.rows]
    mark = next((i for i, row in enumerate(rows) if _first_text(row).startswith(NEW_ITEMS_MARK)), len(rows))
    header = _header_at(rows, 0, min(HEADER_SEARCH_ROWS, mark))  # never the 新增事项 block's own header
    if header is None:
        return None, [TemplateProblem("header_not_found", f"模板工作表的表头（'{LABELS['item_name']}'、"
                                      f"'{column_label(OFFERED)}'等列名）被修改或删除，本工作表未读取：请使用原模板填报",
                                      sheet.name, severity="error")]
    start, columns = header
    new_header = _header_at(rows, mark + 1, mark + 1 + HEADER_SEARCH_ROWS) if mark < len(rows) else None
    kept: list[tuple[int, dict[str, str]]] = []
    blank, unknown = 0, []
    for i in range(start + 1, mark):
        cells = _cells(rows[i], columns)
        if not (cells["item_code"] or cells["item_name"]):
            continue
        answer = cells[OFFERED]
        offered = parse_yes_no(answer) if answer else False
        if not answer:
            blank += 1
        elif offered is None:
            unknown.append(answer)
        if offered is not False:
            kept.append((i, cells))
            _compare(cells, catalog, changes)
    if new_header is not None:
        new_start, new_columns = new_header
        for i in range(new_start + 1, len(rows)):
            cells = _cells(rows[i], new_columns)
            filled = any(cells[key] for key in COLUMNS if key not in ("seq", OFFERED))
            if filled and parse_yes_no(cells[OFFERED]) is not False:
                kept.append((i, cells))
    problems = []
    if blank:
        problems.append(TemplateProblem("template.answer_blank", f"有{blank}项事项的'{column_label(OFFERED)}'未填写，"
                                        "已按'否'（不开展）处理；如开展请选择'是'", sheet.name))
    if unknown:
        problems.append(TemplateProblem("template.answer_unknown", f"有{len(unknown)}项事项的'{column_label(OFFERED)}'"
                                        f"填写的不是'是'或'否'（如'{unknown[0]}'），已按开展读取：请选择'是'或'否'",
                                        sheet.name))
    return _table(sheet, kept, site, town), problems


def _header_at(rows: list[list[str]], first: int, last: int) -> tuple[int, dict[str, int]] | None:
    """The first row in [first, last) holding the template's labels: its index and label columns."""
    wanted = {column_label(key): key for key in COLUMNS}
    for i in range(first, min(last, len(rows))):
        columns: dict[str, int] = {}
        for col, text in enumerate(rows[i]):
            if text in wanted:
                columns.setdefault(wanted[text], col)
        if "item_name" in columns and "item_code" in columns and OFFERED in columns:
            return i, columns
    return None


def _first_text(row: list[str]) -> str:
    return next((text for text in row if text), "")


def _cells(row: list[str], columns: dict[str, int]) -> dict[str, str]:
    return {key: row[columns[key]] if key in columns and columns[key] < len(row) else "" for key in COLUMNS}


def _compare(cells: dict[str, str], catalog: Mapping[str, bytes | None], changes: _Changes) -> None:
    """Note a listed item the catalog no longer has, or shows with other elements."""
    code = cells["item_code"]
    if not catalog or not code:
        return
    if code not in catalog:
        changes.removed.setdefault(code, cells["item_name"])
    elif catalog[code] is not None and (fields := changed_elements(cells, catalog[code])):
        changes.changed.setdefault(code, (cells["item_name"], fields))


def _changes_problem(version: int, changes: _Changes) -> TemplateProblem:
    parts = []
    if changes.removed:
        parts.append("已从目录中删除：" + _listed([f"{name}（{code}）" for code, name in changes.removed.items()]))
    if changes.changed:
        parts.append("要素已变更：" + _listed([f"{name}（{code}：{'、'.join(LABELS[f] for f in fields)}）"
                                          for code, (name, fields) in changes.changed.items()]))
    return TemplateProblem("template.catalog_changed",
                           f"本模板按第{version}版目录生成，此后目录有变化，以下标为'是'的事项" + "；".join(parts)
                           + "。请向区(市)索取按最新目录生成的模板，核对后重新报送", field="item_code")


def _listed(names: list[str]) -> str:
    shown = "、".join(names[:LISTED_CHANGES])
    return shown + (f" 等{len(names)}项" if len(names) > LISTED_CHANGES else "")


def _table(sheet: Sheet, kept: list[tuple[int, dict[str, str]]], site: TemplateSheet, town: str) -> SheetTable:
    """The kept rows as the columns transforms.ingest lands: the site from the identity, not the cells."""
    constants = {"town": town, "community": site.community, "site": "", "site_level": site.level,
                 "site_point": site.point}
    columns = {name: [constants[name] if name in constants else cells.get(name, "") for _, cells in kept]
               for name in [f.name for f in SUBMISSION_FIELDS] + ["site_point"]}
    extras = [json.dumps({column_label(WINDOW): cells[WINDOW]}, ensure_ascii=False) if cells[WINDOW] else ""
              for _, cells in kept]
    return SheetTable([sheet.row_numbers[i] for i, _ in kept], columns, extras, [""] * len(kept))
