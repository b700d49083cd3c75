"""What the writers share: cell values, file paths, titles and the position record of each row."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .plan import DistrictPlan, Site, TownPlan
from .rows import Row

EXTRA_COLUMNS = (("phone", "联系电话"), ("window", "窗口名称"), ("address", "办理地点"))
FILL_DATE = "2026年11月"


@dataclass(frozen=True)
class Position:
    """Where one generated row landed: what truth.csv records."""
    source_file: str  # relative to the inbox, "/"-separated
    sheet: str  # "" for csv
    row_number: int  # Excel row (1-based, title/header rows counted); csv: the record's row as Excel shows it
    site: Site
    row: Row


def cell(key: str, site: Site, row: Row, seq: int):
    """The value a district writes in column `key` for `row` at `site` (None: leave blank)."""
    if key == "town":
        return site.town
    if key == "community":
        return site.community or None
    if key == "site_level":
        return site.level
    if key == "site":  # one 服务站点 column naming the town's centre or a community's station
        return f"{site.community}便民服务站" if site.community else f"{site.town}便民服务中心"
    if key == "seq":
        return seq
    if key in ("phone", "window", "address"):
        return getattr(site, key)
    value = row.values.get(key, "")
    return value if value != "" else None


def as_text(value) -> str:
    return "" if value is None else str(value)


def relative_path(plan: DistrictPlan, town: TownPlan | None, ext: str) -> str:
    """inbox-relative path: <区市>/<subfolder>/<stem>.<ext>; one file per town, or per district."""
    profile = plan.profile
    if town is None:
        stem = f"{plan.district.name}便民服务事项清单（汇总）"
    else:
        stem = profile.file_stem.format(district=plan.district.name, town=town.name)
    parts = [plan.district.name] + [p for p in profile.subfolder.split("/") if p] + [f"{stem}.{ext}"]
    return "/".join(parts)


def ensure_parent(inbox: Path, rel: str) -> Path:
    path = inbox / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def title(plan: DistrictPlan, town: TownPlan | None, suffix: str = "") -> str:
    place = plan.district.name + (town.name if town else "")
    return f"{place}便民服务事项清单{suffix}"
