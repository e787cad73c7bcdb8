"""A customer of the benchmarks' campaign `bench`: opens its page, then sends the entry form with a photo."""

import http.cookiejar
import re
import urllib.request
import uuid

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
IDEM_RE = re.compile(r'name="idempotency_key" type="hidden" value="([^"]*)"')


def open_form(base_url: str, email: str) -> tuple[urllib.request.OpenerDirector, dict[str, str]]:
    """The customer's browser (cookies kept) after opening the page, and the form's fields filled in."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base_url}/c/bench").read().decode()
    fields = {
        "csrf_token": CSRF_RE.search(page).group(1),
        "idempotency_key": IDEM_RE.search(page).group(1),
        "rating": "5",
        "email": email,
        "accepts_terms": "y",
    }
    return opener, fields


def submission(
    base_url: str, fields: dict[str, str], photo: bytes, *, filename: str
) -> urllib.request.Request:
    """The form post, multipart, asking for the JSON answer."""
    kind = "image/png" if filename.endswith(".png") else "image/jpeg"
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="{filename}"\r\n'
        f"Content-Type: {kind}\r\n\r\n".encode()
        + photo
        + b"\r\n"
    )
    return urllib.request.Request(
        f"{base_url}/c/bench/entries",
        data=b"".join(parts) + f"--{boundary}--\r\n".encode(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"},
    )
