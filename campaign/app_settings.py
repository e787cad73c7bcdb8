"""The settings `create_app` starts with: the defaults with KUCHIKOMI_ variables and the caller's over them,
the first value it cannot start with refused, each unknown KUCHIKOMI_ variable named, and the embedded
default's generated secret key. What the settings are and which values are wrong is `config.py`'s (loaded on
its own by gunicorn's master too)."""

import difflib
import logging
import os
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path

from flask import Flask

from campaign.config import ConfigError, defaults, from_environment, known_settings, value_problems

log = logging.getLogger(__name__)


def load_config(app: Flask, config: Mapping | type | None) -> None:
    app.config.update(effective(os.environ))
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


def check_values(config: Mapping) -> None:
    """Values whose mistake would otherwise surface as a traceback at start-up or at the first request: the
    first one found, as a ConfigError (`value_problems` lists them all)."""
    problems = value_problems(config)
    if problems:
        raise ConfigError(problems[0])


def effective(environ: Mapping[str, str]) -> dict:
    """The settings an app started with `environ` has: the defaults, KUCHIKOMI_ variables over them."""
    return defaults() | from_environment(environ)


def unknown_settings(environ: Mapping[str, str]) -> Iterator[tuple[str, str | None]]:
    """(variable, the closest known variable or None) for each KUCHIKOMI_ variable no setting reads."""
    known = known_settings()
    for name in sorted(environ):
        key = name.removeprefix("KUCHIKOMI_")
        if name.startswith("KUCHIKOMI_") and key not in known:
            closest = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            yield name, f"KUCHIKOMI_{closest[0]}" if closest else None
