"""The public site's 服务站点 pages: sites/<区>/index.html, its towns' pages (便民服务中心) and their
communities' pages (便民服务站), and the overview sites/index.html.

A province has 50 000 of these pages. A district's pages are linked from the site's previous build,
not written again, when nothing they show changed: the district's published build
(published.site_districts), every listed item's name, type, department, levels and 网上可办, and
the page templates. Their footer names the version that wrote them (本页内容更新于目录版本 vK), so
a night on which one district changed writes that district's pages only. sites/builds.json says,
per district, what its pages were written from and in which version.
"""

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from transforms.fields import COMMUNITY_LEVEL
from warehouse.site import pages as P
from warehouse.swap import link_tree

BUILDS_FILE = "sites/builds.json"
ROOT = "../../../"  # from a town's or a community's page to the site's root
OVERVIEW_TOWNS = 400  # sites/index.html names every town up to this many, else only the districts
STATION_LABEL = "本页内容更新于目录版本"  # a district's pages may come from an earlier version


def write_sites(writer, previous: Path | None) -> None:
    """Every district's pages (written, or linked from `previous`, the site's last build) and the
    overview. writer: public_site.SiteWriter."""
    before = _builds_of(previous)
    shown = _shown_digest(writer)
    keys = {d: _key(writer.data.district_builds.get(d), shown) for d in writer.data.districts}
    kept = {d for d in writer.data.districts if keys[d] and before.get(d, {}).get("key") == keys[d]
            and (previous / _folder(d)).is_dir()}
    sites = writer.district_sites([d for d in writer.data.districts if d not in kept])
    builds, overview = {}, []
    for district in writer.data.districts:
        towns = _town_rows(writer, district)
        if district in kept:
            (writer.folder / _folder(district)).parent.mkdir(parents=True, exist_ok=True)
            link_tree(previous / _folder(district), writer.folder / _folder(district))
            writer.pages += sum(1 for _ in (writer.folder / _folder(district)).rglob("*.html"))
            builds[district] = before[district]
        else:
            builds[district] = {"key": keys[district], "version": writer.data.version,
                                "published_at": writer.data.published_at}
            _write_district(writer, district, sites.get(district, {}), towns,
                            replace(writer.footer, version=writer.data.version, label=STATION_LABEL))
        links = "".join(f'<li><a href="{P.href("../", P.town_path(district, t))}">{P.e(t)}</a></li>' for t, *_ in towns)
        overview.append((district, len(towns), sum(r[2] for r in towns), links))
    with_towns = sum(n for _, n, _, _ in overview) <= OVERVIEW_TOWNS
    sections = "".join(
        f'<section><h2><a href="{P.href("../", P.district_path(d))}">{P.e(d)}</a></h2>'
        f'<p class="meta">镇(街道) {n} 个 · 村(社区)便民服务站 {c} 个</p>'
        + (f'<ul class="facet">{links}</ul>' if with_towns else "") + "</section>"
        for d, n, c, links in overview)
    writer.write("sites/index.html", P.layout("服务站点", "<h1>服务站点</h1>" + sections, "../", writer.footer,
                                              [("首页", "index.html"), ("服务站点", None)]))
    (writer.folder / BUILDS_FILE).write_text(json.dumps(builds, ensure_ascii=False, sort_keys=True, indent=1),
                                             encoding="utf-8")


def _key(build: str | None, shown: str) -> str | None:
    """What a district's pages are written from; None (never the same) for rows of no known build."""
    return hashlib.sha256(f"{build}\n{shown}".encode()).hexdigest() if build else None


def _folder(district: str) -> Path:
    return Path(P.district_path(district)).parent


def _shown_digest(writer) -> str:
    """What every district's pages show beyond the district's own rows: the listed items, the
    footer's downloads and the templates (this module and site_pages.py)."""
    digest = hashlib.sha256()
    for code in writer.codes:
        digest.update(repr(writer.listed[code]).encode())
    digest.update(repr(writer.footer.downloads).encode())
    digest.update(repr(writer.data.places).encode())
    for module in (__file__, P.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()


FACTS = (("address", "地址"), ("phone", "联系电话"), ("hours", "办公时间"), ("windows", "窗口"), ("partner", "合作单位"))


def place_facts(info: dict) -> str:
    """Where and when (sites.csv): what a person needs before walking there."""
    facts = [(label, info[key]) for key, label in FACTS if info.get(key)]
    if not facts:
        return ""
    return ('<dl class="place">' + "".join(f"<dt>{label}</dt><dd>{P.e(value)}</dd>" for label, value in facts)
            + "</dl>")


def is_point(place: str) -> bool:
    """A place of the site data that is a 便民服务点 (its name), not a community's 站."""
    return place.endswith("便民服务点")


def _town_rows(writer, district: str) -> list[tuple[str, int, int, int, int]]:
    """(town, items of its centre, its stations, the stations' items summed, its 点) per town, by name."""
    rows = []
    for town, places in sorted(writer.data.site_counts[district].items()):
        stations = [items for place, items in places.items() if place and not is_point(place)]
        points = [place for place in places if is_point(place)]
        rows.append((town, places.get("", 0), len(stations), sum(stations), len(points)))
    return rows


def _write_district(writer, district: str, sites: dict[str, dict[str, list[str]]],
                    rows: list[tuple[str, int, int, int, int]], footer: P.Footer) -> None:
    """A district's page, its towns' and its communities' (sites: town -> place -> item codes;
    rows: _town_rows)."""
    crumbs = [("首页", "index.html"), ("服务站点", "sites/index.html"), (district, P.district_path(district))]
    listed = writer.data.places.get(district, {})
    for town, places in sorted(sites.items()):
        centre = places.get("", [])
        known = listed.get(town, {})
        station_links, point_links = [], []
        for place in sorted(set(p for p in places if p) | set(p for p in known if p)):
            codes, info = places.get(place), known.get(place, {})
            point = is_point(place) or info.get("kind") == "点"
            title = info.get("site_name") or (place if point else f"{place}便民服务站")
            links = point_links if point else station_links
            if codes is None:  # listed, but nothing of it is published
                links.append(f'<li>{P.e(title)}<span class="count">暂无公布事项</span></li>')
                continue
            level = "便民服务点" if point else COMMUNITY_LEVEL
            body = (f"<h1>{P.e(title)}</h1><p class='meta'>{P.e(district)} {P.e(town)} · "
                    f"{P.e(level)} · 可办事项 {len(set(codes))} 项</p>" + place_facts(info)
                    + P.items_table(writer.rows(codes, ROOT), title))
            writer.write(P.community_path(district, town, place), P.layout(
                title, body, ROOT, footer, crumbs + [(town, P.town_path(district, town)), (place, None)]))
            links.append(f'<li><a href="{P.href(ROOT, P.community_path(district, town, place))}">'
                         f'{P.e(title)}</a><span class="count">{len(set(codes))} 项</span></li>')
        title = known.get("", {}).get("site_name") or f"{town}便民服务中心"
        body = (f"<h1>{P.e(title)}</h1><p class='meta'>{P.e(district)} · 中心可办事项 {len(set(centre))} 项 · "
                f"村(社区)便民服务站 {len(station_links)} 个"
                + (f" · 便民服务点 {len(point_links)} 个" if point_links else "") + "</p>"
                + place_facts(known.get("", {}))
                + (f'<section><h2>村(社区)便民服务站</h2><ul class="facet">{"".join(station_links)}</ul></section>'
                   if station_links else "")
                + (f'<section><h2>便民服务点</h2><ul class="facet">{"".join(point_links)}</ul></section>'
                   if point_links else "")
                + "<section><h2>便民服务中心可办事项</h2>"
                + (P.items_table(writer.rows(centre, ROOT), title) if centre else "<p>暂无。</p>")
                + "</section>")
        writer.write(P.town_path(district, town), P.layout(title, body, ROOT, footer, crumbs + [(town, None)]))
    table = "".join(
        f'<tr><td><a href="{P.href("../../", P.town_path(district, t))}">{P.e(t)}</a></td><td>{c}</td>'
        f"<td>{s}</td><td>{n}</td><td>{p}</td></tr>" for t, c, s, n, p in rows)
    body = (f"<h1>{P.e(district)}</h1><p class='meta'>镇(街道) {len(rows)} 个 · 村(社区)便民服务站 "
            f"{sum(r[2] for r in rows)} 个 · 便民服务点 {sum(r[4] for r in rows)} 个</p>"
            "<div class='table-wrap'><table><thead><tr>"
            "<th scope='col'>镇(街道)</th><th scope='col'>中心可办事项</th><th scope='col'>村(社区)便民服务站</th>"
            f"<th scope='col'>各站可办事项合计</th><th scope='col'>便民服务点</th></tr></thead><tbody>{table}</tbody>"
            "</table></div>")
    writer.write(P.district_path(district), P.layout(district, body, "../../", footer, [
        ("首页", "index.html"), ("服务站点", "sites/index.html"), (district, None)]))


def _builds_of(previous: Path | None) -> dict[str, dict]:
    path = previous / BUILDS_FILE if previous else None
    if path is None or not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:  # a damaged file: every district is written again
        return {}
