"""The monthly report as an xlsx for Excel/WPS: one sheet per part, shares as percentages, native charts."""

from pathlib import Path

import pandas as pd
import xlsxwriter

from warehouse.workbook import WORKBOOK_OPTIONS, write_sheet
from warehouse.reports.monthly import MonthlyReport

SHARE_COLUMNS = ("网上可办率", "应达到")


def _percent_columns(workbook, sheet, frame: pd.DataFrame) -> None:
    percent = workbook.add_format({"num_format": "0.0%"})
    for col, title in enumerate(frame.columns):
        if title in SHARE_COLUMNS or str(title).endswith("符合率"):
            sheet.set_column(col, col, 14, percent)


def _sheet(workbook, name: str, frame: pd.DataFrame, widths: dict[str, int] | None = None):
    write_sheet(workbook, name, frame, widths)
    sheet = workbook.get_worksheet_by_name(name)
    _percent_columns(workbook, sheet, frame)
    return sheet


def _district_chart(workbook, sheet, frame: pd.DataFrame) -> None:
    """Column chart beside the overview: 网上可办率 and 全市统一符合率 per district."""
    if frame.empty:
        return
    chart = workbook.add_chart({"type": "column"})
    last = len(frame)
    for column in ("网上可办率", "全市统一符合率"):
        col = frame.columns.get_loc(column)
        chart.add_series({"name": column, "categories": [sheet.name, 1, 0, last, 0],
                          "values": [sheet.name, 1, col, last, col]})
    chart.set_title({"name": "各区(市)网上可办率与全市统一符合率"})
    chart.set_y_axis({"num_format": "0%", "max": 1, "min": 0})
    chart.set_size({"width": 720, "height": 320})
    sheet.insert_chart(last + 3, 0, chart)


def _trend_sheet(workbook, wide: pd.DataFrame) -> None:
    """网上可办率 by month, a column per district, and its line chart."""
    sheet = _sheet(workbook, "网上可办率趋势", wide.reset_index())
    percent = workbook.add_format({"num_format": "0.0%"})
    sheet.set_column(1, len(wide.columns), 12, percent)
    if wide.empty:
        return
    chart = workbook.add_chart({"type": "line"})
    for col, district in enumerate(wide.columns, start=1):
        chart.add_series({"name": district, "categories": [sheet.name, 1, 0, len(wide), 0],
                          "values": [sheet.name, 1, col, len(wide), col], "marker": {"type": "circle"}})
    chart.set_title({"name": "网上可办率趋势"})
    chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1})
    chart.set_size({"width": 720, "height": 320})
    sheet.insert_chart(len(wide) + 3, 0, chart)


def write_monthly_xlsx(path: Path, report: MonthlyReport) -> None:
    workbook = xlsxwriter.Workbook(path, WORKBOOK_OPTIONS)
    overview = _sheet(workbook, "汇总", report.overview, {"区(市)": 12})
    _district_chart(workbook, overview, report.overview)
    _sheet(workbook, "站点", report.sites)
    _sheet(workbook, "站点覆盖", report.coverage, {"未报送的村(社区)": 60})
    _sheet(workbook, "未解决问题", report.findings, {"问题说明": 48})
    _sheet(workbook, "本月版本", report.versions.astype({"发布时间": str}) if len(report.versions) else report.versions)
    _sheet(workbook, "目录变化", report.changes.astype({"发布时间": str}) if len(report.changes) else report.changes,
           {"事项名称": 36, "详情": 60})
    _sheet(workbook, "趋势", report.trend)
    wide = report.trend.pivot(index="月份", columns="区(市)", values="网上可办率")
    _trend_sheet(workbook, wide[[d for d in report.districts if d in wide.columns]])
    notes = workbook.add_worksheet("说明")
    lines = [
        ("月份", report.month),
        ("本月状态取自运行", report.state_run or "（没有可用的运行数据）"),
        ("该运行开始于", f"{report.state_time:%Y-%m-%d %H:%M}" if report.state_time else ""),
        ("本月运行", "，".join(f"{word} {n} 次" for word, n in report.runs.items()) or "没有运行"),
        ("生成于", f"{report.generated_at:%Y-%m-%d %H:%M}"),
        ("口径", "各项为该月最后一次完成匹配的运行（已发布或未通过发布审核）的结果；"
                 "网上可办率 = 依申请事项中网上可办的比例；未解决问题 = 该次运行仍存在的问题。"),
    ]
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 90)
    for row, (key, value) in enumerate(lines):
        notes.write_row(row, 0, [key, value])
    workbook.close()
