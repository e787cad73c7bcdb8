"""What no log line shows: email addresses (masked: `t***@example.jp`) and private links' tokens.

Private links are capabilities: whoever holds /s/<token> can see, withdraw and erase an entry,
/claim/<token> gives a winner's address, /password/reset/<token> and /invitations/<token> open an account,
/rights/<token> answers for a post's creator, /media/p/<token> shows a private photo. Logs keep the route,
never the token. Both gunicorn's access log (gunicorn.conf.py loads this module on its own, without the
app: it imports nothing of it) and the app's own lines (`logs.RedactEmails`) go through `redact`. A test
checks that every route of the app taking a `token` is listed here.
"""

import re

PREFIXES = ("s", "claim", "media/p", "password/reset", "invitations", "rights")
# Each character as written or percent-encoded: the server decodes the path before routing, so /%73/<token>
# and /password/r%65set/<token> reach their pages (a check's find: gunicorn logged them whole), and so do
# doubled slashes (/s//<token>, answered with a redirect to the page). A query's ?next=%2Fs%2F… too.
_SLASHES = r"(?:/|%2[Ff])+"


def _either(char: str) -> str:
    if char == "/":
        return _SLASHES
    code = f"{ord(char):02X}"
    return f"(?:{re.escape(char)}|%{code[0]}[{code[1]}{code[1].lower()}])"


_ROUTES = "|".join("".join(_either(char) for char in prefix) for prefix in PREFIXES)
# a token's characters: anything but what ends a path segment, percent-escapes too (an encoded slash ends it)
_LINK_CHAR = r"(?:[^/?&#%\s\"']|%(?!2[Ff])[0-9A-Fa-f]{2})"
_TOKEN = re.compile(rf"({_SLASHES}(?:{_ROUTES}){_SLASHES}){_LINK_CHAR}+")
# \w is any letter or digit (Unicode): ユーザー@example.jp and user@例え.jp are addresses too, and so is
# each part percent-encoded, as a form's GET sends it (taro.yamada%2Bshop%40example.jp). What also shapes a
# URL (/ ? = & # and their escapes) is left out of the local part, so that a masked address in a request
# line keeps the path before it (`/password/forgot?email=t***@example.jp`).
_LOCAL = r"(?:[\w!$'*+^`{|}~-]|%(?!2[Ff]|3[FfDd]|2[36])[0-9A-Fa-f]{2})"
_LABEL = r"(?:[\w-]|%(?!2[EeFf])[0-9A-Fa-f]{2})+"
EMAIL = re.compile(rf"({_LOCAL})(?:{_LOCAL}|\.|%2[Ee])*(?:@|%40)({_LABEL}(?:(?:\.|%2[Ee]){_LABEL})+)")


def hide_tokens(text: str) -> str:
    """`GET /s/AbC.xyz/erase` -> `GET /s/…/erase`, in a request line, a URL or a message."""
    return _TOKEN.sub("\\1…", text)


def mask_emails(text: str) -> str:
    """`taro.yamada@example.jp` -> `t***@example.jp`: tells people apart, cannot write to them."""
    return EMAIL.sub(r"\1***@\2", text)


def redact(text: str, *, links: bool = False) -> str:
    """Both masks; `links` keeps private links whole (a mail written to the log: `logs.MAIL_LOG`)."""
    masked = mask_emails(text)
    return masked if links else hide_tokens(masked)
