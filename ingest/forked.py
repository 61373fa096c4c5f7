"""Work in forked worker processes that die with their parent: used for files and for the pages of a long PDF.

Forked, a worker starts at once with the parent's loaded models. The parent's death, even by SIGKILL, takes
the workers with it (Linux's PR_SET_PDEATHSIG), so a killed ingestion leaves no process behind.
A worker freezes the objects it inherits out of its garbage collector (`gc.freeze`, O(1)): else its full
collections walk the parent's ~700,000 objects (torch, spaCy, Chroma) and copies every page they sit on. On the
long filing this cut the page workers from 3.0 to 2.0 core-seconds (bench/RESULTS.md, session 19).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def can_fork() -> bool:
    """Fork does not exist on Windows, and macOS avoids it; there the work is done in this process."""
    return "fork" in multiprocessing.get_all_start_methods()


def pool(workers: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> ProcessPoolExecutor:
    def start(*args) -> None:
        gc.freeze()
        die_with_parent()
        if initializer:
            initializer(*args)

    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=start,
                               initargs=initargs)


def die_with_parent() -> None:
    """In a worker: die with the parent, and leave Ctrl-C to the parent.

    The death signal follows the thread that forked, which is the one that made the pool; a pool does not
    outlive the call that made it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def map_in_workers(fn: Callable[..., T], calls: Iterable[tuple], workers: int,
                   initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> list[T] | None:
    """`fn(*args)` for each call, in forked workers, in order; None when a worker failed or died (the caller then
    does the work itself, so a broken worker costs time, never a file). `initializer(*initargs)` runs once in
    each worker: with fork its arguments are inherited, not pickled, so a large input is not sent per call."""
    try:
        with pool(workers, initializer, initargs) as executor:
            return list(executor.map(fn, *zip(*calls)))
    except Exception as exc:  # BrokenProcessPool, or fn's own error: both are retried in this process
        log.warning("a worker failed (%s); doing its work in this process", exc)
        return None
