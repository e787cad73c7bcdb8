"""Saving the campaign form as a browser would: every field as the edit page shows it, plus changes."""

from html.parser import HTMLParser


class FormValues(HTMLParser):
    """The values a browser submits for the page's POST form (inputs, textareas, selects)."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post" and "action" not in a:
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((name, a.get("value", "on")))
            elif kind != "submit":
                self.values.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.append((name, ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            name, text = self.values[-1]
            self.values[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def form_values(html: str) -> dict[str, list[str]]:
    parser = FormValues()
    parser.feed(html)
    values: dict[str, list[str]] = {}
    for name, value in parser.values:
        # a browser drops a textarea's first line break, and sends the others as CRLF
        values.setdefault(name, []).append(
            value.removeprefix("\r\n").removeprefix("\n").replace("\n", "\r\n")
        )
    return values


def save_edit_form(client, campaign, **changes):
    """Opens /studio/campaigns/<id>/edit and posts it back as shown, with `changes` (None removes a field)."""
    url = f"/studio/campaigns/{campaign.public_id}/edit"
    page = client.get(url)
    assert page.status_code == 200, page.text
    values = form_values(page.text)
    for name, value in changes.items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = [value]
    return client.post(url, data=values)
