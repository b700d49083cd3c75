"""各区报送说明 (warehouse/reports/district_guide.py): the page lists what the reference data in use
accepts — every header word, every spelling of the vocabularies reading looks values up in, every
district's folder names and towns — read here from the csv files themselves; it is self-contained,
`mulu init` writes it, and it passes axe-core in headless Chromium."""

import csv
import io
from html.parser import HTMLParser
from pathlib import Path

from flows.cli import main
from tests.conftest import serious_axe_violations
from transforms.fields import LABELS, REQUIRED_FIELDS
from transforms.readers import ACCEPTED_SUFFIXES
from warehouse.reference import SEEDS_DIR, init_reference, load_reference
from warehouse.reports.district_guide import GUIDE_FILE, VOCABULARY_COLUMNS, write_district_guide

ADDED_SYNONYM = ("item_name", "事项名称", "便民事项全称")
ADDED_SPELLING = ("handling_type", "2", "承诺件", "承诺办结件")


class Tables(HTMLParser):
    """Each table of a page by its caption: its rows, each cell the list of its words (a chip each)
    or, for a cell without chips, its text as one word."""

    def __init__(self, page: str):
        super().__init__()
        self.tables: dict[str, list[list[list[str]]]] = {}
        self.caption, self.text, self.words, self.row, self.rows = None, "", [], [], []
        self.in_word = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag in ("caption", "td", "th"):
            self.text, self.words = "", []
        elif tag == "span" and ("class", "word") in attrs:
            self.in_word, self.words = True, [*self.words, ""]
        elif tag == "tr":
            self.row = []
        elif tag == "table":
            self.rows = []

    def handle_data(self, data):
        self.text += data
        if self.in_word:
            self.words[-1] += data

    def handle_endtag(self, tag):
        if tag == "caption":
            self.caption = self.text
        elif tag == "span":
            self.in_word = False
        elif tag in ("td", "th"):
            self.row.append(self.words or [self.text])
        elif tag == "tr":
            self.rows.append(self.row)
        elif tag == "table":
            self.tables[self.caption] = self.rows


def csv_rows(folder: Path, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((folder / name).read_text(encoding="utf-8-sig"))))


def guide(tmp_path: Path, folder: Path | None) -> tuple[str, Tables]:
    path = write_district_guide(tmp_path / "guide", load_reference(folder))
    assert path == tmp_path / "guide" / GUIDE_FILE
    page = path.read_text(encoding="utf-8")
    return page, Tables(page)


def column_words(tables: Tables) -> dict[str, list[str]]:
    """要素 → the header words the page lists for it."""
    return {row[0][0]: row[2] for row in tables.tables["每个要素可用的表头写法"][1:]}


def vocabulary_values(tables: Tables, field: str) -> dict[str, list[str]]:
    """标准名称 → its code, itself and every other spelling the page lists."""
    return {row[1][0]: [row[0][0], row[1][0], *row[2]] for row in tables.tables[f"{LABELS[field]}的规范值"][1:]}


def assert_lists_the_reference_data(tables: Tables, folder: Path) -> None:
    words = column_words(tables)
    for row in csv_rows(folder, "header_synonyms.csv"):
        assert row["同义列名"] in words[LABELS[row["字段"]]], f"header word {row['同义列名']} of {row['字段']}"
    for row in csv_rows(folder, "vocabularies.csv"):
        field = dict(VOCABULARY_COLUMNS).get(row["词表"])
        if field is not None:
            assert row["写法"] in vocabulary_values(tables, field)[row["标准名称"]], f"{row['词表']}: {row['写法']}"
    districts = {row[0][0]: row for row in tables.tables["各区(市)的文件夹名和镇(街道)"][1:]}
    for row in csv_rows(folder, "districts.csv"):
        aliases = [a for a in row["别名"].replace("；", ";").split(";") if a]
        assert districts[row["区市名称"]][1] == [row["区市名称"], *aliases]
    for row in csv_rows(folder, "towns.csv"):
        assert row["镇街名称"] in districts[row["区市名称"]][2]


def test_the_page_lists_what_the_bundled_reference_data_accepts(tmp_path):
    page, tables = guide(tmp_path, None)
    assert_lists_the_reference_data(tables, SEEDS_DIR)
    required = {row[0][0] for row in tables.tables["每个要素可用的表头写法"][1:] if row[1] == ["必填"]}
    assert required == {LABELS[f] for f in REQUIRED_FIELDS}
    assert all(suffix in page for suffix in ACCEPTED_SUFFIXES)
    assert "县（市、区）级" in vocabulary_values(tables, "exercise_levels")["县级"], "a spelling holding 、 stays whole"
    assert "填报模板" in page and "一次告知" in page and "修正稿" in page
    assert ADDED_SYNONYM[2] not in page and ADDED_SPELLING[3] not in page


def test_a_reference_folder_with_an_added_header_word_and_spelling_shows_both(tmp_path):
    folder = tmp_path / "reference"
    init_reference(folder)
    with open(folder / "header_synonyms.csv", "a", encoding="utf-8") as f:
        f.write(",".join(ADDED_SYNONYM) + "\n")
    with open(folder / "vocabularies.csv", "a", encoding="utf-8") as f:
        f.write(",".join(ADDED_SPELLING) + "\n")
    page, tables = guide(tmp_path, folder)
    assert_lists_the_reference_data(tables, folder)
    assert ADDED_SYNONYM[2] in column_words(tables)["事项名称"]
    assert ADDED_SPELLING[3] in vocabulary_values(tables, "handling_type")["承诺件"]


def test_the_page_is_self_contained_and_escaped(tmp_path):
    folder = tmp_path / "reference"
    init_reference(folder)
    with open(folder / "header_synonyms.csv", "a", encoding="utf-8") as f:
        f.write("note,备注,<b>附注</b>\n")
    page, tables = guide(tmp_path, folder)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "<script" not in page and "http" not in page and "<link" not in page
    assert "&lt;b&gt;附注&lt;/b&gt;" in page and "<b>附注</b>" in column_words(tables)["备注"]


def test_mulu_init_writes_the_guide_into_the_folder(tmp_path, capsys):
    assert main(["init", str(tmp_path / "reference")]) == 0
    assert (tmp_path / "reference" / GUIDE_FILE).is_file()
    assert GUIDE_FILE in capsys.readouterr().out


def test_the_page_passes_axe_in_chromium(tmp_path, browser, axe_source):
    path = write_district_guide(tmp_path, load_reference())
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(path.as_uri())
    assert "各区(市)报送说明" in page.title() and "文件放在哪里" in page.inner_text("body")
    assert not serious_axe_violations(page, axe_source)
    page.close()


def test_the_page_fits_a_phone_screen(tmp_path, browser):
    path = write_district_guide(tmp_path, load_reference())
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(path.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
    page.close()
