"""Processing one photo in a child process, bounded in wall-clock time and in memory.

A photo that breaks a bound fails alone (MediaError "timeout" or "out_of_memory"); the child is killed,
and the calling web or worker process goes on serving. Children fork from a small "forkserver" process
(started on first use, never at import), so they start in milliseconds and share no threads or
database connections with the caller.
"""

import multiprocessing
import multiprocessing.forkserver
import os
import resource
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection

from campaign.media.derivatives import Derived, derive
from campaign.media.errors import MediaError
from campaign.media.inspection import inspect

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["campaign.media"])


def _forget_the_parents_forkserver() -> None:
    """A forked process (an RQ work horse, forked from a worker whose ticker derived photos) cannot use the
    forkserver its parent started: checking that it runs (waitpid) fails with "No child processes". The
    fork starts its own on first use. Python offers no public way to do this: these are the fields
    `multiprocessing.forkserver.ForkServer` resets when it stops."""
    server = multiprocessing.forkserver._forkserver
    if server._forkserver_alive_fd is not None:
        os.close(server._forkserver_alive_fd)  # the parent's copy keeps its server alive
    server._forkserver_address = server._forkserver_alive_fd = server._forkserver_pid = None
    server._lock = threading.Lock()  # a parent's thread may have held it at the fork


os.register_at_fork(after_in_child=_forget_the_parents_forkserver)
# Photos decoded at once by one process. Each child may map up to Bounds.memory_bytes, so parallel uploads
# derived inline (the embedded default) would multiply it: 16 at once of a 40 MP PNG took 2.9 GB, one at a
# time 0.3 GB (bench/intake_memory.py --inline). An RQ worker runs one job at a time anyway.
MAX_CHILDREN = 1
_children = threading.BoundedSemaphore(MAX_CHILDREN)


@dataclass(frozen=True)
class Bounds:
    seconds: float = 20.0
    memory_bytes: int = 1024 * 1024 * 1024  # beyond what the child already maps when it starts
    max_pixels: int = 40_000_000
    max_bytes: int = 20 * 1024 * 1024


def _mapped_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _child(conn: Connection, data: bytes, bounds: Bounds) -> None:
    limit = _mapped_bytes() + bounds.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        inspection = inspect(data, max_pixels=bounds.max_pixels, max_bytes=bounds.max_bytes)
        outcome: tuple = ("ok", derive(data, inspection))
    except MediaError as exc:
        outcome = ("error", exc)
    except MemoryError:
        outcome = ("error", MediaError("out_of_memory", {"memory_bytes": bounds.memory_bytes}))
    conn.send(outcome)
    conn.close()


def derive_bounded(data: bytes, bounds: Bounds) -> Derived:
    """inspect + derive in a child; MediaError for bad input and for a broken bound alike.

    At most MAX_CHILDREN run at once in this process; a caller beyond that waits for a free turn.
    """
    with _children:
        return _derive_in_child(data, bounds)


def _derive_in_child(data: bytes, bounds: Bounds) -> Derived:
    receiver, sender = _context.Pipe(duplex=False)
    child = _context.Process(target=_child, args=(sender, data, bounds), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(bounds.seconds):
            raise MediaError("timeout", {"seconds": bounds.seconds})
        try:
            status, value = receiver.recv()
        except EOFError:  # the child died without a word: the kernel's or the allocator's last resort
            raise MediaError("out_of_memory", {"memory_bytes": bounds.memory_bytes}) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
        child.close()
    if status == "error":
        raise value
    return value
