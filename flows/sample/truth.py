"""truth.csv: one row per generated data row, in file order, with its exact position and tags."""

from __future__ import annotations

import csv
import io

from .cells import Position
from .defects import DEFECT_ORDER
from .rows import NOISE_ORDER

TRUTH_COLUMNS = (
    "source_file", "sheet", "row_number", "district", "town", "community", "site_level",
    "true_code", "defects", "noise", "raw_name",
)


def _defect_key(tag: str) -> tuple[int, str]:
    kind, _, field = tag.partition(":")
    return DEFECT_ORDER.index(kind), field


def truth_records(district: str, positions: list[Position]) -> list[tuple]:
    return [
        (
            p.source_file, p.sheet, p.row_number, district, p.site.town, p.site.community, p.site.level,
            p.row.true_code, ";".join(sorted(p.row.defects, key=_defect_key)),
            ";".join(sorted(p.row.noise, key=NOISE_ORDER.index)), str(p.row.values.get("item_name", "")),
        )
        for p in positions
    ]


def truth_text(records: list[tuple], header: bool = False) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if header:
        writer.writerow(TRUTH_COLUMNS)
    writer.writerows(records)
    return buf.getvalue()
