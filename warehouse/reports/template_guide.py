"""The 填报说明 sheet of a 填报模板: what the workbook is for, how to fill it, what each column means,
and the accepted values of each vocabulary column (from the reference data's vocabularies.csv)."""

import functools
from pathlib import Path

from transforms.template_layout import (
    CENTRE_SHEET, COLUMNS, GUIDE_SHEET, NEW_ITEMS_MARK, OFFERED, WINDOW, TemplateIdentity, column_label)
from warehouse.reference import Reference, read_seed

# What each column means and how it is filled, for the clerk.
COLUMN_NOTES = {
    "seq": "序号，仅供查找",
    "item_code": "目录统一的事项编码；新增事项有编码的请填写",
    "item_name": "目录统一的事项名称；新增事项请填写规范全称",
    OFFERED: "本站点是否开展此事项：选'是'或'否'。'否'或不填的事项不报送",
    "item_type": "行政许可、公共服务等（标准值见下表）",
    "item_family": "事项所属类别，如养老保险、社会救助",
    "department": "事项的主管部门",
    "legal_basis": "法律法规名称及条款，如《中华人民共和国社会保险法》第二十条",
    "exercise_levels": "可填多个，用逗号分隔，如'县级,镇（乡、街道）级'（标准值见下表）",
    "acceptance_conditions": "申请人应当具备的条件",
    "materials": "申请材料，多项用'；'分隔或分行填写",
    "statutory_limit": "法律法规规定的办结时限，如'20个工作日'；没有的填'无'",
    "promised_limit": "本站点承诺的办结时限，如'5个工作日'、'即办'",
    "fee": "是否收费：'是'或'否'",
    "fee_basis": "收费的，填写收费依据文件",
    "handling_type": "即办件、承诺件等（标准值见下表）",
    "online": "此事项在本站点是否网上可办：'是'或'否'",
    "proxy": "此事项在本站点是否提供帮办代办：'是'或'否'",
    WINDOW: "办理此事项的窗口，如'综合业务窗口'、'帮办代办窗口'",
    "note": "需要说明的情况",
}
MERGED_LINE_CHARS = 60  # Chinese characters a line of the merged B:D cells holds
# The vocabularies of the template's columns: (vocabulary in vocabularies.csv, the columns it fills).
VOCABULARIES = (("item_type", "事项类型"), ("exercise_level", "行使层级"), ("handling_type", "办件类型"),
                ("yes_no", "是否开展、是否收费、网上可办、帮办代办"))
STEPS = (
    "本文件是{town}的便民服务事项填报模板，按第{version}版指导目录清单生成：每个站点一个工作表"
    "（{centre}，以及各村(社区)便民服务站、便民服务点）。请{town}便民服务中心把各站点的工作表发给站点核对，"
    "汇总后整个文件交回区(市)。",
    "灰色列是全市统一的目录要素，已锁定，不能修改；如发现目录要素有误，请在'备注'中说明。",
    "黄色列'是否开展'：本站点开展的事项选'是'，不开展的选'否'。已预填上次报送的情况（上次报送的为'是'）。"
    "'否'或不填的事项不报送。",
    "'网上可办'、'帮办代办'请从下拉列表选择'是'或'否'；'办理窗口'、'备注'可直接填写。",
    "目录中没有、本站点开展的事项，填在每个工作表下方的'" + NEW_ITEMS_MARK + "'中，逐项填写全部要素；行不够时可插入行。",
    "请不要修改工作表名称、表头和隐藏的工作表：系统据此识别各站点，无需再按文件名或表格格式推断。",
)


def write_guide(workbook, formats, identity: TemplateIdentity, reference: Reference) -> None:
    ws = workbook.add_worksheet(GUIDE_SHEET)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 70)
    ws.set_column(3, 3, 50)
    ws.merge_range(0, 0, 0, 3, f"{identity.district}{identity.town} 便民服务事项填报模板 填报说明", formats.title)
    ws.set_row(0, 24)
    row = 2
    sites = "、".join(s.name for s in identity.sheets)
    for key, value in (("区(市)", identity.district), ("镇(街道)", identity.town),
                       ("目录版本", f"第{identity.catalog_version}版"), ("生成时间", identity.made_at),
                       ("站点工作表", sites)):
        ws.write_string(row, 0, key, formats.bold)
        ws.merge_range(row, 1, row, 3, value, formats.text)
        ws.set_row(row, 15 * (len(value) // MERGED_LINE_CHARS + 1))  # a merged cell's height is never fitted
        row += 1
    row += 1
    ws.write_string(row, 0, "怎样填写", formats.bold)
    for n, step in enumerate(STEPS, start=1):
        text = step.format(town=identity.town, version=identity.catalog_version, centre=CENTRE_SHEET)
        ws.merge_range(row, 1, row, 3, f"{n}. {text}", formats.text)
        ws.set_row(row, 15 * (len(text) // MERGED_LINE_CHARS + 1))
        row += 1
    row += 1
    ws.write_row(row, 0, ["列名", "填写方式", "说明"], formats.header)
    for key in COLUMNS:
        row += 1
        how = "下拉选择" if key in (OFFERED, "online", "proxy") else ("填写" if key in (WINDOW, "note") else "目录要素（锁定）")
        ws.write_row(row, 0, [column_label(key), how, COLUMN_NOTES[key]], formats.text)
    row += 2
    ws.write_row(row, 0, ["列名", "代码", "标准名称", "也可写作"], formats.header)
    for name, columns in VOCABULARIES:
        for code, label, spellings in vocabulary_rows(reference, name):
            row += 1
            ws.write_row(row, 0, [columns, code, label, spellings], formats.text)
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True,
                    "format_rows": True})
    ws.activate()


def vocabulary_rows(reference: Reference, vocabulary: str) -> list[tuple[str, str, str]]:
    """(code, label, other spellings) of a vocabulary as the reference data in use writes it."""
    return [(code, label, "、".join(others)) for code, label, others in vocabulary_spellings(reference, vocabulary)]


@functools.lru_cache(maxsize=4)
def _vocabulary_file(path: Path | None, modified: int | None) -> list[dict]:
    """vocabularies.csv's rows, read once per version of the file (a night writes a template per town)."""
    return read_seed("vocabularies.csv", path.parent if path else None)


def vocabulary_spellings(reference: Reference, vocabulary: str) -> list[tuple[str, str, list[str]]]:
    """(code, label, every other spelling) of a vocabulary as the reference data in use writes it."""
    path = reference.files.get("vocabularies.csv")
    rows = _vocabulary_file(path, path.stat().st_mtime_ns if path else None)
    spellings: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        if row.get("词表") == vocabulary and row.get("代码") and row.get("标准名称"):
            found = spellings.setdefault((row["代码"], row["标准名称"]), [])
            if row.get("写法") and row["写法"] not in (row["标准名称"], *found):
                found.append(row["写法"])
    return [(code, label, others) for (code, label), others in spellings.items()]
