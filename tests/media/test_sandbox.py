"""One photo's processing is bounded in time and memory; breaking a bound fails that photo alone."""

import io
import os
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from campaign.media import Bounds, MediaError, derive_bounded

from .samples import encode, photo


def jpeg(width: int, height: int) -> bytes:
    return encode(photo(1, (width, height)), "JPEG", quality=90)


def test_a_normal_photo_is_derived_in_the_child():
    derived = derive_bounded(jpeg(800, 600), Bounds())
    assert len(derived.derivatives) == 6
    assert derived.width == 800


def test_bad_input_is_reported_as_usual():
    with pytest.raises(MediaError) as caught:
        derive_bounded(b"not a photo", Bounds())
    assert caught.value.code == "not_an_image"


def test_too_slow_is_killed_with_a_timeout():
    started = time.monotonic()
    with pytest.raises(MediaError) as caught:
        derive_bounded(jpeg(3000, 2000), Bounds(seconds=0.01))
    assert caught.value.code == "timeout"
    assert time.monotonic() - started < 5


def test_too_much_memory_fails_with_out_of_memory():
    buffer = io.BytesIO()
    Image.new("RGB", (6000, 6000), (10, 20, 30)).save(buffer, "PNG")  # ~108 MB once decoded
    with pytest.raises(MediaError) as caught:
        derive_bounded(buffer.getvalue(), Bounds(memory_bytes=32 * 1024 * 1024))
    assert caught.value.code == "out_of_memory"


def test_the_caller_goes_on_after_a_broken_bound():
    with pytest.raises(MediaError):
        derive_bounded(jpeg(3000, 2000), Bounds(seconds=0.01))
    assert len(derive_bounded(jpeg(400, 300), Bounds()).derivatives) == 6


def forkserver_children() -> int:
    from multiprocessing import forkserver

    server = forkserver._forkserver._forkserver_pid
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            count += int(stat.rsplit(")", 1)[1].split()[1]) == server
    return count


def test_one_photo_at_a_time_is_decoded_per_process():
    """Parallel callers take turns: each child may use up to the memory bound, so they must not add up."""
    data = encode(Image.new("RGB", (4000, 3000), (200, 80, 60)), "PNG")
    derive_bounded(jpeg(320, 240), Bounds())  # the forkserver is running
    callers = [threading.Thread(target=derive_bounded, args=(data, Bounds())) for _ in range(3)]
    for caller in callers:
        caller.start()
    seen = set()
    while any(caller.is_alive() for caller in callers):
        seen.add(forkserver_children())
    for caller in callers:
        caller.join()
    assert max(seen) == 1


def test_a_forked_process_derives_photos_after_its_parent_did():
    """An RQ work horse is a fork of the worker, whose ticker may have started the forkserver already: the
    horse cannot use its parent's (waitpid said "No child processes" and every upload's first run failed)."""
    derive_bounded(jpeg(400, 300), Bounds())  # the parent's forkserver is running
    pid = os.fork()
    if pid == 0:  # the horse: 0 when it derived the photo
        try:
            os._exit(0 if len(derive_bounded(jpeg(400, 300), Bounds()).derivatives) == 6 else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert len(derive_bounded(jpeg(400, 300), Bounds()).derivatives) == 6  # and the parent's still serves
