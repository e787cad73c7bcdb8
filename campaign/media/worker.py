"""A child process that derives photos one after another, each bounded in wall-clock time and in memory.

The child forks from a small "forkserver" process (started on first use, never at import, with campaign.media
imported and warmed by campaign/media/preload.py), so it shares no threads or database connections with the
caller, and it stays for the next photo: a photo costs no process start. Before each photo the child lowers
its address-space limit to what it maps then plus the photo's memory bound. The caller kills it when a photo
runs over its time, and starts another for the next photo; one that dies is replaced the same way.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.process
import os
import resource
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from campaign.media.derivatives import Derived, derive
from campaign.media.errors import MediaError
from campaign.media.inspection import inspect

if TYPE_CHECKING:
    from campaign.media.sandbox import Bounds

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["campaign.media", "campaign.media.preload"])
# Then a fresh child: whatever the decoders keep mapped from one photo to the next cannot pile up.
PHOTOS_PER_CHILD = 200
IDLE_SECONDS = 10.0  # then the child gives back the memory it kept for the next photo
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


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


def _mapped_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _keep_freed_memory() -> Callable[[], object]:
    """Have glibc keep what one photo freed for the next, instead of handing it back to the kernel and
    faulting it in again: ~9,000 page faults, ~15 ms of CPU per 12 MP photo. Up to 64 MB stays mapped
    (a photo that freed more gives the rest back). Returns what gives it all back, for an idle child.
    Elsewhere than glibc: nothing."""
    try:
        libc = ctypes.CDLL(None)
        mallopt, malloc_trim = libc.mallopt, libc.malloc_trim
    except (AttributeError, OSError):
        return lambda: None
    mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024)  # fixed: Pillow's 16 MB blocks come from the heap
    mallopt(_M_TRIM_THRESHOLD, 64 * 1024 * 1024)
    return lambda: malloc_trim(0)


def _serve(conn: Connection) -> None:
    """The child: each (data, bounds) gets ("ok", Derived) or ("error", MediaError); None or EOF ends it."""
    give_back = _keep_freed_memory()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    while True:
        if not conn.poll(IDLE_SECONDS):
            give_back()  # no photo for a while: what the last one left mapped is of no use
        try:
            request = conn.recv()
        except EOFError:  # the caller is gone
            return
        if request is None:
            return
        data, bounds = request
        limit = _mapped_bytes() + bounds.memory_bytes
        resource.setrlimit(
            resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard)
        )
        try:
            outcome = _derive(data, bounds)
        finally:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        conn.send(outcome)
        del request, data, outcome  # what the child maps while it waits is what the next limit builds on


def _derive(data: bytes, bounds: Bounds) -> tuple:
    try:
        inspection = inspect(data, max_pixels=bounds.max_pixels, max_bytes=bounds.max_bytes)
        return ("ok", derive(data, inspection))
    except MediaError as exc:
        return ("error", exc)
    except MemoryError:
        return ("error", MediaError("out_of_memory", {"memory_bytes": bounds.memory_bytes}))


class Worker:
    """One child, used by one thread at a time, in the process that started it (see `owned`)."""

    def __init__(self) -> None:
        self.conn, theirs = _context.Pipe()
        self.process = _context.Process(target=_serve, args=(theirs,), daemon=True, name="media-worker")
        self.process.start()
        theirs.close()
        self.owner = os.getpid()
        self.photos = 0
        self.stopped = False

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def owned(self) -> bool:
        """False in a forked copy of the process that started it: only that process may use or stop it."""
        return self.owner == os.getpid()

    def usable(self) -> bool:
        return not self.stopped and self.photos < PHOTOS_PER_CHILD and self.process.is_alive()

    def derive(self, data: bytes, bounds: Bounds) -> Derived:
        """inspect + derive in the child; MediaError for bad input and for a broken bound alike. A broken
        bound stops the child. OSError (BrokenPipeError) when the child was gone before it had the photo."""
        self.photos += 1
        self.conn.send((data, bounds))
        if not self.conn.poll(bounds.seconds):
            self.stop()
            raise MediaError("timeout", {"seconds": bounds.seconds})
        try:
            status, value = self.conn.recv()
        except EOFError:  # the child died without a word: the kernel's or the allocator's last resort
            self.stop()
            raise MediaError("out_of_memory", {"memory_bytes": bounds.memory_bytes}) from None
        if status == "error":
            if value.code == "out_of_memory":
                self.stop()  # a failed allocation may have left the decoders' state half made
            raise value
        return value

    def stop(self, grace: float = 0.0) -> None:
        """Ends the child and waits for it: asked to leave within `grace` seconds, else killed."""
        if self.stopped:
            return
        self.stopped = True
        if grace:
            with contextlib.suppress(OSError):  # gone already
                self.conn.send(None)
            self.process.join(grace)
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.process.close()

    def abandon(self) -> None:
        """In a forked copy: drop this process's hold on the parent's child without signalling it. Closing
        the pipe keeps the child from waiting on a copy; forgetting the Process keeps multiprocessing's exit
        handler in this copy from terminating the parent's child (it would, believing it its own)."""
        self.stopped = True
        self.conn.close()
        multiprocessing.process._children.discard(self.process)
