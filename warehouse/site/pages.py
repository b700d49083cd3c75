"""The public site's pages as HTML text: pure functions from plain data to strings.

Every page shares one layout (landmarks, a skip link, the search box, the version in the footer)
and links relatively, so the folder works from any web server and from disk. Every name and text
is escaped here; nothing else writes HTML. warehouse/site/public_site.py gathers the data and writes the files.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from urllib.parse import quote

SITE_TITLE = "便民服务事项指导目录"
CHANGE_WORDS = {"新增": "新增", "变更": "调整", "删除": "取消"}  # stored word -> the word the public reads


def e(text) -> str:
    return "" if text is None else escape(str(text), quote=True)


@lru_cache(maxsize=1 << 16)  # a province's pages link the same towns millions of times
def href(root: str, path: str) -> str:
    """A relative link from a page `root` ('../' per level) to a site path, percent-encoded."""
    return e(root + quote(path))


@lru_cache(maxsize=1 << 16)
def file_part(name: str) -> str:
    """A name usable as one path segment: no separators, no leading dot, never 'index'."""
    text = "".join("_" if ch in '/\\:*?"<>|#%' or ord(ch) < 32 else ch for ch in str(name)).strip().lstrip(".")
    return text if text and text != "index" else f"_{text}"


def code_file(code: str) -> str:
    """An item code as a file name: letters, digits, '-' and '.' stay; anything else is _XX hex."""
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-.") else
                   "".join(f"_{b:02X}" for b in ch.encode()) for ch in code)


def item_path(code: str) -> str:
    return f"items/{code_file(code)}.html"


def district_path(district: str) -> str:
    return f"sites/{file_part(district)}/index.html"


def town_path(district: str, town: str) -> str:
    return f"sites/{file_part(district)}/{file_part(town)}/index.html"


def community_path(district: str, town: str, community: str) -> str:
    return f"sites/{file_part(district)}/{file_part(town)}/{file_part(community)}.html"


def facet_path(facet: str, value: str, page: int = 1) -> str:
    return f"lists/{facet}/{file_part(value)}{'' if page == 1 else f'-{page}'}.html"


def changes_path(version: int | None = None, page: int = 1) -> str:
    return "changes.html" if version is None else f"changes/v{version:04d}{'' if page == 1 else f'-{page}'}.html"


@dataclass
class Footer:
    version: int
    published_at: str  # 'YYYY-MM-DD HH:MM'
    downloads: list[tuple[str, str]] = field(default_factory=list)  # (label, site path)
    label: str = "目录版本"  # what the version names: the list's, or when a page's content was written


def layout(title: str, body: str, root: str, footer: Footer, crumbs: list[tuple[str, str | None]] = (),
           scripts: list[str] = (), body_class: str = "") -> str:
    """One page: header with navigation and search, breadcrumbs, main, footer."""
    trail = ""
    if crumbs:
        parts = [f'<li><a href="{href(root, path)}">{e(label)}</a></li>' if path else
                 f'<li aria-current="page">{e(label)}</li>' for label, path in crumbs]
        trail = f'<nav class="crumbs" aria-label="当前位置"><ol>{"".join(parts)}</ol></nav>'
    downloads = " · ".join(f'<a href="{href(root, path)}">{e(label)}</a>' for label, path in footer.downloads)
    script_tags = "".join(f'<script src="{href(root, s)}"></script>' for s in scripts)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} - {SITE_TITLE}</title>
<link rel="stylesheet" href="{href(root, 'assets/site.css')}">
</head>
<body{f' class="{e(body_class)}"' if body_class else ''}>
<a class="skip" href="#main">跳到正文</a>
<header class="site"><div class="bar">
<a class="brand" href="{href(root, 'index.html')}">{SITE_TITLE}</a>
<nav aria-label="主导航"><ul>
<li><a href="{href(root, 'index.html')}">首页</a></li>
<li><a href="{href(root, facet_path('all', '全部事项'))}">全部事项</a></li>
<li><a href="{href(root, 'sites/index.html')}">服务站点</a></li>
<li><a href="{href(root, changes_path())}">变更记录</a></li>
</ul></nav>
<form role="search" action="{href(root, 'search.html')}" method="get">
<label class="visually-hidden" for="site-q">搜索事项</label>
<input type="search" id="site-q" name="q" placeholder="搜索事项名称、编码">
<button type="submit">搜索</button>
</form>
</div></header>
<main id="main">
{trail}
{body}
</main>
<footer class="site">
<p>{e(footer.label)} v{footer.version} · 发布于 {e(footer.published_at)}{' · 下载：' + downloads if downloads else ''}</p>
</footer>
<script src="{href(root, 'assets/site.js')}"></script>{script_tags}
</body>
</html>
"""


def text_html(text: str) -> str:
    """Escaped text; a web address alone is a link (a catalog's 办事指南URL, 在线预约地址)."""
    stripped = str(text).strip()
    if stripped.startswith(("http://", "https://")) and " " not in stripped:
        return f'<a href="{e(stripped)}" rel="noopener">{e(stripped)}</a>'
    return e(text)


def yes_no(value) -> str:
    return "是" if value is True else "否" if value is False else ""


@dataclass
class ListedItem:
    code: str
    name: str
    item_type: str | None
    department: str | None
    levels: str  # 镇(街道)、村(社区)
    is_online: bool | None


def item_row(item: ListedItem, root: str) -> str:
    return (f'<tr data-item-code="{e(item.code)}"><td><a href="{href(root, item_path(item.code))}">{e(item.name)}</a></td>'
            f"<td>{e(item.code)}</td><td>{e(item.item_type)}</td><td>{e(item.department)}</td><td>{e(item.levels)}</td>"
            f"<td>{yes_no(item.is_online)}</td></tr>")


def items_table(rows: list[str], caption: str) -> str:
    """A table of items from their rendered rows (item_row)."""
    return (f'<div class="table-wrap"><table><caption class="visually-hidden">{e(caption)}</caption>'
            '<thead><tr><th scope="col">事项名称</th><th scope="col">事项编码</th><th scope="col">事项类型</th>'
            '<th scope="col">主管部门</th><th scope="col">便民服务层级</th><th scope="col">网上可办</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def facet_list(facet: str, counts: list[tuple[str, int]], root: str, label: str) -> str:
    """Values of one facet with their item counts as bars (the count is also text)."""
    top = max((n for _, n in counts), default=1) or 1
    entries = "".join(
        f'<li><a href="{href(root, facet_path(facet, value))}">{e(value)}</a><span class="count">{n} 项</span>'
        f'<span class="meter" style="width:{max(2, round(100 * n / top))}%" aria-hidden="true"></span></li>'
        for value, n in counts)
    return f'<ul class="facet" aria-label="{e(label)}">{entries}</ul>'


def pager(facet: str, value: str, page: int, pages: int, root: str) -> str:
    if pages <= 1:
        return ""
    current = ' aria-current="page"'
    links = "".join(
        f'<li><a href="{href(root, facet_path(facet, value, p))}"{current if p == page else ""}>'
        f"第 {p} 页</a></li>" for p in range(1, pages + 1))
    return f'<nav aria-label="分页"><ol class="facet">{links}</ol></nav>'


@dataclass
class Element:
    label: str
    values: list[tuple[str, str]]  # (site level or '', text): one entry unless the levels differ
    kind: str = "text"  # text, list (split on ；), materials


def _element_html(element: Element) -> str:
    parts = []
    for level, text in element.values:
        prefix = f"<strong>{e(level)}：</strong>" if level else ""
        if element.kind == "materials":
            names = [m.strip() for m in text.split("；") if m.strip()]
            rows = "".join(f'<tr><td>{n}</td><td>{e(m)}</td></tr>' for n, m in enumerate(names, start=1))
            parts.append(f'{prefix}<div class="table-wrap"><table><thead><tr><th scope="col">序号</th>'
                         f'<th scope="col">材料名称</th></tr></thead><tbody>{rows}</tbody></table></div>')
        elif element.kind == "list":
            entries = [t.strip() for t in text.replace(";", "；").split("；") if t.strip()]
            parts.append(prefix + ("<ol>" + "".join(f"<li>{e(t)}</li>" for t in entries) + "</ol>"
                                   if len(entries) > 1 else f"<p>{e(text)}</p>"))
        else:
            parts.append(f"<p>{prefix}{text_html(text)}</p>")
    return "".join(parts)


@dataclass
class Guide:
    code: str
    name: str
    facts: list[tuple[str, str]]  # (label, text) of the short elements, in a table
    sections: list[Element]  # the long elements, each a section
    offered: str  # HTML of the sites offering it (full version only)
    history: list[tuple[int, str, str, str]]  # (version, date, change word, detail)


def guide_page(guide: Guide, root: str, footer: Footer, crumbs) -> str:
    facts = "".join(f'<tr><th scope="row">{e(label)}</th><td>{text_html(text)}</td></tr>' for label, text in guide.facts)
    sections = "".join(f"<section><h2>{e(s.label)}</h2>{_element_html(s)}</section>" for s in guide.sections)
    history = "".join(
        f'<tr><td><a href="{href(root, changes_path(v))}">v{v}</a></td><td>{e(date)}</td><td>{e(word)}</td>'
        f"<td>{e(detail)}</td></tr>" for v, date, word, detail in guide.history)
    body = f"""<article data-item-code="{e(guide.code)}">
<h1>{e(guide.name)}</h1>
<p class="meta">办事指南 · 事项编码 {e(guide.code)} · 目录版本 v{footer.version}</p>
<div class="controls" role="group" aria-label="阅读与打印">
<button type="button" data-action="font-down" aria-label="缩小字号">A−</button>
<button type="button" data-action="font-up" aria-label="放大字号">A＋</button>
<button type="button" data-action="print-brief">打印简版</button>
<button type="button" data-action="print-full">打印完整版</button>
</div>
<section><h2>基本信息</h2><table class="facts"><tbody>{facts}</tbody></table></section>
{sections}
<section class="full-only"><h2>开展站点</h2>{guide.offered}</section>
<section class="full-only"><h2>版本记录</h2><div class="table-wrap"><table><thead><tr><th scope="col">版本</th>
<th scope="col">发布时间</th><th scope="col">变更</th><th scope="col">内容</th></tr></thead><tbody>{history}</tbody>
</table></div></section>
</article>"""
    return layout(f"{guide.name} 办事指南", body, root, footer, crumbs)


def offered_html(by_district: list[tuple[str, list[tuple[str, bool, int, list[str] | None]]]], root: str,
                 budget: int) -> str:
    """Sites offering an item: per district, its towns (linked; whether the town's centre offers it;
    how many of its communities do) and the names of those communities (None: too many to show).
    An item offered nearly everywhere in a province would make a page too large: then community
    names are left out, and failing that the towns (budget: bytes); the counts and the district
    links always stay."""
    if not by_district:
        return "<p>暂无站点开展该事项。</p>"
    named = all(names is not None for _, towns in by_district for *_, names in towns)
    for detail in ("communities", "towns", "districts"):
        if detail == "communities" and not named:  # their names alone are too many: not rendered to see
            continue
        text = _offered(by_district, root, detail)
        if len(text.encode()) <= budget:
            break
    return text


def _offered(by_district, root: str, detail: str) -> str:
    blocks = []
    for district, towns in by_district:
        lines = []
        for town, at_centre, count, communities in towns if detail != "districts" else ():
            where = "便民服务中心" if at_centre else ""
            if count:
                where += ("、" if where else "") + f"{count} 个村(社区)便民服务站或便民服务点"
            names = ("：" + "、".join(f'<a href="{href(root, community_path(district, town, c))}">{e(c)}</a>'
                                     for c in communities)) if detail == "communities" and communities else ""
            lines.append(f'<li><a href="{href(root, town_path(district, town))}">{e(town)}</a>（{where}）{names}</li>')
        community_count = sum(count for _, _, count, _ in towns)
        blocks.append(f"<details><summary>{e(district)}：{len(towns)} 个镇(街道)，{community_count} 个村(社区)</summary>"
                      f'<p><a href="{href(root, district_path(district))}">{e(district)}全部便民服务站点</a></p>'
                      + (f"<ul>{''.join(lines)}</ul>" if lines else "") + "</details>")
    return "".join(blocks)


def changes_table(rows: list[dict], root: str) -> str:
    """One version's changes: 新增, 调整 (each field before → after), 取消."""
    if not rows:
        return "<p>本版本没有事项变更。</p>"
    out = []
    for word in ("新增", "调整", "取消"):
        part = [r for r in rows if r["word"] == word]
        if not part:
            continue
        body = []
        for r in part:
            name = (f'<a href="{href(root, item_path(r["code"]))}">{e(r["name"])}</a>' if r["linked"] else e(r["name"]))
            fields = "".join(
                f'<li class="changed">{e(label)}：<del>{e(before) or "（空）"}</del> → <ins>{e(after) or "（空）"}</ins></li>'
                for label, before, after in r["fields"])
            body.append(f'<tr data-item-code="{e(r["code"])}"><td>{name}</td><td>{e(r["code"])}</td>'
                        f'<td>{e(r["level"])}</td><td>{"<ul>" + fields + "</ul>" if fields else ""}</td></tr>')
        out.append(f'<section><h2>{word}（{len(part)} 项）</h2><div class="table-wrap"><table><thead><tr>'
                   '<th scope="col">事项名称</th><th scope="col">事项编码</th><th scope="col">便民服务层级</th>'
                   f'<th scope="col">调整内容</th></tr></thead><tbody>{"".join(body)}</tbody></table></div></section>')
    return "".join(out)


def search_page(root: str, footer: Footer) -> str:
    body = """<h1>搜索事项</h1>
<form id="search-form" role="search" action="search.html" method="get">
<label for="q">事项名称、编码或关键词（多个词用空格分开）</label><br>
<input type="search" id="q" name="q" autocomplete="off">
<button type="submit">搜索</button>
</form>
<p id="search-status" role="status" aria-live="polite"></p>
<noscript><p>搜索需要启用 JavaScript；也可以从首页按区划、类型或部门浏览全部事项。</p></noscript>
<ol id="results" class="results"></ol>"""
    return layout("搜索", body, root, footer, [("首页", "index.html"), ("搜索", None)],
                  scripts=["data/search-index.js", "assets/search.js"])
