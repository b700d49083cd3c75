"""Score a warehouse against a sample's truth.csv: match precision, auto-match rate, review recall.

Used by the end-to-end tests and `make bench`; every accuracy figure in a closing note comes from here.
"""

from pathlib import Path

import duckdb
import pandas as pd

from transforms.matching import ACCEPTED_METHODS as ACCEPTED

SCORE_SQL = f"""
WITH j AS (
    SELECT s.match_method, s.catalog_code, s.candidates, nullif(t.true_code, '') AS true_code
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


def score(warehouse: Path, truth_csv: Path) -> dict:
    truth = pd.read_csv(truth_csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.register("truth", truth)
        row = con.sql(SCORE_SQL).df().iloc[0].to_dict()
    finally:
        con.close()
    counts = {k: int(v) for k, v in row.items()}
    return {
        **counts,
        "precision": _ratio(counts["auto_correct"], counts["auto_matched"]),
        "auto_match_rate": _ratio(counts["catalog_rows_auto"], counts["catalog_rows"]),
        "new_item_auto_rate": _ratio(counts["new_item_rows_auto"], counts["new_item_rows"]),
        "review_top3_recall": _ratio(counts["review_true_in_top3"], counts["review_rows"]),
    }
