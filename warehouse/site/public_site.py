"""The public site (公开公示) of one published version: OUT/site, written whole and swapped in at once.

Pages: index.html (browse by 区划, 层级, 事项类型, 主管部门, 服务对象, 主题), items/<code>.html (the 办事指南,
one template for screen and print), sites/<区>/<镇>/<村>.html, lists/<facet>/<value>.html,
changes.html and changes/vNNNN.html, search.html with data/search-index.js, and the downloads in data/
(xlsx, csv, items.json). The text comes from the published version only, so the online guide and
the files say the same thing.

A build goes to OUT/.site-builds/vNNNN-<time>; OUT/site is a symbolic link replaced in one rename
(warehouse/swap.py), so a reader sees the old site or the new one, never half of one.
"""

import json
import shutil
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import duckdb
import pandas as pd

from transforms.fields import SITE_LEVELS
from warehouse.site import pages as P
from warehouse import swap
from warehouse.swap import SITE_DIR
from warehouse.files.catalog_list import CATALOG_BASENAME, CATALOG_LABELS, write_list_files
from warehouse.site.data import (
    AUDIENCE_CODES, SiteData, district_sites, extras_of, forget, gather, guide_extras_of, level_sorted, split_values,
    text_of,
)
from warehouse.site.stations import is_point, write_sites

BUILDS_DIR = ".site-builds"
ASSETS = Path(__file__).with_name("assets")
PAGE_ITEMS = 200  # items per list page
OFFERED_BUDGET = 80_000  # bytes one guide page may spend on the sites offering the item
CHANGES_PER_PAGE = 300
MISSING = "（目录未载明）"
# Short elements in the guide's 基本信息 table, long ones as sections, in the order portals use.
FACT_ELEMENTS = ["item_type", "item_family", "department", "exercise_levels", "statutory_limit", "promised_limit",
                 "fee_charged", "handling_type", "is_online", "is_proxy"]
SECTION_ELEMENTS = [("legal_basis", "list"), ("acceptance_conditions", "text"), ("materials", "materials"),
                    ("fee_basis", "list")]
ALWAYS_SHOWN = {"item_type", "exercise_levels", "statutory_limit", "promised_limit", "fee_charged", "handling_type",
                "is_online", "legal_basis", "acceptance_conditions", "materials"}
LONG_EXTRA = 40  # characters: a longer catalog element gets a section of its own
FACETS = {"level": "便民服务层级", "type": "事项类型", "department": "主管部门", "audience": "服务对象", "theme": "主题分类"}


@dataclass
class SiteResult:
    path: Path  # OUT/site
    version: int
    pages: int


def build_site(con: duckdb.DuckDBPyConnection, version: int, out_dir: Path,
               district_order: dict[str, str] | None = None) -> SiteResult:
    """Write the site of a published version and swap it in. district_order: name -> 区划代码."""
    out_dir = Path(out_dir)
    name = f"v{version:04d}-{datetime.now():%Y%m%dT%H%M%S%f}"
    tmp = swap.new_build(out_dir / BUILDS_DIR, name)
    # A province's site is 50 000 pages: the build before last is deleted while this one is written.
    stale = threading.Thread(target=swap.remove_stale_builds, args=(out_dir / BUILDS_DIR, out_dir / SITE_DIR))
    stale.start()
    try:
        data = gather(con, version, district_order or {}, OFFERED_BUDGET)
        pages = SiteWriter(data, tmp, _current_build(out_dir), lambda names: district_sites(con, names)).write_all()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        forget(con)
        stale.join()
    swap.publish_build(tmp, name, out_dir / SITE_DIR)
    return SiteResult(out_dir / SITE_DIR, version, pages)


def _current_build(out_dir: Path) -> Path | None:
    """The build OUT/site points at: the district pages nothing changed for are linked from it."""
    link = out_dir / SITE_DIR
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


# ---- writing the pages ---------------------------------------------------------------------------------

class SiteWriter:
    def __init__(self, data: SiteData, folder: Path, previous: Path | None,
                 district_sites: Callable[[list[str]], dict[str, dict[str, dict[str, list[str]]]]]):
        self.data = data
        self.folder = folder
        self.previous = previous  # the site's last build
        self.district_sites = district_sites  # site_data.district_sites of the build's connection
        self.pages = 0
        self.downloads = [("目录清单 Excel", f"data/{CATALOG_BASENAME}.xlsx"), ("CSV", f"data/{CATALOG_BASENAME}.csv"),
                          ("JSON", "data/items.json")]
        self.footer = P.Footer(data.version, data.published_at, self.downloads)
        self.by_code: dict[str, list[dict]] = defaultdict(list)
        for row in data.catalog.to_dict("records"):
            self.by_code[row["catalog_code"]].append(row)
        self.codes = sorted(self.by_code, key=lambda c: (text_of(self.first(c)["item_name"]), c))
        self.rank = {code: i for i, code in enumerate(self.codes)}
        self.listed = {code: self._listed(code) for code in self.codes}
        self.facets = self._facets()
        self._rows: dict[str, dict[str, str]] = {}

    def rows(self, codes, root: str) -> list[str]:
        """The rendered list rows of items, by name, each rendered once per page depth."""
        cache = self._rows.setdefault(root, {})
        ordered = sorted(set(codes), key=self.rank.__getitem__)
        return [cache.get(c) or cache.setdefault(c, P.item_row(self.listed[c], root)) for c in ordered]

    def first(self, code: str) -> dict:
        return self.by_code[code][0]

    def _listed(self, code: str) -> P.ListedItem:
        rows = self.by_code[code]
        row = rows[0]
        levels = "、".join(level_sorted(r["site_level"] for r in rows))
        online = row["is_online"] if isinstance(row["is_online"], bool) else None
        return P.ListedItem(code, text_of(row["item_name"]) or code, text_of(row["item_type"]),
                            text_of(row["department"]), levels, online)

    def _facets(self) -> dict[str, dict[str, list[str]]]:
        """facet -> value -> item codes."""
        facets: dict[str, dict[str, list[str]]] = {name: defaultdict(list) for name in FACETS}
        for code in self.codes:
            rows = self.by_code[code]
            for level in level_sorted(r["site_level"] for r in rows):
                facets["level"][level].append(code)
            row = rows[0]
            for facet, value in (("type", row["item_type"]), ("department", row["department"])):
                if text_of(value):
                    facets[facet][text_of(value)].append(code)
            for header, text in extras_of(row["guide_extras"]).items():
                facet = "audience" if "服务对象" in header else "theme" if "主题" in header else None
                for value in split_values(text, AUDIENCE_CODES if facet == "audience" else None) if facet else ():
                    if value != "无":
                        facets[facet][value].append(code)
        return {name: dict(values) for name, values in facets.items()}

    def write(self, path: str, text: str) -> None:
        target = self.folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.pages += 1

    def write_all(self) -> int:
        shutil.copytree(ASSETS, self.folder / "assets")
        self.write_data()
        self.write("index.html", self.index_page())
        self.write("search.html", P.search_page("", self.footer))
        self.write_lists()
        self.write_guides()
        write_sites(self, self.previous)
        self.write_changes()
        return self.pages

    # -- data files

    def write_data(self) -> None:
        folder = self.folder / "data"
        folder.mkdir()
        write_list_files(self.data.catalog, folder, CATALOG_BASENAME)
        rows = []
        for row in self.data.catalog.to_dict("records"):
            out = {k: (None if not isinstance(v, (bool, str)) and pd.isna(v) else v) for k, v in row.items()}
            out["guide_extras"] = extras_of(row["guide_extras"])
            for key in ("district_count", "site_count"):
                out[key] = None if out[key] is None else int(out[key])
            rows.append(out)
        document = {"version": self.data.version, "published_at": self.data.published_at,
                    "columns": {k: CATALOG_LABELS.get(k, k) for k in self.data.catalog.columns},
                    "items": rows}
        (folder / "items.json").write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        index = []
        for code in self.codes:
            row, listed = self.first(code), self.listed[code]
            text = " ".join(filter(None, [text_of(row[c]) for c in ("legal_basis", "acceptance_conditions", "materials",
                                                                   "fee_basis", "item_family")]
                                   + list(guide_extras_of(row["guide_extras"]).values())))
            index.append([code, listed.name, self.data.aliases.get(code, ""), text_of(listed.item_type),
                          text_of(listed.department), listed.levels, text, quote(P.item_path(code))])
        payload = json.dumps({"version": self.data.version, "items": index}, ensure_ascii=False, separators=(",", ":"))
        payload = payload.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        (folder / "search-index.js").write_text(f"window.MULU_SEARCH={payload};\n", encoding="utf-8")

    # -- index and lists

    def index_page(self) -> str:
        d = self.data
        towns = {name: len(d.site_counts[name]) for name in d.districts}
        communities = {name: sum(len([p for p in places if p and not is_point(p)])
                                 for places in d.site_counts[name].values())
                       for name in d.districts}
        online = sum(1 for i in self.listed.values() if i.is_online)
        cards = [("目录事项", len(self.codes)), *((f"{lv}级事项", len(self.facets["level"].get(lv, ()))) for lv in SITE_LEVELS),
                 ("区(市)", len(d.districts)), ("镇(街道)便民服务中心", sum(towns.values())), ("村(社区)便民服务站", sum(communities.values())),
                 ("网上可办", f"{online / max(len(self.codes), 1):.0%}")]
        card_html = "".join(f"<li><strong>{P.e(n)}</strong>{P.e(label)}</li>" for label, n in cards)
        district_counts = [(name, towns[name], communities[name]) for name in d.districts]
        district_html = "".join(
            f'<li><a href="{P.href("", P.district_path(name))}">{P.e(name)}</a>'
            f'<span class="count">{t} 镇街 · {c} 村居</span></li>' for name, t, c in district_counts)
        facets = "".join(
            f'<section><h2>按{label}浏览</h2>{P.facet_list(facet, self._facet_counts(facet), "", label)}</section>'
            for facet, label in FACETS.items() if self.facets[facet])
        latest = d.versions.iloc[-1]
        body = f"""<h1>{P.SITE_TITLE}清单</h1>
<p class="meta">目录版本 v{d.version}，发布于 {P.e(d.published_at)}。各镇(街道)便民服务中心、村(社区)便民服务站办理的事项，
名称、编码、依据、条件、材料、时限和收费全市统一。</p>
<ul class="cards">{card_html}</ul>
<section><h2>按区划浏览</h2><ul class="facet" aria-label="区(市)">{district_html}</ul>
<p><a href="{P.href("", "sites/index.html")}">全部镇(街道)和村(社区)</a></p></section>
{facets}
<section><h2>本版本变更</h2><p>新增 {int(latest["added"] or 0)} 项，调整 {int(latest["changed"] or 0)} 项，
取消 {int(latest["removed"] or 0)} 项。<a href="{P.href("", P.changes_path(d.version))}">查看 v{d.version} 变更明细</a> ·
<a href="{P.href("", P.changes_path())}">全部版本</a></p></section>
<section><h2>下载</h2><ul>{"".join(f'<li><a href="{P.href("", p)}">{P.e(label)}</a></li>' for label, p in self.downloads)}</ul>
<p>items.json 字段说明见其 columns；每个事项的办事指南页面地址为 items/事项编码.html。</p></section>"""
        return P.layout("首页", body, "", self.footer)

    def _facet_counts(self, facet: str) -> list[tuple[str, int]]:
        values = self.facets[facet]
        order = (lambda kv: SITE_LEVELS.index(kv[0])) if facet == "level" else (lambda kv: (-len(kv[1]), kv[0]))
        return [(value, len(codes)) for value, codes in sorted(values.items(), key=order)]

    def write_lists(self) -> None:
        lists = [("all", "全部事项", self.codes)] + [
            (facet, value, codes) for facet in FACETS for value, codes in self.facets[facet].items()]
        for facet, value, codes in lists:
            pages = max(1, -(-len(codes) // PAGE_ITEMS))
            title = value if facet == "all" else f"{FACETS[facet]}：{value}"
            for page in range(1, pages + 1):
                part = codes[(page - 1) * PAGE_ITEMS: page * PAGE_ITEMS]
                body = (f"<h1>{P.e(title)}</h1><p class='meta'>共 {len(codes)} 项"
                        f"{f'，第 {page}/{pages} 页' if pages > 1 else ''}</p>"
                        + P.items_table(self.rows(part, "../../"), title)
                        + P.pager(facet, value, page, pages, "../../"))
                self.write(P.facet_path(facet, value, page),
                           P.layout(title, body, "../../", self.footer, [("首页", "index.html"), (title, None)]))

    # -- guides

    def write_guides(self) -> None:
        history: dict[str, list] = defaultdict(list)
        dates = dict(zip(self.data.versions["version"], self.data.versions["published_at"]))
        for r in self.data.changes.to_dict("records"):
            word = P.CHANGE_WORDS.get(r["change"], r["change"])
            detail = "；".join(label for label, _, _ in self._changed_fields(r)) if r["change"] == "变更" else ""
            history[r["catalog_code"]].append((int(r["version"]), dates.get(r["version"], ""), word,
                                               f"{r['site_level']}" + (f"：{detail}" if detail else "")))
        for code in self.codes:
            guide = self.guide(code, history[code])
            crumbs = [("首页", "index.html"), ("全部事项", P.facet_path("all", "全部事项")), (guide.name, None)]
            self.write(P.item_path(code), P.guide_page(guide, "../", self.footer, crumbs))

    def _values(self, code: str, column: str) -> list[tuple[str, str]]:
        """One (level, text) per distinct text; the level is named only when the levels differ."""
        rows = self.by_code[code]
        texts = [(r["site_level"], text_of(r[column])) for r in rows]
        if len({t for _, t in texts}) <= 1:
            return [("", texts[0][1])] if texts[0][1] else []
        return [(level, text or MISSING) for level, text in texts]

    def guide(self, code: str, history: list) -> P.Guide:
        row = self.first(code)
        listed = self.listed[code]
        facts = [("事项编码", code + (f"（其他编码或名称：{self.data.aliases[code]}）" if self.data.aliases.get(code) else "")),
                 ("便民服务层级", listed.levels)]
        for column in FACT_ELEMENTS:
            values = self._values(code, column)
            if values or column in ALWAYS_SHOWN:
                text = "；".join(f"{lv}：{t}" if lv else t for lv, t in values) or MISSING
                facts.append((CATALOG_LABELS.get(column, column), text))
        sections = []
        for column, kind in SECTION_ELEMENTS:
            values = self._values(code, column)
            if values or column in ALWAYS_SHOWN:
                sections.append(P.Element(CATALOG_LABELS.get(column, column), values or [("", MISSING)], kind))
        for header, text in guide_extras_of(row["guide_extras"]).items():
            if len(text) > LONG_EXTRA:
                sections.append(P.Element(header, [("", text)]))
            else:
                facts.append((header, text))
        return P.Guide(code, listed.name, facts, sections, self._offered(code), history)

    def _offered(self, code: str) -> str:
        at = self.data.offered.get(code, {})
        return P.offered_html([(d, at[d]) for d in self.data.districts if d in at], "../", OFFERED_BUDGET)

    def _changed_fields(self, change: dict) -> list[tuple[str, str, str]]:
        key = (change["version"], change["site_level"], change["catalog_code"])
        old, new = self.data.before.get(key), self.data.after.get(key)
        fields = []
        for column in (change["detail"] or "").split(";"):
            if not column or old is None or new is None:
                continue
            if column == "guide_extras":
                was, now = extras_of(old[column]), extras_of(new[column])
                fields += [(k, was.get(k, ""), now.get(k, "")) for k in dict.fromkeys([*was, *now])
                           if was.get(k) != now.get(k)]
            else:
                fields.append((CATALOG_LABELS.get(column, column), text_of(old[column]), text_of(new[column])))
        return fields

    # -- changes

    def write_changes(self) -> None:
        names = set(self.codes)
        rows_by_version: dict[int, list[dict]] = defaultdict(list)
        for r in self.data.changes.to_dict("records"):
            word = P.CHANGE_WORDS.get(r["change"], r["change"])
            rows_by_version[int(r["version"])].append({
                "word": word, "code": r["catalog_code"], "name": r["item_name"] or r["catalog_code"],
                "level": r["site_level"], "linked": r["catalog_code"] in names and word != "取消",
                "fields": self._changed_fields(r) if r["change"] == "变更" else []})
        versions = self.data.versions.to_dict("records")
        for v in versions:
            number = int(v["version"])
            rows = rows_by_version.get(number, [])
            pages = max(1, -(-len(rows) // CHANGES_PER_PAGE))
            for page in range(1, pages + 1):
                title = f"v{number} 变更明细" + (f"（第 {page}/{pages} 页）" if pages > 1 else "")
                nav = "" if pages == 1 else '<nav aria-label="分页"><ol class="facet">' + "".join(
                    f'<li><a href="{P.href("../", P.changes_path(number, p))}"'
                    f'{" aria-current=" + chr(34) + "page" + chr(34) if p == page else ""}>第 {p} 页</a></li>'
                    for p in range(1, pages + 1)) + "</ol></nav>"
                body = (f"<h1>{P.e(title)}</h1><p class='meta'>发布于 {P.e(v['published_at'])} · 目录清单 "
                        f"{v['item_count']} 行 · 变更 {len(rows)} 项</p>"
                        + P.changes_table(rows[(page - 1) * CHANGES_PER_PAGE: page * CHANGES_PER_PAGE], "../") + nav)
                self.write(P.changes_path(number, page), P.layout(title, body, "../", self.footer, [
                    ("首页", "index.html"), ("变更记录", P.changes_path()), (title, None)]))
        table = "".join(
            f'<tr><td><a href="{P.href("", P.changes_path(int(v["version"])))}">v{int(v["version"])}</a></td>'
            f"<td>{P.e(v['published_at'])}</td><td>{int(v['added'] or 0)}</td><td>{int(v['changed'] or 0)}</td>"
            f"<td>{int(v['removed'] or 0)}</td><td>{v['item_count']}</td></tr>" for v in reversed(versions))
        body = ("<h1>变更记录</h1><p>每个版本相对上一版本的新增、调整（改了哪些要素，改前 → 改后）和取消的事项。</p>"
                "<div class='table-wrap'><table><thead><tr><th scope='col'>版本</th>"
                "<th scope='col'>发布时间</th><th scope='col'>新增</th><th scope='col'>调整</th><th scope='col'>取消</th>"
                f"<th scope='col'>清单行数</th></tr></thead><tbody>{table}</tbody></table></div>")
        self.write(P.changes_path(), P.layout("变更记录", body, "", self.footer, [("首页", "index.html"), ("变更记录", None)]))
