"""Rules about what a customer typed: plain functions, no database, no Flask."""

import re
import unicodedata
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

CAPTION_MAX = 500
NICKNAME_MAX = 40
SOCIAL_HOSTS = {
    "instagram.com": "instagram",
    "www.instagram.com": "instagram",
    "x.com": "x",
    "www.x.com": "x",
    "twitter.com": "x",
    "www.twitter.com": "x",
    "mobile.twitter.com": "x",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# Characters XML 1.0 forbids (outside #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]):
# one of them in a caption would make the organisation's whole product reviews feed unreadable.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Sub-addressing and dots that land in the same mailbox at these providers.
_DOTLESS_DOMAINS = {"gmail.com", "googlemail.com"}


def clean_text(value: str) -> str:
    """NFC, no control or bidi-override characters, nothing XML forbids, trimmed; newlines kept."""
    return xml_text(_CONTROL.sub("", unicodedata.normalize("NFC", value or ""))).strip()


# Characters that show nothing: format characters (zero-width spaces and joiners, U+2060, U+FEFF), spaces,
# marks with nothing to sit on (a variation selector, a lone accent), and the Hangul fillers and the blank
# braille pattern, which fonts draw as blank.
_BLANK_CATEGORIES = {"Cf", "Zs", "Zl", "Zp", "Cc", "Mn", "Me"}
_BLANK_CHARACTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def shows_nothing(value: str) -> bool:
    """Whether `value` has no character a reader would see (a nickname of zero-width spaces shows blank)."""
    return all(c in _BLANK_CHARACTERS or unicodedata.category(c) in _BLANK_CATEGORIES for c in value)


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 forbids (U+FFFE, U+FFFF, lone surrogates, C0 controls but
    tab and line breaks): used where text is taken in and again where XML is written."""
    return _XML_FORBIDDEN.sub("", value)


def valid_email(value: str) -> str | None:
    """The address in canonical form, or None when it is not a deliverable-looking address. Full-width
    letters and signs, as a Japanese keyboard in full-width mode types them (「ａｌｉｃｅ＠example.com」),
    are read as the address they stand for (NFKC): kept as typed, the confirmation went to an address no
    server delivers to, and the person counted as someone new (a check's find)."""
    try:
        return validate_email(
            unicodedata.normalize("NFKC", value).strip(), check_deliverability=False
        ).normalized
    except EmailNotValidError:
        return None


def normalise_email(address: str) -> str:
    """One key per mailbox: lowercase, +tag dropped; dots dropped where the provider ignores them."""
    local, _, domain = address.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def social_network(post_url: str) -> str | None:
    """'instagram' or 'x' for a post URL on those networks, else None."""
    parts = urlsplit(post_url.strip())
    if parts.scheme != "https" or not parts.path.strip("/"):
        return None
    return SOCIAL_HOSTS.get((parts.hostname or "").lower())
