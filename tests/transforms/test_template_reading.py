"""transforms.template_reading: a returned 填报模板 is read exactly — each sheet's site from the identity
sheet, 是 rows land, 否 and blank rows do not (one finding per sheet), filled 新增事项 rows land, and a
template made from an older catalog is named.

Each template is written by the real writer (warehouse/reports/templates.py) from items made here,
and filled with openpyxl the way a clerk's Excel would save it.
"""

from pathlib import Path

import openpyxl
import pytest

from transforms.fields import COMMUNITY_LEVEL, TOWN_LEVEL
from transforms.ingest import IngestContext, ingest_file
from transforms.template_layout import (
    COLUMNS, EVIDENCE, IDENTITY_SHEET, NEW_ITEMS_MARK, catalog_fingerprints, column_label)
from warehouse.reference import load_reference
from warehouse.reports.template_sheets import SiteRows
from warehouse.reports.templates import TownSites, write_town_workbook

DISTRICT, TOWN = "市南区", "八大峡街道"


def item(code: str, name: str, **elements) -> dict:
    """A published item (published.catalog_items' columns)."""
    return {"catalog_code": code, "item_name": name, "item_type": "公共服务", "item_family": "民政服务",
            "department": "区民政局", "legal_basis": "《社会救助暂行办法》第十一条", "exercise_levels": "县级,镇（乡、街道）级",
            "acceptance_conditions": "本辖区居民", "materials": "居民身份证；申请表", "statutory_limit": "20个工作日",
            "promised_limit": "5个工作日", "fee_charged": False, "fee_basis": None, "handling_type": "承诺件",
            "is_online": True, "is_proxy": False, **elements}


TOWN_ITEMS = [item("000120001000", "最低生活保障金给付"), item("000120002000", "特困人员认定"),
              item("000120003000", "临时救助金给付", promised_limit="即办", handling_type="即办件"),
              item("000120004000", "高龄津贴发放", is_online=False)]
COMMUNITY_ITEMS = [item("000120005000", "居住证明出具"), item("000120006000", "老年人优待证办理")]
ITEMS = {TOWN_LEVEL: TOWN_ITEMS, COMMUNITY_LEVEL: COMMUNITY_ITEMS}
ANSWER = {"online": True, "proxy": True, "window": "综合业务窗口", "note": None}


def town() -> TownSites:
    centre = SiteRows("中心", "", "", answers={"000120001000": ANSWER, "000120002000": {**ANSWER, "online": False},
                                                 "000120003000": ANSWER})
    centre.local_rows.append({"item_code": "", "item_name": "老年食堂就餐登记", "item_type": "公共服务", "online": "否"})
    station = SiteRows("站", "团岛社区", "", answers={"000120005000": ANSWER})
    point = SiteRows("点", "团岛社区", "团岛社区邮政便民服务点")
    return TownSites(DISTRICT, TOWN, {("中心", "", ""): centre, ("站", "团岛社区", ""): station,
                                      ("点", "团岛社区", "团岛社区邮政便民服务点"): point})


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / f"{TOWN}_填报模板.xlsx"
    return write_town_workbook(path, town(), ITEMS, 3, REFERENCE, "2026-12-01 08:00")


REFERENCE = load_reference()


def context(items=None) -> IngestContext:
    catalog = [item for level in ITEMS.values() for item in level] if items is None else items
    return IngestContext(REFERENCE.synonyms, REFERENCE.towns, catalog_elements=catalog_fingerprints(catalog))


def read(path: Path, ctx: IngestContext | None = None, district: str = DISTRICT):
    return ingest_file(path.read_bytes(), f"{district}/{path.name}", district, ctx or context())


def fill(template: Path, target: Path, edit) -> Path:
    """Open the template with openpyxl, let `edit(workbook, find)` change cells, save as a clerk would;
    find(sheet, name, label) is the cell of an item's column (name may be the 新增事项 mark)."""
    workbook = openpyxl.load_workbook(template)

    def find(sheet: str, name: str, label: str):
        ws = workbook[sheet]
        header = [c.value for c in ws[3]]
        row = next(r for r in range(4, ws.max_row + 1)
                   if ws.cell(r, COLUMNS.index("item_name") + 1).value == name
                   or str(ws.cell(r, 1).value or "").startswith(name))
        return ws.cell(row, header.index(label) + 1)

    edit(workbook, find)
    workbook.save(target)
    return target


def landed(result) -> list[tuple]:
    rows = result.rows.to_pylist()
    return [(r["sheet"], r["item_name"], r["online"], r["town"], r["community"], r["site_level"], r["site_point"])
            for r in rows]


def rules(result) -> list[tuple]:
    return sorted((f.rule, f.sheet or "") for f in result.findings)


def test_what_was_marked_yes_lands_on_the_identity_sites(template):
    result = read(template)
    assert landed(result) == [
        ("便民服务中心", "最低生活保障金给付", "是", TOWN, "", TOWN_LEVEL, ""),
        ("便民服务中心", "特困人员认定", "否", TOWN, "", TOWN_LEVEL, ""),
        ("便民服务中心", "临时救助金给付", "是", TOWN, "", TOWN_LEVEL, ""),
        ("便民服务中心", "老年食堂就餐登记", "否", TOWN, "", TOWN_LEVEL, ""),  # its local row, carried over
        ("团岛社区", "居住证明出具", "是", TOWN, "团岛社区", COMMUNITY_LEVEL, ""),
    ], "否 rows (高龄津贴发放, 老年人优待证办理, the 点's items) give no row"
    rows = result.rows.to_pylist()
    assert {r["site_evidence"] for r in rows} == {EVIDENCE}
    assert rows[0]["item_code"] == "000120001000" and rows[0]["promised_limit"] == "5个工作日"
    assert rows[0]["extras"] == '{"办理窗口": "综合业务窗口"}' and rows[0]["row_number"] == 4
    assert rules(result) == [], "a template as written has nothing to say"


def test_a_clerks_answers_and_local_items(template, tmp_path):
    def edit(workbook, find):
        find("便民服务中心", "最低生活保障金给付", "是否开展").value = "否"
        find("便民服务中心", "高龄津贴发放", "是否开展").value = "是"
        find("便民服务中心", "临时救助金给付", "网上可办").value = "否"
        find("便民服务中心", "特困人员认定", "是否开展").value = None  # cleared: not offered, said once
        find("便民服务中心", "老年食堂就餐登记", "是否开展").value = "否"  # no longer offered
        find("团岛社区邮政便民服务点", "老年人优待证办理", "是否开展").value = "是"
        ws = workbook["团岛社区"]
        first_new = next(r for r in range(1, ws.max_row + 1)
                         if str(ws.cell(r, 1).value or "").startswith(NEW_ITEMS_MARK)) + 2
        ws.insert_rows(first_new)  # a row inserted into the block is read as well
        for row, name in ((first_new, "社区食堂助餐登记"), (first_new + 3, "四点半课堂报名")):
            for label, value in (("事项名称", name), ("事项类型", "公共服务"), ("网上可办", "否")):
                ws.cell(row, COLUMNS.index(_key(label)) + 1).value = value

    result = read(fill(template, tmp_path / "filled.xlsx", edit))
    assert [(sheet, name, online) for sheet, name, online, *_ in landed(result)] == [
        ("便民服务中心", "临时救助金给付", "否"), ("便民服务中心", "高龄津贴发放", "否"),
        ("团岛社区", "居住证明出具", "是"), ("团岛社区", "社区食堂助餐登记", "否"), ("团岛社区", "四点半课堂报名", "否"),
        ("团岛社区邮政便民服务点", "老年人优待证办理", "是")]
    point = result.rows.to_pylist()[-1]
    assert (point["site_point"], point["community"], point["site_level"]) == (
        "团岛社区邮政便民服务点", "团岛社区", COMMUNITY_LEVEL)
    assert rules(result) == [("template.answer_blank", "便民服务中心")]


def _key(label: str) -> str:
    return next(key for key in COLUMNS if column_label(key) == label)


def test_answers_left_blank_or_unreadable_are_said_once_per_sheet(template, tmp_path):
    def edit(workbook, find):
        for name in ("最低生活保障金给付", "特困人员认定", "临时救助金给付"):
            find("便民服务中心", name, "是否开展").value = None
        for name in ("高龄津贴发放",):
            find("便民服务中心", name, "是否开展").value = "待定"
        find("团岛社区", "居住证明出具", "是否开展").value = None

    result = read(fill(template, tmp_path / "blank.xlsx", edit))
    assert rules(result) == [("template.answer_blank", "便民服务中心"), ("template.answer_blank", "团岛社区"),
                             ("template.answer_unknown", "便民服务中心")]
    blank = next(f for f in result.findings if f.rule == "template.answer_blank" and f.sheet == "便民服务中心")
    assert "有3项" in blank.message and blank.severity == "warning"
    assert [name for _, name, *_ in landed(result)] == ["高龄津贴发放", "老年食堂就餐登记"], \
        "an answer that is no 是/否 is read as offered, never dropped"


def test_a_template_of_an_older_catalog_names_what_changed_since(template):
    today = [i for i in TOWN_ITEMS if i["catalog_code"] != "000120003000"] + COMMUNITY_ITEMS
    today[0] = {**today[0], "promised_limit": "3个工作日", "materials": "居民身份证"}
    today[1] = {**today[1], "legal_basis": None}  # an element the catalog leaves empty is not compared
    result = read(template, context(today))
    [finding] = [f for f in result.findings if f.rule == "template.catalog_changed"]
    assert finding.message.startswith("本模板按第3版目录生成")
    assert "已从目录中删除：临时救助金给付（000120003000）" in finding.message
    assert "要素已变更：最低生活保障金给付（000120001000：申请材料、承诺办结时限）" in finding.message
    assert "特困人员认定" not in finding.message and "高龄津贴发放" not in finding.message, "否 items do not matter"
    assert len(landed(result)) == 5, "its rows land all the same (the checks say the rest)"


def test_without_catalog_knowledge_nothing_is_compared(template):
    assert rules(read(template, IngestContext(REFERENCE.synonyms))) == []


def test_sheets_missing_added_or_a_template_in_another_districts_folder(template, tmp_path):
    def edit(workbook, find):
        del workbook["团岛社区"]
        workbook.create_sheet("我加的表")["A1"] = "事项名称"

    result = read(fill(template, tmp_path / "sheets.xlsx", edit), district="市北区")
    assert rules(result) == [("template.district_mismatch", ""), ("template.sheet_missing", "团岛社区"),
                             ("template.sheet_unknown", "我加的表")]
    assert {r["district"] for r in result.rows.to_pylist()} == {"市北区"}


def test_a_header_a_clerk_destroyed_or_nothing_marked(template, tmp_path):
    def edit(workbook, find):
        workbook["便民服务中心"]["C3"] = "名称"
        for sheet, name in (("团岛社区", "居住证明出具"),):
            find(sheet, name, "是否开展").value = "否"

    result = read(fill(template, tmp_path / "header.xlsx", edit))
    assert ("header_not_found", "便民服务中心") in rules(result)
    assert ("no_item_rows", "") in rules(result) and result.rows.num_rows == 0


def test_the_identity_sheet_is_hidden_and_without_it_the_file_is_read_as_any_other(template, tmp_path):
    workbook = openpyxl.load_workbook(template)
    assert workbook[IDENTITY_SHEET].sheet_state == "hidden"
    rows = {r[0]: r[1] for r in workbook[IDENTITY_SHEET].iter_rows(values_only=True) if r[0] != "sheet"}
    assert (rows["catalog_version"], rows["district"], rows["town"]) == ("3", DISTRICT, TOWN)
    del workbook[IDENTITY_SHEET]
    workbook.save(tmp_path / "plain.xlsx")
    result = read(tmp_path / "plain.xlsx")
    assert result.rows.num_rows > 0 and EVIDENCE not in {r["site_evidence"] for r in result.rows.to_pylist()}
