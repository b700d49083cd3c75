"""Reference data: the seeds load, and the accepted code formats are configurable without code."""

import shutil

import pytest

from transforms.codes import normalize_code
from warehouse.reference import SEEDS_DIR, ReferenceError, load_reference


def seeds_with_patterns(tmp_path, text):
    shutil.copytree(SEEDS_DIR, tmp_path / "seeds")
    (tmp_path / "seeds" / "code_patterns.csv").write_text(text, encoding="utf-8-sig")
    return tmp_path / "seeds"


def test_the_bundled_seeds_load():
    reference = load_reference()
    assert len(reference.district_codes) == 10 and reference.synonyms and reference.aliases
    assert normalize_code("37XK00100", reference.code_patterns).kind == "local"


def test_a_local_code_format_added_by_staff_is_accepted(tmp_path):
    seeds = seeds_with_patterns(tmp_path, "类型,正则,说明\nlocal,QD-\\d{6},青岛本地编码\n")
    patterns = load_reference(seeds).code_patterns
    assert normalize_code("QD-000123", patterns).kind == "local"
    assert normalize_code("000115015005", patterns).kind == "basic", "the basic pattern stays the default"


def test_bad_patterns_are_reported_not_raised_as_tracebacks(tmp_path):
    seeds = seeds_with_patterns(tmp_path, "类型,正则,说明\nlocal,QD-(\\d{6},坏的\nweird,x,?\n")
    with pytest.raises(ReferenceError) as error:
        load_reference(seeds)
    assert "code_patterns.csv" in str(error.value)


def test_a_vocabulary_spelling_meaning_two_codes_is_reported_not_raised_as_a_fault(tmp_path):
    shutil.copytree(SEEDS_DIR, tmp_path / "seeds")
    with open(tmp_path / "seeds" / "vocabularies.csv", "a", encoding="utf-8") as f:
        f.write("handling_type,1,即办件,承诺\n")  # 承诺 is 承诺件 (2) already
    with pytest.raises(ReferenceError) as error:
        load_reference(tmp_path / "seeds")
    assert "vocabularies.csv" in str(error.value) and "承诺" in str(error.value)


def test_a_file_saved_as_gbk_is_reported_not_raised_as_a_fault(tmp_path):
    shutil.copytree(SEEDS_DIR, tmp_path / "seeds")
    text = (SEEDS_DIR / "towns.csv").read_text(encoding="utf-8-sig")
    (tmp_path / "seeds" / "towns.csv").write_bytes(text.encode("gbk"))  # Excel's plain 'CSV' on Chinese Windows
    with pytest.raises(ReferenceError) as error:
        load_reference(tmp_path / "seeds")
    assert "towns.csv" in str(error.value) and "UTF-8" in str(error.value)
