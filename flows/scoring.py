"""Score a warehouse against a sample's truth.csv: matching (precision, auto-match rate, review
recall) and validation (defects found, clean rows wrongly given an error).

Used by the end-to-end tests and `make bench`; every accuracy figure in a closing note comes from here.
"""

from pathlib import Path

import duckdb
import pandas as pd

from transforms.matching import ACCEPTED_METHODS as ACCEPTED

SCORE_SQL = f"""
WITH j AS (
    SELECT s.match_method, split_part(s.catalog_code, '#', 1) AS catalog_code, s.candidates,
           nullif(t.true_code, '') AS true_code
    FROM truth t
    LEFT JOIN site_items s
      ON s.source_file = t.source_file AND coalesce(s.sheet, '') = coalesce(t.sheet, '')
     AND s.row_number = t.row_number::INTEGER
)
SELECT count(*) AS truth_rows,
       count(match_method) AS rows_in_site_items,
       count(*) FILTER (WHERE match_method IN {ACCEPTED}) AS auto_matched,
       count(*) FILTER (WHERE match_method IN {ACCEPTED} AND catalog_code = true_code) AS auto_correct,
       count(*) FILTER (WHERE true_code IS NOT NULL) AS catalog_rows,
       count(*) FILTER (WHERE true_code IS NOT NULL AND match_method IN {ACCEPTED}) AS catalog_rows_auto,
       count(*) FILTER (WHERE true_code IS NULL) AS new_item_rows,
       count(*) FILTER (WHERE true_code IS NULL AND match_method IN {ACCEPTED}) AS new_item_rows_auto,
       count(*) FILTER (WHERE match_method = 'review' AND true_code IS NOT NULL) AS review_rows,
       count(*) FILTER (WHERE match_method = 'review' AND true_code IS NOT NULL
                        AND contains(candidates, '"' || true_code || '"')) AS review_true_in_top3
FROM j
"""


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 5) if denominator else None


def _against_truth(warehouse: Path, truth_csv: Path, sql: str) -> pd.DataFrame:
    """A query over the warehouse's views and the sample's truth.csv (as the view `truth`)."""
    truth = pd.read_csv(truth_csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.register("truth", truth)
        return con.sql(sql).df()
    finally:
        con.close()


def score(warehouse: Path, truth_csv: Path) -> dict:
    row = _against_truth(warehouse, truth_csv, SCORE_SQL).iloc[0].to_dict()
    counts = {k: int(v) for k, v in row.items()}
    return {
        **counts,
        "precision": _ratio(counts["auto_correct"], counts["auto_matched"]),
        "auto_match_rate": _ratio(counts["catalog_rows_auto"], counts["catalog_rows"]),
        "new_item_auto_rate": _ratio(counts["new_item_rows_auto"], counts["new_item_rows"]),
        "review_top3_recall": _ratio(counts["review_true_in_top3"], counts["review_rows"]),
    }


FINDINGS_SQL = """
WITH f AS (
    SELECT source_file, coalesce(sheet, '') AS sheet, row_number, bool_or(severity = 'error') AS has_error
    FROM findings WHERE row_number IS NOT NULL GROUP BY ALL
), t AS (
    SELECT t.*, f.row_number IS NOT NULL AS flagged, coalesce(f.has_error, false) AS has_error
    FROM truth t LEFT JOIN f
      ON f.source_file = t.source_file AND f.sheet = coalesce(t.sheet, '') AND f.row_number = t.row_number::INTEGER
)
SELECT split_part(defect, ':', 1) AS defect, count(*) AS rows, count(*) FILTER (WHERE flagged) AS found
FROM (SELECT *, unnest(string_split(defects, ';')) AS defect FROM t WHERE defects <> '')
GROUP BY 1
UNION ALL
SELECT '(clean)', count(*), count(*) FILTER (WHERE has_error) FROM t WHERE defects = ''
"""


SITES_SQL = """
SELECT count(*) AS truth_rows,
       count(s.item_id) AS rows_landed,
       count(*) FILTER (WHERE s.site_level = t.site_level) AS level_right,
       count(*) FILTER (WHERE s.site_level = t.site_level AND coalesce(s.town, '') = t.town
                        AND coalesce(s.community, '') = coalesce(t.community, '')) AS site_right
FROM truth t
LEFT JOIN site_items s
  ON s.source_file = t.source_file AND coalesce(s.sheet, '') = coalesce(t.sheet, '')
 AND s.row_number = t.row_number::INTEGER
"""


def score_sites(warehouse: Path, truth_csv: Path) -> dict:
    """Rows found at their true (file, sheet, row), and on their true level, town and community."""
    row = _against_truth(warehouse, truth_csv, SITES_SQL).iloc[0].to_dict()
    counts = {k: int(v) for k, v in row.items()}
    return {**counts, "landed_rate": _ratio(counts["rows_landed"], counts["truth_rows"]),
            "level_rate": _ratio(counts["level_right"], counts["truth_rows"]),
            "site_rate": _ratio(counts["site_right"], counts["truth_rows"])}


def evaluate(warehouse: Path, truth_csv: Path) -> dict:
    """Every measure of an evaluation set in one record (matching, validation, sites)."""
    return {"matching": score(warehouse, truth_csv), "findings": score_findings(warehouse, truth_csv),
            "sites": score_sites(warehouse, truth_csv)}


def score_findings(warehouse: Path, truth_csv: Path) -> dict:
    """Share of injected defects that got a finding on their row, per kind; clean rows given an error."""
    rows = list(_against_truth(warehouse, truth_csv, FINDINGS_SQL).itertuples(index=False, name=None))
    kinds = {kind: (n, found) for kind, n, found in rows if kind != "(clean)"}
    [(clean, clean_errors)] = [(n, found) for kind, n, found in rows if kind == "(clean)"]
    total, found = sum(n for n, _ in kinds.values()), sum(f for _, f in kinds.values())
    return {
        "defects": total,
        "defects_found": found,
        "defect_recall": _ratio(found, total),
        "recall_by_kind": {kind: _ratio(f, n) for kind, (n, f) in sorted(kinds.items())},
        "clean_rows": clean,
        "clean_rows_with_error": clean_errors,
        "clean_error_rate": _ratio(clean_errors, clean),
    }
