"""warehouse.reports.templates: the districts' 填报模板, one workbook per 镇(街道), and its way back.

After a night of the small sample city, one district's templates are written; filled by a script the
way a clerk would (openpyxl: items marked 否 and 是, 网上可办 changed, two local items added); and put in
the inbox instead of the district's files. The next night, the district's site items are exactly
what was filled, with no inference findings. A third night, with a catalog that lost one of the
offered items and changed another, names both in one finding per template.
"""

import csv
import io
import re
import shutil
import subprocess
import time
from pathlib import Path

import duckdb
import openpyxl
import pytest

from flows.reading import reading_context
from flows.refresh import nightly_refresh
from tests.conftest import require_program
from transforms.fields import TOWN_LEVEL
from transforms.flags import parse_yes_no
from transforms.ingest import ingest_file
from transforms.template_layout import (
    CENTRE_SHEET, COLUMNS, GUIDE_SHEET, IDENTITY_SHEET, NEW_ITEMS_MARK, TemplateIdentity, column_label)
from warehouse import db
from warehouse.reference import CATALOG_SEED, init_reference, load_reference
from warehouse.reports.template_guide import vocabulary_rows
from warehouse.reports.template_sheets import SiteRows
from warehouse.reports.templates import TownSites, sheet_names, write_templates, write_town_workbook

DISTRICT = "李沧区"
INFERENCE_RULES = ("column_inferred", "column_unplaced", "header_not_found", "site.unknown_town",
                   "site.unknown_community", "site.community_in_several_towns", "site.unknown")


@pytest.fixture(scope="module")
def night(small_city, tmp_path_factory, prefect_harness):
    """Night 1 of the sample city, and the district's templates: (base, paths, templates, seconds)."""
    base = tmp_path_factory.mktemp("templates")
    shutil.copytree(small_city / "inbox", base / "inbox")
    paths = {"inbox": str(base / "inbox"), "warehouse": str(base / "mulu.duckdb"), "out": str(base / "out"),
             "reference": str(small_city / "reference")}
    assert nightly_refresh(**paths)["status"] == "published"
    con = db.connect(paths["warehouse"])
    started = time.perf_counter()
    written = write_templates(con, base / "templates", [DISTRICT], load_reference(small_city / "reference"))
    seconds = time.perf_counter() - started
    con.close()
    return base, paths, written, seconds


def query(paths: dict, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(paths["warehouse"], read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def identity_of(workbook) -> TemplateIdentity:
    return TemplateIdentity.from_rows([["" if v is None else str(v) for v in row]
                                       for row in workbook[IDENTITY_SHEET].iter_rows(values_only=True)])


def table(ws) -> tuple[list[str], list[int], list[int]]:
    """A site sheet's header, its list rows and its 新增事项 rows (1-based row numbers)."""
    header = [c.value for c in ws[3]]
    mark = next(r for r in range(4, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith(NEW_ITEMS_MARK))
    name = header.index("事项名称") + 1
    return header, [r for r in range(4, mark) if ws.cell(r, name).value], list(range(mark + 2, ws.max_row + 1))


def fill_like_a_clerk(workbook, first_town: bool) -> list[tuple]:
    """Change answers as a clerk would; returns what the workbook then says each site offers:
    (town, community, point, code, name, 网上可办, 帮办代办, whether it is a listed item)."""
    identity = identity_of(workbook)
    offered = []
    for n, site in enumerate(identity.sheets):
        ws = workbook[site.name]
        header, items, new = table(ws)
        col = {label: header.index(label) + 1 for label in header}
        yes = [r for r in items if ws.cell(r, col["是否开展"]).value == "是"]
        no = [r for r in items if ws.cell(r, col["是否开展"]).value == "否"]
        if first_town and n == 0 and len(yes) >= 4 and no:  # the 中心
            for r in yes[:2]:
                ws.cell(r, col["是否开展"]).value = "否"
            for r in yes[2:4]:
                ws.cell(r, col["网上可办"]).value = "否" if ws.cell(r, col["网上可办"]).value == "是" else "是"
            ws.cell(no[0], col["是否开展"]).value = "是"
            ws.cell(no[0], col["帮办代办"]).value = "是"
            empty = [r for r in new if not ws.cell(r, col["事项名称"]).value]
            for r, name in zip(empty[:2], ("老年助餐点就餐登记", "社区图书室借阅证办理")):
                for label, value in (("事项名称", name), ("事项类型", "公共服务"), ("设定依据", "《青岛市养老服务促进条例》"),
                                     ("行使层级", "镇（乡、街道）级"), ("受理条件", "本辖区居民"), ("申请材料", "居民身份证"),
                                     ("法定办结时限", "无"), ("承诺办结时限", "即办"), ("是否收费", "否"),
                                     ("办件类型", "即办件"), ("网上可办", "否"), ("帮办代办", "是")):
                    ws.cell(r, col[label]).value = value
        elif yes and site.kind == "站":
            ws.cell(yes[0], col["是否开展"]).value = "否"
        for r in items + new:
            answer = ws.cell(r, col["是否开展"]).value
            name, code = ws.cell(r, col["事项名称"]).value, ws.cell(r, col["事项编码"]).value
            if answer == "是" or (r in new and (name or code) and answer != "否"):
                offered.append((identity.town, site.community, site.point, code or "", name,
                                parse_yes_no(ws.cell(r, col["网上可办"]).value),
                                parse_yes_no(ws.cell(r, col["帮办代办"]).value), r in items))
    return offered


@pytest.fixture(scope="module")
def round_trip(night, tmp_path_factory):
    """Night 2 with the filled templates instead of the district's files, then night 3 with a changed
    catalog. Returns (what was filled, site items and findings of night 2, findings of night 3, the
    items changed)."""
    base, paths, written, _ = night
    before = set(query(paths, """SELECT town, coalesce(community, ''), coalesce(site_point, ''), catalog_code
        FROM site_items WHERE district = ? AND catalog_code IS NOT NULL""", [DISTRICT]))
    inbox = Path(paths["inbox"]) / DISTRICT
    shutil.rmtree(inbox)
    inbox.mkdir()
    filled = []
    for path in written:
        workbook = openpyxl.load_workbook(path)
        if not any(c.value == "是" for name in workbook.sheetnames[1:-1] for row in workbook[name].iter_rows()
                   for c in row):
            continue  # a town that reported nothing last night returns nothing
        filled += fill_like_a_clerk(workbook, first_town=not filled)
        workbook.save(inbox / path.name)
    assert nightly_refresh(**paths)["status"] == "published"
    site_items = query(paths, """SELECT town, coalesce(community, ''), coalesce(site_point, ''), coalesce(raw_code, ''),
        raw_name, is_online, is_proxy, catalog_code, site_evidence FROM site_items WHERE district = ?""", [DISTRICT])
    findings = query(paths, "SELECT rule, source_file, sheet FROM findings WHERE district = ?", [DISTRICT])
    centre = [row for row in filled if row[1:3] == ("", "") and row[7]]
    removed, changed = centre[0], centre[1]
    rows = list(csv.DictReader(io.StringIO(CATALOG_SEED.read_text(encoding="utf-8-sig"))))
    catalog = tmp_path_factory.mktemp("catalog") / "catalog.csv"
    with catalog.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            if row["事项编码"] == changed[3]:
                row["承诺办结时限"] = "2个工作日" if row["承诺办结时限"] != "2个工作日" else "3个工作日"
            if row["事项编码"] != removed[3]:
                writer.writerow(row)
    assert nightly_refresh(**paths, catalog=str(catalog))["status"] in ("published", "blocked")
    later = query(paths, """SELECT rule, source_file, message FROM findings
        WHERE district = ? AND rule LIKE 'template.%'""", [DISTRICT])
    return filled, site_items, findings, later, (removed, changed), before


def test_one_workbook_per_town_with_a_sheet_per_site(night):
    base, paths, written, _ = night
    towns = {t for (t,) in query(paths, """SELECT town FROM core.places WHERE district = ?
        UNION SELECT town FROM published.site_items WHERE district = ? AND town <> ''""", [DISTRICT, DISTRICT])}
    assert sorted(written) == sorted(base / "templates" / DISTRICT / f"{town}_填报模板.xlsx" for town in towns)
    places = query(paths, "SELECT town, kind, coalesce(community, ''), site_name FROM core.places WHERE district = ?",
                   [DISTRICT])
    for path in written:
        workbook = openpyxl.load_workbook(path)
        identity = identity_of(workbook)
        assert workbook.sheetnames == ["填报说明", *[s.name for s in identity.sheets], IDENTITY_SHEET]
        assert identity.sheets[0].kind == "中心" and identity.sheets[0].name == "便民服务中心"
        sites = {(s.kind, s.community, s.point if s.kind == "点" else "") for s in identity.sheets[1:]}
        listed = {(kind, community, name if kind == "点" else "") for town, kind, community, name in places
                  if town == identity.town and kind != "中心"}
        assert listed <= sites, "every listed 站 and 点 of the town has its sheet"


def test_each_sheet_lists_its_levels_items_and_marks_what_the_site_reported(night):
    _, paths, written, _ = night
    version = query(paths, "SELECT max(version) FROM catalog_versions")[0][0]
    for path in written:
        workbook = openpyxl.load_workbook(path)
        identity = identity_of(workbook)
        assert identity.catalog_version == version and identity.district == DISTRICT
        for site in identity.sheets:
            ws = workbook[site.name]
            header, items, _ = table(ws)
            code, answer, online = (header.index(label) for label in ("事项编码", "是否开展", "网上可办"))
            codes = [ws.cell(r, code + 1).value for r in items]
            assert sorted(codes) == sorted(c for (c,) in query(
                paths, "SELECT catalog_code FROM catalog WHERE site_level = ?", [site.level]))
            reported = dict(query(paths, """SELECT catalog_code, first(is_online ORDER BY source_file, row_number)
                FROM published.site_items WHERE district = ? AND town = ? AND coalesce(community, '') = ?
                AND coalesce(site_point, '') = ? AND site_level = ? AND catalog_code IS NOT NULL GROUP BY 1""",
                [DISTRICT, identity.town, site.community, site.point, site.level]))
            marked = {ws.cell(r, code + 1).value: ws.cell(r, online + 1).value for r in items
                      if ws.cell(r, answer + 1).value == "是"}
            assert marked == {c: {True: "是", False: "否", None: None}[flag] for c, flag in reported.items()}
            assert {ws.cell(r, answer + 1).value for r in items} <= {"是", "否"}


def test_only_the_answers_are_open_and_they_have_dropdowns(night):
    _, _, written, _ = night
    ws = openpyxl.load_workbook(written[0])["便民服务中心"]
    header, items, new = table(ws)
    assert ws.protection.sheet and not ws.protection.password and ws.freeze_panes == "D4"
    open_columns = {"是否开展", "网上可办", "帮办代办", "办理窗口", "备注"}
    row = items[0]
    assert {label for col, label in enumerate(header, 1) if not ws.cell(row, col).protection.locked} == open_columns
    assert all(not ws.cell(new[0], col).protection.locked for col in range(1, len(header) + 1)), "新增事项: all open"
    validated = {}
    for validation in ws.data_validations.dataValidation:
        for cells in validation.sqref.ranges:
            validated.setdefault(header[cells.min_col - 1], []).append(
                (cells.min_row, cells.max_row, validation.formula1))
    for label in ("是否开展", "网上可办", "帮办代办"):
        assert (items[0], items[-1], '"是,否"') in validated[label] and (new[0], new[-1], '"是,否"') in validated[label]
    assert "行政许可" in validated["事项类型"][0][2] and "即办件" in validated["办件类型"][0][2]
    setup = ws.page_setup
    fit_width = 1 if setup.fitToWidth is None else setup.fitToWidth  # absent: OOXML's default, 1
    assert (setup.orientation, setup.paperSize, fit_width, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$3:$3"


def test_the_guide_says_every_column_and_every_accepted_value(night):
    _, paths, written, _ = night
    ws = openpyxl.load_workbook(written[0])["填报说明"]
    rows = [tuple(v for v in row if v is not None) for row in ws.iter_rows(values_only=True)]
    values = rows.index(("列名", "代码", "标准名称", "也可写作"))
    described = {row[0] for row in rows[:values] if len(row) == 3}
    assert {column_label(key) for key in COLUMNS} <= described
    vocabulary = load_reference(Path(paths["reference"])).vocabulary
    for name, column in (("item_type", "事项类型"), ("exercise_level", "行使层级"), ("handling_type", "办件类型")):
        listed = {(row[1], row[2]) for row in rows[values:] if row[0] == column}
        assert listed == {(term.code, term.label) for term in vocabulary.terms(name)}
    assert ws.page_setup.orientation == "landscape" and ws.freeze_panes == "A2" and ws.protection.sheet


def test_the_guide_takes_the_vocabularies_of_the_reference_folder(tmp_path):
    init_reference(tmp_path)
    with (tmp_path / "vocabularies.csv").open("a", encoding="utf-8") as f:
        f.write("item_type,12,行政评议,评议\nitem_type,12,行政评议,评议类\n")
    rows = vocabulary_rows(load_reference(tmp_path), "item_type")
    assert ("12", "行政评议", "评议、评议类") in rows and ("01", "行政许可", rows[0][2]) == rows[0]


def test_sheet_names_fit_excel():
    long = "东麦窑社区中国邮政储蓄银行股份有限公司青岛崂山区沙子口街道便民服务点"
    sites = [SiteRows("中心", "", ""), SiteRows("站", "东麦窑社区", ""), SiteRows("站", "东麦窑社区", ""),
             SiteRows("点", "东麦窑社区", long), SiteRows("点", "东麦窑社区", long + "二"),
             SiteRows("点", "", "A/B座[临时]便民服务点"), SiteRows("站", "填报说明", "")]
    names = sheet_names(sites)
    assert names == ["便民服务中心", "东麦窑社区", "东麦窑社区(2)", long[:31], long[:28] + "(2)", "AB座临时便民服务点",
                     "填报说明(2)"]
    assert all(len(name) <= 31 for name in names)


def test_writing_again_removes_the_templates_of_towns_gone(night):
    base, paths, written, _ = night
    gone = base / "templates" / DISTRICT / "已撤并街道_填报模板.xlsx"
    gone.write_bytes(written[0].read_bytes())
    con = db.connect(paths["warehouse"])
    try:
        again = write_templates(con, base / "templates", [DISTRICT], load_reference(Path(paths["reference"])))
    finally:
        con.close()
    assert again == written and not gone.exists() and all(path.exists() for path in written)


def test_writing_is_fast(night):
    _, _, written, seconds = night
    assert seconds / len(written) < 3, f"{seconds / len(written):.2f} s per town workbook"


def test_the_filled_templates_are_exactly_the_sites_items_next_night(round_trip):
    filled, site_items, findings, _, _, before = round_trip
    after = {row[:4] for row in site_items if row[7]}
    assert len(before - after) >= 3 and len(after - before) >= 1, "items marked 否, and one marked 是"
    assert {"老年助餐点就餐登记", "社区图书室借阅证办理"} <= {row[4] for row in site_items}, "the two local items"
    assert sorted((row[:7] for row in filled), key=repr) == sorted((row[:7] for row in site_items), key=repr)
    assert {row[8] for row in site_items} == {"填报模板"}
    listed = {row[:4] for row in filled if row[7]}
    assert {row[:4] for row in site_items if row[7] == row[3]} >= listed, "every listed item is matched by its code"
    assert [f for f in findings if f[0] in INFERENCE_RULES or f[0].startswith("template.")] == []


def test_a_template_of_an_older_catalog_is_named(round_trip):
    filled, _, _, later, (removed, changed), _ = round_trip
    files = {f"{DISTRICT}/{town}_填报模板.xlsx" for town, *_ in filled}
    assert sorted((rule, file) for rule, file, _ in later) == sorted(("template.catalog_changed", f) for f in files)
    message = next(m for _, file, m in later if file == f"{DISTRICT}/{removed[0]}_填报模板.xlsx")
    assert f"已从目录中删除：{removed[4]}（{removed[3]}）" in message
    assert f"{changed[4]}（{changed[3]}：承诺办结时限）" in message


def _pages(pdf: Path) -> list[tuple[float, float]]:
    """Each page's size (points) of a PDF LibreOffice wrote."""
    data = pdf.read_bytes()
    boxes = [tuple(float(v) for v in box.split()[2:4]) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)]
    count = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    return boxes[-count:] if len(boxes) >= count else boxes * count


def _convert(soffice: str, source: Path, target: str, folder: Path) -> Path:
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", target,
                    "--outdir", str(folder / "converted"), str(source)], check=True, capture_output=True, timeout=240)
    return folder / "converted" / f"{source.stem}.{target.split(':')[0]}"


def test_libreoffice_opens_resaves_and_prints_one_page_wide(night, tmp_path):
    soffice = require_program("soffice")
    _, paths, written, _ = night
    template = max(written, key=lambda p: p.stat().st_size)
    resaved = _convert(soffice, template, "xlsx", tmp_path)
    reference = load_reference(Path(paths["reference"]))
    con = db.connect(paths["warehouse"])
    context = reading_context(con, reference)
    con.close()
    read = [ingest_file(p.read_bytes(), f"{DISTRICT}/{template.name}", DISTRICT, context) for p in (template, resaved)]
    assert read[0].rows.drop(["file_sha256"]).to_pylist() == read[1].rows.drop(["file_sha256"]).to_pylist()
    assert read[0].rows.num_rows > 0 and read[0].findings == read[1].findings
    # A sheet of three items is one A4 landscape page when it fits the page's width; printed at its own
    # width (the control), its twenty columns take several pages side by side.
    items = [dict(zip(["catalog_code", "item_name", "item_type", "item_family", "department", "legal_basis",
                       "exercise_levels", "acceptance_conditions", "materials", "statutory_limit", "promised_limit",
                       "fee_charged", "fee_basis", "handling_type", "is_online", "is_proxy"], row))
             for row in query(paths, """SELECT catalog_code, item_name, item_type, item_family, department, legal_basis,
                 exercise_levels, acceptance_conditions, materials, statutory_limit, promised_limit, fee_charged,
                 fee_basis, handling_type, is_online, is_proxy FROM catalog WHERE site_level = ?
                 ORDER BY catalog_code LIMIT 3""", [TOWN_LEVEL])]
    # Texts cut short keep the rows one line high: the sheet is one page tall, so one page is one wide.
    items = [{k: v[:6] if isinstance(v, str) and k != "catalog_code" else v for k, v in item.items()} for item in items]
    town = TownSites(DISTRICT, "某街道", {("中心", "", ""): SiteRows("中心", "", "")})
    template = write_town_workbook(tmp_path / "town.xlsx", town, {TOWN_LEVEL: items}, 1, reference, "now")
    pages = {}
    for fitted in (True, False):
        workbook = openpyxl.load_workbook(template)
        for other in (GUIDE_SHEET, IDENTITY_SHEET):  # LibreOffice prints hidden sheets too: the site sheet alone
            workbook.remove(workbook[other])
        if not fitted:  # the control: the template's own print setup, but not fitted to the page's width
            workbook[CENTRE_SHEET].sheet_properties.pageSetUpPr.fitToPage = False
        path = tmp_path / f"sheet-{fitted}.xlsx"
        workbook.save(path)
        pages[fitted] = _pages(_convert(soffice, path, "pdf", tmp_path))
    assert len(pages[True]) == 1 and len(pages[False]) > 1
    width, height = pages[True][0]
    assert (round(width), round(height)) == (842, 595), "A4 landscape"
