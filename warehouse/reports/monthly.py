"""The monthly progress report (seed §三(二): every district reports on the 25th), gathered from DuckDB.

Per district: the sites reporting, items per site, 网上可办率 per site against its bar (镇(街道) 60 %,
村(社区) 50 %), 全市统一 conformance, the open findings by rule, the catalog changes of the month and
the trend over the months before. A month's state is that of its last run that rebuilt the site
items (warehouse/month_stats.py). Written as xlsx (warehouse/reports/monthly_xlsx.py) and one HTML page
with charts (warehouse/reports/monthly_html.py).
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd

from expectations.rules import ONLINE_SHARE
from transforms.fields import COMMUNITY_LEVEL, CONFORMANCE_ELEMENTS, TOWN_LEVEL
from warehouse.coverage import coverage_sql, run_sites
from warehouse.month_stats import month_end, run_stats, state_run

TREND_MONTHS = 6
FINDING_COLUMNS = ["区(市)", "规则", "级别", "问题说明", "条数"]
RUN_WORDS = {"published": "已发布", "unchanged": "无变化", "blocked": "未通过发布审核", "failed": "失败",
             "abandoned": "中断", "running": "运行中"}


@dataclass
class MonthlyReport:
    month: str                 # YYYY-MM
    state_run: str | None      # the run whose figures are the month's state
    state_time: datetime | None
    districts: list[str]       # every district: the reference's and any with data
    overview: pd.DataFrame     # one row per district (Chinese columns)
    sites: pd.DataFrame        # one row per site of the month's state
    findings: pd.DataFrame     # open findings: district × rule
    changes: pd.DataFrame      # the catalog's changes published in the month
    versions: pd.DataFrame     # the versions published in the month, with their counts
    trend: pd.DataFrame        # month × district figures, the last TREND_MONTHS months
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per town (Chinese columns)
    runs: dict[str, int] = field(default_factory=dict)  # the month's runs by status (Chinese)
    generated_at: datetime = field(default_factory=datetime.now)


def month_start(month: str) -> date:
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1)


def previous_months(month: str, count: int) -> list[str]:
    """The month and the count − 1 before it, oldest first."""
    start = month_start(month)
    months = []
    for back in range(count - 1, -1, -1):
        index = start.year * 12 + start.month - 1 - back
        months.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
    return months


def gather(con: duckdb.DuckDBPyConnection, month: str, known_districts: list[str],
           known_towns: dict[str, list[str]]) -> MonthlyReport:
    run_id = state_run(con, month)
    sites, district_figures = run_stats(con, run_id) if run_id else (pd.DataFrame(), pd.DataFrame())
    found = sorted(set(district_figures["district"].dropna()) if not district_figures.empty else set())
    districts = list(known_districts) + [d for d in found if d not in known_districts]
    findings = open_findings(con, run_id) if run_id else pd.DataFrame(columns=FINDING_COLUMNS)
    state_time = con.execute("SELECT started_at FROM audit.runs WHERE run_id = ?", [run_id]).fetchall()[0][0] \
        if run_id else None
    changes, versions = month_changes(con, month)
    return MonthlyReport(
        month=month, state_run=run_id, state_time=state_time, districts=districts,
        overview=overview(month, districts, sites, district_figures, findings, known_towns),
        sites=site_rows(sites), findings=findings, changes=changes, versions=versions,
        trend=trend(con, month, districts), runs=month_runs(con, month), coverage=coverage(con, run_id))


COVERAGE_WORDS = {"district": "区(市)", "town": "镇(街道)", "centre_reported": "中心已报送",
                  "communities_listed": "名单中的村(社区)", "communities_reported": "已报送的村(社区)站",
                  "communities_silent": "未报送的村(社区)", "stations_unlisted": "名单外的站",
                  "points_reported": "已报送的便民服务点"}


def coverage(con: duckdb.DuckDBPyConnection, run_id: str | None) -> pd.DataFrame:
    """Each town's sites in the month's state against the listed places (warehouse/coverage.py)."""
    if run_id is None:
        return pd.DataFrame(columns=list(COVERAGE_WORDS.values()))
    frame = con.sql(coverage_sql(run_sites(run_id))).df().drop(columns=["town_listed"])
    frame["centre_reported"] = frame["centre_reported"].map({True: "是", False: "否"})
    return frame.rename(columns=COVERAGE_WORDS)


def coverage_by_district(frame: pd.DataFrame) -> pd.DataFrame:
    """Per district: towns whose 中心 reported, listed communities whose 站 reported, and the share."""
    if frame.empty:
        return pd.DataFrame(columns=["区(市)", "中心已报送", "镇(街道)数", "名单中的村(社区)", "已报送的村(社区)站", "站点覆盖率"])
    grouped = frame.assign(centre=frame["中心已报送"] == "是").groupby("区(市)")
    out = pd.DataFrame({"中心已报送": grouped["centre"].sum(), "镇(街道)数": grouped.size(),
                        "名单中的村(社区)": grouped["名单中的村(社区)"].sum(),
                        "已报送的村(社区)站": grouped["已报送的村(社区)站"].sum()}).reset_index()
    listed = out["名单中的村(社区)"].astype(float)
    out["站点覆盖率"] = (out["已报送的村(社区)站"] / listed).where(listed > 0)
    return out


def _site_counts(sites: pd.DataFrame) -> pd.DataFrame:
    """Per district: towns and communities reporting, items per site, sites meeting the online bar."""
    placed = sites[sites["town"].notna()] if not sites.empty else sites
    if "site_point" in placed:  # 中心 and 站 only: a 便民服务点 is counted in coverage
        placed = placed[placed["site_point"].fillna("") == ""]
    rows = []
    for district, group in placed.groupby("district") if not placed.empty else []:
        towns = group[group["site_level"] == TOWN_LEVEL]
        communities = group[group["site_level"] == COMMUNITY_LEVEL]
        application = group["application_items"].sum()
        rows.append({
            "district": district, "towns": group["town"].nunique(), "communities": len(communities),
            "town_items": towns["items"].mean() if len(towns) else None,
            "community_items": communities["items"].mean() if len(communities) else None,
            "towns_ok": int(towns["online_share_ok"].fillna(False).sum()),
            "towns_rated": int(towns["online_share"].notna().sum()),
            "communities_ok": int(communities["online_share_ok"].fillna(False).sum()),
            "communities_rated": int(communities["online_share"].notna().sum()),
            "online_share": group["online_items"].sum() / application if application else None,
            "unplaced": 0})
    frame = pd.DataFrame(rows, columns=["district", "towns", "communities", "town_items", "community_items",
                                        "towns_ok", "towns_rated", "communities_ok", "communities_rated",
                                        "online_share", "unplaced"])
    if not sites.empty:
        unplaced = sites[sites["town"].isna()].groupby("district")["items"].sum()
        frame["unplaced"] = frame["district"].map(unplaced).fillna(0).astype(int)
    return frame


def submission_state(figures, month: str) -> str:
    """未报送; 本月有新报送; or 沿用 <date> 的报送 (a district that sends nothing keeps its last submission)."""
    if figures is None:
        return "未报送"
    received = figures["last_received"]
    if received is None or pd.isna(received):
        return "已报送"
    received = pd.Timestamp(received)
    if received.date() >= month_start(month):
        return "本月有新报送"
    return f"沿用 {received:%Y-%m-%d} 的报送"


def overview(month: str, districts: list[str], sites: pd.DataFrame, figures: pd.DataFrame, findings: pd.DataFrame,
             known_towns: dict[str, list[str]]) -> pd.DataFrame:
    counts = _site_counts(sites).set_index("district")
    figures = figures.set_index("district") if not figures.empty else pd.DataFrame()
    rows = []
    for district in districts:
        c = counts.loc[district] if district in counts.index else None
        f = figures.loc[district] if district in figures.index else None
        known = len(known_towns.get(district, []))
        rows.append({
            "区(市)": district,
            "报送情况": submission_state(f, month),
            "已报送镇(街道)": int(c["towns"]) if c is not None else 0,
            "应报送镇(街道)": known or None,
            "已报送村(社区)": int(c["communities"]) if c is not None else 0,
            "镇(街道)平均事项数": _round(c["town_items"]) if c is not None else None,
            "村(社区)平均事项数": _round(c["community_items"]) if c is not None else None,
            f"镇(街道)网办率≥{ONLINE_SHARE[TOWN_LEVEL]:.0%}": _ratio(c, "towns_ok", "towns_rated"),
            f"村(社区)网办率≥{ONLINE_SHARE[COMMUNITY_LEVEL]:.0%}": _ratio(c, "communities_ok", "communities_rated"),
            "网上可办率": c["online_share"] if c is not None else None,
            "全市统一符合率": f["conformance_share"] if f is not None else None,
            "收到事项行": int(f["rows_received"]) if f is not None else 0,
            "自动匹配行": int(f["rows_matched"]) if f is not None else 0,
            "待人工核对行": int(f["rows_review"]) if f is not None else 0,
            "未能确定站点的行": int(c["unplaced"]) if c is not None else 0,
            "未解决错误": _open(findings, district, "错误"),
            "未解决提醒": _open(findings, district, "提醒"),
        })
        if f is not None:
            shares = json.loads(f["element_shares"] or "{}")
            rows[-1].update({f"{label}符合率": shares.get(name) for name, label in CONFORMANCE_ELEMENTS.items()})
    return pd.DataFrame(rows)


def _round(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 1)


def _ratio(counts, ok: str, rated: str) -> str | None:
    return f"{int(counts[ok])}/{int(counts[rated])}" if counts is not None and counts[rated] else None


def _open(findings: pd.DataFrame, district: str, severity: str) -> int:
    chosen = findings[(findings["区(市)"] == district) & (findings["级别"] == severity)]
    return int(chosen["条数"].sum())


def site_rows(sites: pd.DataFrame) -> pd.DataFrame:
    if sites.empty:
        return pd.DataFrame(columns=["区(市)", "镇(街道)", "村(社区)", "便民服务点", "层级", "事项行", "已匹配",
                                     "依申请事项", "网上可办", "网上可办率", "应达到", "是否达标"])
    frame = sites.copy()
    frame["town"] = frame["town"].fillna("（未能确定站点）")
    frame["online_share_ok"] = frame["online_share_ok"].map({True: "达标", False: "未达标"})
    return frame.rename(columns={
        "district": "区(市)", "town": "镇(街道)", "community": "村(社区)", "site_point": "便民服务点",
        "site_level": "层级", "items": "事项行",
        "matched_items": "已匹配", "application_items": "依申请事项", "online_items": "网上可办",
        "online_share": "网上可办率", "online_share_required": "应达到", "online_share_ok": "是否达标"})


def open_findings(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    """The findings of the month's state run, counted by district and rule: what is still to fix."""
    return con.execute("""
        SELECT coalesce(district, '（未归属）') AS "区(市)", rule AS "规则",
               CASE severity WHEN 'error' THEN '错误' ELSE '提醒' END AS "级别",
               any_value(message) AS "问题说明", count(*) AS "条数"
        FROM audit.findings WHERE run_id = ?
        GROUP BY ALL ORDER BY "区(市)", "级别", "条数" DESC, "规则"
    """, [run_id]).df()


def month_changes(con: duckdb.DuckDBPyConnection, month: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(every change published in the month, one row per version with its counts)."""
    bounds = [month_start(month), month_end(month)]
    changes = con.execute("""
        SELECT 'v' || c.version AS "版本", v.published_at AS "发布时间", c.site_level AS "层级",
               c.catalog_code AS "事项编码", c.item_name AS "事项名称", c.change AS "变化", c.detail AS "详情"
        FROM published.catalog_changes c JOIN published.catalog_versions v USING (version)
        WHERE v.published_at >= ? AND v.published_at < ?
        ORDER BY c.version, c.change, c.site_level, c.catalog_code
    """, bounds).df()
    versions = con.execute("""
        SELECT 'v' || version AS "版本", published_at AS "发布时间", item_count AS "目录行数",
               added AS "新增", removed AS "删除", changed AS "变更"
        FROM published.catalog_versions WHERE published_at >= ? AND published_at < ? ORDER BY version
    """, bounds).df()
    return changes, versions


def month_runs(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, int]:
    rows = con.execute("SELECT status, count(*) FROM audit.runs WHERE started_at >= ? AND started_at < ? "
                       "GROUP BY status", [month_start(month), month_end(month)]).fetchall()
    return {RUN_WORDS.get(status, status): count for status, count in sorted(rows)}


def trend(con: duckdb.DuckDBPyConnection, month: str, districts: list[str]) -> pd.DataFrame:
    """Per month and district: rows, towns and communities reporting, 网上可办率, 全市统一符合率, errors.
    A month without a run keeps the state before it; before the first run there is no figure."""
    rows = []
    for each in previous_months(month, TREND_MONTHS):
        run_id = state_run(con, each)
        sites, figures = run_stats(con, run_id) if run_id else (pd.DataFrame(), pd.DataFrame())
        counts = _site_counts(sites).set_index("district")
        figures = figures.set_index("district") if not figures.empty else pd.DataFrame()
        for district in districts:
            has = run_id is not None and district in figures.index
            c = counts.loc[district] if district in counts.index else None
            rows.append({
                "月份": each, "区(市)": district,
                "收到事项行": int(figures.loc[district, "rows_received"]) if has else None,
                "已报送镇(街道)": int(c["towns"]) if c is not None else (0 if run_id else None),
                "已报送村(社区)": int(c["communities"]) if c is not None else (0 if run_id else None),
                "网上可办率": c["online_share"] if c is not None else None,
                "全市统一符合率": figures.loc[district, "conformance_share"] if has else None,
                "错误": int(figures.loc[district, "errors"]) if has else None,
            })
    return pd.DataFrame(rows)
