"""init_app wiring and the `flask storage` commands, on a bare Flask app (no database needed)."""

from __future__ import annotations

import os
import time
import traceback

import pytest
from flask import Flask

from campaign.storage import build_storage, get_storage, init_app, register_references
from campaign.storage.local import LocalStorage
from campaign.storage.memory import MemoryStorage


def told(result) -> str:
    """What a command printed, and its exception's traceback (a RecursionError once failed a full run
    with nothing more to go on)."""
    if result.exc_info is None or result.exc_info[0] is SystemExit:
        return result.output
    return result.output + "".join(traceback.format_exception(*result.exc_info))


def make_app(**config) -> Flask:
    app = Flask("storage_cli_test")
    app.config.update(config)
    init_app(app)
    return app


def test_init_app_builds_one_backend_and_registers_the_commands(tmp_path):
    app = make_app(STORAGE_LOCAL_ROOT=str(tmp_path))
    storage = app.extensions["storage"]
    assert isinstance(storage, LocalStorage) and storage.root == tmp_path
    assert app.extensions["storage_refs"] == []
    assert "storage" in app.cli.commands
    with app.app_context():
        assert get_storage() is storage
        assert get_storage() is storage


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="STORAGE_BACKEND"):
        make_app(STORAGE_BACKEND="ftp")
    with pytest.raises(ValueError, match="private_bucket"):
        build_storage({"STORAGE_BACKEND": "s3"})


def test_get_storage_without_init_app_says_so():
    with Flask("bare").app_context(), pytest.raises(RuntimeError, match="init_app"):
        get_storage()


def test_check_command_ok():
    app = make_app(STORAGE_BACKEND="memory")
    result = app.test_cli_runner().invoke(args=["storage", "check"])
    assert result.exit_code == 0, told(result)
    assert result.output.startswith("Storage OK: memory")


def test_check_command_lists_problems_and_fails(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    app = make_app(STORAGE_LOCAL_ROOT=str(blocker / "uploads"))
    result = app.test_cli_runner().invoke(args=["storage", "check"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Storage problems (local):"
    assert len(lines) == 3 and all(line.startswith("  - local storage") for line in lines[1:])


@pytest.mark.s3
def test_check_command_reports_bad_s3_credentials(seaweedfs):
    app = make_app(**seaweedfs.storage_config(S3_SECRET_ACCESS_KEY="wrong"))
    result = app.test_cli_runner().invoke(args=["storage", "check"])
    assert result.exit_code == 1
    assert "bad credentials" in result.output and "S3_SECRET_ACCESS_KEY" in result.output


@pytest.mark.s3
def test_check_command_ok_on_s3(seaweedfs):
    app = make_app(**seaweedfs.storage_config(S3_KEY_PREFIX="cli/"))
    result = app.test_cli_runner().invoke(args=["storage", "check"])
    assert result.exit_code == 0, told(result)
    assert result.output.startswith(f"Storage OK: s3 ({seaweedfs.endpoint_url}, buckets kuchikomi-private")


@pytest.fixture
def gc_app(tmp_path) -> Flask:
    """Local storage with two old objects and a young one; rows point at one of the old ones."""
    app = make_app(STORAGE_LOCAL_ROOT=str(tmp_path))
    storage = app.extensions["storage"]
    old = time.time() - 7200
    for key in ("private/kept.jpg", "private/orphan.jpg", "public/orphan.webp", "private/young.jpg"):
        storage.put(key, b"12345", content_type="application/octet-stream")
        if key != "private/young.jpg":
            os.utime(tmp_path / key, (old, old))
    register_references(app, lambda keys: {k for k in keys if k == "private/kept.jpg"})
    register_references(app, lambda keys: set())
    return app


def stored_keys(app: Flask) -> list[str]:
    return sorted(o.key for o in app.extensions["storage"].iter_objects())


def test_gc_lists_without_deleting(gc_app: Flask):
    result = gc_app.test_cli_runner().invoke(args=["storage", "gc"])
    assert result.exit_code == 0, told(result)
    lines = result.stdout.splitlines()  # the listing and the summary; progress goes to stderr
    assert [line.split("\t")[0] for line in lines[:-1]] == ["private/orphan.jpg", "public/orphan.webp"]
    assert lines[-1] == "2 orphaned objects (10 bytes); run with --delete to remove them"
    assert result.stderr.splitlines()[-1] == "objects checked: 3"
    assert len(stored_keys(gc_app)) == 4


def test_gc_deletes_orphans_past_the_grace_period(gc_app: Flask):
    result = gc_app.test_cli_runner().invoke(args=["storage", "gc", "--delete"])
    assert result.exit_code == 0, told(result)
    assert result.stdout.splitlines()[-1] == "deleted 2 orphaned objects (10 bytes)"
    assert result.stderr.splitlines() == ["objects checked: 3", "orphans deleted: 2/2"]
    assert stored_keys(gc_app) == ["private/kept.jpg", "private/young.jpg"]


def test_gc_grace_option(gc_app: Flask):
    result = gc_app.test_cli_runner().invoke(args=["storage", "gc", "--grace", "0", "--delete"])
    assert result.exit_code == 0, told(result)
    assert stored_keys(gc_app) == ["private/kept.jpg"]


def test_gc_refuses_to_run_without_reference_providers(tmp_path):
    app = make_app(STORAGE_BACKEND="memory")
    storage: MemoryStorage = app.extensions["storage"]
    storage.put("private/a.jpg", b"x", content_type="image/jpeg")
    result = app.test_cli_runner().invoke(args=["storage", "gc", "--grace", "0", "--delete"])
    assert result.exit_code == 1
    assert "no reference providers" in result.output
    assert storage.exists("private/a.jpg")
