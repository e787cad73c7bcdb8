"""Kuchikomi: UGC photo campaigns for brands. `create_app` builds the Flask app; importing does nothing."""

import importlib
import logging
import os
from collections.abc import Mapping

from flask import Flask

from campaign import health, logs, metrics, nul_characters
from campaign.app_settings import check_values, load_config, warn_unknown_settings
from campaign.config import PROJECT_ROOT, ConfigError
from campaign.uploads import UploadRequest

log = logging.getLogger(__name__)

# Every feature package (or module) has `init_app(app)`, which registers all it brings: blueprints, CLI
# groups, storage references (`flask storage gc`), event listeners and periodic duties. Adding a feature is
# one line here. Order: blueprints are matched in this order, and instant win builds on the draws' seed.
FEATURES = (
    "campaign.home",
    "campaign.auth",
    "campaign.accounts",
    "campaign.orgs",
    "campaign.campaigns",
    "campaign.brandpage",
    "campaign.entries",
    "campaign.media_views",
    "campaign.moderation",
    "campaign.audit",
    "campaign.dashboard",
    "campaign.draws",
    "campaign.instant",
    "campaign.connectors",
    "campaign.sources",
    "campaign.rights",
    "campaign.api",
    "campaign.galleries",
    "campaign.reviews",
    "campaign.webhooks",
    "campaign.privacy",
    "campaign.analytics",
    "campaign.demo",
)


def create_app(config: Mapping | type | None = None) -> Flask:
    """The app; its WSGI callable also serves the public API (/api/v1) through `create_public_api`'s app."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.request_class = UploadRequest
    try:
        load_config(app, config)
        check_values(app.config)
        logs.configure(app)  # first: every feature's logger finds the handler (mail's log backend too)
        warn_unknown_settings(os.environ)
        register_extensions(app)  # each checks its settings (languages, mail, storage) and says what is wrong
    except ConfigError:
        raise
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    nul_characters.install_converters(app)  # before any route: no `<name>` matches a NUL
    # The public API first: a feature may put middleware in front of it (analytics' /api/v1/events).
    mount_public_api(app, create_public_api(app))
    for feature in FEATURES:
        importlib.import_module(feature).init_app(app)
    register_core_cli(app)
    health.mount(app)  # /healthz, /readyz, /metrics
    trust_proxy(app)
    return app


def trust_proxy(app: Flask) -> None:
    """Outermost middleware, so the public API sees the client's address, scheme and host too."""
    from campaign import security_headers

    security_headers.trust_proxy(app)


def create_public_api(app: Flask) -> Flask:
    """The public read-only API as a lean app of its own: no session, CSRF, login, rate limiter or HTML
    errors, so a cached answer costs little more than a bare Flask route. It shares `app`'s config, database
    engines and storage, and builds URLs of `app`'s pages (media, embeds) from `app`'s routes."""
    from campaign import i18n
    from campaign.api import public_views
    from campaign.api.mount import LeanApi, NoSessions, build_urls_from
    from campaign.extensions import db

    api = LeanApi(__name__, static_folder=None, instance_path=app.instance_path)
    api.config = app.config
    api.session_interface = NoSessions()
    db.init_app_sharing_engines(api, app)
    i18n.init_public_api(api)
    logs.init_request_ids(api)
    metrics.init_app(api, "public_api")
    api.extensions["storage"] = app.extensions["storage"]
    nul_characters.install_converters(api)
    api.register_blueprint(public_views.bp)
    public_views.register_errors(api)
    api.url_build_error_handlers.append(build_urls_from(app))
    return api


def mount_public_api(app: Flask, api: Flask) -> None:
    """`app` stays the one WSGI app (gunicorn, `flask`, test client); requests under the API's prefix go
    to `api`, and each app builds the other's URLs."""
    from campaign.api.mount import PrefixDispatch, build_urls_from
    from campaign.api.public_views import bp

    app.wsgi_app = PrefixDispatch(app.wsgi_app, bp.url_prefix, api)
    app.url_build_error_handlers.append(build_urls_from(api))
    app.extensions["public_api"] = api


def register_extensions(app: Flask) -> None:
    from campaign import errors, i18n, jobs, mail, nonces, pending_objects, security_headers, storage
    from campaign.audit import services as audit
    from campaign.auth import sessions
    from campaign.extensions import csrf, db, limiter, migrate

    logs.init_request_ids(app)  # before CSRF and the limiter: a refused request has its id too
    metrics.init_app(app, "main")
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    sessions.init_app(app)
    storage.init_app(app)
    jobs.init_app(app)
    mail.init_app(app)
    errors.init_app(app)
    security_headers.init_app(app)
    nonces.init_app(app)
    nul_characters.init_app(app)
    pending_objects.install()
    audit.install()


def register_core_cli(app: Flask) -> None:
    from campaign import jobs, unmigrated

    jobs.register_cli(app)
    unmigrated.init_app(app)  # last: every group (features' and storage's) says "run flask db upgrade"
