"""`mulu report monthly` and the served deployment `monthly_report/25th` (09:00 on the 25th, Asia/Shanghai).

Writes OUT/月报_YYYY-MM.xlsx and OUT/月报_YYYY-MM.html, each under a temporary name and renamed into
place, so a reader never opens half a report.
"""

import os
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow

from warehouse import db
from warehouse.reports.monthly_html import monthly_report_html
from warehouse.reports.monthly import gather
from warehouse.reports.monthly_xlsx import write_monthly_xlsx
from warehouse.reference import load_reference
from warehouse.run_lock import run_lock

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MONTHLY_CRON = "0 9 25 * *"  # seed §三(二): progress is reported on the 25th of each month


class MonthError(ValueError):
    pass


def this_month() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")


def write_monthly_report(warehouse: Path, out: Path, month: str | None = None, reference_dir: Path | None = None,
                         wait: float = 0) -> list[Path]:
    """The month's xlsx and HTML in `out`; raises MonthError for a month that is not YYYY-MM."""
    month = month or this_month()
    if not MONTH.match(month):
        raise MonthError(f"月份应写成 YYYY-MM（例如 2026-11），收到：{month}")
    if not Path(warehouse).is_file():
        raise FileNotFoundError(f"仓库文件不存在：{warehouse}")
    reference = load_reference(reference_dir)
    known = list(reference.district_codes)
    with run_lock(Path(warehouse), wait, command="mulu report monthly"):
        con = db.connect(warehouse)
        try:
            report = gather(con, month, known, reference.towns)
        finally:
            con.close()
    out.mkdir(parents=True, exist_ok=True)
    xlsx, html = out / f"月报_{month}.xlsx", out / f"月报_{month}.html"
    partial = xlsx.with_name(f".{xlsx.name}.part")
    write_monthly_xlsx(partial, report)
    os.replace(partial, xlsx)
    partial = html.with_name(f".{html.name}.part")
    partial.write_text(monthly_report_html(report), encoding="utf-8")
    os.replace(partial, html)
    return [xlsx, html]


@flow(name="monthly_report", log_prints=True)
def monthly_report(warehouse: str, out: str, month: str | None = None, reference: str | None = None,
                   wait: float = 3600) -> list[str]:
    """The monthly report; served on the 25th at 09:00, it waits up to an hour for a refresh still running."""
    paths = write_monthly_report(Path(warehouse), Path(out), month, Path(reference) if reference else None, wait)
    for path in paths:
        print(f"月报：{path}")
    return [str(p) for p in paths]
