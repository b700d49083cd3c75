"""Serve nightly_refresh as a Prefect deployment on a cron schedule (02:00 Asia/Shanghai by default).

Schedules fire only against a running Prefect server: start one with `prefect server start` and
point PREFECT_API_URL at it (the README shows both, and the plain system-cron alternative).
"""

from datetime import timedelta
from pathlib import Path

from prefect import flow
from prefect import serve as prefect_serve
from prefect.schedules import Cron, Interval

TIMEZONE = "Asia/Shanghai"
DEPLOYMENT_NAME = "nightly"
MORNING_CRON = "0 6 * * *"  # by then the night's refresh must have finished (flows/night_check.py)


def nightly_schedule(cron: str = "0 2 * * *") -> Cron:
    return Cron(cron, timezone=TIMEZONE)


def deployment_parameters(args) -> dict:
    """Absolute paths, so the served runs do not depend on the worker's folder."""
    return {
        "inbox": str(Path(args.inbox).resolve()),
        "catalog": str(Path(args.catalog).resolve()) if args.catalog else None,
        "warehouse": str(Path(args.warehouse).resolve()),
        "out": str(Path(args.out).resolve()),
        "allow_shrink": bool(args.allow_shrink),
        "reference": str(Path(args.reference).resolve()) if args.reference else None,
        # mulu serve --backup-to DIR: each night ends with a backup (flows/refresh.py, warehouse/backup.py)
        "backup_to": str(Path(args.backup_to).resolve()) if getattr(args, "backup_to", None) else None,
        "backup_keep": getattr(args, "backup_keep", None),
    }


@flow(name="night_check", log_prints=True)
def night_check(warehouse: str, out: str) -> str:
    """Was last night's refresh done? Alerts when it still runs or never ran."""
    from flows.night_check import check_night

    outcome, message = check_night(Path(warehouse), Path(out))
    print(message)
    return outcome


def serve_nightly(args) -> None:
    """Serve until stopped: the refresh (02:00), the morning check (06:00) and the monthly report
    (the 25th, 09:00). The schedules stay
    active when serving stops (a restarted `mulu serve` picks them up), and a concurrency limit of 1
    keeps two refreshes from overlapping."""
    from flows.monthly import MONTHLY_CRON, monthly_report
    from flows.refresh import nightly_refresh

    every = getattr(args, "every", None)
    schedule = Interval(timedelta(seconds=every), timezone=TIMEZONE) if every else nightly_schedule(args.cron)
    parameters = deployment_parameters(args)
    refresh = nightly_refresh.to_deployment(
        name=DEPLOYMENT_NAME, schedules=[schedule], parameters=parameters, concurrency_limit=1,
        description="mulu nightly refresh of the 便民服务事项指导目录清单", tags=["mulu"],
        _sync=True)  # never a coroutine, whatever event loop the caller runs in
    check = night_check.to_deployment(
        name="morning", schedules=[Cron(MORNING_CRON, timezone=TIMEZONE)],
        parameters={"warehouse": parameters["warehouse"], "out": parameters["out"]},
        description="mulu: alert when the night's refresh has not finished by 06:00", tags=["mulu"], _sync=True)
    monthly = monthly_report.to_deployment(
        name="25th", schedules=[Cron(MONTHLY_CRON, timezone=TIMEZONE)],
        parameters={"warehouse": parameters["warehouse"], "out": str(Path(parameters["out"]) / "monthly"),
                    "reference": parameters["reference"]},
        description="mulu: the monthly report (月报) on the 25th at 09:00", tags=["mulu"], _sync=True)
    prefect_serve(refresh, check, monthly, pause_on_shutdown=False)
