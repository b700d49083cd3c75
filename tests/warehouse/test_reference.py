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
