"""Random public identifiers: never sequential, never guessable."""

import secrets


def new_public_id() -> str:
    """22 URL-safe characters (128 random bits), never starting with "-" (a CLI would read an option)."""
    while (token := secrets.token_urlsafe(16))[0] == "-":
        pass
    return token
