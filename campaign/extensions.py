"""Unbound Flask extensions, wired to the app by `create_app`."""

import contextlib
import logging
import os
import sqlite3
from pathlib import Path

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase

log = logging.getLogger(__name__)

# Named constraints, so Alembic can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Database(SQLAlchemy):
    """Flask-SQLAlchemy, plus one connection pool for both apps `create_app` builds (main and public API)."""

    def init_app(self, app) -> None:
        super().init_app(app)
        for engine in self._app_engines[app].values():
            keep_private(engine)
        app.teardown_appcontext(self.end_session)  # teardowns run last first: just before Flask-SQLAlchemy's

    def end_session(self, _error: BaseException | None = None) -> None:
        """Closes the context's session and never raises. Flask-SQLAlchemy's own teardown rolls back
        its connection; on one the database dropped, that raised after every handler had answered, and the
        client's connection was dropped (a fault probe's find). Such connections are discarded instead."""
        try:
            self.session.remove()
        except Exception:
            log.warning(
                "the database session did not close cleanly: its connections are discarded", exc_info=True
            )
            with contextlib.suppress(Exception):
                self.session.invalidate()
            self.session.registry.clear()

    def init_app_sharing_engines(self, app, source) -> None:
        """Registers `app` on `source`'s engines. Flask-SQLAlchemy keeps them in `_app_engines`, which has no
        public setter; tests/api/test_public_app.py fails if an upgrade changes that."""
        self.init_app(app)  # its own engines are made but never connect (engines connect on first use)
        self._app_engines[app] = self._app_engines[source]


def keep_private(engine: Engine) -> None:
    """An SQLite file holds entrants' emails and webhook secrets: readable by its owner only (0600), made so
    before SQLite creates it (its journal and WAL files take the same mode). When a connection is opened,
    not when the app is built: a command that never opens the database (`flask --help`) leaves no empty
    file, nor its folder, behind. (Each new connection of the pool checks again: a few microseconds.)"""
    path = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not path or path == ":memory:" or path.startswith("file:"):
        return

    def make_private(_dialect, _record, _cargs, _cparams) -> None:
        # Never opens a file that exists: closing any descriptor of it drops every POSIX lock this process
        # holds on it, SQLite's included, and the next process to close the database (a `flask` command,
        # another worker) then deleted the write-ahead log under the others' open connections, whose
        # later commits were lost (a walk-through's find).
        try:
            if Path(path).exists():  # (a folder in its place is left to SQLite, below)
                if Path(path).is_file():
                    os.chmod(path, 0o600)
                return
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
        except OSError:  # made meanwhile by another process; or SQLite cannot open it either, and says so
            return  # as a database error (the 503 page)
        os.chmod(path, 0o600)

    event.listen(engine, "do_connect", make_private)


db = Database(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# SQLite (the embedded default) reads its file through a memory map: a scan of a large campaign (the draw
# reads every entry) runs about a quarter faster than through read() calls into SQLite's small page cache.
# And it enforces foreign keys (ON DELETE CASCADE included) only on connections that ask, as PostgreSQL does
# always; migrations turn it off while batch mode rebuilds tables (migrations/env.py).
# Its write-ahead log (WAL) lets readers go on while a request writes (the rollback journal made every
# read wait out a commit), and costs a commit one fsync of the log instead of creating, syncing and
# deleting a journal file: about 1.5 ms less CPU per customer submission (bench/storage.py). The
# synchronous setting stays FULL, so a commit that answered survives a power cut. The mode is kept in the
# file. SQLite advises against it for a database on a network filesystem, which the embedded default is not.
SQLITE_MMAP_BYTES = 1 << 30


# PostgreSQL: how long opening a connection may take. libpq's default is to wait for good: with the database
# host unreachable (packets dropped, not refused), every request, and the 503 page's own look-up of the
# reader's language, hung for the operating system's TCP timeout (about two minutes) instead of failing in
# seconds. A `connect_timeout` in the database URL's query, or PGCONNECT_TIMEOUT, takes precedence.
POSTGRES_CONNECT_TIMEOUT = 5


@event.listens_for(Engine, "do_connect")
def _postgres_connect_timeout(dialect, _record, _cargs, cparams) -> None:
    if dialect.name == "postgresql" and "PGCONNECT_TIMEOUT" not in os.environ:
        cparams.setdefault("connect_timeout", POSTGRES_CONNECT_TIMEOUT)


@event.listens_for(Engine, "connect")
def _sqlite_settings(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
