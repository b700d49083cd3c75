"""The `mulu` command: refresh, demo, sample, serve. Errors become messages here, never tracebacks."""

import argparse
import atexit
import getpass
import logging
import os
import sys
from pathlib import Path

from flows import cli_bureau as bureau
from flows import cli_staff as staff
from transforms.learned_noise import RULE_ANSWERS

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# Without a Prefect server a run starts a temporary one; its first start on a new PREFECT_HOME
# migrates a database, which on a busy machine takes longer than Prefect's default 20 s.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

DATA = Path("data")

COMMANDS = {
    "refresh": ("Run one refresh: read the inbox, normalize, match, validate, publish.",
                "mulu refresh --inbox data/inbox --warehouse data/mulu.duckdb --out data/out"),
    "demo": ("Make a sample city and refresh it (what `make demo` runs).",
             "mulu demo --scale small"),
    "sample": ("Write a deterministic sample city (or province: --scale province, with DIR/reference/): "
               "DIR/inbox/<区市>/... and DIR/truth.csv.",
               "mulu sample --scale small --out data/sample"),
    "review": ("Export the review queue as an xlsx for people, import their decisions (mulu review import FILE), "
               "or list the rules their answers made (mulu review rules).",
               "mulu review export data/out/待核对事项.xlsx\n  mulu review import data/out/待核对事项.xlsx --by 张三\n"
               "  mulu review rules --remove 一件事 --by 张三"),
    "serve": ("Serve nightly_refresh (daily 02:00 Asia/Shanghai), the 06:00 check and the monthly report (the 25th, "
              "09:00) as deployments (needs a Prefect server).",
              "prefect server start  # in another terminal, then:\n  mulu serve --inbox data/inbox"),
    "site": ("Rebuild the public site (OUT/site) from the current published version, or preview it (mulu site serve).",
             "mulu site --warehouse data/mulu.duckdb --out data/out\n  mulu site serve --out data/out --port 8000"),
    "check": ("Was last night's refresh done? Alerts (ALERT.txt, webhook) when it is still running or never ran "
              "(run it from cron at 06:00; mulu serve schedules it itself).",
              "mulu check --warehouse data/mulu.duckdb --out data/out"),
    "query": ("Ask the read-only snapshot beside the published files (OUT/snapshot) in SQL; works while a refresh runs.",
              "mulu query \"SELECT site_level, count(*) FROM catalog GROUP BY 1\" --out data/out"),
    "report": ("The monthly report (seed §三(二), the 25th): per district sites reporting, items per site, "
               "网上可办率, 全市统一 conformance, open findings, catalog changes, trend; xlsx and HTML.",
               "mulu report monthly --month 2026-11 --warehouse data/mulu.duckdb --out data/out/monthly"),
    "backup": ("Copy the warehouse, its rows folder, and the published folder and reference folder when given, "
               "into a new folder under DIR (mulu-backup-<time>), verified by sha256; waits for a running night.",
               "mulu backup --warehouse data/mulu.duckdb --out data/out --to /backup/mulu --keep 14"),
    "restore": ("Put a backup back into an empty place (nothing is written when any checksum fails "
                "or a target is not empty).",
                "mulu restore /backup/mulu/mulu-backup-20261207T231500 --warehouse data/mulu.duckdb --out data/out"),
    "templates": ("Write the districts' 填报模板: one xlsx per 镇(街道) (OUT/<区市>/<镇街>_填报模板.xlsx), a sheet per site, "
                  "prefilled from the published list and what each site reported; a returned one is read exactly.",
                  "mulu templates --warehouse data/mulu.duckdb --out data/out/templates --district 市南区"),
    "init": ("Write editable copies of the bundled reference data (districts, towns, aliases, header words, "
             "vocabularies, code patterns) into a folder for --reference, and the districts' guide made from them "
             "(各区报送说明.html; run it again to write the guide anew: existing files are kept).",
             "mulu init data/reference\n  mulu refresh --reference data/reference --catalog 目录.xlsx"),
    "deploy": ("Run it at a bureau: write systemd units for the Prefect server and mulu serve of a deployment "
               "folder (ROOT/inbox, ROOT/mulu.duckdb, ROOT/out), or print the nginx server block for OUT/site.",
               "mulu deploy systemd --root /srv/mulu --user mulu --out /etc/systemd/system\n"
               "  mulu deploy nginx --root /srv/mulu > /etc/nginx/conf.d/mulu.conf"),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mulu", description="mulu (目录): the 便民服务事项指导目录清单 pipeline.")
    sub = parser.add_subparsers(dest="command", required=True)
    parsers = {}
    for name, (help_text, example) in COMMANDS.items():
        parsers[name] = sub.add_parser(name, help=help_text, description=help_text,
                                       epilog=f"example:\n  {example}", formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("refresh", "serve"):
        p = parsers[name]
        p.add_argument("--inbox", default=str(DATA / "inbox"), help="folder of district folders (default data/inbox)")
        p.add_argument("--catalog", default=None, help="master catalog xlsx/csv (default: the bundled seed)")
        p.add_argument("--warehouse", default=str(DATA / "mulu.duckdb"), help="DuckDB file (default data/mulu.duckdb)")
        p.add_argument("--out", default=str(DATA / "out"), help="folder for published files and reports")
        p.add_argument("--allow-shrink", action="store_true", help="publish even if the catalog shrinks by >10%%")
        p.add_argument("--reference", default=None,
                       help="reference folder (mulu init): its files replace the bundled ones; "
                            "a catalog.csv/xlsx in it is the catalog when --catalog is not given")
    parsers["refresh"].add_argument("--dask-address", default=None, metavar="tcp://HOST:PORT|local",
                                    help="read the files on this Dask cluster ('local': a LocalCluster for the "
                                         "run); the warehouse's rows folder must be the same path on every worker")
    parsers["refresh"].add_argument("--force", action="store_true", help="run even when nothing changed, and build every district again")
    parsers["refresh"].add_argument("--wait", type=float, default=0, metavar="SECONDS",
                                    help="when another refresh of the warehouse runs, wait up to this long "
                                         "for it (default 0), then exit 4")
    review = parsers["review"]
    review.add_argument("action", choices=["export", "import", "rules"],
                        help="export the queue, import decisions, or list (and --remove) the rules answers made")
    review.add_argument("file", nargs="?", default=str(DATA / "out" / "待核对事项.xlsx"),
                        help="the xlsx (default data/out/待核对事项.xlsx)")
    review.add_argument("--warehouse", default=str(DATA / "mulu.duckdb"), help="DuckDB file (default data/mulu.duckdb)")
    review.add_argument("--by", default=getpass.getuser(), help="who decided, when the 核对人 column is empty")
    review.add_argument("--reference", default=None, metavar="DIR",
                        help="the reference folder the nights use (its noise_words.csv), for the rules")
    review.add_argument("--rule-answers", type=int, default=RULE_ANSWERS, metavar="N",
                        help=f"answers alike that make a rule (default {RULE_ANSWERS})")
    review.add_argument("--remove", default=None, metavar="WORD", help="with rules: retire the rule of this word")
    parsers["serve"].add_argument("--cron", default="0 2 * * *", help="schedule (default 0 2 * * *, Asia/Shanghai)")
    parsers["serve"].add_argument("--every", type=float, default=None, metavar="SECONDS",
                                  help="instead of --cron, run every SECONDS (tests, trials)")
    parsers["serve"].add_argument("--backup-to", default=None, metavar="DIR",
                                  help="after each night, write a backup (as mulu backup does) under DIR")
    parsers["serve"].add_argument("--backup-keep", type=int, default=7, metavar="N",
                                  help="with --backup-to: keep the newest N backups there (default 7)")
    backup = parsers["backup"]
    backup.add_argument("--warehouse", default=str(DATA / "mulu.duckdb"), help="DuckDB file (default data/mulu.duckdb)")
    backup.add_argument("--to", required=True, metavar="DIR",
                        help="folder of backups (one per warehouse); each backup is a new folder in it")
    backup.add_argument("--out", default=None, help="the published folder to back up too (files, site, reports, snapshot)")
    backup.add_argument("--reference", default=None, help="the reference folder to back up too")
    backup.add_argument("--keep", type=int, default=None, metavar="N",
                        help="keep the newest N backups under DIR, removing older ones (default: keep all)")
    backup.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                        help="when a night is running, wait up to this long (default 0), then exit 4")
    restore = parsers["restore"]
    restore.add_argument("backup", help="a backup folder (DIR/mulu-backup-<time>)")
    restore.add_argument("--warehouse", required=True, help="DuckDB file to restore into: it and its rows folder must not exist")
    restore.add_argument("--out", default=None, help="restore the published folder here (absent or empty)")
    restore.add_argument("--reference", default=None, help="restore the reference folder here (absent or empty)")
    for name in ("demo", "sample"):
        p = parsers[name]
        scales = ["small", "city", "province"] if name == "sample" else ["small", "city"]
        p.add_argument("--scale", choices=scales, default="small",
                       help="small (tests), city (~0.4M rows)" + (" or province (16 cities, ~6.5M rows, with "
                                                                   "DIR/reference/)" if name == "sample" else ""))
        p.add_argument("--seed", type=int, default=20200709, help="random seed (same seed, same files)")
    parsers["sample"].add_argument("--out", default=str(DATA / "sample"), help="folder to write into")
    check = parsers["check"]
    check.add_argument("--warehouse", default=str(DATA / "mulu.duckdb"), help="DuckDB file (default data/mulu.duckdb)")
    check.add_argument("--out", default=str(DATA / "out"), help="folder for ALERT.txt (default data/out)")
    report = parsers["report"]
    report.add_argument("kind", choices=["monthly"], help="which report (monthly)")
    report.add_argument("--month", default=None, help="YYYY-MM (default: this month, Asia/Shanghai)")
    report.add_argument("--warehouse", default=str(DATA / "mulu.duckdb"), help="DuckDB file (default data/mulu.duckdb)")
    report.add_argument("--out", default=str(DATA / "out" / "monthly"), help="folder (default data/out/monthly)")
    report.add_argument("--reference", default=None, help="reference folder (mulu init): its districts and towns")
    report.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                        help="when a refresh holds the warehouse, wait up to this long (default 0), then exit 4")
    query = parsers["query"]
    query.add_argument("sql", help="a DuckDB SQL query over the views (catalog, findings, site_items, runs …)")
    query.add_argument("--out", default=str(DATA / "out"), help="the published folder holding snapshot/ (default data/out)")
    query.add_argument("--csv", action="store_true", help="print every row as CSV (default: a table of the first rows)")
    site = parsers["site"]
    site.add_argument("action", nargs="?", choices=["build", "serve"], default="build",
                      help="build (default): write OUT/site from the warehouse; serve: preview OUT/site on this machine")
    site.add_argument("--warehouse", default=str(DATA / "mulu.duckdb"), help="DuckDB file (default data/mulu.duckdb)")
    site.add_argument("--out", default=str(DATA / "out"), help="the published folder holding site/ (default data/out)")
    site.add_argument("--reference", default=None, help="reference folder (orders the districts by 区划代码)")
    site.add_argument("--host", default="127.0.0.1", help="serve: address to listen on (default 127.0.0.1)")
    site.add_argument("--port", type=int, default=8000, help="serve: port (default 8000)")
    parsers["init"].add_argument("dir", help="folder to write the reference files into (existing files are kept)")
    templates = parsers["templates"]
    templates.add_argument("--warehouse", default=str(DATA / "mulu.duckdb"), help="DuckDB file (default data/mulu.duckdb)")
    templates.add_argument("--out", default=str(DATA / "out" / "templates"),
                           help="folder to write into, a sub-folder per district (default data/out/templates)")
    templates.add_argument("--district", action="append", default=None, metavar="区市",
                           help="only this district (name or alias; repeat for several; default: every district)")
    templates.add_argument("--reference", default=None,
                           help="reference folder (mulu init): district names, and the accepted values the 填报说明 lists")
    parsers["demo"].add_argument("--dir", default=str(DATA / "demo"), help="folder for the demo's sample, warehouse and output")
    deploy = parsers["deploy"]
    deploy.add_argument("target", choices=["systemd", "nginx"],
                        help="systemd: write NAME-prefect.service and NAME-serve.service; nginx: print a server block")
    deploy.add_argument("--root", required=True, help="the deployment folder, e.g. /srv/mulu")
    deploy.add_argument("--user", default=None, help="systemd: the user the services run as (default: ROOT's owner)")
    deploy.add_argument("--out", default=".", help="systemd: folder to write the units into (default: this folder)")
    deploy.add_argument("--venv", default=sys.prefix,
                        help="systemd: the virtualenv whose bin/mulu and bin/prefect run (default: this mulu's)")
    deploy.add_argument("--port", type=int, default=4200, help="systemd: the Prefect server's port (default 4200)")
    deploy.add_argument("--cron", default="0 2 * * *", help="systemd: the nightly schedule (default 0 2 * * *)")
    deploy.add_argument("--reference", default=None, help="systemd: reference folder, relative to ROOT or absolute")
    deploy.add_argument("--catalog", default=None, help="systemd: master catalog file, relative to ROOT or absolute")
    deploy.add_argument("--name", default="mulu", help="systemd: the units' name prefix (default mulu)")
    deploy.add_argument("--listen", default="80", help="nginx: address and port to listen on (default 80)")
    deploy.add_argument("--location", default="/bianmin/", help="nginx: the site's URL path (default /bianmin/)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMAND_FUNCTIONS[args.command](args)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as error:  # the edge: a person gets a message, not a traceback
        from warehouse.reference import ReferenceError

        if isinstance(error, ReferenceError):
            print("配置、参考数据或目录有问题，请一次性修改以下各项后重试：", file=sys.stderr)
            for problem in error.problems:
                print(f"  - {problem}", file=sys.stderr)
            return 2
        from warehouse.db import WarehouseVersionError

        if isinstance(error, WarehouseVersionError):
            print(str(error), file=sys.stderr)
            return 2
        from warehouse.run_lock import RefreshRunning

        if isinstance(error, RefreshRunning):
            print(str(error), file=sys.stderr)
            return 4
        if "Could not set lock" in str(error):  # duckdb.IOException: one writer, no readers beside it
            print(f"仓库正被另一个进程使用（可能正在运行 mulu refresh），请稍后再试：{error}", file=sys.stderr)
            return 4
        if isinstance(error, (FileNotFoundError, PermissionError)):
            print(f"无法读取：{error}", file=sys.stderr)
            return 2
        return _unexpected(error)


def _console_without_tracebacks() -> None:
    """Prefect prints a failed run's traceback on the console: people get mulu's one-line message
    instead, while the details file and the Prefect run's own logs keep the traceback."""
    from prefect.logging.configuration import ensure_logging_setup

    class WithoutTraceback(logging.Formatter):
        def __init__(self, inner: logging.Formatter):
            super().__init__()
            self.inner = inner

        def format(self, record: logging.LogRecord) -> str:
            if not (record.exc_info or record.exc_text or record.stack_info):
                return self.inner.format(record)
            return self.inner.format(logging.makeLogRecord(
                {**record.__dict__, "exc_info": None, "exc_text": None, "stack_info": None}))

    ensure_logging_setup()
    for handler in logging.getLogger().handlers:
        if handler.formatter is not None and type(handler.formatter).__name__ != "WithoutTraceback":
            handler.setFormatter(WithoutTraceback(handler.formatter))


def _unexpected(error: BaseException) -> int:
    """A fault of the program or the machine, not of the data: a message, and the details in a file."""
    import tempfile
    import traceback
    from datetime import datetime

    details = Path(tempfile.gettempdir()) / f"mulu-error-{datetime.now():%Y%m%dT%H%M%S}-{os.getpid()}.txt"
    details.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
    if "ephemeral Prefect API server" in str(error):
        print("临时 Prefect 服务器没能按时启动（机器繁忙？）。请把 PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS "
              "设得更大，或运行 prefect server start 并设置 PREFECT_API_URL 后重试。", file=sys.stderr)
    else:
        print(f"运行失败（程序或机器的问题，不是报送数据的问题）：{type(error).__name__}: {error}", file=sys.stderr)
    print(f"详细信息已写入 {details}", file=sys.stderr)
    return 1


def _refresh(args) -> int:
    from expectations import gx_process

    gx_process.prestart()  # Great Expectations imports in a process of its own while this one imports Prefect
    try:
        return _refresh_now(args)
    finally:
        gx_process.discard()  # when the refresh did not take it (it did not start)


def _refresh_now(args) -> int:
    if sys.stderr.isatty():  # the progress line shows what happens; Prefect's INFO lines stay in its run logs
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    from flows import watchdog
    from flows.alerts import raise_alert
    from flows.refresh import nightly_refresh
    from flows.steps import preflight
    from warehouse.reference import ReferenceError
    from warehouse.run_lock import run_lock

    _console_without_tracebacks()
    watchdog.start()  # if this process is killed, its readers and temporary Prefect server end with it
    reference = Path(args.reference) if args.reference else None
    with run_lock(Path(args.warehouse), args.wait):  # before Prefect starts: a second run just says so
        try:
            preflight(Path(args.inbox), Path(args.catalog) if args.catalog else None, reference, Path(args.warehouse))
        except ReferenceError as error:  # the night cannot start: that too must reach someone
            raise_alert(Path(args.out), "not_started", error.problems, warehouse=args.warehouse)
            raise
        refresh = nightly_refresh
        if args.dask_address:
            from flows.dask_reading import with_dask

            refresh = with_dask(nightly_refresh, args.dask_address)
        summary = refresh(inbox=args.inbox, catalog=args.catalog, warehouse=args.warehouse,
                          out=args.out, allow_shrink=args.allow_shrink, force=args.force,
                          reference=args.reference, dask_address=args.dask_address)
    return _report(summary)


def _report(summary: dict) -> int:
    status = summary["status"]
    words = {"published": "已发布", "unchanged": "无变化，已跳过", "blocked": "未通过发布审核，保留上一版本"}
    print(f"运行 {summary['run_id']}：{words.get(status, status)}；目录版本 {_version(summary)}；"
          f"读取文件 {summary['files_read']} 个，未变跳过 {summary['files_skipped']} 个；事项行 {summary['rows_total']}")
    if summary["rows_total"]:
        share = summary["rows_matched"] / summary["rows_total"]
        print(f"  匹配：自动匹配 {summary['rows_matched']} 行（{share:.1%}），待人工核对 {summary['rows_review']} 行；"
              f"问题：错误 {summary['errors']} 条，提醒 {summary['warnings']} 条（见各区(市)一次告知报告）")
    if summary.get("rebuilt") is not None and status != "unchanged":
        print(f"  本次只重新处理有变化的区(市)：{'、'.join(summary['rebuilt']) or '无'}（其他区(市)沿用上次结果）")
    for reason in summary["reasons"]:
        print(f"  未发布原因：{reason}")
    for path in summary["outputs"]:
        print(f"  输出：{path}")
    return 3 if status == "blocked" else 0


def _version(summary: dict) -> str:
    return f"v{summary['version']}" if summary["version"] is not None else "尚无"


def _sample(args) -> int:
    from flows.sample import generate_city, generate_province

    if args.scale == "province":
        counts = generate_province(Path(args.out), seed=args.seed)
        print(f"样例省份已写入 {args.out}：{counts}\n运行：mulu refresh --inbox {args.out}/inbox "
              f"--reference {args.out}/reference")
        return 0
    counts = generate_city(Path(args.out), scale=args.scale, seed=args.seed)
    print(f"样例数据已写入 {args.out}：{counts}")
    return 0


def _demo(args) -> int:
    from flows.refresh import nightly_refresh
    from flows.sample import generate_city

    _console_without_tracebacks()
    base = Path(args.dir) / args.scale
    if not ((base / "truth.csv").exists() and (base / "reference").is_dir()):  # the sample and its place lists
        generate_city(base, scale=args.scale, seed=args.seed)
    summary = nightly_refresh(inbox=str(base / "inbox"), warehouse=str(base / "mulu.duckdb"), out=str(base / "out"),
                              reference=str(base / "reference"))
    code = _report(summary)
    database = (base / "mulu.duckdb").as_posix()
    print(f"\n查看仓库：.venv/bin/python -c \"import duckdb; print(duckdb.connect('{database}', read_only=True)"
          f".sql('SELECT site_level, count(*) FROM catalog GROUP BY 1'))\"")
    return code


def _serve(args) -> int:
    from flows.schedule import serve_nightly

    serve_nightly(args)
    return 0


COMMAND_FUNCTIONS = {"refresh": _refresh, "demo": _demo, "sample": _sample, "review": staff.review, "serve": _serve,
                     "init": staff.init, "site": staff.site, "query": staff.query, "report": staff.monthly_report,
                     "check": staff.check, "templates": bureau.templates, "deploy": bureau.deploy, "backup": bureau.backup,
                     "restore": bureau.restore}

_exit_code: list[int] = []


def run() -> None:
    """The `mulu` program: main(), then exit without tearing the interpreter down.

    Once every exit handler has run (Prefect has sent its logs and events, child processes are
    ended, the warehouse is closed), freeing the modules of Prefect, pandas and DuckDB one by one
    would take another ~0.6 s of every run: the process leaves then instead."""
    atexit.register(_leave_now)  # registered first, so it runs after every other exit handler
    _exit_code.append(main())
    sys.exit(_exit_code[0])


def _leave_now() -> None:
    if not _exit_code:  # main() did not return (an uncaught error): the usual exit
        return
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can reach it
            pass
    os._exit(_exit_code[0])


if __name__ == "__main__":
    run()
