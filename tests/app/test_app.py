"""The app factory, importing, and the headers every public derivative carries."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import select, text

from campaign.entries.models import Derivative
from campaign.extensions import db
from tests import factories
from tests.entries.helpers import submit


def test_importing_every_module_does_no_work():
    """With the database and Redis pointing at closed ports, importing still succeeds at once."""
    code = (
        "import importlib, pkgutil, campaign\n"
        "names = [m.name for m in pkgutil.walk_packages(campaign.__path__, 'campaign.')]\n"
        "for name in names: importlib.import_module(name)\n"
        "print(len(names))\n"
    )
    env = {
        **os.environ,
        "KUCHIKOMI_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "KUCHIKOMI_REDIS_URL": "redis://127.0.0.1:1/0",
        "KUCHIKOMI_STORAGE_BACKEND": "s3",
        "KUCHIKOMI_S3_ENDPOINT_URL": "http://127.0.0.1:1",
    }
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 20


def test_public_derivatives_are_served_with_type_nosniff_and_forever_caching(client, app):
    from tests.galleries.helpers import make_brand

    make_brand(app, client).approved()
    for derivative in db.session.scalars(select(Derivative)):
        response = client.get(f"/media/{derivative.public_key}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == derivative.content_type
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        again = client.get(
            f"/media/{derivative.public_key}", headers={"If-None-Match": response.headers["ETag"]}
        )
        assert again.status_code == 304


def test_private_originals_are_never_served_as_media(client, app):
    factories.campaign(factories.org())
    submit(client)
    from campaign.entries.models import Entry

    key = db.session.scalar(select(Entry.original_key))
    assert client.get(f"/media/{key}").status_code == 404
    assert client.get("/media/public/../" + key).status_code == 404


def test_sqlite_connections_read_through_a_memory_map(tmp_path):
    from sqlalchemy import create_engine, text

    from campaign.extensions import SQLITE_MMAP_BYTES

    engine = create_engine(f"sqlite:///{tmp_path / 'mapped.sqlite3'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA mmap_size")).scalar() == SQLITE_MMAP_BYTES
    engine.dispose()


def test_sqlite_lets_a_submission_commit_while_a_long_read_is_open(tmp_path):
    """The write-ahead log: a draw or an export reading the whole table no longer locks customers out (with
    the rollback journal, this commit waited for the read to end, then failed with "database is locked")."""
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'wal.sqlite3'}", connect_args={"timeout": 0.2})
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE entries (id INTEGER PRIMARY KEY)"))
        conn.execute(text("INSERT INTO entries (id) VALUES (1)"))
    with engine.connect() as reader, engine.connect() as writer:
        assert reader.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        reader.exec_driver_sql("BEGIN")
        assert reader.execute(text("SELECT COUNT(*) FROM entries")).scalar() == 1  # the read holds its lock
        writer.execute(text("INSERT INTO entries (id) VALUES (2)"))
        writer.commit()
        assert reader.execute(text("SELECT COUNT(*) FROM entries")).scalar() == 1  # its own snapshot
        reader.rollback()
        assert reader.execute(text("SELECT COUNT(*) FROM entries")).scalar() == 2
    engine.dispose()


def test_languages_from_the_environment_are_a_list_not_a_string(tmp_path):
    """As a string, "KUCHIKOMI_LANGUAGES=en" made "e" a language of the app."""
    from flask_babel import get_locale

    from campaign import create_app
    from campaign.config import from_environment

    assert from_environment({"KUCHIKOMI_LANGUAGES": " en , ja"})["LANGUAGES"] == ("en", "ja")
    config = {
        **from_environment({"KUCHIKOMI_LANGUAGES": "en", "KUCHIKOMI_BABEL_DEFAULT_LOCALE": "en"}),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }
    app = create_app(config)
    with app.test_request_context("/?lang=e", headers={"Accept-Language": "ja"}):
        assert str(get_locale()) == "en"  # "e" is no language here, and neither is ja


@pytest.mark.parametrize(
    ("languages", "default", "said"),
    [
        ("en", "ja", "KUCHIKOMI_BABEL_DEFAULT_LOCALE 'ja' is not one of KUCHIKOMI_LANGUAGES 'en'"),
        (
            "ja,fr",
            "ja",
            "KUCHIKOMI_LANGUAGES must be among the shipped languages ja, en .comma-separated., not 'ja,fr'",
        ),
    ],
)
def test_languages_the_app_cannot_speak_stop_it_at_start(tmp_path, languages, default, said):
    from campaign import create_app
    from campaign.config import from_environment

    config = from_environment({"KUCHIKOMI_LANGUAGES": languages, "KUCHIKOMI_BABEL_DEFAULT_LOCALE": default})
    with pytest.raises(ValueError, match=said):
        create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})


def test_foreign_keys_are_enforced_and_cascade_on_every_database(app):
    """SQLite enforces foreign keys only when each connection asks; the embedded default must keep the
    same integrity as PostgreSQL."""
    import sqlalchemy as sa

    from campaign.orgs.models import Membership, Role

    organisation = factories.org()
    account = factories.member(organisation, "gone@example.com", Role.VIEWER)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.insert(Membership).values(user_id=account.id, org_id=organisation.id + 1000, role=Role.VIEWER)
        )
        db.session.flush()
    db.session.rollback()
    db.session.execute(sa.text("DELETE FROM users WHERE id = :id"), {"id": account.id})
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) == 0  # cascaded


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D/evil.example",
        "/%5C/evil.example",
        "//evil.example",
        "https://evil.example/",
        "/%00x",
        "/\u0085x",
    ],
)
def test_the_language_switch_never_redirects_off_site(client, target):
    """Issue 11, security 2 and 9: tabs and line breaks gave `//evil.example` or a 500."""
    response = client.get(f"/lang/en?next={target}")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_the_language_switch_keeps_a_path_of_this_site(client):
    response = client.get("/lang/en?next=/c/summer%3Fa%3D1")
    assert response.status_code == 302 and response.headers["Location"] == "/c/summer?a=1"


def test_the_sqlite_file_is_readable_by_its_owner_only(app_config, tmp_path):
    """Issue 11, security 10: it was created 0644, though it holds emails and webhook secrets."""
    from campaign import create_app

    new, old = tmp_path / "new" / "k.sqlite3", tmp_path / "old.sqlite3"
    old.write_bytes(b"")
    old.chmod(0o644)
    for path in (new, old):
        made = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        with made.app_context():
            db.session.execute(text("select 1"))
            db.session.remove()
            db.engine.dispose()
        assert path.stat().st_mode & 0o777 == 0o600, path
