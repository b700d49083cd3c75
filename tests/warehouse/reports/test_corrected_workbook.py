"""Corrected copies of every layout the readers take (the committed fixture files: xlsx, xlsm, xls,
csv in UTF-8, GBK and UTF-16, two-row headers, title rows, merged cells): the copy keeps every
cell but the corrected ones, which are highlighted and commented; opened by openpyxl and by
LibreOffice. An xlsx is patched in place (its other parts byte for byte); the rest, and an xlsx
that cannot be patched, are written whole."""

import csv
import io
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import require_program
from tests.transforms.test_fixtures import FILES, LANDED, context
from transforms.ingest import ingest_file
from transforms.readers import cell_text, read_file
from warehouse.reports.corrected_patch import CannotPatch, patch_xlsx, write_copy_file
from warehouse.reports.corrected_workbook import CORRECTED_FILL, CellFix, write_corrected_copy

STANDARD = "目录标准名称"


def copy_of(name: str, tmp_path: Path) -> tuple[Path, list[CellFix], dict]:
    """A copy whose every landed row's name is corrected and whose code gets a comment only."""
    data = (FILES / name).read_bytes()
    result = ingest_file(data, f"崂山区/{name}", "崂山区", context())
    rows = result.rows.to_pylist()
    fixes = [CellFix(row["sheet"] or None, row["row_number"], "item_name", STANDARD, "【错误】名称不规范")
             for row in rows]
    fixes += [CellFix(row["sheet"] or None, row["row_number"], "item_code", None, "【提醒】编码未填写")
              for row in rows]
    path = tmp_path / f"{Path(name).stem}_修正稿.xlsx"
    assert write_copy_file(data, name, result.layout, fixes, path)
    return path, fixes, result.layout


def _cells(sheet, csv_file: bool) -> dict[tuple[int, int], str]:
    """Non-blank cells as (sheet row, sheet column) → text, as a person sees them."""
    first_column = 0 if csv_file else sheet.first_column
    out = {}
    for i, values in enumerate(sheet.rows):
        row = i + 1 if csv_file else sheet.row_numbers[i]
        for c, value in enumerate(values):
            if cell_text(value).strip():
                out[(row, first_column + c + 1)] = cell_text(value)
    return out


@pytest.mark.parametrize("name", sorted(LANDED))
def test_the_copy_keeps_every_cell_but_the_corrected_ones(name, tmp_path):
    path, fixes, layout = copy_of(name, tmp_path)
    original = read_file((FILES / name).read_bytes(), name)
    is_csv = original.sheets[0].name is None
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == (["Sheet1"] if is_csv else [s.name for s in original.sheets])
    copy = read_file(path.read_bytes(), path.name)
    for before, after in zip(original.sheets, copy.sheets):
        old, new = _cells(before, is_csv), _cells(after, False)
        where = layout.get(before.name or "")
        corrected = set()
        if where:
            name_column = where["first_column"] + where["columns"]["item_name"] + 1
            corrected = {(f.row_number, name_column) for f in fixes if f.sheet == before.name}
            sheet = workbook[after.name]
            for row, column in corrected:
                cell = sheet.cell(row, column)
                assert cell.value == STANDARD and cell.fill.fgColor.rgb.endswith(CORRECTED_FILL[1:])
                assert "名称不规范" in cell.comment.text and "原为" in cell.comment.text
            if "item_code" in where["columns"]:
                code_column = where["first_column"] + where["columns"]["item_code"] + 1
                for fix in fixes:
                    if fix.sheet == before.name and fix.field == "item_code":
                        cell = sheet.cell(fix.row_number, code_column)
                        assert "编码未填写" in cell.comment.text and cell.fill.fgColor.rgb in (None, "00000000")
        assert {k: v for k, v in old.items() if k not in corrected} == \
               {k: v for k, v in new.items() if k not in corrected}, "every other cell as it was"
        assert after.merged == before.merged or is_csv


@pytest.mark.parametrize("write", [write_copy_file, write_corrected_copy], ids=["patched", "whole"])
def test_a_merged_cell_takes_a_value_only_when_every_row_of_it_has_it(write, tmp_path):
    data = (FILES / "17_town_merged_down.xlsx").read_bytes()
    result = ingest_file(data, "崂山区/17.xlsx", "崂山区", context())
    sheet = read_file(data, "17.xlsx").sheets[0]
    town = result.layout[sheet.name]["columns"]["town"]
    merged = next(m for m in sheet.merged if m[1] == town)
    rows = [sheet.row_numbers[r] for r in range(merged[0], merged[2] + 1)]
    all_rows = [CellFix(sheet.name, r, "town", "沙子口街道（改）", "镇街") for r in rows]
    path = tmp_path / "all.xlsx"
    write(data, "17.xlsx", result.layout, all_rows, path)
    top = openpyxl.load_workbook(path).active.cell(rows[0], sheet.first_column + merged[1] + 1)
    assert top.value == "沙子口街道（改）"
    one_row = [CellFix(sheet.name, rows[-1], "town", "别的值", "镇街"), CellFix(sheet.name, rows[0], "town", "沙子口街道", "x")]
    write(data, "17.xlsx", result.layout, one_row, path)
    top = openpyxl.load_workbook(path).active.cell(rows[0], sheet.first_column + merged[1] + 1)
    assert top.value == "沙子口街道" and "未自动改正" in top.comment.text, "rows of one merged cell disagree"


PATCHED = sorted(name for name in LANDED if (FILES / name).read_bytes()[:2] == b"PK" and not name.endswith(".xlsm"))


@pytest.mark.parametrize("name", PATCHED)
def test_an_xlsx_copy_is_its_original_but_the_corrected_sheets_styles_and_comments(name, tmp_path):
    path, _, _ = copy_of(name, tmp_path)
    with zipfile.ZipFile(FILES / name) as original, zipfile.ZipFile(path) as copy:
        kept = [n for n in original.namelist() if n.startswith("xl/") and "worksheets/sheet" not in n
                and n != "xl/styles.xml"]
        assert kept and all(original.read(n) == copy.read(n) for n in kept), "the workbook's other parts as they were"
        assert any(n.startswith("xl/comments") for n in copy.namelist())
        old_styles, new_styles = original.read("xl/styles.xml").decode(), copy.read("xl/styles.xml").decode()
        assert old_styles.split("<fills")[0] == new_styles.split("<fills")[0], "fonts and number formats kept"


def test_an_xlsx_with_comments_or_macros_is_written_whole(tmp_path):
    data = (FILES / "09_title_row.xlsx").read_bytes()
    result = ingest_file(data, "崂山区/09.xlsx", "崂山区", context())
    sheet = next(iter(result.layout))
    fixes = [CellFix(sheet, row["row_number"], "item_name", STANDARD, "名称") for row in result.rows.to_pylist()]
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    workbook[sheet]["A1"].comment = openpyxl.comments.Comment("区里的批注", "科员")
    commented = io.BytesIO()
    workbook.save(commented)
    with pytest.raises(CannotPatch):
        patch_xlsx(commented.getvalue(), result.layout, fixes, tmp_path / "patched.xlsx")
    assert write_copy_file(commented.getvalue(), "09.xlsx", result.layout, fixes, tmp_path / "whole.xlsx")
    copy = openpyxl.load_workbook(tmp_path / "whole.xlsx")[sheet]
    assert STANDARD in [c.value for row in copy.iter_rows() for c in row]
    macro = io.BytesIO()  # a macro workbook's copy is an .xlsx: it cannot keep the macro package's type
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(macro, "w") as target:
        for member in source.infolist():
            part = source.read(member)
            if member.filename == "[Content_Types].xml":
                part = part.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            target.writestr(member, part)
    with pytest.raises(CannotPatch):
        patch_xlsx(macro.getvalue(), result.layout, fixes, tmp_path / "macro.xlsx")


def test_no_copy_when_no_fix_falls_on_a_cell(tmp_path):
    data = (FILES / "01_utf8.csv").read_bytes()
    result = ingest_file(data, "崂山区/01.csv", "崂山区", context())
    path = tmp_path / "none.xlsx"
    assert not write_corrected_copy(data, "01.csv", result.layout, [CellFix(None, 99, "item_name", "x", "y")], path)
    assert not path.exists()


def test_libreoffice_reads_every_copy(tmp_path):
    soffice = require_program("soffice")
    copies = [copy_of(name, tmp_path)[0] for name in sorted(LANDED)]
    out = tmp_path / "csv"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out), *map(str, copies)],
                   check=True, capture_output=True, timeout=300)
    for copy in copies:
        with (out / f"{copy.stem}.csv").open(encoding="utf-8", newline="") as f:
            cells = [cell for row in csv.reader(f) for cell in row]
        first_sheet = openpyxl.load_workbook(copy).worksheets[0]
        expected = [str(c.value) for row in first_sheet.iter_rows() for c in row if c.value is not None]
        assert STANDARD in cells or STANDARD not in expected, copy.name
        assert set(expected) <= set(cells) | {e for e in expected if not isinstance(e, str)}, copy.name


def test_a_copy_that_fails_is_left_out_and_the_others_stand():
    from concurrent.futures import Future

    from warehouse.reports.corrected import CopyJob, finished_copies

    def job(name: str) -> CopyJob:
        return CopyJob("崂山区", f"崂山区/{name}", name, "", {}, [], f"崂山区_修正稿/{name}")

    done, failed, empty = Future(), Future(), Future()
    done.set_result(True)
    failed.set_exception(ValueError("a file no reader foresaw"))
    empty.set_result(False)
    assert finished_copies([(job("a.xlsx"), done), (job("b.xlsx"), failed), (job("c.xlsx"), empty)]) == \
        {"崂山区/a.xlsx": "崂山区_修正稿/a.xlsx"}
