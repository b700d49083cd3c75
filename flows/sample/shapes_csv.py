"""The csv district shapes (3: GBK other order, 6: UTF-8 BOM extra columns, 9: GBK CRLF line breaks).

Row numbers are the rows Excel and WPS show (header = 1): a record is one row, whatever line breaks
its quoted cells hold.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .cells import EXTRA_COLUMNS, Position, as_text, cell, ensure_parent, relative_path
from .plan import DistrictPlan

LINE_ENDINGS = {3: "\r\n", 6: "\n", 9: "\r\n"}


def encode(text: str, encoding: str) -> bytes:
    """GBK when every character fits, else GB18030 (a superset that reads the same GBK bytes)."""
    if encoding == "gbk":
        try:
            return text.encode("gbk")
        except UnicodeEncodeError:
            return text.encode("gb18030")
    return text.encode(encoding)


def _write_town(plan: DistrictPlan, town, inbox: Path, keys, headers, out: list[Position]) -> None:
    p = plan.profile
    rel = relative_path(plan, town, "csv")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=LINE_ENDINGS[p.shape])
    writer.writerow(headers)
    line = 2
    for site in town.sites:
        seq = 0
        for row in site.rows:
            seq += 1
            values = [as_text(cell(k, site, row, seq)) for k in keys]
            writer.writerow(values)
            out.append(Position(rel, "", line, site, row))
            line += 1
    ensure_parent(inbox, rel).write_bytes(encode(buf.getvalue(), p.encoding))


def write_csv_district(plan: DistrictPlan, inbox: Path) -> list[Position]:
    p = plan.profile
    keys = list(p.columns)
    headers = [p.headers[k] for k in keys]
    if p.shape == 6:
        keys += [k for k, _ in EXTRA_COLUMNS]
        headers += [label for _, label in EXTRA_COLUMNS]
    out: list[Position] = []
    for town in plan.towns:
        _write_town(plan, town, inbox, keys, headers, out)
    return out


WRITERS = {3: write_csv_district, 6: write_csv_district, 9: write_csv_district}
