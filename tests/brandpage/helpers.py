"""A marketer's campaign edit form with image files, as a browser sends it."""

import io

from werkzeug.test import EnvironBuilder

from tests.campaigns.helpers import form_values


def edit_with_files(
    client, campaign, files: dict[str, tuple[bytes, str]] | None = None, *, lang="ja", **changes
):
    """Posts the edit page back as shown, with `changes` and `files` ({field: (bytes, filename)})."""
    url = f"/studio/campaigns/{campaign.public_id}/edit"
    headers = {"Accept-Language": lang}
    page = client.get(url, headers=headers)
    assert page.status_code == 200, page.text
    values = form_values(page.text)
    for name, value in changes.items():
        values[name] = [value]
    data: dict = {name: v if len(v) > 1 else v[0] for name, v in values.items()}
    for name, (content, filename) in (files or {}).items():
        data[name] = (io.BytesIO(content), filename)
    builder = EnvironBuilder(
        path=url, method="POST", data=data, content_type="multipart/form-data", headers=headers
    )
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:  # a body over 500 KB is a temporary file the test client leaves open
        environ["wsgi.input"].close()
        builder.close()
