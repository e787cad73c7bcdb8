"""Argon2id password hashes. Parameters come from the app config (argon2-cffi's RFC 9106 defaults)."""

from collections.abc import Callable
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from campaign import threads

MIN_LENGTH = 10


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verified against when the email is unknown, so a miss costs as long as a wrong password."""
    return hasher.hash("kuchikomi-timing-equaliser")


def hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"])


def guess_limit() -> str:
    """How many guesses at a secret (a password, a winner's code) one address or account may make: the
    login's limit, LOGIN_RATE_LIMIT. For Flask-Limiter's `limit`, read at each request."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    return _verify(hasher(), password_hash, password)


def verify_in_thread(password_hash: str | None, password: str) -> Callable[[], bool]:
    """Starts `verify_password` in a thread of its own and returns the function that waits for its answer.
    Argon2 releases Python's lock, so the caller can read (not write) on the other core meanwhile: the draw
    locks and reads its list while the drawer's password is checked."""
    current = hasher()  # the app's config, read here: the thread has no app context
    return threads.start(lambda: _verify(current, password_hash, password), "password-check").result


def _verify(current: PasswordHasher, password_hash: str | None, password: str) -> bool:
    try:
        return current.verify(password_hash or _dummy_hash(current), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash used other parameters: it is upgraded at the next login."""
    return hasher().check_needs_rehash(password_hash)
