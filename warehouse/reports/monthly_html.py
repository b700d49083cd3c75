"""The monthly report as one self-contained HTML page: inline SVG charts and tables, no script, nothing fetched."""

from html import escape

import pandas as pd

from expectations.rules import ONLINE_SHARE
from transforms.fields import COMMUNITY_LEVEL, TOWN_LEVEL
from warehouse.reports.monthly import MonthlyReport, coverage_by_district
from warehouse.reports.html import CSS, _table, bar_chart

MET, NOT_MET, BLUE, GREY = "#2e7d32", "#c62828", "#2f5597", "#9e9e9e"
PALETTE = ["#2f5597", "#c55a11", "#548235", "#7030a0", "#bf9000", "#00838f", "#ad1457", "#5d4037",
           "#283593", "#827717", "#00695c", "#6a1b9a"]
CHANGES_SHOWN = 300
PAGE_CSS = CSS + """
.note{color:#555;font-size:13px} .legend{font-size:12px;margin:4px 0 12px} .legend span{margin-right:14px}
figure{margin:0} svg text{font-family:inherit}
"""
LABEL, PLOT = 150, 440


def percent(value) -> str:
    return "" if value is None or pd.isna(value) else f"{value:.1%}"


def online_strip_chart(sites: pd.DataFrame, districts: list[str]) -> str:
    """Each site a mark at its 网上可办率, a row per district; dashed lines at the two bars."""
    height = 40 + 28 * len(districts)
    title = "各站点网上可办率（■ 镇(街道)，● 村(社区)；绿色达标，红色未达标）"
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="{LABEL + PLOT + 90}" height="{height + 20}" '
             'xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="14" font-size="14" font-weight="bold">{escape(title)}</text>']
    for share in sorted(set(ONLINE_SHARE.values())):
        x = LABEL + PLOT * share
        parts += [f'<line x1="{x}" y1="24" x2="{x}" y2="{height}" stroke="#555" stroke-dasharray="4 3"/>',
                  f'<text x="{x}" y="{height + 14}" font-size="11" text-anchor="middle">{share:.0%}</text>']
    parts += [f'<text x="{LABEL}" y="{height + 14}" font-size="11" text-anchor="middle">0%</text>',
              f'<text x="{LABEL + PLOT}" y="{height + 14}" font-size="11" text-anchor="middle">100%</text>']
    rated = sites[sites["网上可办率"].notna()] if not sites.empty else sites
    for row, district in enumerate(districts):
        y = 40 + 28 * row
        parts.append(f'<text x="{LABEL - 8}" y="{y + 4}" font-size="12" text-anchor="end">{escape(district)}</text>')
        parts.append(f'<line x1="{LABEL}" y1="{y}" x2="{LABEL + PLOT}" y2="{y}" stroke="#e0e0e0"/>')
        mine = rated[rated["区(市)"] == district] if not rated.empty else rated
        for site in mine.to_dict("records"):
            x = LABEL + PLOT * float(site["网上可办率"])
            colour = MET if site["是否达标"] == "达标" else NOT_MET
            if site["层级"] == TOWN_LEVEL:
                parts.append(f'<rect x="{x - 4:.1f}" y="{y - 4}" width="8" height="8" fill="{colour}" opacity="0.8"/>')
            else:
                parts.append(f'<circle cx="{x:.1f}" cy="{y}" r="3" fill="{colour}" opacity="0.55"/>')
        met = int((mine["是否达标"] == "达标").sum()) if len(mine) else 0
        parts.append(f'<text x="{LABEL + PLOT + 8}" y="{y + 4}" font-size="12">达标 {met}/{len(mine)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(title: str, trend: pd.DataFrame, column: str, districts: list[str], as_share: bool) -> str:
    """One line per district over the months; a month without a figure leaves a gap."""
    months = list(dict.fromkeys(trend["月份"]))
    values = trend[column].dropna()
    top = 1.0 if as_share else max(float(values.max()) if len(values) else 0, 1.0)
    width, height, left, top_pad = 560, 220, 60, 30
    step = (width - left - 20) / max(len(months) - 1, 1)
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height + 30}" '
             'xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for tick in (0, 0.5, 1):
        y = top_pad + (height - top_pad) * (1 - tick)
        label = f"{tick:.0%}" if as_share else f"{top * tick:.0f}"
        parts += [f'<line x1="{left}" y1="{y}" x2="{width - 20}" y2="{y}" stroke="#e0e0e0"/>',
                  f'<text x="{left - 6}" y="{y + 4}" font-size="11" text-anchor="end">{label}</text>']
    for i, month in enumerate(months):
        parts.append(f'<text x="{left + i * step:.1f}" y="{height + 16}" font-size="11" '
                     f'text-anchor="middle">{month}</text>')
    for n, district in enumerate(districts):
        colour = PALETTE[n % len(PALETTE)]
        series = trend[trend["区(市)"] == district].set_index("月份")[column]
        segment: list[str] = []
        for i, month in enumerate(months):
            value = series.get(month)
            if value is None or pd.isna(value):
                segment = _flush(parts, segment, colour)
                continue
            x, y = left + i * step, top_pad + (height - top_pad) * (1 - float(value) / top)
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
        _flush(parts, segment, colour)
    parts.append("</svg>")
    return "".join(parts)


def _flush(parts: list[str], segment: list[str], colour: str) -> list[str]:
    if len(segment) > 1:
        parts.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" stroke-width="2"/>')
    return []


def legend(districts: list[str]) -> str:
    return '<p class="legend">' + "".join(
        f'<span><svg width="14" height="10" aria-hidden="true"><rect width="14" height="10" '
        f'fill="{PALETTE[n % len(PALETTE)]}"/></svg> {escape(d)}</span>' for n, d in enumerate(districts)) + "</p>"


def _short(text: str, length: int = 22) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


def findings_by_rule(findings: pd.DataFrame, districts: list[str]) -> pd.DataFrame:
    """Open findings, a row per rule (its Chinese message) and a column per district."""
    if findings.empty:
        return findings
    table = findings.pivot_table(index=["问题说明", "级别", "规则"], columns="区(市)", values="条数",
                                 aggfunc="sum", fill_value=0)
    table = table[[d for d in districts if d in table.columns] + [d for d in table.columns if d not in districts]]
    table["合计"] = table.sum(axis=1)
    return table.sort_values("合计", ascending=False).reset_index()


def _coverage_section(report: MonthlyReport) -> list[str]:
    """站点覆盖: per district, the listed communities whose 站 reported (a chart), then every town with
    a 中心 or listed 站 that sent nothing this month."""
    by_district = coverage_by_district(report.coverage)
    shares = [(d, 100 * float(s), BLUE if s == 1 else "#b46504")
              for d, s in zip(by_district["区(市)"], by_district["站点覆盖率"]) if pd.notna(s)]
    chart = bar_chart("村(社区)便民服务站报送覆盖率（已报送 / 村(社区)名单）", shares, maximum=100, unit="%")
    silent = report.coverage[(report.coverage["中心已报送"] == "否") | report.coverage["未报送的村(社区)"].notna()] \
        if not report.coverage.empty else report.coverage
    parts = ["<h2>站点覆盖</h2>",
             chart or '<p class="note">未提供村(社区)名单（参考数据 communities.csv），无法计算站点覆盖率。</p>',
             _table(by_district.assign(站点覆盖率=by_district["站点覆盖率"].map(
                 lambda s: f"{s:.1%}" if pd.notna(s) else "")))]
    if len(silent):
        parts += ["<h3>本月未报送的站点</h3>",
                  _table(silent[["区(市)", "镇(街道)", "中心已报送", "未报送的村(社区)"]])]
    return parts


def _reporting_chart(o: pd.DataFrame) -> str:
    if o["应报送镇(街道)"].notna().any():
        rows = [(d, 100 * n / known if known else 0, BLUE if n else GREY)
                for d, n, known in zip(o["区(市)"], o["已报送镇(街道)"], o["应报送镇(街道)"].fillna(0))]
        return bar_chart("镇(街道)报送率（已报送 / 参考数据中的镇街数）", rows, maximum=100, unit="%")
    return bar_chart("已报送镇(街道)数", [(d, float(n), BLUE if n else GREY)
                                      for d, n in zip(o["区(市)"], o["已报送镇(街道)"])])


def monthly_report_html(report: MonthlyReport) -> str:
    o = report.overview
    element_columns = [c for c in o.columns if c.endswith("符合率") and c != "全市统一符合率"]
    # A district with no town or no community rows has no average: no bar (NaN is not 0).
    items = [(f"{d} 镇", float(t), BLUE) for d, t in zip(o["区(市)"], o["镇(街道)平均事项数"]) if pd.notna(t)] + \
            [(f"{d} 村", float(c), "#8faadc") for d, c in zip(o["区(市)"], o["村(社区)平均事项数"]) if pd.notna(c)]
    conformance = [(d, 100 * float(s), BLUE) for d, s in zip(o["区(市)"], o["全市统一符合率"]) if pd.notna(s)]
    by_rule = findings_by_rule(report.findings, report.districts)
    rules = [(_short(f"{message}（{level}）"), float(total), NOT_MET if level == "错误" else "#b46504")
             for message, level, total in zip(by_rule.get("问题说明", []), by_rule.get("级别", []),
                                              by_rule.get("合计", []))][:15]
    people = o.copy()
    for column in ["网上可办率", "全市统一符合率", *element_columns]:
        people[column] = people[column].map(percent)
    state = (f"本月状态取自运行 {escape(report.state_run)}（{report.state_time:%Y-%m-%d %H:%M}）"
             if report.state_run else "本月及以前没有可用的运行数据")
    runs = "，".join(f"{word} {n} 次" for word, n in report.runs.items()) or "没有运行"
    versions = report.versions.assign(发布时间=report.versions["发布时间"].map(_minute))
    changes = report.changes.head(CHANGES_SHOWN).assign(
        发布时间=report.changes["发布时间"].head(CHANGES_SHOWN).map(_minute))
    more = f"（共 {len(report.changes)} 条，此处列出前 {CHANGES_SHOWN} 条，完整清单见月报 xlsx 的“目录变化”工作表）" \
        if len(report.changes) > CHANGES_SHOWN else f"（共 {len(report.changes)} 条）"
    sections = [
        f"<h1>便民服务事项指导目录 {escape(report.month)} 月报</h1>",
        f'<p class="note">{state}；本月运行：{escape(runs)}；生成于 {report.generated_at:%Y-%m-%d %H:%M}。'
        f"网上可办率要求：镇(街道)≥{ONLINE_SHARE[TOWN_LEVEL]:.0%}，村(社区)≥{ONLINE_SHARE[COMMUNITY_LEVEL]:.0%}。</p>",
        "<h2>各区(市)概况</h2>", _table(people.drop(columns=element_columns)),
        "<h2>站点报送与事项数</h2>",
        '<div class="charts">' + _reporting_chart(o) + bar_chart("每站点平均事项数（镇 / 村）", items) + "</div>",
        *_coverage_section(report),
        "<h2>网上可办率</h2>", online_strip_chart(report.sites, report.districts),
        "<h2>全市统一符合率</h2>",
        bar_chart("全市统一符合率", conformance, maximum=100, unit="%") or '<p class="note">没有可比较的数据。</p>',
        _table(people[["区(市)", *element_columns]]) if element_columns else "",
        "<h2>未解决问题（按规则）</h2>",
        bar_chart("未解决问题条数（前 15 条规则）", rules, label_width=300) or '<p class="note">没有未解决的问题。</p>',
        _table(by_rule) if len(by_rule) else "",
        "<h2>本月目录变化</h2>",
        _table(versions) if len(versions) else '<p class="note">本月没有发布新版本。</p>',
        f"<details><summary>逐项变化{more}</summary>{_table(changes)}</details>" if len(changes) else "",
        f"<h2>近 {len(set(report.trend['月份']))} 个月趋势</h2>",
        '<p class="note">每月取该月最后一次完成匹配的运行；没有运行的月份沿用之前的状态，首次运行之前没有数据。</p>',
        legend(report.districts),
        '<div class="charts">'
        + line_chart("网上可办率", report.trend, "网上可办率", report.districts, True)
        + line_chart("全市统一符合率", report.trend, "全市统一符合率", report.districts, True)
        + line_chart("错误条数", report.trend, "错误", report.districts, False)
        + line_chart("收到事项行", report.trend, "收到事项行", report.districts, False) + "</div>",
    ]
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(report.month)} 月报</title><style>{PAGE_CSS}</style></head>"
            f"<body><main>{''.join(sections)}</main></body></html>")


def _minute(value) -> str:
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"
