"""A customer's actions on the campaign page, through the real form (CSRF token and all)."""

import io
import re

from tests import factories
from tests.conftest import csrf_from

IDEM_RE = re.compile(r'id="idempotency_key" name="idempotency_key" type="hidden" value="([^"]*)"')


def form_fields(client, slug: str, headers=None) -> dict:
    page = client.get(f"/c/{slug}", headers=headers)
    assert page.status_code == 200, page.text
    match = IDEM_RE.search(page.text)
    return {"csrf_token": csrf_from(page.text), "idempotency_key": match.group(1) if match else ""}


def entry_data(photo: bytes | None = None, filename: str = "photo.jpg", **overrides) -> dict:
    data = {
        "caption": "美味しいお茶でした",
        "rating": "5",
        "nickname": "さくら",
        "email": "Customer@Example.com",
        "accepts_terms": "y",
        "consent_scopes": ["gallery", "review"],
    }
    data.update(overrides)
    if photo is not False:
        data["photo"] = (io.BytesIO(factories.photo() if photo is None else photo), filename)
    return {k: v for k, v in data.items() if v is not None}


def submit(client, slug: str = "summer", *, fields: dict | None = None, headers=None, **overrides):
    data = {
        **(fields if fields is not None else form_fields(client, slug, headers)),
        **entry_data(**overrides),
    }
    return client.post(f"/c/{slug}/entries", data=data, content_type="multipart/form-data", headers=headers)
