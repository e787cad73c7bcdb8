"""Where an uploaded file's bytes wait while the form is parsed, and what parses it.

Werkzeug spools every part over 500 KB to a temporary file, which the submit view then reads back whole
(`EntryForm.photo_bytes`): for a phone photo, a file created, written, read and deleted per post. A body of
known length within MAX_CONTENT_LENGTH (Flask refuses a longer one before parsing) is kept in memory
instead, and handed over without a copy; a body of unknown length (chunked) is spooled as before. A
request holds at most MAX_CONTENT_LENGTH in memory, which its photo would take anyway once read.

Such a body is also read whole and split by python-multipart: a third of the CPU of Werkzeug's parser for
a phone photo (about 0.7 against 2.3 ms for 2.2 MB: Werkzeug compiles regular expressions for each
boundary and searches the body 64 KB at a time). The library's parts are used as they are only for the
plain body browsers send (`split_multipart`); for anything else (a preamble, line breaks other than CRLF,
folded or non-UTF-8 headers, a delimiter-like line inside a part, more parts or a longer text field than
Flask allows, whatever the library refuses) Werkzeug's parser reads the same bytes, and its answer is the
app's: its fields, its 413, its empty form for a malformed body. While it is split, a request holds its
body and the file's copy (twice the photo, for a millisecond).
"""

import io
import logging
from typing import IO

from flask import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser
from werkzeug.datastructures import FileStorage, Headers
from werkzeug.formparser import FormDataParser, MultiPartParser
from werkzeug.http import parse_options_header

# The library logs a warning for each body it refuses; Werkzeug's parser then reads it: nothing to report.
logging.getLogger("python_multipart").setLevel(logging.ERROR)
_WERKZEUG = MultiPartParser()  # for its choice of a text part's charset (`get_part_charset`)
# Werkzeug refuses (413) a form whose buffer, one 64 KB read plus a part's headers, outgrows Flask's
# MAX_FORM_MEMORY_SIZE (500 KB by default); under this floor, only Werkzeug's parser may decide.
MIN_FORM_MEMORY = 128 * 1024


class UploadFormParser(FormDataParser):
    def _parse_multipart(self, stream, mimetype, content_length, options):
        # as Werkzeug: a boundary that is not ASCII (ValueError) leaves the form empty
        boundary = options.get("boundary", "").encode("ascii")
        limit, text_limit = self.max_content_length, self.max_form_memory_size
        in_memory = content_length is not None and limit is not None and content_length <= limit
        if not boundary or not in_memory or (text_limit is not None and text_limit < MIN_FORM_MEMORY):
            return super()._parse_multipart(stream, mimetype, content_length, options)
        body = _read(stream, content_length)
        parts = split_multipart(body, boundary, max_parts=self.max_form_parts, max_text_bytes=text_limit)
        if parts is None:
            _, form, files = super()._parse_multipart(io.BytesIO(body), mimetype, content_length, options)
            return stream, form, files
        fields, files = parts
        return stream, self.cls(fields), self.cls(files)


class UploadRequest(Request):
    form_data_parser_class = UploadFormParser

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        limit = self.max_content_length
        if total_content_length is not None and limit is not None and total_content_length <= limit:
            return io.BytesIO()
        return super()._get_file_stream(total_content_length, content_type, filename, content_length)


def file_bytes(upload) -> bytes:
    """A parsed upload's bytes: the in-memory buffer itself (no copy), else the spooled file read whole."""
    stream = upload.stream
    if isinstance(stream, io.BytesIO):
        return stream.getvalue()
    return upload.read()


def _read(stream: IO[bytes], length: int) -> bytes | bytearray:
    """The body's `length` bytes, fewer if it ends early (the form is then incomplete: Werkzeug's parser
    says what that means). Read into one buffer where the stream can (no copy of the whole body)."""
    if not hasattr(stream, "readinto"):  # e.g. gunicorn's body, which ends the input itself
        chunks, remaining = [], length
        while remaining > 0 and (chunk := stream.read(remaining)):
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    body, got = bytearray(length), 0
    with memoryview(body) as view:
        while got < length and (count := stream.readinto(view[got:])):
            got += count
    del body[got:]
    return body


class _Part:
    __slots__ = ("data", "field", "headers", "value")

    def __init__(self) -> None:
        self.headers: list[tuple[bytes, bytes]] = []
        self.field = self.value = b""
        self.data: list[bytes] = []


def split_multipart(
    body: bytes | bytearray, boundary: bytes, *, max_parts: int | None, max_text_bytes: int | None
) -> tuple[list[tuple[str, str]], list[tuple[str, FileStorage]]] | None:
    """The form's (fields, files) exactly as Werkzeug's parser gives them, for a plain body: it starts with
    the first delimiter, every `--boundary` in it is a delimiter python-multipart split at, every header is
    one UTF-8 line and every part names its Content-Disposition, and no limit is reached. None otherwise:
    then Werkzeug's parser must read it."""
    delimiter = b"--" + boundary
    if not body.startswith(delimiter):
        return None
    parts: list[_Part] = []
    ended: list[bool] = []

    def field(data: bytes, start: int, end: int) -> None:
        parts[-1].field += data[start:end]

    def value(data: bytes, start: int, end: int) -> None:
        parts[-1].value += data[start:end]

    def header_end() -> None:
        part = parts[-1]
        part.headers.append((part.field, part.value))
        part.field = part.value = b""

    callbacks = {
        "on_part_begin": lambda: parts.append(_Part()),
        "on_header_field": field,
        "on_header_value": value,
        "on_header_end": header_end,
        "on_part_data": lambda data, start, end: parts[-1].data.append(bytes(memoryview(data)[start:end])),
        "on_end": lambda: ended.append(True),
    }
    try:
        MultipartParser(boundary, callbacks).write(body)
    except FormParserError:
        return None
    if not ended or body.count(delimiter) != len(parts) + 1:
        return None
    if max_parts is not None and len(parts) > max_parts:
        return None
    fields, files = [], []
    for part in parts:
        if any(b"\n" in value for _, value in part.headers):  # Werkzeug would read two lines
            return None
        try:
            headers = Headers([(n.decode().strip(" \t"), v.decode().strip(" \t")) for n, v in part.headers])
        except UnicodeDecodeError:
            return None
        if "content-disposition" not in headers:
            return None
        _, options = parse_options_header(headers["content-disposition"])
        name, filename = options.get("name"), options.get("filename")
        data = part.data[0] if len(part.data) == 1 else b"".join(part.data)
        if filename is not None:
            files.append((name, FileStorage(io.BytesIO(data), filename, name, headers=headers)))
        elif max_text_bytes is not None and len(data) > max_text_bytes:
            return None
        else:
            fields.append((name, data.decode(_WERKZEUG.get_part_charset(headers), "replace")))
    return fields, files
