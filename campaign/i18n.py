"""Language and time zone choice: the visitor's switcher cookie, else Accept-Language."""

from flask import Blueprint, current_app, g, has_request_context, redirect, request, url_for
from flask_babel import get_locale

from campaign.extensions import babel

bp = Blueprint("i18n", __name__)
COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI speaks the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang") or request.cookies.get(COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return getattr(g, "timezone", None) or current_app.config["DEFAULT_ORG_TIMEZONE"]


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths: the switcher must not become an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


@bp.get("/lang/<code>")
def switch_language(code: str):
    response = redirect(safe_next(request.args.get("next"), url_for("home.index")))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals["get_locale"] = get_locale
    app.register_blueprint(bp)
