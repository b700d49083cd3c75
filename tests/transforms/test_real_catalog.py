"""Real published items (tests/fixtures/realdata, MIT): the catalog is accepted as it is, every item
is found by its own code and by its exact name, and real header words are understood."""

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from transforms.headers import detect_header, lookup_header
from transforms.column_content import ContentKnowledge
from transforms.matching import ACCEPTED_METHODS, match_pairs, verbatim_of, verbatim_unique
from transforms.name_identity import identity_of_name
from transforms.normalize import codes_table, names_table
from transforms.readers import Sheet
from transforms.codes import code_key
from warehouse import db
from warehouse.build import catalog_for_matching
from warehouse.catalog_store import load_catalog
from warehouse.reference import load_reference

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "realdata"
SUBSET = REAL / "guangdong_subset.csv"
REFERENCE = load_reference()
ROWS = list(csv.DictReader(io.StringIO(SUBSET.read_text(encoding="utf-8"))))
# Names that repeat once brackets and punctuation are set aside (专职律师执业许可(国资…(…)) and
# 专职律师执业许可((国资…(…))) are the provincial and the city item).
REPEATS = pd.Series([identity_of_name(r["事项名称"]).key for r in ROWS]).value_counts()
VERBATIM = pd.Series([r["事项名称"].strip() for r in ROWS]).value_counts()  # names as written


def repeated(row) -> bool:
    return REPEATS[identity_of_name(row["事项名称"]).key] > 1


NAME_COLUMNS = ["name_key", "name_situations", "name_qualifier", "name_notes", "name_guide"]


@pytest.fixture(scope="module")
def catalog():
    con = db.connect()
    load_catalog(con, SUBSET.read_bytes(), SUBSET.name, REFERENCE)
    yield con, catalog_for_matching(con, REFERENCE)
    con.close()


def match(catalog_frame, pairs):
    names = names_table([n for n, _ in pairs])
    codes = codes_table([c for _, c in pairs])
    queries = pd.DataFrame({**{c: names[c] for c in NAME_COLUMNS},
                            "name_verbatim": verbatim_of(names["raw"], verbatim_unique(catalog_frame["name"])),
                            "code_key": [code_key(t) for t in codes["code_text"]]})
    return match_pairs(queries, catalog_frame, pd.DataFrame(columns=["alias_key", "code", "method"]))


def test_the_real_catalog_is_accepted_as_it_is(catalog):
    con, frame = catalog
    assert frame["code"].tolist() == [r["实施编码"] for r in ROWS], "实施编码 identifies items, none replaced"
    rules = dict(con.sql("SELECT rule, count(*) FROM core.catalog_findings GROUP BY rule").fetchall())
    assert "catalog.code_repeated" not in rules and "catalog.code_empty" not in rules
    assert rules["catalog.name_repeated"] >= 40, "names that repeat are reported, not refused"
    note = con.sql("SELECT message FROM core.catalog_findings WHERE rule = 'catalog.code_columns'").fetchall()
    assert "实施编码" in note[0][0] and "目录编码" in note[0][0]


def test_every_item_is_matched_to_itself_by_its_code(catalog):
    _, frame = catalog
    result = match(frame, [("", r["实施编码"]) for r in ROWS])
    assert result["catalog_code"].tolist() == [r["实施编码"] for r in ROWS]
    with_names = match(frame, [(r["事项名称"], r["实施编码"]) for r in ROWS])
    assert (with_names["match_method"] == "code").all()


def test_every_item_is_matched_to_itself_by_its_exact_name_and_a_repeated_name_goes_to_people(catalog):
    """A name one item carries, written as it is, is that item, even where another item's name differs
    only in bracket width or nesting (律师执业变更审核(执业类别变更) / (（执业类别变更）)); a name
    several items carry is never decided by the name."""
    _, frame = catalog
    result = match(frame, [(r["事项名称"], "") for r in ROWS])
    decided_verbatim = 0
    for row, (_, got) in zip(ROWS, result.iterrows()):
        if VERBATIM[row["事项名称"].strip()] == 1:
            assert (got["catalog_code"], got["match_method"]) == (row["实施编码"], "name"), row["事项名称"]
            decided_verbatim += repeated(row)
        else:
            assert got["match_method"] == "review" and row["实施编码"] in got["candidates"], row["事项名称"]
    assert decided_verbatim == 6, "the six whose normalized names collide are decided by the verbatim name"
    # Widths are one character to people (（ is ( ); one character else, and the collision stands.
    assert match(frame, [("律师执业变更审核（执业类别变更）", "")]).iloc[0]["match_method"] == "name"
    assert match(frame, [("律师执业变更审核 (执业类别变更)", "")]).iloc[0]["match_method"] == "review"


def test_a_shared_directory_code_is_settled_by_the_name(catalog):
    """目录编码 (a 12-digit code sub-items share) with the item's exact name finds that item."""
    _, frame = catalog
    rows = [r for r in ROWS if not repeated(r)]
    result = match(frame, [(r["事项名称"], r["目录编码"]) for r in rows])
    accepted = result["match_method"].isin(ACCEPTED_METHODS)
    assert accepted.all()
    assert result["catalog_code"].tolist() == [r["实施编码"] for r in rows]


NOISE = [  # (how a clerk writes it, the catalog's name)
    ("实验动物生产许可（变更）", "实验动物生产许可(变更)"),
    ("实验动物生产许可 ( 注销 )", "实验动物生产许可(注销)"),
    ("实验动物生产许可(延续)(县级)", "实验动物生产许可(延续)"),
    ("实验动物生产许可(新申请)（指引）", "实验动物生产许可(新申请)"),
    ("實驗動物生產許可(變更)", "实验动物生产许可(变更)"),
    ("1.实验动物生产许可(注销)", "实验动物生产许可(注销)"),
    ("实验动物生产许可变更", "实验动物生产许可(变更)"),
]


@pytest.mark.parametrize("written, standard", NOISE)
def test_noise_in_a_real_sub_item_name_is_still_that_sub_item(catalog, written, standard):
    _, frame = catalog
    [code] = [r["实施编码"] for r in ROWS if r["事项名称"] == standard]
    got = match(frame, [(written, "")]).iloc[0]
    assert (got["catalog_code"], got["match_method"] in ACCEPTED_METHODS) == (code, True), got["evidence"]


def test_a_sibling_the_catalog_lacks_is_not_taken_for_another():
    """The family without its (变更) member: (变更) must go to people, not to (注销)."""
    con = db.connect()
    kept = [r for r in ROWS if r["事项名称"] != "实验动物生产许可(变更)"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(ROWS[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(kept)
    load_catalog(con, buffer.getvalue().encode("utf-8"), "目录.csv", REFERENCE)
    frame = catalog_for_matching(con, REFERENCE)
    [held_out] = [r for r in ROWS if r["事项名称"] == "实验动物生产许可(变更)"]
    for code in ("", held_out["目录编码"]):
        got = match(frame, [(held_out["事项名称"], code)]).iloc[0]
        assert got["match_method"] not in ACCEPTED_METHODS, (code, got["evidence"])


WORDS = list(csv.DictReader((REAL / "header_words.csv").open(encoding="utf-8")))


@pytest.mark.parametrize("field, word", [(w["field"], w["word"]) for w in WORDS if not w["ambiguous"]])
def test_real_header_words_are_known(field, word):
    assert lookup_header(word, REFERENCE.synonyms) == field


@pytest.mark.parametrize("word, cells, field", [
    ("类别", ["行政许可", "公共服务", "行政确认"], "item_type"),
    ("事项类别", ["公共服务", "行政给付", "公共服务"], "item_type"),
    ("事项类型", ["即办件", "承诺件", "即办件"], "handling_type"),
    ("依据", ["《中华人民共和国行政许可法》第十二条", "《社会救助暂行办法》", "《残疾人保障法》第四条"], "legal_basis"),
    ("依据", ["《关于规范行政事业性收费标准的通知》（鲁价费发〔2020〕1号）"] * 3, "fee_basis"),
    ("办理时限", ["5个工作日", "即办", "20个工作日"], "promised_limit"),
    ("服务站点", ["沙子口街道便民服务中心", "东麦窑社区便民服务站", "南窑村便民服务站"], "site"),
    ("村社区", ["沙子口街道便民服务中心", "东麦窑社区", "南窑村"], "site"),
])
def test_ambiguous_real_header_words_are_decided_by_their_cells(word, cells, field):
    rows = [["事项名称", "事项编码", word]] + [[f"事项{i}", f"37050000{i}000", c] for i, c in enumerate(cells)]
    sheet = Sheet("S", rows, list(range(1, len(rows) + 1)))
    knowledge = ContentKnowledge(vocabulary=REFERENCE.vocabulary, towns=REFERENCE.towns)
    header = detect_header(sheet, REFERENCE.synonyms, knowledge, "崂山区")
    assert header.columns.get(field) == 2, (header.columns, header.inferred)
