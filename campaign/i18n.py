"""Language and time zone choice: the visitor's switcher (?lang= or its cookie), else a logged-in user's
saved language, else Accept-Language; the public API ignores both, so its cached answers vary by
Accept-Language only."""

from datetime import timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format, get_timezone_name
from flask import Blueprint, current_app, g, has_request_context, redirect, request, session, url_for
from flask_babel import format_timedelta, get_locale, get_timezone, gettext, to_user_timezone
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from campaign.errors import database_failed
from campaign.extensions import babel

bp = Blueprint("i18n", __name__)
COOKIE = "lang"


def select_locale() -> Locale:
    """Pages: the switcher's choice (?lang= or its cookie), else the user's saved language, else
    Accept-Language. Logging in and saving the setting set the cookie too, so the switcher keeps working."""
    if not has_request_context():  # the CLI speaks the default language
        return _locale(current_app.config["BABEL_DEFAULT_LOCALE"])
    return _chosen_or_accepted(request.args.get("lang") or request.cookies.get(COOKIE) or _saved())


def _saved() -> str | None:
    """The logged-in user's language. Without a session cookie the session is not even opened: a public
    page's answer does not vary by cookie, and costs no query. Nor is the database asked on the page that
    says it failed (the browser's language then, unless the row was read before it failed)."""
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies or "_user_id" not in session:
        return None
    if database_failed():
        return None
    from flask_login import current_user

    return getattr(current_user, "locale", None)


def after_choice(code: str | None) -> Locale:
    """The language the next page speaks once a member saved `code` (None: follow the browser again)."""
    return _chosen_or_accepted(code)


def select_public_locale() -> Locale:
    """The public API: ?lang=, else Accept-Language; never a cookie (its answers vary by Accept-Language)."""
    return _chosen_or_accepted(request.args.get("lang"))


def _chosen_or_accepted(chosen: str | None) -> Locale:
    config = current_app.config
    if chosen not in config["LANGUAGES"]:
        header = request.environ.get("HTTP_ACCEPT_LANGUAGE", "")
        chosen = _best_match(header, config["LANGUAGES"]) or config["BABEL_DEFAULT_LOCALE"]
    return _locale(chosen)


@lru_cache(maxsize=256)
def _best_match(header: str, languages: tuple[str, ...]) -> str | None:
    """Parsed once per distinct header (a handful in practice), not once per request."""
    return parse_accept_header(header, LanguageAccept).best_match(languages)


@lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def select_timezone() -> str:
    return getattr(g, "timezone", None) or current_app.config["DEFAULT_ORG_TIMEZONE"]


def duration(delta: timedelta) -> str:
    """How long, rounded to its largest unit (「1分」, "1 minute"): Babel writes Japanese with a space,
    「1 分」, which a native writer does not (a check's find)."""
    text = format_timedelta(delta, threshold=1)
    return text.replace(" ", "") if str(get_locale()).startswith("ja") else text


def public_time(value, zone: str | None = None, *, named: bool = True) -> str:
    """A moment as a customer reads it: its date and minute in the organisation's zone (`zone`, else the
    request's), and that zone by name (「2026/12/05 10:00（日本時間）」, "Dec 5, 2026, 10:00 AM (Japan
    Time)"); `named=False` leaves the name out, for the first of two times told together. A visitor abroad
    reads the campaign's times too: with a numeric date ("12/5/26") and no zone, a deadline was a guess, and
    mails said 「19:00:00（Asia/Tokyo 時間）」."""
    locale = get_locale()
    where = ZoneInfo(zone) if zone else get_timezone()
    local = value.astimezone(where) if zone else to_user_timezone(value)
    date, time = format_date(local, "medium", locale=locale), format_time(local, "short", locale=locale)
    moment = get_datetime_format("medium", locale=locale).replace("{1}", date).replace("{0}", time)
    if not named:
        return moment
    return gettext("%(time)s (%(zone)s)", time=moment, zone=zone_name(where))


def zone_name(zone) -> str:
    """A time zone (a ZoneInfo or its IANA name) as the reader calls it: 「日本時間」, "Japan Time"."""
    where = ZoneInfo(zone) if isinstance(zone, str) else zone
    if str(where) in ("UTC", "Etc/UTC"):
        return "UTC"  # CLDR's generic name reads 「不明な地域（UTC）時間」
    return get_timezone_name(where, "long", locale=get_locale())


def safe_next(target: str | None, fallback: str, *, under: str = "/") -> str:
    """`target` when it is a path of this site (below `under`), else `fallback`: the one check of every
    `next`, so that it cannot become an open redirect. Browsers drop tabs and line breaks from a URL and
    read a backslash as a slash (`/%09/evil.example` is `//evil.example`), so any control character,
    backslash, scheme or host refuses it; so do line breaks, which a Location header cannot carry."""
    if not target or not target.startswith(under) or target.startswith("//") or "\\" in target:
        return fallback
    if any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in target):
        return fallback
    parts = urlsplit(target)
    return fallback if parts.scheme or parts.netloc else target


@bp.get("/lang/<code>")
def switch_language(code: str):
    response = redirect(safe_next(request.args.get("next"), url_for("home.index")))
    remember_choice(response, code)
    return response


def remember_choice(response, code: str) -> None:
    """The language cookie (the switcher's, and a user's saved language at login and in settings)."""
    if code in current_app.config["LANGUAGES"]:
        secure = request.is_secure or current_app.config["SESSION_COOKIE_SECURE"]
        response.set_cookie(
            COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True, secure=secure
        )


def init_app(app) -> None:  # the languages are checked with every setting (config.value_problems)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["public_time"] = public_time
    app.jinja_env.filters["zone_name"] = zone_name
    app.register_blueprint(bp)


def init_public_api(api) -> None:
    babel.init_app(api, locale_selector=select_public_locale, timezone_selector=select_timezone)
