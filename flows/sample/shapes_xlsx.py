"""The xlsx district shapes (1, 2, 4, 5, 7, 8, 10): one writer each, returning row positions.

Row numbers are Excel's: 1-based, title and header rows counted (xlsxwriter index + 1).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlsxwriter

from .cells import FILL_DATE, Position, cell, ensure_parent, relative_path, title
from .plan import DistrictPlan, Site

# Fixed document dates, so the same seed writes byte-identical workbooks.
CREATED = datetime(2026, 11, 20, 9, 0, 0)
NOTE = "说明：本表由镇(街道)便民服务中心汇总填报，村(社区)便民服务站事项一并列出；事项以省政务服务事项管理系统为准。"
INSTRUCTIONS = (
    "填表说明",
    "1. 本表由各镇(街道)便民服务中心组织填写，村(社区)便民服务站事项一并报送。",
    "2. 事项名称、事项编码须与省政务服务事项管理系统保持一致。",
    "3. 办理时限填写法定办结时限和承诺办结时限，即办件填写“即办”。",
    "4. 申请材料逐项填写，多项材料用“；”分隔。",
    "5. 请于每月25日前报送区(市)行政审批服务局。",
)


def _workbook(path: Path, constant_memory: bool = False):
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
    wb.set_properties({"created": CREATED, "author": "便民服务中心", "title": path.stem})
    fmt = {
        "title": wb.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}),
        "header": wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True}),
        "merged": wb.add_format({"valign": "vcenter"}),
    }
    return wb, fmt


def _widths(ws, keys) -> None:
    for c, key in enumerate(keys):
        ws.set_column(c, c, 40 if key in ("item_name", "materials", "legal_basis", "acceptance_conditions") else 14)


def _header(ws, r: int, keys, headers: dict, fmt) -> None:
    for c, key in enumerate(keys):
        ws.write_string(r, c, headers[key], fmt)


def _data(ws, r: int, keys, site: Site, row, seq: int) -> None:
    for c, key in enumerate(keys):
        v = cell(key, site, row, seq)
        if v is None:
            continue
        if isinstance(v, str):
            ws.write_string(r, c, v)
        else:
            ws.write_number(r, c, v)


def _rows(ws, r: int, keys, sites, rel: str, sheet: str, out: list[Position]) -> int:
    """Write every row of `sites` from Excel row index `r`; return the next free index."""
    seq = 0
    for site in sites:
        for row in site.rows:
            seq += 1
            _data(ws, r, keys, site, row, seq)
            out.append(Position(rel, sheet, r + 1, site, row))
            r += 1
    return r


def shape1_title_two_sheets(plan: DistrictPlan, inbox: Path) -> list[Position]:
    out: list[Position] = []
    p = plan.profile
    for town in plan.towns:
        rel = relative_path(plan, town, "xlsx")
        wb, fmt = _workbook(ensure_parent(inbox, rel))
        for sheet, sites in (("镇(街道)", town.sites[:1]), ("村(社区)", town.sites[1:])):
            keys = [k for k in p.columns if k != "site_level" and (k != "community" or sheet == "村(社区)")]
            ws = wb.add_worksheet(sheet)
            _widths(ws, keys)
            ws.merge_range(0, 0, 0, len(keys) - 1, title(plan, town), fmt["title"])
            _header(ws, 1, keys, p.headers, fmt["header"])
            _rows(ws, 2, keys, sites, rel, sheet, out)
        wb.close()
    return out


def shape2_two_row_header(plan: DistrictPlan, inbox: Path) -> list[Position]:
    out: list[Position] = []
    p = plan.profile
    keys = list(p.columns)
    groups = {"statutory_limit": ("办理时限", "法定", "承诺"), "fee": ("收费", "是否收费", "收费依据")}
    for town in plan.towns:
        rel = relative_path(plan, town, "xlsx")
        wb, fmt = _workbook(ensure_parent(inbox, rel))
        ws = wb.add_worksheet("便民服务事项")
        _widths(ws, keys)
        c = 0
        while c < len(keys):
            key = keys[c]
            if key in groups and c + 1 < len(keys):
                top, left, right = groups[key]
                ws.merge_range(0, c, 0, c + 1, top, fmt["header"])
                ws.write_string(1, c, left, fmt["header"])
                ws.write_string(1, c + 1, right, fmt["header"])
                c += 2
            else:
                ws.merge_range(0, c, 1, c, p.headers[key], fmt["header"])
                c += 1
        _rows(ws, 2, keys, town.sites, rel, "便民服务事项", out)
        wb.close()
    return out


def shape4_sheet_per_site(plan: DistrictPlan, inbox: Path) -> list[Position]:
    out: list[Position] = []
    p = plan.profile
    keys = list(p.columns)
    for town in plan.towns:
        rel = relative_path(plan, town, "xlsx")
        wb, fmt = _workbook(ensure_parent(inbox, rel))
        ws = wb.add_worksheet("填表说明")
        ws.set_column(0, 0, 90)
        for r, line in enumerate(INSTRUCTIONS):
            ws.write_string(r, 0, line, fmt["title"] if r == 0 else None)
        for site in town.sites:
            sheet = (site.community or site.town)[:31]
            ws = wb.add_worksheet(sheet)
            _widths(ws, keys)
            _header(ws, 0, keys, p.headers, fmt["header"])
            _rows(ws, 1, keys, [site], rel, sheet, out)
        wb.close()
    return out


def shape5_merged_blocks(plan: DistrictPlan, inbox: Path) -> list[Position]:
    """Town/community/level merged down their columns per site block, blank rows, notes below."""
    out: list[Position] = []
    p = plan.profile
    keys = list(p.columns)
    merged = [c for c, k in enumerate(keys) if k in ("town", "community", "site_level")]
    for town in plan.towns:
        rel = relative_path(plan, town, "xlsx")
        wb, fmt = _workbook(ensure_parent(inbox, rel))
        ws = wb.add_worksheet("Sheet1")
        _widths(ws, keys)
        _header(ws, 0, keys, p.headers, fmt["header"])
        r = 1
        for i, site in enumerate(town.sites):
            if i:
                r += 1  # a blank row between blocks
            if not site.rows:
                continue
            first = r
            seq = 0
            for row in site.rows:
                seq += 1
                _data(ws, r, [k if c not in merged else "" for c, k in enumerate(keys)], site, row, seq)
                out.append(Position(rel, "Sheet1", r + 1, site, row))
                r += 1
            for c in merged:
                value = cell(keys[c], site, site.rows[0], 1)
                if value is None:
                    continue
                if r - 1 > first:
                    ws.merge_range(first, c, r - 1, c, value, fmt["merged"])
                else:
                    ws.write_string(first, c, value, fmt["merged"])
        r += 1
        ws.write_string(r, 0, f"填表人：{p.person}  联系电话：{p.mobile}")
        ws.write_string(r + 1, 0, NOTE)
        wb.close()
    return out


def shape7_title_unit_rows(plan: DistrictPlan, inbox: Path) -> list[Position]:
    out: list[Position] = []
    p = plan.profile
    keys = list(p.columns)
    for town in plan.towns:
        rel = relative_path(plan, town, "xlsx")
        wb, fmt = _workbook(ensure_parent(inbox, rel))
        ws = wb.add_worksheet("事项清单")
        _widths(ws, keys)
        ws.merge_range(0, 0, 0, len(keys) - 1, title(plan, town), fmt["title"])
        ws.merge_range(1, 0, 1, len(keys) - 1,
                       f"填报单位：{plan.district.name}行政审批服务局  填报日期：{FILL_DATE}", fmt["merged"])
        _header(ws, 2, keys, p.headers, fmt["header"])
        _rows(ws, 3, keys, town.sites, rel, "事项清单", out)
        wb.close()
    return out


def shape8_one_district_file(plan: DistrictPlan, inbox: Path) -> list[Position]:
    out: list[Position] = []
    p = plan.profile
    keys = list(p.columns)
    rel = relative_path(plan, None, "xlsx")
    wb, fmt = _workbook(ensure_parent(inbox, rel))
    ws = wb.add_worksheet("全区汇总")
    _widths(ws, keys)
    _header(ws, 0, keys, p.headers, fmt["header"])
    r = 1
    for town in plan.towns:
        r = _rows(ws, r, keys, town.sites, rel, "全区汇总", out)
    wb.close()
    return out


def shape10_numeric_codes(plan: DistrictPlan, inbox: Path) -> list[Position]:
    out: list[Position] = []
    p = plan.profile
    keys = list(p.columns)
    for town in plan.towns:
        rel = relative_path(plan, town, "xlsx")
        wb, fmt = _workbook(ensure_parent(inbox, rel))
        ws = wb.add_worksheet("Sheet1")
        _widths(ws, keys)
        _header(ws, 0, keys, p.headers, fmt["header"])
        _rows(ws, 1, keys, town.sites, rel, "Sheet1", out)
        wb.close()
    return out


WRITERS = {
    1: shape1_title_two_sheets, 2: shape2_two_row_header, 4: shape4_sheet_per_site,
    5: shape5_merged_blocks, 7: shape7_title_unit_rows, 8: shape8_one_district_file,
    10: shape10_numeric_codes,
}
