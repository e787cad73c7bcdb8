"""Processing one photo in a child process, bounded in wall-clock time and in memory.

A photo that breaks a bound fails alone (MediaError "timeout" or "out_of_memory"); its child is killed and
replaced, and the calling web or worker process goes on serving. Each process keeps one child (see
campaign/media/worker.py) for photo after photo; a forked process (a gunicorn or RQ worker) starts its own.
"""

import atexit
import os
import threading
from dataclasses import dataclass

from campaign.media.derivatives import Derived
from campaign.media.worker import Worker

# One photo at a time per process, in its one child. A child may map up to Bounds.memory_bytes, so parallel
# uploads derived inline (the embedded default) in parallel children would multiply it: 16 at once of a
# 40 MP PNG took 2.9 GB, one at a time 0.3 GB (bench/intake_memory.py --inline). An RQ worker runs one job
# at a time anyway.
_turns = threading.Lock()
_worker: Worker | None = None
_exit_registered = False


@dataclass(frozen=True)
class Bounds:
    seconds: float = 20.0
    memory_bytes: int = 1024 * 1024 * 1024  # beyond what the child maps when the photo starts
    max_pixels: int = 40_000_000
    max_bytes: int = 20 * 1024 * 1024


def derive_bounded(data: bytes, bounds: Bounds) -> Derived:
    """inspect + derive in this process's child; MediaError for bad input and for a broken bound alike.

    One photo at a time per process; a caller beyond that waits for its turn.
    """
    with _turns:
        worker = _ready_worker()
        try:
            return worker.derive(data, bounds)
        except OSError:  # the child had died before it took the photo (killed while idle): a new one takes it
            worker.stop()
        return _ready_worker().derive(data, bounds)


def worker_pid() -> int | None:
    """The pid of this process's child, if one runs (for tests and benchmarks)."""
    return _worker.pid if _worker is not None and _worker.usable() else None


def _ready_worker() -> Worker:
    global _worker, _exit_registered
    if _worker is None or not _worker.usable():
        if _worker is not None:
            _worker.stop(grace=1.0)  # retiring: let it leave; a dead or killed one is only waited for
        _worker = Worker()
        if not _exit_registered:
            atexit.register(_stop_at_exit)
            _exit_registered = True
    return _worker


def _stop_at_exit() -> None:
    if _worker is not None and _worker.owned():
        _worker.stop(grace=1.0)


def _forget_the_parents_worker() -> None:
    """A forked process (a gunicorn or RQ worker) cannot share its parent's child: it starts its own."""
    global _worker, _turns
    if _worker is not None:
        _worker.abandon()
        _worker = None
    _turns = threading.Lock()  # a parent's thread may have held it at the fork


os.register_at_fork(after_in_child=_forget_the_parents_worker)
