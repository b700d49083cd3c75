"""The rules run over the site items' distinct check profiles, not over every row: the failing rows
must be exactly those a validation of every row finds."""

import shutil

import duckdb
import pytest

from expectations.rules import ROW_RULES
from expectations.runner import run_rules
from warehouse import checks

pytestmark = pytest.mark.slow


def test_validating_check_profiles_finds_the_rows_validating_every_row_finds(two_months, tmp_path):
    _, paths, *_ = two_months
    shutil.copyfile(paths["warehouse"], tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    every_row = con.sql(checks.validation_frame_sql()).df()
    _, row_failures = run_rules(every_row, "every_row", ROW_RULES, id_column="item_id")

    profiles = checks.check_profiles(con)
    _, profile_failures = run_rules(profiles, "profiles", ROW_RULES, id_column="profile_id")
    items = con.sql("SELECT item_id, profile_id FROM check_row_profiles").df()
    con.close()
    via_profiles = profile_failures.merge(items, left_on="row_id", right_on="profile_id")

    assert len(row_failures) > 1000 and row_failures["rule"].nunique() >= 10  # the sample's defects fail many rules
    assert sorted(zip(via_profiles["item_id"], via_profiles["rule"])) == \
        sorted(zip(row_failures["row_id"], row_failures["rule"]))
    assert profiles["row_count"].sum() == len(every_row) == len(items)
    assert len(profiles) < len(every_row) / 5


def test_a_code_of_another_item_on_a_row_its_name_decided_is_a_finding():
    from expectations.rules import CODE_HINT_RULES, ROW_RULES
    from warehouse import checks, db

    con = db.connect()
    con.execute("INSERT INTO core.site_items (item_id, district, town, site_level, catalog_code, coded_item, "
                "match_method, code_kind) VALUES (1, '市南区', '八大峡街道', '镇(街道)', '370500277000', '370500004000', "
                "'name', 'basic'), (2, '市南区', '八大峡街道', '镇(街道)', '370500004000', '370500004000', 'code', 'basic')")
    rows = con.sql(f"SELECT item_id, code_names_item FROM ({checks.validation_frame_sql()}) ORDER BY 1").fetchall()
    assert rows == [(1, False), (2, True)]
    rule = next(r for r in ROW_RULES if r.rule == "code.other_item")
    assert rule.kwargs["column"] == "code_names_item" and rule.rule in CODE_HINT_RULES
