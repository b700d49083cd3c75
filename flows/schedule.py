"""Serve nightly_refresh as a Prefect deployment on a cron schedule (02:00 Asia/Shanghai by default).

Schedules fire only against a running Prefect server: start one with `prefect server start` and
point PREFECT_API_URL at it (the README shows both, and the plain system-cron alternative).
"""

from datetime import timedelta
from pathlib import Path

from prefect.schedules import Cron, Interval

TIMEZONE = "Asia/Shanghai"
DEPLOYMENT_NAME = "nightly"


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
    }


def serve_nightly(args) -> None:
    """Serve until stopped. The schedule stays active when serving stops (a restarted `mulu serve`
    picks it up), and a concurrency limit of 1 keeps two runs of the deployment from overlapping."""
    from flows.refresh import nightly_refresh

    every = getattr(args, "every", None)
    schedule = Interval(timedelta(seconds=every), timezone=TIMEZONE) if every else nightly_schedule(args.cron)
    nightly_refresh.serve(
        name=DEPLOYMENT_NAME,
        schedules=[schedule],
        parameters=deployment_parameters(args),
        description="mulu nightly refresh of the 便民服务事项指导目录清单",
        tags=["mulu"],
        global_limit=1,
        pause_on_shutdown=False,
    )
