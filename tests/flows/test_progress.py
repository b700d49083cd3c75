"""Progress of a refresh: a line redrawn in a terminal, one plain line per stage anywhere else."""

import io

from flows.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _ingest(progress: Progress) -> None:
    progress.start("ingest")
    progress.files(3, 2)
    progress.file_read(120)
    progress.file_read(80)
    progress.district_done()
    progress.file_read(0)
    progress.district_done()
    progress.end("ingest", 1.25)
    progress.start("validate")
    progress.end("validate", 2.0)


def test_a_log_file_gets_one_plain_line_per_stage():
    log = io.StringIO()
    _ingest(Progress(log, artifact=False))
    assert log.getvalue().splitlines() == ["mulu ✓ 读取文件：文件 3/3，200 行，区(市) 2/2（1.2 秒）", "mulu ✓ 校验（2.0 秒）"]
    assert "\r" not in log.getvalue() and "\x1b" not in log.getvalue()


def test_a_terminal_gets_a_line_redrawn_in_place():
    screen = Terminal()
    _ingest(Progress(screen, artifact=False))
    text = screen.getvalue()
    assert text.count("\n") == 2 and "\r\x1b[Kmulu ▸ 读取文件：文件 0/3，区(市) 0/2" in text
    assert text.endswith("mulu ✓ 校验（2.0 秒）\n")


def test_the_fraction_counts_stages_and_the_files_read():
    progress = Progress(io.StringIO(), artifact=False)
    progress.start("ingest")
    progress.files(4, 1)
    progress.file_read(1)
    assert 2 / 9 < progress.fraction() < 3 / 9
    progress.finish()
    assert progress.fraction() == 1.0


def test_a_broken_stream_never_stops_a_night():
    class Broken(io.StringIO):
        def write(self, text):
            raise OSError("gone")

    _ingest(Progress(Broken(), artifact=False))
