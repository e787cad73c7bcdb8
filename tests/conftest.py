import re

import jinja2
import pytest
from flask.testing import FlaskClient


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (fresh `g`, its own DB session), as in production.

    The test's own session is expired afterwards, so the test reads what the request committed.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # tests that read Japanese ask for it

    def open(self, *args, **kwargs):
        from campaign.extensions import db

        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


class SharedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates, shared by every app the `app` fixture makes in this process.

    Each app has its own Jinja environment, so without this every test compiled each template it rendered
    again (a third of a test's time). Jinja checks each entry against the template's source checksum;
    what runs is the same compiled code either way.
    """

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if (code := self._code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = SharedBytecodeCache()

pytest_plugins = [
    "tests.fixtures.databases",
    "tests.fixtures.seaweedfs",
    "tests.fixtures.live_server",
    "tests.fixtures.browser",
    "tests.fixtures.smtp",
    "tests.fixtures.social_apis",  # draws (issue 5)
    "tests.fixtures.fault_proxy",
    "tests.fixtures.compiled_once",
]


@pytest.fixture(autouse=True)
def no_ticker_outlives_its_test():
    """A web process starts its scheduler ticker and its analytics writer on its first request when nothing
    says otherwise (an app made without TESTING, say). Bound to that test's app, neither may run into the
    next test's database."""
    yield
    stop_background_threads()


def stop_background_threads() -> None:
    """Stops this process's ticker and analytics writers, each after what it is doing.

    The `app` fixture calls it before emptying and disposing of its database: a ticker torn down after
    that (a fixture that set it up before the app, say) could still be holding a pooled connection, which
    it then returned to the disposed pool, never closed (psycopg's ResourceWarning at the end of the run),
    or write rows after the cleanup, into the next test."""
    from campaign import schedule
    from campaign.analytics.buffer import stop_writers

    schedule.stop_background()
    stop_writers()


@pytest.fixture
def app_config(database_url, tmp_path):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "STORAGE_BACKEND": "memory",
        "STORAGE_LOCAL_ROOT": str(tmp_path / "uploads"),
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "UPLOAD_RATE_LIMIT": "1000 per minute",
        "CAMPAIGN_UPLOAD_RATE_LIMIT": "1000 per minute",
        "UPLOAD_ATTEMPT_RATE_LIMIT": "1000 per minute",
        "OUTBOUND_ALLOW_PRIVATE": True,  # webhook receivers and the fake social APIs listen on loopback
        "PUBLIC_BASE_URL": "http://localhost",  # the test client's host: mailed links open in it
        # Cheap argon2id for speed; tests/auth checks that production parameters are the library's.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
    }


@pytest.fixture
def app(app_config):
    from campaign import create_app
    from campaign.extensions import db
    from tests.fixtures.databases import empty_all_tables

    app = create_app(app_config)
    app.test_client_class = FreshContextClient
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    with app.app_context():
        yield app
        stop_background_threads()  # before the cleanup: a ticker mid-tick holds a connection of this app's
        db.session.remove()
        empty_all_tables(db.engine, db.metadata)
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
NONCE_RE = re.compile(r'name="form_nonce" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Studio:
    """Drives the studio like a marketer: logs in through the real form, posts forms with their token."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str):
        page = self.client.get("/login")
        return self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": csrf_from(page.text)}
        )

    def post(self, url: str, data: dict | None = None, *, form_page: str | None = None, **kwargs):
        """Sends the form as the page would: with its CSRF token and, when it has one, its one-time token."""
        page = self.client.get(form_page or "/studio/")
        nonce = {"form_nonce": match.group(1)} if (match := NONCE_RE.search(page.text)) else {}
        return self.client.post(
            url, data={**nonce, **(data or {}), "csrf_token": csrf_from(page.text)}, **kwargs
        )


@pytest.fixture
def studio(client):
    return Studio(client)
