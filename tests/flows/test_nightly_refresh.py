"""The nightly refresh end to end on the small sample city, under one Prefect test server."""

import json
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest

from expectations.data_docs import external_assets
from flows.refresh import nightly_refresh
from warehouse.db import read_rows
from flows.scoring import score, score_findings
from warehouse.reference import CATALOG_SEED

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def first_run(small_city, tmp_path_factory, prefect_harness):
    base = tmp_path_factory.mktemp("refresh")
    inbox = base / "inbox"
    shutil.copytree(small_city / "inbox", inbox)
    paths = {"inbox": str(inbox), "warehouse": str(base / "mulu.duckdb"), "out": str(base / "out")}
    summary = nightly_refresh(**paths)
    return base, paths, summary


def test_first_run_publishes_version_1_with_every_row(first_run, small_city):
    base, paths, summary = first_run
    truth_rows = sum(1 for _ in open(small_city / "truth.csv", encoding="utf-8-sig")) - 1
    assert summary["status"] == "published"
    assert summary["version"] == 1
    assert summary["rows_total"] == truth_rows
    [(rows, without_method)] = read_rows(paths["warehouse"],
                                     "SELECT count(*), count(*) FILTER (WHERE match_method IS NULL) FROM site_items")
    assert rows == truth_rows and without_method == 0


def test_match_accuracy_against_truth(first_run, small_city):
    _, paths, _ = first_run
    figures = score(paths["warehouse"], small_city / "truth.csv")
    assert figures["rows_in_site_items"] == figures["truth_rows"]
    assert figures["precision"] >= 0.99
    assert figures["auto_match_rate"] >= 0.90


def test_validation_finds_the_injected_defects_and_spares_clean_rows(first_run, small_city):
    _, paths, _ = first_run
    figures = score_findings(paths["warehouse"], small_city / "truth.csv")
    assert figures["defect_recall"] >= 0.98, figures["recall_by_kind"]
    assert figures["clean_error_rate"] <= 0.005


def test_catalog_has_both_levels_and_standard_elements(first_run):
    _, paths, _ = first_run
    levels = dict(read_rows(paths["warehouse"], "SELECT site_level, count(*) FROM catalog GROUP BY 1"))
    assert set(levels) == {"镇(街道)", "村(社区)"}
    [(missing,)] = read_rows(paths["warehouse"],
                         "SELECT count(*) FROM catalog WHERE item_name IS NULL OR legal_basis IS NULL OR materials IS NULL")
    assert missing == 0
    [(versions,)] = read_rows(paths["warehouse"], "SELECT count(*) FROM catalog_versions")
    assert versions == 1


def test_published_files_open_in_real_readers(first_run):
    base, _, _ = first_run
    out = base / "out"
    workbook = openpyxl.load_workbook(out / "便民服务事项指导目录清单.xlsx", read_only=True)
    assert workbook.sheetnames == ["镇(街道)", "村(社区)"]
    header = next(workbook["镇(街道)"].iter_rows(max_row=1, values_only=True))
    assert header[:3] == ("事项编码", "事项名称", "事项类型")
    assert (out / "便民服务事项指导目录清单.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    [(parquet_rows,)] = duckdb.sql(
        f"SELECT count(*) FROM '{(out / '便民服务事项指导目录清单.parquet').as_posix()}'").fetchall()
    assert parquet_rows > 0
    reports = sorted(p.name for p in (out / "reports").iterdir() if p.is_file() and p.name != "目录问题.xlsx")
    assert len(reports) == 20 and {name.rsplit(".", 1)[1] for name in reports} == {"html", "xlsx"}
    copies = [p for p in (out / "reports").iterdir() if p.is_dir()]
    assert copies and all(p.name.endswith("_修正稿") and any(p.rglob("*_修正稿.xlsx")) for p in copies)
    staff = openpyxl.load_workbook(out / "reports" / "目录问题.xlsx", read_only=True)
    assert staff.sheetnames == ["汇总", "目录问题", "参考数据问题", "收件箱问题", "名称规则"]
    report = openpyxl.load_workbook(out / "reports" / "市南区_一次告知.xlsx", read_only=True)
    assert report.sheetnames == ["汇总", "问题汇总", "问题清单", "站点覆盖"]
    coverage = list(report["站点覆盖"].iter_rows(values_only=True))
    assert coverage[0][:2] == ("镇(街道)", "中心已报送") and len(coverage) > 1, "every town of the district"
    summary = dict(report["汇总"].iter_rows(min_row=2, values_only=True))
    assert summary["区(市)"] == "市南区" and summary["全市统一符合率"].endswith("%")
    problems = list(report["问题清单"].iter_rows(values_only=True))
    header = problems[0]
    submitted, standard = header.index("报送值"), header.index("目录值")
    assert standard == submitted + 1, "the submitted value and the catalog's side by side"
    conformance = [r for r in problems[1:] if str(r[header.index("规则")]).startswith("conformance.")]
    assert conformance and all(r[standard] for r in conformance)
    page = (out / "reports" / "市南区_一次告知.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2
    docs = (out / "data_docs" / "index.html").read_text(encoding="utf-8")
    assert all(suite in docs for suite in ("site_items", "sites", "publish_audit"))
    assert "__none__" not in docs and "'asset_name': 'core.site_items (check profiles)'" in docs
    assert not any(external_assets(page.read_text(encoding="utf-8")) for page in (out / "data_docs").rglob("*.html"))


def test_findings_point_at_file_sheet_and_row(first_run):
    _, paths, _ = first_run
    rows = read_rows(paths["warehouse"], """
        SELECT count(*), count(*) FILTER (WHERE row_number IS NULL), count(DISTINCT rule)
        FROM findings WHERE severity = 'error'""")
    errors, without_row, rules = rows[0]
    assert errors > 0 and without_row == 0 and rules >= 5


def test_second_run_with_nothing_new_skips_the_work(first_run):
    _, paths, _ = first_run
    con = duckdb.connect(paths["warehouse"])  # a run whose process was killed stays 'running'
    con.execute("INSERT INTO audit.runs (run_id, started_at, status) VALUES ('killed', now(), 'running')")
    con.close()
    summary = nightly_refresh(**paths)
    [(status,)] = read_rows(paths["warehouse"], "SELECT status FROM runs WHERE run_id = 'killed'")
    assert status == "abandoned", "found at the next start, while the lock says no other run is alive"
    assert summary["status"] == "unchanged"
    assert summary["version"] == 1
    assert summary["files_read"] == 0


def test_an_unchanged_night_writes_a_missing_public_site(first_run, tmp_path):
    _, paths, _ = first_run
    summary = nightly_refresh(**{**paths, "out": str(tmp_path / "new-out")})
    assert summary["status"] == "unchanged"
    assert "v1" in (tmp_path / "new-out" / "site" / "index.html").read_text(encoding="utf-8")


def test_bad_files_become_findings_and_keep_the_last_good_rows(first_run):
    base, paths, _ = first_run
    inbox = base / "inbox"
    district = "莱西市"
    [(before,)] = read_rows(paths["warehouse"], f"SELECT count(*) FROM site_items WHERE district = '{district}'")
    [(jiaozhou_before,)] = read_rows(paths["warehouse"], "SELECT count(*) FROM site_items WHERE district = '胶州市'")
    victim = sorted((inbox / district).rglob("*.xlsx"))[0]
    victim.write_bytes(b"PK\x03\x04 this is not a workbook")  # the same path, now corrupt
    original = sorted((inbox / "胶州市").rglob("*.xlsx"))[0]
    shutil.copy(original, inbox / "胶州市" / "副本.xlsx")  # the same file sent twice
    (inbox / district / "空文件.csv").write_bytes(b"")
    (inbox / district / "说明.csv").write_text("这不是一个事项表\n只是一段说明\n", encoding="utf-8")

    summary = nightly_refresh(**paths)

    assert summary["status"] == "published"
    [(after,)] = read_rows(paths["warehouse"], f"SELECT count(*) FROM site_items WHERE district = '{district}'")
    assert after == before
    findings = read_rows(paths["warehouse"], f"""
        SELECT source_file, rule FROM findings WHERE district = '{district}' AND row_number IS NULL""")
    by_file = {source.split("/")[-1]: rule for source, rule in findings}
    assert by_file[victim.name] == "file_corrupt"
    assert by_file["空文件.csv"] == "file_empty"
    assert by_file["说明.csv"] in ("header_not_found", "no_item_rows")
    [(duplicate_rule,)] = read_rows(paths["warehouse"], "SELECT rule FROM findings WHERE source_file = '胶州市/副本.xlsx'")
    assert duplicate_rule == "file_duplicate"
    assert read_rows(paths["warehouse"], "SELECT count(*) FROM site_items WHERE district = '胶州市'") == [
        (jiaozhou_before,)], "a duplicate adds no rows"


def test_a_failed_publish_audit_keeps_the_last_good_version(first_run, tmp_path):
    _, paths, _ = first_run
    [(published_before,)] = read_rows(paths["warehouse"], "SELECT max(version) FROM catalog_versions")
    lines = CATALOG_SEED.read_text(encoding="utf-8-sig").splitlines()
    shrunk = tmp_path / "half_catalog.csv"
    shrunk.write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8-sig")

    summary = nightly_refresh(**paths, catalog=str(shrunk))

    assert summary["status"] == "blocked"
    assert any("减少超过" in reason for reason in summary["reasons"])
    [(published_after,)] = read_rows(paths["warehouse"], "SELECT max(version) FROM catalog_versions")
    assert published_after == published_before
    [(status,)] = read_rows(paths["warehouse"], "SELECT status FROM runs ORDER BY started_at DESC LIMIT 1")
    assert status == "blocked"
    alert = Path(paths["out"]) / "ALERT.txt"
    assert "未通过发布审核" in alert.read_text(encoding="utf-8") and "减少超过" in alert.read_text(encoding="utf-8")
    assert nightly_refresh(**paths)["status"] == "unchanged" and not alert.exists(), "a good night answers it"


def test_a_failed_night_leaves_an_alert(first_run, tmp_path, monkeypatch):
    _, paths, _ = first_run
    import flows.refresh

    def broken(options, logger):
        raise OSError("磁盘已满")

    monkeypatch.setattr(flows.refresh, "run_refresh", broken)
    out = tmp_path / "out"
    with pytest.raises(OSError):
        nightly_refresh(**{**paths, "out": str(out)})
    alert = (out / "ALERT.txt").read_text(encoding="utf-8")
    assert "运行失败" in alert and "磁盘已满" in alert


def test_a_user_catalog_with_only_names_and_codes(small_city, tmp_path, prefect_harness):
    """--catalog takes an xlsx with only 事项名称 and 事项编码; the other elements come from the districts."""
    import xlsxwriter

    from warehouse.reference import read_seed

    rows = read_seed("catalog.csv")
    path = tmp_path / "我的目录.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("目录")
    sheet.write_row(0, 0, ["序号", "事项名称", "事项编码"])
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, [i, row["事项名称"], row["事项编码"]])
    workbook.close()

    warehouse = str(tmp_path / "mulu.duckdb")
    summary = nightly_refresh(inbox=str(small_city / "inbox"), catalog=str(path), warehouse=warehouse,
                              out=str(tmp_path / "out"))

    assert summary["status"] == "published"
    [(items, without_basis)] = read_rows(warehouse, "SELECT count(*), count(*) FILTER (WHERE legal_basis IS NULL) FROM catalog")
    assert items > 100 and without_basis == 0


def test_staff_query_the_snapshot_while_the_warehouse_is_held(first_run, capsys):
    from flows.cli import main

    _, paths, _ = first_run
    writer = duckdb.connect(paths["warehouse"])  # as a running refresh holds it: no reader could open it
    try:
        capsys.readouterr()
        code = main(["query", "SELECT site_level, count(*) AS n FROM catalog GROUP BY 1 ORDER BY 1", "--out",
                     paths["out"], "--csv"])
        lines = capsys.readouterr().out.splitlines()
        [(expected,)] = writer.sql("SELECT count(*) FROM catalog").fetchall()
    finally:
        writer.close()
    assert code == 0 and lines[0] == "site_level,n"
    assert sum(int(line.split(",")[1]) for line in lines[1:]) == expected
    snapshot = Path(paths["out"]) / "snapshot"
    assert snapshot.is_symlink() and {p.stem for p in snapshot.glob("*.parquet")} >= {"catalog", "findings", "runs"}
    assert main(["query", "SELEC nonsense", "--out", paths["out"]]) == 2
    # After a run that published, the snapshot's site items are the version's file, linked, not written
    # again; after a blocked one (an earlier test may leave one), the warehouse's rows, written
    [(status,)] = read_rows(paths["warehouse"], "SELECT status FROM runs WHERE status IN ('published', 'blocked') "
                                                "ORDER BY started_at DESC LIMIT 1")
    published = sorted((Path(paths["out"]) / "便民服务站点事项").resolve().glob("*/*.parquet"))
    linked = sorted((snapshot / "site_items").glob("*/*.parquet"))
    assert (len(published) == 10 and [p.stat().st_ino for p in linked] == [p.stat().st_ino for p in published]) \
        is (status == "published")
    assert (snapshot / "site_items.parquet").exists() is (status == "blocked")
    capsys.readouterr()
    assert main(["query", "SELECT count(*) AS n, count(DISTINCT item_id) AS ids FROM site_items", "--out",
                 paths["out"], "--csv"]) == 0
    [(rows, ids)] = read_rows(paths["warehouse"], "SELECT count(*), count(DISTINCT item_id) FROM core.site_items")
    assert capsys.readouterr().out.splitlines()[1] == f"{rows},{ids}"


def test_each_run_leaves_a_summary_a_table_per_district_and_links(first_run):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    _, _, summary = first_run
    assert len(summary["districts"]) == 10
    row = next(r for r in summary["districts"] if r["区(市)"] == "市南区")
    assert row["事项行"] >= row["自动匹配"] > 0 and row["网上可办率"].endswith("%")
    with get_client(sync_client=True) as client:
        tables = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["districts"])))
        notes = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["nightly-refresh"])))
        progress = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["refresh-progress"])))
    assert progress and all(p.type == "progress" and float(p.data) == 100.0 for p in progress)  # each run's, at its end
    assert tables and all(t.type == "table" for t in tables)
    assert any("市南区" in {r["区(市)"] for r in json.loads(t.data)} for t in tables)
    [note] = [n for n in notes if summary["run_id"] in n.data]  # the first run's (later tests ran more)
    assert "便民服务事项指导目录清单.xlsx](file://" in note.data
