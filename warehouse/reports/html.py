"""A district's 一次告知 report as one self-contained HTML page: summary, two charts, every problem.

No scripts and nothing fetched: inline CSS and SVG bar charts, so the page opens from a shared
folder or an e-mail attachment on any machine. Problems are grouped by file; the same problem over
rows of a file is one line (warehouse/reports/grouped.py).
"""

from html import escape

import pandas as pd


CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:24px;color:#222}
h1{font-size:22px} h3{font-size:15px} h2{font-size:18px;margin-top:28px;border-bottom:2px solid #2f5597;padding-bottom:4px}
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


LINE_TITLES = ["工作表", "涉及行", "字段", "级别", "问题说明", "报送值", "目录值", "修改建议"]
SEVERITY_WORDS = {"error": "错误", "warning": "提醒"}


def _cell(value) -> str:
    text = "" if value is None else str(value)
    css = {"错误": "error", "提醒": "warning"}.get(text)
    return f'<td class="{css}">{escape(text)}</td>' if css else f"<td>{escape(text)}</td>"


def _file_section(name: str, lines: list, field_label, copy_href: str | None) -> list[str]:
    """One file: what to do once (its problems of no row, or of every row of a sheet), then a table
    of its row problems, each over its rows."""
    findings = sum(max(line.row_count, 1) for line in lines)
    parts = [f'<h3 class="file">{escape(name)}（{len(lines)} 项问题，涉及 {findings} 条）</h3>']
    if copy_href:
        parts.append(f'<p>修正稿：<a href="{escape(copy_href)}">{escape(copy_href.rsplit("/", 1)[-1])}</a>'
                     "（能按目录改正的单元格已改正并标黄，每个问题单元格有批注）</p>")
    once = [line for line in lines if line.once]
    if once:
        items = []
        for line in once:
            where = "、".join(part for part in (line.sheet and f"工作表'{line.sheet}'", line.rows) if part)
            hint = f"。修改建议：{line.hint}" if line.hint else ""
            items.append(f'<li><span class="{line.severity}">{SEVERITY_WORDS.get(line.severity, line.severity)}</span> '
                         f"{escape(line.message)}{escape(f'（{where}）' if where else '')}{escape(hint)}</li>")
        parts += ["<p>先处理（整个文件或整张工作表，一次即可）：</p>", f"<ul>{''.join(items)}</ul>"]
    rows = [line for line in lines if not line.once]
    if rows:
        head = "".join(f"<th>{title}</th>" for title in LINE_TITLES)
        body = "".join(
            "<tr>" + "".join(_cell(v) for v in (line.sheet, line.rows, field_label(line.field),
                                                SEVERITY_WORDS.get(line.severity, line.severity), line.message,
                                                line.value, line.standard_value, line.hint)) + "</tr>"
            for line in rows)
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return parts


def district_report_html(district: str, summary: dict, counts: list[tuple[str, str, int]],
                         lines: list, run_id: str, coverage: pd.DataFrame | None = None,
                         field_label=lambda field: field or "", copies: dict[str, str] | None = None,
                         templates_href: str | None = None) -> str:
    """counts: findings per (element, severity error/warning); lines: the problem lines
    (warehouse/reports/grouped.py), in report order; coverage: its towns' sites against the lists,
    with Chinese column titles (站点覆盖); copies: source file → link to its corrected copy (修正稿);
    templates_href: link to the district's templates."""
    errors = {element: n for element, severity, n in counts if severity == "error"}
    warnings = {element: n for element, severity, n in counts if severity == "warning"}
    by_element = [(name, float(n), "#c00000") for name, n in errors.items()]
    by_element += [(f"{name}（提醒）", float(n), "#f4b183") for name, n in warnings.items()]
    by_element.sort(key=lambda r: -r[1])
    # Shares sit near 100 %: the chart shows the part that differs from the catalog, where districts differ.
    differing = [(key.removesuffix("符合率"), round(100 - float(str(value).rstrip("%")), 1), "#2f5597")
                 for key, value in summary.items()
                 if key.endswith("符合率") and key != "全市统一符合率" and isinstance(value, str) and value]
    copies = copies or {}
    links = ""
    if templates_href:
        links = (f'<p>下次报送可使用预填模板：<a href="{escape(templates_href)}">{escape(district)}的填报模板</a>'
                 "（每个镇(街道)一个文件，每个站点一张工作表）。</p>")
    sections = [
        f"<h1>{escape(district)} 便民服务事项报送问题一次告知</h1>",
        f"<p>运行批次 {escape(run_id)}。以下列出本次报送发现的全部问题，请一次性修改后重新报送。"
        "同一问题涉及多行时合并为一项，逐行明细见同名xlsx的'问题清单'。</p>",
        links,
        "<h2>汇总</h2>",
        _table(pd.DataFrame({"项目": list(summary), "数值": list(summary.values())})),
        '<div class="charts">',
        bar_chart("问题数（按要素）", by_element[:15]),
        bar_chart("与市级目录不一致的比例（%，越短越好）", differing, unit="%"),
        "</div>",
        *coverage_html(coverage),
        "<h2>问题清单（按文件）</h2>",
    ]
    if not lines:
        sections.append("<p>未发现问题。</p>")
    by_file: dict = {}
    for line in lines:
        by_file.setdefault(line.source_file, []).append(line)
    for source_file, file_lines in by_file.items():
        name = source_file if isinstance(source_file, str) else "（全区）"
        sections += _file_section(name, file_lines, field_label, copies.get(source_file))
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{escape(district)} 一次告知</title><style>{CSS}</style></head>"
            f"<body>{''.join(sections)}</body></html>")
