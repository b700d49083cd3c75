"""Worker processes for the CPU-bound part of a run: reading files."""

import multiprocessing
from concurrent.futures import Executor, Future, ProcessPoolExecutor


class InlineExecutor(Executor):
    """Runs each job at submit time: the one-worker case, without a process pool."""

    def submit(self, fn, /, *args, **kwargs):
        future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:
            future.set_exception(error)
        return future


def worker_pool(workers: int) -> Executor:
    """Processes for CPU-bound work (reading files); inline for one worker."""
    if workers <= 1:
        return InlineExecutor()
    return process_pool(workers)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """Always separate processes, even one (spawned: no state inherited from a busy parent)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
