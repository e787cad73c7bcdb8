"""Private links are capabilities: whoever holds /s/<token> can see, withdraw and erase an entry,
/claim/<token> gives a winner's address, /password/reset/<token> and /invitations/<token> open an account,
/rights/<token> answers for a post's creator, /media/p/<token> shows a private photo. Logs keep the route,
never the token (`hide_tokens`): gunicorn's access log (gunicorn.conf.py loads this module on its own,
without the app: it imports nothing) and the app's own lines (`logs.redact`), an error's path included.
A test checks that every route of the app taking a `token` is listed here."""

import re

PREFIXES = ("s", "claim", "media/p", "password/reset", "invitations", "rights")
_SLASH = r"(?:/|%2[Ff])"  # as written, or percent-encoded in a query (?next=%2Fs%2F<token>)
_TOKEN = re.compile(
    rf"({_SLASH}(?:{'|'.join(prefix.replace('/', _SLASH) for prefix in PREFIXES)}){_SLASH})[^/?&#%\s\"']+"
)


def hide_tokens(text: str) -> str:
    """`GET /s/AbC.xyz/erase` -> `GET /s/…/erase`, in a request line, a URL or a message."""
    return _TOKEN.sub("\\1…", text)
