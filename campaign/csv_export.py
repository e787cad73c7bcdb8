"""CSV downloads that a spreadsheet opens safely: no cell can start a formula, and data stays as typed."""

import csv
import io
import re
from collections.abc import Iterable, Sequence

from flask import Response, stream_with_context

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets (a leading
# tab, CR or LF is dropped by some importers, which then read what follows).
_FORMULA_START = ("=", "@", "\t", "\r", "\n", "＝", "＠", "+", "-", "＋", "－")
# ...except a phone number or a signed number ("+81 90-1234-5678", "-2"): ASCII digits, spaces and
# + - ( ) . , only. Such a cell can name no function, no cell and no other program, so a courier's system
# gets it exactly as the winner typed it. Anything else after a + or - (a letter, "=", "|", "!") is guarded.
_NUMBER = re.compile(r"[+-][0-9 ()+\-.,]*[0-9][0-9 ()+\-.,]*")


def safe_cell(value: object) -> str:
    """The value as text; prefixed with ' only when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    if not text.startswith(_FORMULA_START) or _NUMBER.fullmatch(text):
        return text
    return "'" + text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """UTF-8 with a byte-order mark, so Japanese opens correctly in Excel; never cached."""
    body = "\ufeff" + csv_text(header, rows)
    response = Response(body, mimetype="text/csv")  # Werkzeug adds "; charset=utf-8" to text/* types
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _line(values: Sequence[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([safe_cell(v) for v in values])
    return buffer.getvalue()


def csv_stream(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """Like csv_response, but written row by row as `rows` yields them (a large export never sits in
    memory); `rows` runs inside the request context, so it may read the database lazily."""

    def body() -> Iterable[str]:
        yield "\ufeff" + _line(header)
        for row in rows:
            yield _line(row)

    response = Response(stream_with_context(body()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
