"""Start-up through wsgi.py (gunicorn, every `flask` command): `.env` is read, a bad setting is one line."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from campaign import create_app
from campaign.config import PRODUCTION_SETTINGS, ConfigError, from_environment, production_problems
from tests.fixtures.databases import POSTGRES_ADMIN_URL, _drop_postgres_database, _fresh_postgres_database

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
        {
            "PYTHONPATH": str(ROOT),
            "KUCHIKOMI_SECRET_KEY": "x",
            "KUCHIKOMI_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "KUCHIKOMI_STORAGE_BACKEND": "memory",
            **settings,
        }
    )
    command = [sys.executable, "-m", "flask", "--app", str(ROOT / "wsgi.py"), *args] if args else None
    command = command or [sys.executable, "-c", "import wsgi"]
    return subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        (
            {"KUCHIKOMI_MAX_UPLOAD_BYTES": "20MB"},
            "KUCHIKOMI_MAX_UPLOAD_BYTES must be a whole number above 0, not '20MB'",
        ),
        ({"KUCHIKOMI_S3_READ_TIMEOUT": "5s"}, "KUCHIKOMI_S3_READ_TIMEOUT must be a number above 0, not '5s'"),
        ({"KUCHIKOMI_LANGUAGES": "ja,fr"}, "KUCHIKOMI_LANGUAGES must be among the shipped languages ja, en"),
        ({"KUCHIKOMI_MAIL_BACKEND": "sendmail"}, "MAIL_BACKEND must be 'log' or 'smtp'"),
        # every mailed link starts with it: no scheme, or a space, broke them all (a check's find)
        ({"KUCHIKOMI_PUBLIC_BASE_URL": "ugc.example.jp"}, "KUCHIKOMI_PUBLIC_BASE_URL must be the address"),
        (
            {"KUCHIKOMI_PUBLIC_BASE_URL": " "},
            "with http:// or https:// (e.g. https://ugc.example.jp), not ' '",
        ),
        # a second check: a space inside, a port out of range, credentials, a fragment were taken
        ({"KUCHIKOMI_PUBLIC_BASE_URL": "http://ugc.example .jp"}, "KUCHIKOMI_PUBLIC_BASE_URL must be"),
        ({"KUCHIKOMI_PUBLIC_BASE_URL": "https://ugc.example.jp:99999"}, "KUCHIKOMI_PUBLIC_BASE_URL must be"),
        ({"KUCHIKOMI_PUBLIC_BASE_URL": "https://u:p@ugc.example.jp"}, "KUCHIKOMI_PUBLIC_BASE_URL must be"),
        ({"KUCHIKOMI_PUBLIC_BASE_URL": "https://ugc.example.jp#top"}, "KUCHIKOMI_PUBLIC_BASE_URL must be"),
        # issue 14: these ended in a traceback, or (a misspelt boolean) were silently false
        (
            {"KUCHIKOMI_SESSION_COOKIE_SECURE": "ture"},
            "KUCHIKOMI_SESSION_COOKIE_SECURE must be true or false",
        ),
        ({"KUCHIKOMI_DATABASE_URL": "postgres://db/x"}, "KUCHIKOMI_DATABASE_URL is not a database URL"),
        ({"KUCHIKOMI_DATABASE_URL": "kuchikomi.sqlite3"}, "KUCHIKOMI_DATABASE_URL is not a database URL"),
        ({"KUCHIKOMI_REDIS_URL": "localhost:6379"}, "KUCHIKOMI_REDIS_URL must start with redis://"),
        ({"KUCHIKOMI_UPLOAD_RATE_LIMIT": "10/min"}, "KUCHIKOMI_UPLOAD_RATE_LIMIT must be limits such as"),
        ({"KUCHIKOMI_LOG_LEVEL": "loud"}, "KUCHIKOMI_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR"),
        ({"KUCHIKOMI_STORAGE_BACKEND": "ftp"}, "KUCHIKOMI_STORAGE_BACKEND must be one of"),
        # an operator's walk-through: these were taken, or failed only when a duty ran
        (
            {"KUCHIKOMI_MAIL_PORT": "99999"},
            "KUCHIKOMI_MAIL_PORT must be a port number, 1 to 65535, not 99999",
        ),
        (
            {"KUCHIKOMI_BABEL_DEFAULT_TIMEZONE": "Nowhere"},
            "KUCHIKOMI_BABEL_DEFAULT_TIMEZONE must be a time zone",
        ),
        ({"KUCHIKOMI_TRUSTED_HOSTS": " , "}, "KUCHIKOMI_TRUSTED_HOSTS must name at least one value"),
        (
            {"KUCHIKOMI_DRAW_ADDRESS_RETENTION_DAYS": "abc"},
            "KUCHIKOMI_DRAW_ADDRESS_RETENTION_DAYS must be a whole",
        ),
        # 0 made the ticker thread tick without a pause; a negative limit or timeout is no limit at all
        ({"KUCHIKOMI_TICK_SECONDS": "0"}, "KUCHIKOMI_TICK_SECONDS must be a whole number above 0, not '0'"),
        ({"KUCHIKOMI_MAX_UPLOAD_BYTES": "-1"}, "KUCHIKOMI_MAX_UPLOAD_BYTES must be a whole number above 0"),
        ({"KUCHIKOMI_MEDIA_TIME_LIMIT": "nan"}, "KUCHIKOMI_MEDIA_TIME_LIMIT must be a number above 0"),
        ({"KUCHIKOMI_HSTS_SECONDS": "-1"}, "KUCHIKOMI_HSTS_SECONDS must be a whole number, 0 or more"),
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


def gunicorn_production(tmp_path: Path, dotenv: str = "", **settings: str) -> subprocess.CompletedProcess:
    """`gunicorn -c gunicorn.conf.py` (the README's production server, one worker) from a folder with this
    `.env`, with no KUCHIKOMI_ variable but its own database and `settings`; it stops on its own when it
    refuses (else the timeout ends it)."""
    (tmp_path / ".env").write_text(dotenv)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("KUCHIKOMI_", "FLASK_"))}
    env.update(PYTHONPATH=str(ROOT), GUNICORN_BIND=f"127.0.0.1:{free_port()}", GUNICORN_WORKERS="1")
    env.update(KUCHIKOMI_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **settings)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py")]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)


def gunicorn_version() -> str:
    from importlib.metadata import version

    return version("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_production_server_will_not_start_on_a_generated_key_or_the_log_mail_backend(tmp_path):
    """Both embedded defaults fail there without a word: each app server signed sessions, CSRF tokens and
    status links with its own generated key, and customers' mails (their private links) went to the log."""
    done = gunicorn_production(tmp_path)
    assert done.returncode == 4, done.stderr
    said = done.stderr.strip().splitlines()
    assert said[0].endswith("[INFO] Starting gunicorn " + gunicorn_version())  # gunicorn's own first line
    assert said[1:] == [  # then ours, once: it stops before binding the port or starting a worker
        "Kuchikomi cannot start for production (gunicorn.conf.py):",
        "  KUCHIKOMI_SECRET_KEY is not set: " + PRODUCTION_SETTINGS["KUCHIKOMI_SECRET_KEY"],
        "  KUCHIKOMI_MAIL_BACKEND is not set: " + PRODUCTION_SETTINGS["KUCHIKOMI_MAIL_BACKEND"],
        "  KUCHIKOMI_PUBLIC_BASE_URL is not set: " + PRODUCTION_SETTINGS["KUCHIKOMI_PUBLIC_BASE_URL"],
        "  KUCHIKOMI_MAIL_FROM is not set: " + PRODUCTION_SETTINGS["KUCHIKOMI_MAIL_FROM"],
    ]

    from_dotenv = gunicorn_production(tmp_path, dotenv="KUCHIKOMI_SECRET_KEY=" + "d" * 32 + "\n")
    assert from_dotenv.returncode == 4 and "SECRET_KEY" not in from_dotenv.stderr  # .env is read first
    assert "KUCHIKOMI_MAIL_BACKEND is not set" in from_dotenv.stderr


def test_the_production_server_refuses_a_bad_value_before_it_starts_a_worker(tmp_path):
    """A bad value was checked only in the workers: each said it, and the master then often died with a
    traceback, exit 1 (6 of 8 runs in an operator's walk-through). The master says it once, exit 4."""
    ready = {
        "KUCHIKOMI_SECRET_KEY": "k" * 32,
        "KUCHIKOMI_MAIL_BACKEND": "log",
        "KUCHIKOMI_PUBLIC_BASE_URL": "https://ugc.example.jp",
        "KUCHIKOMI_MAIL_FROM": "campaign@ugc.example.jp",
    }  # what production needs, so that only the bad values are said
    done = gunicorn_production(tmp_path, **ready, KUCHIKOMI_MAX_UPLOAD_BYTES="20MB")
    assert done.returncode == 4, done.stderr
    said = done.stderr.strip().splitlines()
    assert said[1:] == [
        "Kuchikomi cannot start for production (gunicorn.conf.py):",
        "  KUCHIKOMI_MAX_UPLOAD_BYTES must be a whole number above 0, not '20MB'",
    ]
    # a check's find: languages, storage and log settings were checked by the workers only, and of several
    # bad values the master said the first
    several = gunicorn_production(
        tmp_path,
        **ready,
        KUCHIKOMI_MAIL_PORT="0",  # no number above 0: it hid every other problem (a second check)
        KUCHIKOMI_LANGUAGES="ja,fr",
        KUCHIKOMI_STORAGE_BACKEND="ftp",
        KUCHIKOMI_LOG_FORMAT="xml",
    )
    assert several.returncode == 4, several.stderr
    assert several.stderr.strip().splitlines()[1:] == [
        "Kuchikomi cannot start for production (gunicorn.conf.py):",
        "  KUCHIKOMI_MAIL_PORT must be a whole number above 0, not '0'",
        "  KUCHIKOMI_LANGUAGES must be among the shipped languages ja, en (comma-separated), not 'ja,fr'",
        "  KUCHIKOMI_STORAGE_BACKEND must be one of local, memory, s3, not 'ftp'",
        "  KUCHIKOMI_LOG_FORMAT must be 'json' or 'text', not 'xml'",
    ]


def test_production_settings_chosen_explicitly_pass_the_check():
    """A staging server may choose the log backend: only a setting left to its default is refused."""
    key, smtp = (
        "k" * 32,
        {
            "KUCHIKOMI_MAIL_BACKEND": "smtp",
            "KUCHIKOMI_PUBLIC_BASE_URL": "https://ugc.example.jp",
            "KUCHIKOMI_MAIL_FROM": "campaign@ugc.example.jp",
        },
    )
    assert production_problems({"KUCHIKOMI_SECRET_KEY": key, **smtp, "KUCHIKOMI_MAIL_BACKEND": "log"}) == []
    # a key anyone could guess signs anyone's status links (a check found "short" accepted)
    assert production_problems({"KUCHIKOMI_SECRET_KEY": "short", **smtp}) == [
        "KUCHIKOMI_SECRET_KEY is 5 characters long: give at least 32 random ones "
        "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')"
    ]
    unusable = {**smtp, "KUCHIKOMI_PUBLIC_BASE_URL": "ugc.example.jp"}
    assert production_problems({"KUCHIKOMI_SECRET_KEY": key, **unusable})[0].startswith(
        "KUCHIKOMI_PUBLIC_BASE_URL must be the address customers reach the app at"
    )
    assert production_problems({"KUCHIKOMI_SECRET_KEY": "", **smtp}) == [
        "KUCHIKOMI_SECRET_KEY is not set: " + PRODUCTION_SETTINGS["KUCHIKOMI_SECRET_KEY"]
    ]


@pytest.mark.parametrize(
    "sender",
    ["no-reply@kuchikomi.invalid", "campaign@brand.test", "campaign@localhost", "campaign", "a b@x.jp"],
)
def test_production_will_not_start_without_a_real_sender(sender):
    """A walk-through's find: with KUCHIKOMI_MAIL_FROM unset, the campaign pages told customers that
    winners hear only from no-reply@kuchikomi.invalid. A staging server that sends nothing names one too:
    its pages say the same sentence."""
    ready = {
        "KUCHIKOMI_SECRET_KEY": "k" * 32,
        "KUCHIKOMI_MAIL_BACKEND": "log",
        "KUCHIKOMI_PUBLIC_BASE_URL": "https://ugc.example.jp",
    }
    assert production_problems(ready) == [
        "KUCHIKOMI_MAIL_FROM is not set: " + PRODUCTION_SETTINGS["KUCHIKOMI_MAIL_FROM"]
    ]
    assert production_problems({**ready, "KUCHIKOMI_MAIL_FROM": sender}) == [
        "KUCHIKOMI_MAIL_FROM must be a real address the brand's customers can recognise "
        f"(e.g. campaign@ugc.example.jp), not {sender!r}"
    ]
    assert production_problems({**ready, "KUCHIKOMI_MAIL_FROM": "campaign@ugc.example.jp"}) == []


def test_settings_errors_are_config_errors_for_callers_of_create_app(tmp_path):
    with pytest.raises(ConfigError, match="KUCHIKOMI_MAX_PIXELS must be a whole number"):
        from_environment({"KUCHIKOMI_MAX_PIXELS": "40M"})
    with pytest.raises(ConfigError, match="STORAGE_BACKEND must be one of"):
        create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}", "STORAGE_BACKEND": "ftp"}
        )


def test_an_unknown_setting_is_one_warning_naming_the_closest_and_start_up_goes_on(tmp_path):
    done = start(tmp_path, KUCHIKOMI_REDIS_ULR="redis://127.0.0.1:6379/0", KUCHIKOMI_FROBNICATE="1")
    assert done.returncode == 0, done.stderr
    frob, redis = (json.loads(line) for line in done.stderr.splitlines())
    assert redis["level"] == "WARNING"
    assert redis["message"] == (
        "KUCHIKOMI_REDIS_ULR is not a Kuchikomi setting and is ignored; did you mean KUCHIKOMI_REDIS_URL?"
    )
    assert frob["message"] == "KUCHIKOMI_FROBNICATE is not a Kuchikomi setting and is ignored"
    known = start(tmp_path, KUCHIKOMI_S3_REGION="ap-northeast-1", KUCHIKOMI_DRAW_ADDRESS_RETENTION_DAYS="9")
    assert known.returncode == 0 and known.stderr == ""


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_command_on_an_unmigrated_database_says_to_run_flask_db_upgrade(tmp_path, backend, request):
    """issue 14: `flask users create` on a fresh database gave a raw UndefinedTable traceback."""
    if backend == "postgresql":
        name = f"unmigrated_{os.getpid()}"
        url = _fresh_postgres_database(name)
        request.addfinalizer(lambda: _drop_postgres_database(name))
    else:
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    done = start(
        tmp_path, "users", "create", "owner@example.com", "--password", "long enough pw 1",
        KUCHIKOMI_DATABASE_URL=url,
    )  # fmt: skip
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Error: the database schema is missing or out of date (")
    assert line.endswith("): run `flask db upgrade` first")
    assert "Traceback" not in done.stderr


def test_users_create_says_the_database_is_unmigrated_before_asking_the_password(tmp_path):
    """The password was asked twice, then the command said to run `flask db upgrade`."""
    done = start(
        tmp_path, "users", "create", "owner@example.com",
        KUCHIKOMI_DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    )  # fmt: skip
    assert done.returncode == 1 and "Password" not in done.stdout + done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.endswith("): run `flask db upgrade` first")


def test_users_create_asks_the_password_twice_when_not_given(app, runner):
    result = runner.invoke(args=["users", "create", "new@example.com"], input="long enough pw 1\n" * 2)
    assert result.exit_code == 0 and "Created user new@example.com" in result.output, result.output
    taken = runner.invoke(args=["users", "create", "NEW@example.com"], input="long enough pw 1\n" * 2)
    assert taken.exit_code == 1 and "Password" not in taken.output, taken.output


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/kuchikomi", "Connection refused"),
        (
            make_url(POSTGRES_ADMIN_URL).set(database="no_such_database_kk").render_as_string(False),
            'database "no_such_database_kk" does not exist',
        ),
    ],
    ids=["closed-port", "unknown-database"],
)
def test_a_command_on_a_database_it_cannot_reach_says_so_in_one_line(tmp_path, url, said):
    """A wrong port or database name in KUCHIKOMI_DATABASE_URL ended in a 150-line traceback."""
    done = start(tmp_path, "jobs", "failing", KUCHIKOMI_DATABASE_URL=url)
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Error: cannot connect to the database (")
    assert said in line
    assert line.endswith("): check KUCHIKOMI_DATABASE_URL and that the server is up")


def test_every_app_a_process_builds_wraps_the_commands_once():
    """The command groups belong to the feature modules and every app shares them: each app wrapped their
    invocation again, and a test worker that had built a thousand apps overflowed the stack on its next
    command (a RecursionError in a full run). However many apps, one wrapper."""
    apps = [create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}) for _ in range(3)]
    for name in ("storage", "entries", "draws"):
        invoke = apps[-1].cli.commands[name].invoke
        assert getattr(invoke, "explains", False) and not getattr(invoke.__wrapped__, "explains", False)


def test_a_command_without_the_database_creates_no_file_and_one_with_it_a_private_one(tmp_path):
    """`flask --help` made an empty SQLite file (and its folder) at the configured place: the app opened it
    when it was built, to make it readable by its owner only. It is made so on the first connection now."""
    database = tmp_path / "instance" / "k.sqlite3"
    url = f"sqlite:///{database}"
    for args in (("--help",), ("routes",), ("db", "--help")):
        done = start(tmp_path, *args, KUCHIKOMI_DATABASE_URL=url)
        assert done.returncode == 0, done.stderr
        assert not database.parent.exists(), args
    upgraded = start(tmp_path, "db", "upgrade", KUCHIKOMI_DATABASE_URL=url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert database.stat().st_size > 0 and database.stat().st_mode & 0o777 == 0o600


def test_opening_another_connection_keeps_the_locks_that_keep_the_write_ahead_log(tmp_path):
    """A walk-through's find: each new connection of the pool opened and closed the database file to make it
    private, and closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
    own included. The next process to close the database (a `flask` command, another web worker) then found
    itself the last user, checkpointed and deleted the write-ahead log under the server, whose later commits
    went to the deleted file and were lost at its restart (an owner's saved title came back as before)."""
    from sqlalchemy import create_engine, text

    from campaign.extensions import keep_private

    database = tmp_path / "kuchikomi.sqlite3"
    engine = create_engine(f"sqlite:///{database}")
    keep_private(engine)
    with engine.connect() as first:
        first.execute(text("CREATE TABLE t (x INTEGER)"))
        first.execute(text("INSERT INTO t VALUES (1)"))
        first.commit()
        with engine.connect() as second:  # a second request at the same moment: the pool opens one more
            second.execute(text("SELECT count(*) FROM t")).scalar()
            other = (  # it reads the file, so closing it checkpoints and deletes the log if it is the last
                "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                "c.execute('SELECT * FROM t').fetchall(); c.close()"
            )
            subprocess.run([sys.executable, "-c", other, str(database)], check=True)  # say `flask jobs tick`
            assert (tmp_path / "kuchikomi.sqlite3-wal").exists()
            first.execute(text("INSERT INTO t VALUES (2)"))
            first.commit()
            seen = (
                "import sqlite3, sys; "
                "print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM t').fetchone()[0])"
            )
            out = subprocess.run([sys.executable, "-c", seen, str(database)], capture_output=True, text=True)
            assert out.stdout.strip() == "2"
    assert database.stat().st_mode & 0o777 == 0o600
