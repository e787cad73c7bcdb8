"""Start-up through wsgi.py (gunicorn, every `flask` command): `.env` is read, a bad setting is one line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from campaign import create_app
from campaign.config import ConfigError, from_environment

ROOT = Path(__file__).resolve().parents[2]


def start(tmp_path: Path, *args: str, dotenv: str = "", **settings: str) -> subprocess.CompletedProcess:
    """Imports wsgi.py (as gunicorn does) or runs `flask <args>`, from an empty working directory."""
    (tmp_path / ".env").write_text(dotenv)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("KUCHIKOMI_") and key not in ("FLASK_APP", "FLASK_SKIP_DOTENV")
    }
    env.update(
        PYTHONPATH=str(ROOT),
        KUCHIKOMI_SECRET_KEY="x",
        KUCHIKOMI_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        KUCHIKOMI_STORAGE_BACKEND="memory",
        **settings,
    )
    command = [sys.executable, "-m", "flask", "--app", str(ROOT / "wsgi.py"), *args] if args else None
    command = command or [sys.executable, "-c", "import wsgi"]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        (
            {"KUCHIKOMI_MAX_UPLOAD_BYTES": "20MB"},
            "KUCHIKOMI_MAX_UPLOAD_BYTES must be a whole number, not '20MB'",
        ),
        ({"KUCHIKOMI_S3_READ_TIMEOUT": "5s"}, "KUCHIKOMI_S3_READ_TIMEOUT must be a number, not '5s'"),
        ({"KUCHIKOMI_LANGUAGES": "ja,fr"}, "choose among the shipped languages"),
        ({"KUCHIKOMI_MAIL_BACKEND": "sendmail"}, "MAIL_BACKEND must be 'log' or 'smtp'"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line(tmp_path, setting, said):
    for args in ((), ("routes",)):  # gunicorn imports wsgi.py; `flask routes` loads it through the CLI
        done = start(tmp_path, *args, **setting)
        assert done.returncode == 4, done.stderr  # gunicorn's "app failed to load": it stops, no restarts
        [line] = done.stderr.strip().splitlines()
        assert line.startswith("Kuchikomi cannot start: ") and said in line


def test_the_server_reads_dotenv_like_every_flask_command_and_the_environment_wins(tmp_path):
    assert start(tmp_path, dotenv="KUCHIKOMI_MAX_UPLOAD_BYTES=from-dotenv\n").returncode == 4
    assert (
        "from-dotenv" in start(tmp_path, "routes", dotenv="KUCHIKOMI_MAX_UPLOAD_BYTES=from-dotenv\n").stderr
    )
    overridden = start(
        tmp_path, dotenv="KUCHIKOMI_MAX_UPLOAD_BYTES=from-dotenv\n", KUCHIKOMI_MAX_UPLOAD_BYTES="1024"
    )
    assert overridden.returncode == 0, overridden.stderr
    skipped = start(tmp_path, dotenv="KUCHIKOMI_MAX_UPLOAD_BYTES=from-dotenv\n", FLASK_SKIP_DOTENV="1")
    assert skipped.returncode == 0, skipped.stderr


def test_settings_errors_are_config_errors_for_callers_of_create_app(tmp_path):
    with pytest.raises(ConfigError, match="KUCHIKOMI_MAX_PIXELS must be a whole number"):
        from_environment({"KUCHIKOMI_MAX_PIXELS": "40M"})
    with pytest.raises(ConfigError, match="STORAGE_BACKEND must be one of"):
        create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}", "STORAGE_BACKEND": "ftp"}
        )
