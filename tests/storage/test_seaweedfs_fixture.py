"""The `seaweedfs` fixture itself, run in a separate pytest process: teardown leaves no weed behind,
and a missing or broken binary skips locally but fails on CI, with weed's log in the message."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.seaweedfs import process_group_alive

REPO = Path(__file__).resolve().parents[2]

INNER_TEST = """
import os

def test_server_runs(seaweedfs):
    seaweedfs.client().list_buckets()
    with open(os.environ["WEED_INFO"], "w") as info:
        info.write(f"{seaweedfs.process.pid} {seaweedfs.data_dir}")
"""


def run_inner_session(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    test_file = tmp_path / "test_inner.py"
    test_file.write_text(INNER_TEST)
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "SEAWEEDFS_BIN")}
    environ.update(PYTHONPATH=str(REPO), WEED_INFO=str(tmp_path / "weed-info"), **env)
    command = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider"]
    command += ["-p", "tests.fixtures.seaweedfs", f"--basetemp={tmp_path / 'inner'}", str(test_file)]
    return subprocess.run(command, cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=120)


def weed_processes_using(data_dir: str) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if data_dir in cmdline:
                pids.append(int(proc.name))
    return pids


@pytest.mark.s3
@pytest.mark.slow
def test_session_teardown_leaves_no_weed_process(tmp_path: Path):
    result = run_inner_session(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    pid, data_dir = (tmp_path / "weed-info").read_text().split(" ", 1)
    assert not process_group_alive(int(pid))
    assert weed_processes_using(data_dir) == []


@pytest.fixture
def broken_weed(tmp_path: Path) -> str:
    script = tmp_path / "weed"
    script.write_text("#!/bin/sh\necho 'weed: cannot start: disk on fire' >&2\nexit 3\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_missing_binary_skips_locally(tmp_path: Path):
    result = run_inner_session(tmp_path, SEAWEEDFS_BIN=str(tmp_path / "no-such-weed"))
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout and "SeaweedFS unavailable: no `weed` binary" in result.stdout


def test_broken_server_fails_on_ci_with_the_log_tail(tmp_path: Path, broken_weed: str):
    result = run_inner_session(tmp_path, SEAWEEDFS_BIN=broken_weed, CI="true")
    assert result.returncode == 1, result.stdout
    assert "SeaweedFS unavailable: weed exited with status 3" in result.stdout
    assert "disk on fire" in result.stdout
