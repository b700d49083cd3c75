"""A district's 一次告知 report as one self-contained HTML page: summary, two charts, every finding.

No scripts and nothing fetched: inline CSS and SVG bar charts, so the page opens from a shared
folder or an e-mail attachment on any machine. Findings are grouped by file, then by row; their
table rows come rendered (warehouse/reports/district.py).
"""

from html import escape

import pandas as pd


CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:24px;color:#222}
h1{font-size:22px} h2{font-size:18px;margin-top:28px;border-bottom:2px solid #2f5597;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0;font-size:13px} th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
th{background:#ddebf7} .error{color:#c00000;font-weight:bold} .warning{color:#945000}
.charts{display:flex;flex-wrap:wrap;gap:32px} .file{margin-top:18px;font-weight:bold}
"""
BAR_HEIGHT, LABEL_WIDTH, BAR_WIDTH = 22, 170, 320


def bar_chart(title: str, rows: list[tuple[str, float, str]], maximum: float | None = None,
              unit: str = "", label_width: int = LABEL_WIDTH) -> str:
    """A horizontal bar chart as inline SVG: rows of (label, value, colour); rows without a value
    (None, NaN) are left out."""
    rows = [(name, value, colour) for name, value, colour in rows if value is not None and value == value]
    if not rows:
        return ""
    top = maximum or max(v for _, v, _ in rows) or 1
    height = BAR_HEIGHT * len(rows) + 30
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="{label_width + BAR_WIDTH + 80}" '
             f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for i, (name, value, colour) in enumerate(rows):
        y = 26 + i * BAR_HEIGHT
        width = max(1, int(BAR_WIDTH * value / top))
        shown = f"{value:.1f}{unit}" if unit else f"{value:.0f}"
        parts += [f'<text x="{label_width - 6}" y="{y + 14}" font-size="12" text-anchor="end">{escape(name)}</text>',
                  f'<rect x="{label_width}" y="{y + 2}" width="{width}" height="{BAR_HEIGHT - 6}" fill="{colour}"/>',
                  f'<text x="{label_width + width + 4}" y="{y + 14}" font-size="12">{shown}</text>']
    parts.append("</svg>")
    return "".join(parts)


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = []
    for values in frame.itertuples(index=False, name=None):
        cells = []
        for value in values:
            text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
            css = {"错误": "error", "提醒": "warning"}.get(text)
            cells.append(f'<td class="{css}">{escape(text)}</td>' if css else f"<td>{escape(text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def coverage_html(coverage: pd.DataFrame | None) -> list[str]:
    """站点覆盖: a chart of each town's listed communities whose 站 reported, and the table."""
    if coverage is None or coverage.empty:
        return []
    shares = [(town, 100 * reported / listed, "#2f5597" if reported == listed else "#b46504")
              for town, listed, reported in zip(coverage["镇(街道)"], coverage["名单中的村(社区)"],
                                                coverage["已报送的村(社区)站"]) if listed]
    silent_centres = [t for t, done in zip(coverage["镇(街道)"], coverage["中心已报送"]) if done == "否"]
    note = ("未报送的镇(街道)便民服务中心：" + "、".join(silent_centres)) if silent_centres else "每个镇(街道)便民服务中心都已报送。"
    if not shares:
        note += "未提供村(社区)名单（参考数据 communities.csv），无法判断哪些村(社区)便民服务站未报送。"
    return ["<h2>站点覆盖</h2>", f"<p>{escape(note)}</p>",
            bar_chart("已报送的村(社区)便民服务站（占名单 %）", shares, maximum=100, unit="%"), _table(coverage)]


FILE_TABLE_TITLES = ["工作表", "行号", "字段", "级别", "问题说明", "报送值", "目录值", "修改建议"]


def district_report_html(district: str, summary: dict, counts: list[tuple[str, str, int]],
                         files: list[tuple[str | None, int, str]], run_id: str,
                         coverage: pd.DataFrame | None = None) -> str:
    """counts: findings per (element, severity error/warning); files: (source file or None for the
    district's own findings, how many, their table rows rendered as <tr>…</tr>), in report order
    (warehouse/reports/district.py renders them); coverage: its towns' sites against the lists, with
    Chinese column titles (站点覆盖)."""
    errors = {element: n for element, severity, n in counts if severity == "error"}
    warnings = {element: n for element, severity, n in counts if severity == "warning"}
    by_element = [(name, float(n), "#c00000") for name, n in errors.items()]
    by_element += [(f"{name}（提醒）", float(n), "#f4b183") for name, n in warnings.items()]
    by_element.sort(key=lambda r: -r[1])
    # Shares sit near 100 %: the chart shows the part that differs from the catalog, where districts differ.
    differing = [(key.removesuffix("符合率"), round(100 - float(str(value).rstrip("%")), 1), "#2f5597")
                 for key, value in summary.items()
                 if key.endswith("符合率") and key != "全市统一符合率" and isinstance(value, str) and value]
    sections = [
        f"<h1>{escape(district)} 便民服务事项报送问题一次告知</h1>",
        f"<p>运行批次 {escape(run_id)}。以下列出本次报送发现的全部问题，请一次性修改后重新报送。</p>",
        "<h2>汇总</h2>",
        _table(pd.DataFrame({"项目": list(summary), "数值": list(summary.values())})),
        '<div class="charts">',
        bar_chart("问题数（按要素）", by_element[:15]),
        bar_chart("与市级目录不一致的比例（%，越短越好）", differing, unit="%"),
        "</div>",
        *coverage_html(coverage),
        "<h2>问题清单（按文件、行号）</h2>",
    ]
    if not files:
        sections.append("<p>未发现问题。</p>")
    head = "".join(f"<th>{title}</th>" for title in FILE_TABLE_TITLES)
    for source_file, count, rows_html in files:
        name = source_file if isinstance(source_file, str) else "（全区）"
        sections += [f'<div class="file">{escape(name)}（{count} 条）</div>',
                     f"<table><thead><tr>{head}</tr></thead><tbody>{rows_html}</tbody></table>"]
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{escape(district)} 一次告知</title><style>{CSS}</style></head>"
            f"<body>{''.join(sections)}</body></html>")
