"""Reading the links out of the mails the real SMTP server (tests/fixtures/smtp.py) received."""

import re

from tests.conftest import Studio, csrf_from

RESET_RE = re.compile(r"https?://\S+(/password/reset/[A-Za-z0-9_-]+)")
INVITE_RE = re.compile(r"https?://\S+(/invitations/[A-Za-z0-9_-]+)")


def link_in(message, pattern: re.Pattern) -> str:
    """The path of the one link of this kind in the mail's text."""
    [path] = pattern.findall(message.get_content())
    return path


def ask_reset(client, email: str):
    page = client.get("/password/forgot")
    return client.post("/password/forgot", data={"email": email, "csrf_token": csrf_from(page.text)})


def post_form(client, path: str, data: dict):
    """Posts the form of the page at `path` to it, with its CSRF token."""
    page = client.get(path)
    return client.post(path, data={**data, "csrf_token": csrf_from(page.text)})


def logged_in(app, email: str, password: str) -> Studio:
    studio = Studio(app.test_client())
    response = studio.login(email, password)
    assert response.status_code == 302, response.text
    return studio
