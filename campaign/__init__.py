"""Kuchikomi: UGC photo campaigns for brands. `create_app` builds the Flask app; importing does nothing."""

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from campaign import health, logs, metrics, rights
from campaign.config import (
    PROJECT_ROOT,
    Config,
    ConfigError,
    check_values,
    from_environment,
    unknown_settings,
)

log = logging.getLogger(__name__)


def create_app(config: Mapping | type | None = None) -> Flask:
    """The app; its WSGI callable also serves the public API (/api/v1) through `create_public_api`'s app."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
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
    register_blueprints(app)
    rights.init_app(app)  # issue 12: rights to reuse collected posts
    register_storage_refs(app)
    register_cli(app)
    mount_public_api(app, create_public_api(app))
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


def load_config(app: Flask, config: Mapping | type | None) -> None:
    app.config.from_object(Config)
    app.config.update(from_environment())
    if isinstance(config, type):
        app.config.from_object(config)
    elif config:
        app.config.update(config)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_BYTES"] + 256 * 1024
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))


def warn_unknown_settings(environ: Mapping[str, str]) -> None:
    """A misspelt KUCHIKOMI_ variable would be silently ignored: one warning line each, naming the closest."""
    for name, closest in unknown_settings(environ):
        hint = f"; did you mean {closest}?" if closest else ""
        log.warning("%s is not a Kuchikomi setting and is ignored%s", name, hint)


def _instance_secret(instance: Path) -> str:
    """The embedded default keeps a generated key in instance/; production sets KUCHIKOMI_SECRET_KEY."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


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
    pending_objects.install()
    audit.install()
    from campaign.privacy import cdn

    cdn.target(app.config)  # a CDN purge setting this version cannot use is refused at startup


def register_blueprints(app: Flask) -> None:
    from campaign.auth.views import bp as auth_bp
    from campaign.campaigns.views import bp as campaigns_bp
    from campaign.entries.public_views import bp as submissions_bp
    from campaign.entries.studio_views import bp as entries_bp
    from campaign.home import bp as home_bp
    from campaign.media_views import bp as media_bp
    from campaign.orgs.views import bp as orgs_bp

    for bp in (home_bp, auth_bp, orgs_bp, campaigns_bp, entries_bp, submissions_bp, media_bp):
        app.register_blueprint(bp)
    from campaign.audit import views as audit_views  # issue 4
    from campaign.dashboard import views as dashboard_views  # issue 4
    from campaign.moderation import views as moderation_views  # issue 4

    for bp in (moderation_views.bp, audit_views.bp, dashboard_views.bp):  # issue 4
        app.register_blueprint(bp)
    from campaign.connectors import views as connectors_views  # issue 5
    from campaign.draws import public_views as draws_public
    from campaign.draws import views as draws_views

    app.register_blueprint(draws_views.bp)
    app.register_blueprint(draws_public.bp)
    app.register_blueprint(connectors_views.bp)
    from campaign.reviews import wiring as reviews_wiring  # issue 6: reviews, galleries, API, webhooks

    reviews_wiring.register(app)  # issue 6
    from campaign.privacy import views as privacy_views

    app.register_blueprint(privacy_views.bp)
    from campaign import sources  # issue 12: collected posts

    sources.init_app(app)


def register_storage_refs(app: Flask) -> None:
    """Every table that points at stored objects answers `flask storage gc`'s question."""
    from campaign.draws import frozen
    from campaign.entries.services import referenced_keys
    from campaign.galleries import snapshots
    from campaign.storage import register_references

    register_references(app, referenced_keys)
    register_references(app, frozen.referenced_keys)
    register_references(app, snapshots.referenced_keys)


def register_cli(app: Flask) -> None:
    from campaign import demo, jobs, unmigrated
    from campaign.auth.cli import users_cli
    from campaign.entries.cli import entries_cli
    from campaign.orgs.cli import orgs_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(orgs_cli)
    app.cli.add_command(entries_cli)
    app.cli.add_command(demo.demo_cli)
    from campaign.draws.cli import draws_cli  # issue 5

    app.cli.add_command(draws_cli)
    from campaign.privacy.cli import privacy_cli

    app.cli.add_command(privacy_cli)
    jobs.register_cli(app)
    unmigrated.init_app(app)  # last: every group above (and storage's) says "run flask db upgrade"
