"""Each process keeps one bounded child for photo after photo; a broken bound or a dead child is replaced."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from PIL import Image

from campaign.media import Bounds, MediaError, derive_bounded, worker
from campaign.media.sandbox import worker_pid

from .samples import encode, photo

ROOT = Path(__file__).resolve().parents[2]


def jpeg(width: int, height: int, seed: int = 1) -> bytes:
    return encode(photo(seed, (width, height)), "JPEG", quality=90)


@pytest.fixture(autouse=True)
def no_retirement_midway(monkeypatch):
    """A child retires after PHOTOS_PER_CHILD photos: not during these tests, whatever ran before them."""
    monkeypatch.setattr(worker, "PHOTOS_PER_CHILD", 1_000_000)


def large_png() -> bytes:
    """6000x6000, ~108 MB once decoded: a few hundred ms of work."""
    return encode(Image.new("RGB", (6000, 6000), (10, 20, 30)), "PNG")


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_photos_in_a_row_are_derived_by_the_same_child():
    derive_bounded(jpeg(400, 300), Bounds())
    child = worker_pid()
    assert child is not None and child != os.getpid()
    for seed in range(2, 5):
        assert derive_bounded(jpeg(640, 480, seed), Bounds()).width == 640
    assert worker_pid() == child


def test_a_child_retires_after_its_share_of_photos(monkeypatch):
    monkeypatch.setattr(worker, "PHOTOS_PER_CHILD", 2)
    derive_bounded(jpeg(400, 300), Bounds())
    first = worker_pid()
    derive_bounded(jpeg(400, 300), Bounds())
    assert len(derive_bounded(jpeg(400, 300), Bounds()).derivatives) == 6
    assert worker_pid() not in (None, first)
    assert not running(first)


def test_after_a_photo_over_the_time_limit_the_next_one_is_derived_by_a_new_child():
    derive_bounded(jpeg(400, 300), Bounds())
    first = worker_pid()
    with pytest.raises(MediaError) as caught:
        derive_bounded(jpeg(3000, 2000), Bounds(seconds=0.01))
    assert caught.value.code == "timeout"
    assert not running(first)  # killed, not left to finish
    assert len(derive_bounded(jpeg(400, 300), Bounds()).derivatives) == 6
    assert worker_pid() not in (None, first)


def test_after_a_photo_over_the_memory_limit_the_next_one_is_derived_by_a_new_child():
    derive_bounded(jpeg(400, 300), Bounds())
    first = worker_pid()
    with pytest.raises(MediaError) as caught:
        derive_bounded(large_png(), Bounds(memory_bytes=32 * 1024 * 1024))
    assert caught.value.code == "out_of_memory"
    assert len(derive_bounded(jpeg(400, 300), Bounds()).derivatives) == 6
    assert worker_pid() not in (None, first)


def test_a_child_that_died_is_replaced_and_the_next_photo_is_derived():
    derive_bounded(jpeg(400, 300), Bounds())
    first = worker_pid()
    os.kill(first, signal.SIGKILL)  # the kernel's OOM killer, say, while it waited for a photo
    while running(first):
        pass
    assert len(derive_bounded(jpeg(400, 300), Bounds()).derivatives) == 6
    assert worker_pid() not in (None, first)


def cpu_ns(pid: int) -> int:
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def test_a_child_that_dies_during_a_photo_fails_that_photo_alone():
    data = large_png()
    derive_bounded(jpeg(400, 300), Bounds())
    first = worker_pid()
    idle = cpu_ns(first)
    outcome: list = []

    def upload() -> None:
        try:
            outcome.append(derive_bounded(data, Bounds()))
        except MediaError as exc:
            outcome.append(exc)

    caller = threading.Thread(target=upload)
    caller.start()
    while cpu_ns(first) - idle < 20_000_000:  # 20 ms of CPU: at work on the photo (it takes hundreds)
        pass
    os.kill(first, signal.SIGKILL)  # a segfault in a decoder, say
    caller.join()
    assert isinstance(outcome[0], MediaError)
    assert outcome[0].code == "out_of_memory"  # what a child that dies without a word has always meant
    assert len(derive_bounded(jpeg(400, 300), Bounds()).derivatives) == 6
    assert worker_pid() not in (None, first)


def test_threads_take_turns_in_the_one_child():
    derive_bounded(jpeg(320, 240), Bounds())
    child = worker_pid()
    results: list[int] = []

    def upload(seed: int) -> None:
        results.append(derive_bounded(jpeg(500, 400, seed), Bounds()).width)

    callers = [threading.Thread(target=upload, args=(seed,)) for seed in range(4)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert results == [500] * 4
    assert child is not None and worker_pid() == child


def test_a_forked_process_gets_its_own_child_and_leaves_its_parents_alone():
    """A gunicorn or RQ worker forked from a process that derived photos: it starts its own child, and its
    exit (interpreter shutdown, exit handlers and all) neither stops nor disturbs the parent's."""
    script = textwrap.dedent(
        """
        import os, sys
        from campaign.media import Bounds, derive_bounded
        from campaign.media.sandbox import worker_pid
        from tests.media.samples import encode, photo

        data = encode(photo(1, (400, 300)), "JPEG", quality=90)
        derive_bounded(data, Bounds())
        parents = worker_pid()
        reading, writing = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(reading)
            derive_bounded(data, Bounds())
            os.write(writing, str(worker_pid()).encode())
            sys.exit(0)  # a normal exit: atexit handlers run in the fork
        os.close(writing)
        forks = int(os.read(reading, 100))
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert forks != parents, "the fork used its parent's child"
        assert len(derive_bounded(data, Bounds()).derivatives) == 6
        assert worker_pid() == parents, "the fork's exit stopped its parent's child"
        print(parents, forks)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    parents, forks = (int(pid) for pid in done.stdout.split())
    assert not running(parents)  # stopped when its process exited
    assert not running(forks)
