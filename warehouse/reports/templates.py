"""填报模板: one workbook per 镇(街道), prefilled from the published list, for its sites to answer.

The district hands each town its file; the town's 便民服务中心 gathers its stations' and points'
answers in it and sends it back, and mulu reads it exactly (transforms/template_reading.py). Each
site (the 中心, every 村(社区) 便民服务站, every 便民服务点: listed in core.places or having reported)
has a sheet of every published item of its level, with what it reported last time marked
(template_sheets.py); a 填报说明 sheet explains the columns and the accepted values
(template_guide.py); a hidden sheet carries the workbook's identity (transforms/template_layout.py).

    write_templates(con, Path("out/templates"))  →  out/templates/<区市>/<镇街>_填报模板.xlsx
"""

import hashlib
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Collection
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import xlsxwriter

from transforms.fields import COMMUNITY_LEVEL, TOWN_LEVEL
from transforms.template_layout import (
    CENTRE_SHEET, FORMAT_VERSION, GUIDE_SHEET, IDENTITY_SHEET, TemplateIdentity, TemplateSheet)
from warehouse.reference import Reference, load_reference
from warehouse.reports.template_guide import write_guide
from warehouse.reports.template_sheets import (
    Formats, ItemRows, SharedStrings, SiteRows, sheet_title, site_sheet_xml, write_site_sheet)
from warehouse.reports.xlsx_rows import COMPRESS_LEVEL
from warehouse.sql_literal import text_list
from warehouse.workbook import WORKBOOK_OPTIONS

TEMPLATE_SUFFIX = "_填报模板.xlsx"
DIGESTS = ".digests.json"  # each district folder's towns: what their workbooks show (town_digest)
CATALOG_DIGEST = ".catalog_digest"  # what every town's list shows (items_digest)
SHARED_STRINGS = "xl/sharedStrings.xml"  # the workbook's shared strings part (xlsxwriter writes one)
UNSHOWN_ITEM_COLUMNS = ("version", "district_count", "site_count")  # published columns no template shows
KIND_ORDER = {"中心": 0, "站": 1, "点": 2}
_FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: "" for c in "[]:*?/\\"})


class TemplateError(Exception):
    """Templates cannot be made (no published list yet); the message is for people."""


@dataclass
class TownSites:
    district: str
    town: str
    sites: dict[tuple[str, str, str], SiteRows] = field(default_factory=dict)  # (kind, community, point)


# Every row of the published site items with its site as a template names it (kind, community, point).
SITE_ROWS_SQL = f"""
    SELECT *, CASE WHEN site_point IS NOT NULL THEN '点'
                   WHEN site_level = '{COMMUNITY_LEVEL}' AND community IS NOT NULL THEN '站' ELSE '中心' END AS kind,
           CASE WHEN site_point IS NOT NULL OR site_level = '{COMMUNITY_LEVEL}' THEN coalesce(community, '')
                ELSE '' END AS site_community,
           coalesce(site_point, '') AS point
    FROM published.site_items WHERE nullif(trim(town), '') IS NOT NULL"""


def sites_sql(where: str) -> str:
    """Every site of the towns: listed (core.places) or having reported (published.site_items)."""
    return f"""
    SELECT DISTINCT district, town, kind, coalesce(community, '') AS community,
           CASE WHEN kind = '点' THEN site_name ELSE '' END AS point
    FROM core.places WHERE nullif(trim(town), '') IS NOT NULL AND {where}
    UNION
    SELECT DISTINCT district, town, kind, site_community, point FROM ({SITE_ROWS_SQL}) WHERE {where}
    ORDER BY ALL"""


def answers_sql(where: str) -> str:
    """What each site last reported of each catalog item: offered, 网上可办, 帮办代办, window, note."""
    return f"""
    SELECT district, town, kind, site_community, point, catalog_code,
           first(is_online ORDER BY source_file, row_number) AS online,
           first(is_proxy ORDER BY source_file, row_number) AS proxy,
           first(json_extract_string(extras, '$.办理窗口') ORDER BY source_file, row_number) AS window,
           first(note ORDER BY source_file, row_number) AS note
    FROM ({SITE_ROWS_SQL}) WHERE catalog_code IS NOT NULL AND {where}
    GROUP BY ALL"""


def local_rows_sql(where: str, version: int) -> str:
    """Each site's rows of no item of its level's list (local items, rows waiting for review) as it
    wrote them: the template's 新增事项 block starts with them."""
    return f"""
    SELECT district, town, kind, site_community, point, raw_code AS item_code, raw_name AS item_name,
           raw_item_type AS item_type, legal_basis, raw_exercise_levels AS exercise_levels, acceptance_conditions,
           raw_materials AS materials, statutory_limit, promised_limit, fee, fee_basis,
           raw_handling_type AS handling_type, online, proxy, json_extract_string(extras, '$.办理窗口') AS window, note
    FROM ({SITE_ROWS_SQL}) s
    WHERE {where} AND NOT EXISTS (
        SELECT 1 FROM published.catalog_items c WHERE c.version = {version} AND c.catalog_code = s.catalog_code
        AND c.site_level = CASE WHEN s.kind = '中心' OR (s.kind = '点' AND s.site_community = '')
                                THEN '{TOWN_LEVEL}' ELSE '{COMMUNITY_LEVEL}' END)
    QUALIFY row_number() OVER (PARTITION BY district, town, kind, site_community, point,
                               coalesce(raw_name, ''), coalesce(raw_code, '') ORDER BY source_file, row_number) = 1
    ORDER BY source_file, row_number"""


def items_sql(version: int) -> str:
    """The published list of a version, per level, in the master catalog's order."""
    return f"""
    SELECT p.* FROM published.catalog_items p LEFT JOIN core.catalog_items c USING (catalog_code)
    WHERE p.version = {version} ORDER BY p.site_level, c.row_number NULLS LAST, p.catalog_code"""


def _records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    result = con.execute(sql)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


def gather_towns(con: duckdb.DuckDBPyConnection, version: int, districts: Collection[str] | None) -> list[TownSites]:
    """Every town of the districts (all when None) with its sites and what each reported last time."""
    where = "TRUE" if districts is None else f"district IN ({text_list(sorted(districts))})"
    towns: dict[tuple[str, str], TownSites] = {}

    def site(row: dict, community: str) -> SiteRows:
        town = towns.setdefault((row["district"], row["town"]), TownSites(row["district"], row["town"]))
        town.sites.setdefault(("中心", "", ""), SiteRows("中心", "", ""))  # every 镇(街道) has its 中心
        key = (row["kind"], community or "", row["point"] or "")
        return town.sites.setdefault(key, SiteRows(*key))

    for row in _records(con, sites_sql(where)):
        site(row, row["community"])
    for row in _records(con, answers_sql(where)):
        site(row, row["site_community"]).answers[row["catalog_code"]] = row
    for row in _records(con, local_rows_sql(where, version)):
        site(row, row["site_community"]).local_rows.append(row)
    return [towns[key] for key in sorted(towns)]


def sheet_names(sites: list[SiteRows]) -> list[str]:
    """Each site's sheet name: 便民服务中心, the community's name for its 站, the 点's own name; at most
    31 characters, without the characters Excel forbids, unique (Excel ignores case)."""
    taken = {GUIDE_SHEET.casefold(), IDENTITY_SHEET.casefold(), "history"}  # Excel reserves History
    names = []
    for site in sites:
        base = CENTRE_SHEET if site.kind == "中心" else (site.point if site.kind == "点" else site.community)
        base = base.translate(_FORBIDDEN_IN_SHEET_NAMES).strip("' ") or site.kind
        name, n = base[:31], 1
        while name.casefold() in taken:
            n += 1
            name = f"{base[:31 - len(str(n)) - 2]}({n})"
        taken.add(name.casefold())
        names.append(name)
    return names


def write_town_workbook(path: Path, town: TownSites, items: dict[str, list[dict]], version: int,
                        reference: Reference, made_at: str) -> Path:
    sites = sorted(town.sites.values(), key=lambda s: (KIND_ORDER.get(s.kind, 9), s.community, s.point))
    names = sheet_names(sites)
    identity = TemplateIdentity(version, town.district, town.town, made_at, [
        TemplateSheet(name, s.kind, s.community, s.point, s.level) for name, s in zip(names, sites)])
    path.parent.mkdir(parents=True, exist_ok=True)
    skeleton = path.with_name(f".{path.name}.skeleton")
    workbook = xlsxwriter.Workbook(str(skeleton), {**WORKBOOK_OPTIONS, "in_memory": True})  # no temporary files
    formats = Formats(workbook)
    write_guide(workbook, formats, identity, reference)
    for sheet, site in zip(identity.sheets, sites):
        write_site_sheet(workbook, formats, sheet, site, items.get(site.level, []), identity, reference.vocabulary)
    hidden = workbook.add_worksheet(IDENTITY_SHEET)
    for row, values in enumerate(identity.rows()):
        hidden.write_row(row, 0, values)
    hidden.protect("")
    hidden.hide()
    workbook.close()
    with zipfile.ZipFile(skeleton) as source:
        shared = source.read(SHARED_STRINGS).decode("utf-8")
        counts = re.search(r'count="(\d+)" uniqueCount="(\d+)"', shared)
        strings = SharedStrings(int(counts.group(2)))
        lists = {level: ItemRows(level_items, strings=strings, formats=formats) for level, level_items in items.items()}
        sheets = {f"xl/worksheets/sheet{i}.xml": (sheet, site)
                  for i, (sheet, site) in enumerate(zip(identity.sheets, sites), start=2)}  # sheet1: 填报说明
        partial = path.with_name(f".{path.name}.part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as target:
            for member in source.infolist():  # the shared strings last: the sheets add to them
                if member.filename in sheets:
                    sheet, site = sheets[member.filename]
                    data = site_sheet_xml(source.read(member).decode("utf-8"), sheet_title(sheet, identity), site,
                                          lists.get(site.level), strings, formats).encode("utf-8")
                    target.writestr(member.filename, data)
                elif member.filename != SHARED_STRINGS:
                    target.writestr(member.filename, source.read(member))
            shared = (shared[:counts.start()] + f'count="{int(counts.group(1)) + strings.uses}" '
                      f'uniqueCount="{strings.first + len(strings.index)}"' + shared[counts.end():])
            target.writestr(SHARED_STRINGS, shared.replace("</sst>", strings.xml() + "</sst>").encode("utf-8"))
    skeleton.unlink()
    partial.replace(path)  # a reader of the folder never sees half a workbook
    return path


def items_digest(items: dict[str, list[dict]], reference: Reference) -> str:
    """What every template's list and 填报说明 show: the published items with their elements, and the
    reference data's vocabularies."""
    shown = {level: [{k: v for k, v in item.items() if k not in UNSHOWN_ITEM_COLUMNS} for item in level_items]
             for level, level_items in items.items()}
    text = json.dumps([FORMAT_VERSION, shown, reference.vocabulary.fingerprint()], ensure_ascii=False,
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def town_digest(town: TownSites, items: dict[str, list[dict]]) -> str:
    """What a town's workbook shows but its stamps (catalog version, time): its sites, their answers
    and local rows, and the items of their levels with every element. Equal digests: the workbook
    written last time stands (its version stamp may be older; reading compares the elements)."""
    levels = sorted({site.level for site in town.sites.values()})
    shown = [[site.kind, site.community, site.point, sorted(site.answers.items()), site.local_rows]
             for _, site in sorted(town.sites.items())]
    listed = [[{k: v for k, v in item.items() if k not in UNSHOWN_ITEM_COLUMNS} for item in items.get(level, [])]
              for level in levels]
    text = json.dumps([FORMAT_VERSION, town.district, town.town, shown, listed], ensure_ascii=False,
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def write_templates(con: duckdb.DuckDBPyConnection, out_dir: Path, districts: Collection[str] | None = None,
                    reference: Reference | None = None, made_at: datetime | None = None,
                    executor: Executor | None = None, unchanged_stay: bool = False) -> list[Path]:
    """Write out_dir/<区市>/<镇街>_填报模板.xlsx for every town of the districts (all when None) from
    the latest published version, and remove a written district's templates of towns it no longer
    has; returns the paths of the towns' templates. Raises TemplateError when nothing is published yet.

    executor: worker processes that write the workbooks (None: this thread). unchanged_stay: a town
    whose workbook would show what its last one shows keeps it, and the districts given are all
    districts when the published items or the vocabularies changed (the nightly run: a night
    rewrites only the towns whose list, sites or answers changed)."""
    version = con.execute("SELECT max(version) FROM published.catalog_versions").fetchone()[0]
    if version is None:
        raise TemplateError("仓库中还没有已发布的目录清单，无法生成填报模板：请先运行 mulu refresh")
    reference = reference or load_reference()
    items: dict[str, list[dict]] = defaultdict(list)
    for item in _records(con, items_sql(version)):
        items[item["site_level"]].append(item)
    stamp = (made_at or datetime.now()).strftime("%Y-%m-%d %H:%M")
    catalog_digest = items_digest(items, reference)
    catalog_manifest = Path(out_dir) / CATALOG_DIGEST
    if unchanged_stay and districts is not None and not (
            catalog_manifest.is_file() and catalog_manifest.read_text(encoding="utf-8") == catalog_digest):
        districts = None  # the list or the vocabularies changed: every town's workbook shows it
    towns = gather_towns(con, version, districts)
    digests = {}
    for folder in {Path(out_dir) / town.district for town in towns}:
        manifest = folder / DIGESTS
        digests.update({str(folder / name): digest for name, digest in
                        (json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}).items()})
    written, jobs, now = [], [], {}
    for town in towns:
        path = Path(out_dir) / town.district / f"{town.town}{TEMPLATE_SUFFIX}"
        now[path] = town_digest(town, items)
        written.append(path)
        if unchanged_stay and path.is_file() and digests.get(str(path)) == now[path]:
            continue
        if executor is None:
            write_town_workbook(path, town, items, version, reference, stamp)
        else:
            jobs.append(executor.submit(write_town_workbook, path, town,
                                        {site.level: items.get(site.level, []) for site in town.sites.values()},
                                        version, reference, stamp))
    for job in jobs:
        job.result()
    for folder in {path.parent for path in written}:
        for stale in set(folder.glob(f"*{TEMPLATE_SUFFIX}")) - set(written):
            stale.unlink()
        (folder / DIGESTS).write_text(json.dumps({p.name: d for p, d in now.items() if p.parent == folder},
                                                 ensure_ascii=False, indent=0), encoding="utf-8")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    catalog_manifest.write_text(catalog_digest, encoding="utf-8")
    return written
