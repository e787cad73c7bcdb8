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
_SLASH = r"(?:/|%2[Ff])"  # as written, or percent-encoded in a query (?next=%2Fs%2F<token>)
# a token's characters, percent-encoded ones too (a security check sent /s/%49lg0…: the server decodes it)
_LINK_CHAR = r"(?:[^/?&#%\s\"']|%(?!2[Ff])[0-9A-Fa-f]{2})"
_TOKEN = re.compile(
    rf"({_SLASH}(?:{'|'.join(prefix.replace('/', _SLASH) for prefix in PREFIXES)}){_SLASH}){_LINK_CHAR}+"
)
# \w is any letter or digit (Unicode): ユーザー@example.jp and user@例え.jp are addresses too. Characters
# that also shape a URL (/ ? = & # %) are left out of the local part, so that a masked address in a request
# line keeps the path before it (`/password/forgot?email=t***@example.jp`); `%40` is an @ left encoded.
LOCAL_CHARS = r"\w!$'*+^`{|}~-"
EMAIL = re.compile(rf"([{LOCAL_CHARS}])[.{LOCAL_CHARS}]*(?:@|%40)([\w-]+(?:\.[\w-]+)+)")


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
