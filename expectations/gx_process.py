"""Great Expectations in a process of its own.

Importing GX costs about five seconds of one core, more than validating a city. A refresh hands its
rule sets to this process instead: spawned when the refresh starts, it imports GX while the refresh
imports Prefect and reads the inbox, and the refresh's own interpreter never holds GX. A night with
nothing to do ends it unused.

It runs at the night's priority. The night waits for its answers, so a lowered process would be
waited on at low priority: beside two busy processes on two cores, a night at niceness 19 spent
265 s of its 307 s validating, and an unprivileged process cannot raise its priority back. (Lowering
only the importing thread and running the rules in the refresh when the import is not done in time
was measured too: no faster on an idle machine, slower on a busy one, and GX in the refresh.)

A process that holds GX already (a test session, say) runs the rules itself: `start` gives
IN_PROCESS there. If the GX process dies, the rules run in the refresh's process.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from expectations.rules import Rule
    from expectations.runner import DataDocs


def _run_rules(*arguments) -> tuple[bool, pd.DataFrame]:
    from expectations import runner  # pandas: imported by whoever runs rules, not by `mulu refresh` at start

    return runner.run_rules(*arguments)


class InProcess:
    """The rules run in this process (expectations.runner.run_rules)."""

    def run_rules(self, frame: pd.DataFrame, suite_name: str, rules: list[Rule], id_column: str | None = None,
                  docs: DataDocs | None = None, asset: str | None = None) -> tuple[bool, pd.DataFrame]:
        return _run_rules(frame, suite_name, rules, id_column, docs, asset)

    def close(self) -> None:
        pass


IN_PROCESS = InProcess()


def _serve(connection) -> None:
    """The GX process: import GX at once, then run each rule set it is sent until the refresh hangs up."""
    # close() ends the process with SIGTERM, at any point: as an exit, not a kill, so that what GX's
    # imports registered with multiprocessing's resource tracker (tqdm's lock) is released, unwarned.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    import great_expectations  # noqa: F401  (why this process exists: the import, early)

    while True:
        try:
            arguments = connection.recv()
        except EOFError:
            return
        try:
            answer = (True, _run_rules(*arguments))
        except Exception as error:  # the refresh raises it as if GX had run there
            answer = (False, error)
        connection.send(answer)


class GxProcess:
    """One spawned process that imports GX at once and then runs the refresh's rule sets."""

    def __init__(self):
        context = multiprocessing.get_context("spawn")  # nothing inherited from a busy parent
        self._connection, child = context.Pipe()
        # daemon: the process ends with the refresh, even in the middle of importing GX
        self._process = context.Process(target=_serve, args=(child,), name="mulu-gx", daemon=True)
        self._process.start()
        child.close()

    def run_rules(self, frame: pd.DataFrame, suite_name: str, rules: list[Rule], id_column: str | None = None,
                  docs: DataDocs | None = None, asset: str | None = None) -> tuple[bool, pd.DataFrame]:
        """expectations.runner.run_rules, in the GX process (once its import is done); here if it died."""
        arguments = (frame, suite_name, rules, id_column, docs, asset)
        try:
            self._connection.send(arguments)
            ok, answer = self._connection.recv()
        except (EOFError, OSError):  # the process died (killed for memory, say)
            return _run_rules(*arguments)
        if not ok:
            raise answer
        return answer

    def alive(self) -> bool:
        return self._process.is_alive()

    def close(self) -> None:
        """End the process now, whatever it is doing (again: nothing)."""
        self._connection.close()
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)
        if self._process.is_alive():  # stuck in native code: killed
            self._process.kill()
            self._process.join()


_started: GxProcess | None = None


def start() -> GxProcess | InProcess:
    """The GX process for a refresh: one `prestart` began for it, or a new one; IN_PROCESS when
    this process holds GX already. The caller closes it."""
    global _started
    started, _started = _started, None
    if started is not None and ("great_expectations" in sys.modules or not started.alive()):
        started.close()
        started = None
    if "great_expectations" in sys.modules:
        return IN_PROCESS
    return started or GxProcess()


def prestart() -> None:
    """Start the GX process before the refresh imports Prefect (`mulu refresh` calls this first);
    the refresh's flow then takes it (`start`)."""
    global _started
    if _started is None and "great_expectations" not in sys.modules:
        _started = GxProcess()


def discard() -> None:
    """End a prestarted process no refresh took (the refresh did not start)."""
    global _started
    if _started is not None:
        _started.close()
        _started = None
