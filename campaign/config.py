"""Configuration: safe embedded defaults, overridden by KUCHIKOMI_* environment variables.

This module imports nothing of the app at module level: gunicorn.conf.py loads it on its own in gunicorn's
master (`production_problems`), which must not import the app package."""

import math
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The embedded default's sender: no one can receive mail there, and no one should be told to trust it.
PLACEHOLDER_MAIL_FROM = "no-reply@kuchikomi.invalid"
RESERVED_MAIL_DOMAINS = ("invalid", "test", "example", "localhost", "local")  # RFC 2606, 6761, 6762

_INT_KEYS = {
    "MAX_UPLOAD_BYTES",
    "MAX_PIXELS",
    "MIN_PHOTO_SIDE",
    "MAX_PHOTO_ASPECT",
    "MEDIA_MEMORY_LIMIT",
    "S3_MAX_ATTEMPTS",
    "MAIL_PORT",
    "ARGON2_TIME_COST",
    "ARGON2_MEMORY_COST",
    "ARGON2_PARALLELISM",
    "HSTS_SECONDS",
    "PROXY_FIX_X_FOR",
    "PROXY_FIX_X_PROTO",
    "PROXY_FIX_X_HOST",
    "PROXY_FIX_X_PORT",
    "PROXY_FIX_X_PREFIX",
    "TICK_SECONDS",
    "ANALYTICS_RAW_DAYS",
    "ANALYTICS_RATE_PER_MINUTE",
    "JOB_LEASE_SECONDS",
    "DRAW_ADDRESS_RETENTION_DAYS",
}
# Numbers where 0 means "none" or "off"; every other number must be above 0 (0 seconds between ticks made
# the ticker spin), and none may be negative.
_ZERO_ALLOWED = {"MIN_PHOTO_SIDE", "MAX_PHOTO_ASPECT", "HSTS_SECONDS"} | {
    key for key in _INT_KEYS if key.startswith("PROXY_FIX_")
}
_FLOAT_KEYS = {"S3_CONNECT_TIMEOUT", "S3_READ_TIMEOUT", "MAIL_TIMEOUT", "MEDIA_TIME_LIMIT"}
_BOOL_KEYS = {
    "SESSION_COOKIE_SECURE",
    "MAIL_USE_TLS",
    "RATELIMIT_ENABLED",
    "OUTBOUND_ALLOW_PRIVATE",
    "JOBS_INLINE",
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED",
    "SCHEDULER_THREAD",
    "ANALYTICS_FLUSH_THREAD",
}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}
# Settings read with a default where they are used, and variables of the test and bench tools.
_READ_ELSEWHERE = {"DATABASE_URL"}
_TOOL_VARIABLES = {"TEST_POSTGRES", "CHROMIUM", "SHOTS"}
_LIST_KEYS = {"LANGUAGES", "TRUSTED_HOSTS"}  # comma-separated: KUCHIKOMI_LANGUAGES=ja,en


class ConfigError(ValueError):
    """A setting the app cannot start with; the message names it and says what it accepts."""


# The exit status of a start refused for its settings: gunicorn's "app failed to load", on which its master
# stops rather than restarting workers that cannot start (wsgi.py, gunicorn.conf.py).
APP_LOAD_ERROR = 4


class Config:
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{PROJECT_ROOT / 'instance' / 'kuchikomi.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Where customers and web teams reach this app; jobs and emails build absolute links from it.
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    # Who runs this install (a company's name), named in the ready-made notice for the brands' privacy
    # policies (外部送信規律); "" names the service by its address only.
    OPERATOR_NAME = ""

    STORAGE_BACKEND = "local"
    STORAGE_LOCAL_ROOT = str(PROJECT_ROOT / "uploads")
    # A customer waits at most about attempts x (connect + read) seconds before "please retry".
    S3_CONNECT_TIMEOUT = 3.0
    S3_READ_TIMEOUT = 5.0
    S3_MAX_ATTEMPTS = 2

    MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    MAX_PIXELS = 40_000_000
    MIN_PHOTO_SIDE = 200  # pixels on the shorter side: a product must be recognisable in the photo
    # the longer side at most this many times the shorter (0: any): a phone's panorama is 3 to 6 times as
    # wide as it is high; a 60000 × 300 strip shows no product and breaks every gallery layout
    MAX_PHOTO_ASPECT = 8
    MEDIA_TIME_LIMIT = 20.0  # seconds to derive one photo, in a child process
    MEDIA_MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes that child may add
    REDIS_URL: str | None = None
    # The periodic duties' ticker (campaign/schedule.py): seconds between ticks, and whether the web process
    # runs one (unset: yes without Redis, where no worker does; never under TESTING unless set).
    TICK_SECONDS = 30
    # How long a job's claim lasts (campaign/outbox.py): a job killed with its worker runs again after it.
    JOB_LEASE_SECONDS = 600
    SCHEDULER_THREAD: bool | None = None
    # Analytics (issue 15): raw events are deleted after this many days (daily rollups are kept); whether
    # each web process writes its buffered beacons from a thread (unset: yes, unless testing; with Redis
    # the beacons wait in Redis and the rollup duty writes them).
    ANALYTICS_RAW_DAYS = 35
    ANALYTICS_RATE_PER_MINUTE = 120  # beacons per sending address and minute, in each web process
    ANALYTICS_FLUSH_THREAD: bool | None = None

    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # Days a winner's postal address is kept after the prize is shipped (the hourly purge, or
    # `flask draws purge-addresses`)
    DRAW_ADDRESS_RETENTION_DAYS = 30
    LANGUAGES = ("ja", "en")
    DEFAULT_ORG_TIMEZONE = "Asia/Tokyo"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    HSTS_SECONDS = 365 * 24 * 3600  # Strict-Transport-Security on HTTPS responses; 0 sends none
    # Behind a load balancer: how many proxies set each X-Forwarded-* header (0: the header is ignored).
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    PROXY_FIX_X_PORT = 0
    PROXY_FIX_X_PREFIX = 0
    # Host names this app answers for (Flask); others get 400 and never reach a cached URL. None: any.
    TRUSTED_HOSTS: tuple[str, ...] | None = None
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session; a long form is not lost

    LOG_LEVEL = "INFO"
    LOG_FORMAT = "json"  # one JSON object per line on stderr; "text" for people reading a terminal
    METRICS_TOKEN: str | None = None  # /metrics answers only `Authorization: Bearer <token>`; unset: 404

    MAIL_BACKEND = "log"  # "smtp" in production
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_TIMEOUT = 10.0
    MAIL_FROM = PLACEHOLDER_MAIL_FROM  # production must set its own (`production_problems`)
    MAIL_FROM_NAME = "Kuchikomi"

    # argon2-cffi's defaults (RFC 9106, low-memory profile); hashes made with other values upgrade at login.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536  # KiB
    ARGON2_PARALLELISM = 4

    # Webhooks and the social API connectors reach public internet addresses only; True lets them reach
    # loopback and private networks (development, tests): an organisation could otherwise probe our network.
    OUTBOUND_ALLOW_PRIVATE = False
    # Instagram's `mentions` webhook (campaign/sources/webhooks.py): the Meta app's secret signs each
    # delivery (X-Hub-Signature-256); the verify token is the one typed into the app's webhook settings.
    INSTAGRAM_APP_SECRET = ""
    INSTAGRAM_VERIFY_TOKEN = ""

    # A CDN in front of public renditions keeps serving a removed photo until told: after a takedown,
    # rejection or erasure each removed object is purged by an HTTP POST to this URL, "{key}" replaced by
    # the object's key (URL-quoted), or by one CloudFront invalidation ("cloudfront:<distribution id>").
    # "" = no CDN. (privacy.cdn)
    CDN_PURGE = ""
    # `CDN_PURGE=cloudfront:<distribution id>`: CloudFront's API root (unset: AWS). Credentials are the
    # S3 ones when set (S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY), else boto3's default chain.
    CLOUDFRONT_ENDPOINT_URL: str | None = None

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    # Redis unreachable: limits are counted in this process's memory meanwhile, so staff can still log in.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"
    # Photo uploads, per sending address (a shop tablet or a carrier's NAT shares one) and per campaign.
    UPLOAD_RATE_LIMIT = "10 per minute;60 per hour"
    CAMPAIGN_UPLOAD_RATE_LIMIT = "120 per minute"
    # Every post of the entry form, one sent back to be corrected too (the limits above count entries only)
    UPLOAD_ATTEMPT_RATE_LIMIT = "30 per minute"


def from_environment(environ: os._Environ | dict | None = None) -> dict:
    """Every KUCHIKOMI_<KEY> variable becomes config KEY, typed where the key needs it."""
    environ = os.environ if environ is None else environ
    values: dict = {}
    for name, raw in environ.items():
        if not name.startswith("KUCHIKOMI_"):
            continue
        key = name.removeprefix("KUCHIKOMI_")
        if key in _INT_KEYS:
            values[key] = _number(name, raw, int, "a whole number")
        elif key in _FLOAT_KEYS:
            values[key] = _number(name, raw, float, "a number")
        elif key in _BOOL_KEYS:
            values[key] = _boolean(name, raw)
        elif key in _LIST_KEYS:
            values[key] = tuple(item.strip() for item in raw.split(",") if item.strip())
            if not values[key]:  # " , " would have meant no host at all, or every one
                raise ConfigError(f"{name} must name at least one value, comma-separated, not {raw!r}")
        elif key == "DATABASE_URL":
            values["SQLALCHEMY_DATABASE_URI"] = raw
        else:
            values[key] = raw
    if "REDIS_URL" in values and "RATELIMIT_STORAGE_URI" not in values:
        values["RATELIMIT_STORAGE_URI"] = values["REDIS_URL"]
    return values


RATE_LIMIT_KEYS = (
    "LOGIN_RATE_LIMIT",
    "UPLOAD_RATE_LIMIT",
    "CAMPAIGN_UPLOAD_RATE_LIMIT",
    "UPLOAD_ATTEMPT_RATE_LIMIT",
)
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


# What the master of `gunicorn -c gunicorn.conf.py` can check before any worker starts: everything but the
# storage's own settings (S3), which the app checks as it builds its storage.
SHIPPED_LANGUAGES = ("ja", "en")  # the catalogues in campaign/translations
STORAGE_BACKENDS = ("local", "memory", "s3")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("json", "text")


def value_problems(config: Mapping) -> list[str]:
    """One line for each setting whose value the app cannot start with (empty when it may)."""
    from limits import parse_many
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    problems = []
    try:
        make_url(config["SQLALCHEMY_DATABASE_URI"]).get_dialect()
    except (ArgumentError, NoSuchModuleError) as exc:
        problems.append(f"KUCHIKOMI_DATABASE_URL is not a database URL this install can use: {exc}")
    redis_url = config.get("REDIS_URL")
    if redis_url and not redis_url.startswith(REDIS_SCHEMES):
        problems.append(
            f"KUCHIKOMI_REDIS_URL must start with redis://, rediss:// or unix://, not {redis_url!r}"
        )
    if problem := base_url_problem(config.get("PUBLIC_BASE_URL", "")):
        problems.append(problem)
    for key in RATE_LIMIT_KEYS:
        try:
            parse_many(config[key])
        except ValueError:
            problems.append(
                f"KUCHIKOMI_{key} must be limits such as '10 per minute;60 per hour', not {config[key]!r}"
            )
    if not 0 < config["MAIL_PORT"] < 65536:
        problems.append(f"KUCHIKOMI_MAIL_PORT must be a port number, 1 to 65535, not {config['MAIL_PORT']}")
    for key in ("BABEL_DEFAULT_TIMEZONE", "DEFAULT_ORG_TIMEZONE"):
        if not _is_zone(config[key]):
            problems.append(f"KUCHIKOMI_{key} must be a time zone such as Asia/Tokyo, not {config[key]!r}")
    languages, default = tuple(config["LANGUAGES"]), config["BABEL_DEFAULT_LOCALE"]
    # named as the operator set them, like every other setting's message (not as Python tuples)
    if not languages or any(code not in SHIPPED_LANGUAGES for code in languages):
        problems.append(
            f"KUCHIKOMI_LANGUAGES must be among the shipped languages {', '.join(SHIPPED_LANGUAGES)} "
            f"(comma-separated), not {','.join(languages)!r}"
        )
    elif default not in languages:
        listed = ",".join(languages)
        problems.append(
            f"KUCHIKOMI_BABEL_DEFAULT_LOCALE {default!r} is not one of KUCHIKOMI_LANGUAGES {listed!r}"
        )
    if config["STORAGE_BACKEND"] not in STORAGE_BACKENDS:
        problems.append(
            f"KUCHIKOMI_STORAGE_BACKEND must be one of {', '.join(STORAGE_BACKENDS)}, "
            f"not {config['STORAGE_BACKEND']!r}"
        )
    level = str(config["LOG_LEVEL"]).upper()
    if level not in LOG_LEVELS:
        problems.append(f"KUCHIKOMI_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
    if config["LOG_FORMAT"] not in LOG_FORMATS:
        problems.append(f"KUCHIKOMI_LOG_FORMAT must be 'json' or 'text', not {config['LOG_FORMAT']!r}")
    return problems


def _is_zone(name: object) -> bool:
    try:
        ZoneInfo(name)  # cached: every create_app asks
    except (TypeError, ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


def defaults() -> dict:
    return {key: value for key, value in vars(Config).items() if key.isupper()}


# What `gunicorn -c gunicorn.conf.py` (production) will not start without: settings whose embedded default
# fails there without a word. A key generated per server signs each server's sessions, CSRF tokens and
# customers' status links differently (behind a load balancer, forms fail and links break), and is lost with
# the server; the log mail backend sends no customer a mail and writes their private links to the log. Set
# KUCHIKOMI_MAIL_BACKEND=log explicitly to run a staging server that sends nothing.
PRODUCTION_SETTINGS = {
    "KUCHIKOMI_SECRET_KEY": "the key that signs sessions, CSRF tokens and customers' status links, the same "
    "on every app server and worker (e.g. python -c 'import secrets; print(secrets.token_hex(32))')",
    "KUCHIKOMI_MAIL_BACKEND": "smtp, with KUCHIKOMI_MAIL_SERVER and its settings, to send customers' mails "
    "(log sends none and writes them, private links included, to the log)",
    "KUCHIKOMI_PUBLIC_BASE_URL": "the address customers reach this app at (e.g. https://ugc.example.jp): "
    "every link in a mail points there, never at the Host header of the request that sent it",
    "KUCHIKOMI_MAIL_FROM": "the address customers' mails come from (e.g. campaign@ugc.example.jp): the "
    "campaign pages tell customers that winners are told only by mail from it",
}


def mail_from_problem(value: str) -> str | None:
    """Why `value` cannot be the sender the campaign pages name as the winners' only one (None: it can).
    A walk-through's find: unset, the pages named no-reply@kuchikomi.invalid, which no one can reply to or
    recognise, and a launch went ahead."""
    local, _, domain = value.strip().rpartition("@")
    labels = domain.lower().rstrip(".").split(".")
    real = (
        local
        and len(labels) > 1
        and all(labels)
        and not any(char.isspace() for char in value.strip())
        and labels[-1] not in RESERVED_MAIL_DOMAINS
    )
    if real:
        return None
    return (
        "KUCHIKOMI_MAIL_FROM must be a real address the brand's customers can recognise "
        f"(e.g. campaign@ugc.example.jp), not {value!r}"
    )


MIN_SECRET_LENGTH = 32  # characters: a short key can be guessed, and it signs every customer's status link


def base_url_problem(value: str) -> str | None:
    """Why `value` cannot be KUCHIKOMI_PUBLIC_BASE_URL, the start of every mailed link (None: it can). A
    check's find: `ugc.example.jp` (no scheme) and a space were taken, and every mailed link broke."""
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 (raises for a port out of range or not a number)
    except ValueError:
        parts = None
    usable = (
        parts is not None
        and parts.scheme in ("http", "https")
        and parts.hostname
        and not any(char.isspace() for char in value)  # a second check: "http://ugc.example .jp" was taken
        and not (parts.query or parts.fragment or parts.username or parts.password)
    )
    if usable:
        return None
    return (
        "KUCHIKOMI_PUBLIC_BASE_URL must be the address customers reach the app at, with http:// or https:// "
        f"(e.g. https://ugc.example.jp), not {value!r}"
    )


def production_problems(environ: Mapping[str, str]) -> list[str]:
    """One line for each production setting missing from `environ`, or too weak (empty when it may start)."""
    problems = [
        f"{name} is not set: {what}" for name, what in PRODUCTION_SETTINGS.items() if not environ.get(name)
    ]
    base = environ.get("KUCHIKOMI_PUBLIC_BASE_URL")
    if base and (problem := base_url_problem(base)):
        problems.append(problem)
    sender = environ.get("KUCHIKOMI_MAIL_FROM")
    if sender and (problem := mail_from_problem(sender)):
        problems.append(problem)
    key = environ.get("KUCHIKOMI_SECRET_KEY") or ""
    if key and len(key) < MIN_SECRET_LENGTH:
        problems.append(
            f"KUCHIKOMI_SECRET_KEY is {len(key)} characters long: give at least {MIN_SECRET_LENGTH} random "
            "ones (e.g. python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    # checked in the master too: in the workers, each said it and the master died with a traceback
    parsed, unparsed = {}, []
    for name, raw in environ.items():  # one at a time: a number that is not one hides no other problem
        try:
            parsed |= from_environment({name: raw})
        except ConfigError as exc:
            unparsed.append(str(exc))
    found = unparsed + value_problems(defaults() | parsed)  # a setting that is no number keeps its default
    problems += [problem for problem in found if problem not in problems]  # a bad base URL is said once
    return problems


def known_settings() -> set[str]:
    names = {key for key in vars(Config) if key.isupper()} | _READ_ELSEWHERE | _TOOL_VARIABLES
    from campaign.storage import S3_CONFIG_KEYS

    return names | set(S3_CONFIG_KEYS)


def _boolean(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value not in _TRUE | _FALSE:
        raise ConfigError(f"{name} must be true or false (or 1/0, yes/no, on/off), not {raw!r}")
    return value in _TRUE


def _number(name: str, raw: str, kind: type, what: str):
    zero_allowed = name.removeprefix("KUCHIKOMI_") in _ZERO_ALLOWED
    what += ", 0 or more" if zero_allowed else " above 0"
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be {what}, not {raw!r}") from None
    if not (value >= 0 if zero_allowed else value > 0) or not math.isfinite(value):
        raise ConfigError(f"{name} must be {what}, not {raw!r}")
    return value
