"""Progress a person can follow: each stage of a refresh, the files read, rows and districts.

In a terminal, one line is redrawn in place (at most 5 times a second) and each finished stage
leaves one line. Anywhere else (cron's log file, `mulu serve`), only the finished stages' lines are
written, so a log does not fill with updates. The Prefect run gets a progress artifact with the
same counts.
"""

import sys
import threading
import time
from dataclasses import dataclass

STAGE_WORDS = {
    "scan": "扫描收件箱", "catalog": "载入目录", "ingest": "读取文件", "normalize_match": "标准化与匹配",
    "validate": "校验", "publish": "发布审核", "files": "写出清单与报告", "site": "公开网站",
    "site_wait": "公开网站（与清单报告同时生成）", "snapshot": "只读快照",
}
STAGES = list(STAGE_WORDS)
REDRAW_SECONDS = 0.2


@dataclass
class Counts:
    files_done: int = 0
    files_total: int = 0
    rows: int = 0
    districts_done: int = 0
    districts_total: int = 0

    def text(self) -> str:
        parts = []
        if self.files_total:
            parts.append(f"文件 {self.files_done}/{self.files_total}")
        if self.rows:
            parts.append(f"{self.rows:,} 行")
        if self.districts_total:
            parts.append(f"区(市) {self.districts_done}/{self.districts_total}")
        return "，".join(parts)


class Progress:
    """Told by the refresh what it does; shows it to a person and to Prefect."""

    def __init__(self, stream=None, artifact: bool = True):
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.artifact = artifact
        self.artifact_id = None
        self.counts = Counts()
        self.stage = ""
        self.stage_started = time.perf_counter()
        self.drawn_at = 0.0
        self.lock = threading.Lock()

    def start(self, stage: str) -> None:
        with self.lock:
            self.stage, self.stage_started = stage, time.perf_counter()
            self.counts = Counts()
            self._draw(force=True)
        self._report()

    def end(self, stage: str, seconds: float) -> None:
        with self.lock:
            counts = self.counts.text()
            line = f"mulu ✓ {STAGE_WORDS.get(stage, stage)}{'：' + counts if counts else ''}（{seconds:.1f} 秒）"
            self._write(("\r\x1b[K" if self.live else "") + line + "\n")
            self.stage = ""

    def finish(self) -> None:
        """The run is over: the artifact shows 100 %."""
        with self.lock:
            self.stage = ""
        self._report()

    def files(self, total: int, districts: int) -> None:
        with self.lock:
            self.counts.files_total, self.counts.districts_total = total, districts
            self._draw(force=True)

    def file_read(self, rows: int) -> None:
        """One file read (called from the reading pool's callback thread)."""
        with self.lock:
            self.counts.files_done += 1
            self.counts.rows += rows
            self._draw()

    def district_done(self) -> None:
        with self.lock:
            self.counts.districts_done += 1
            self._draw()
        self._report()

    def _draw(self, force: bool = False) -> None:
        now = time.perf_counter()
        if not self.live or not self.stage or (not force and now - self.drawn_at < REDRAW_SECONDS):
            return
        self.drawn_at = now
        counts = self.counts.text()
        self._write(f"\r\x1b[Kmulu ▸ {STAGE_WORDS.get(self.stage, self.stage)}"
                    f"{'：' + counts if counts else ''} · {now - self.stage_started:.0f} 秒")

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken stream never stops a night
            pass

    def fraction(self) -> float:
        """Stages done, the reading of files counted by files: 0–1."""
        if not self.stage:
            return 1.0
        index = STAGES.index(self.stage) if self.stage in STAGES else 0
        within = self.counts.files_done / self.counts.files_total if self.counts.files_total else 0.0
        return min((index + within) / len(STAGES), 1.0)

    def _report(self) -> None:
        """The Prefect run's progress artifact (percent, and the stage and counts as its description)."""
        if not self.artifact:
            return
        try:
            from prefect.artifacts import create_progress_artifact, update_progress_artifact
            from prefect.context import FlowRunContext

            if FlowRunContext.get() is None:
                return
            described = f"{STAGE_WORDS.get(self.stage, self.stage)} {self.counts.text()}".strip()
            percent = round(100 * self.fraction(), 1)
            if self.artifact_id is None:
                self.artifact_id = create_progress_artifact(percent, key="refresh-progress", description=described)
            else:
                update_progress_artifact(self.artifact_id, percent, description=described)
        except Exception:  # progress is for people; it never fails a night
            self.artifact = False
