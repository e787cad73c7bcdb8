"""Where an uploaded file's bytes wait while the form is parsed, and what parses it.

Werkzeug spools every part over 500 KB to a temporary file, which the submit view then reads back whole
(`EntryForm.photo_bytes`): for a phone photo, a file created, written, read and deleted per post. A body of
known length within MAX_CONTENT_LENGTH (Flask refuses a longer one before parsing) is kept in memory
instead, and handed over without a copy; a body of unknown length (chunked) is spooled as before. A
request holds at most MAX_CONTENT_LENGTH in memory, which its photo would take anyway once read.

Such a body is also read whole and, when it is the plain body browsers send, split here
(`split_multipart`): one C search for each delimiter and one copy of each part's bytes. For a 2.2 MB
photo post that is 0.75 ms of CPU, against 1.1 for python-multipart (used here before: the body was
searched twice, by the library for its delimiters and again to prove no other line could be one) and 1.6
for Werkzeug's parser, which searches the body with regular expressions 64 KB at a time; in the server
thread of `bench/storage.py`, 0.35 to 0.5 ms less per submission than with python-multipart.

For anything else (a preamble, line breaks other than CRLF, padding after a delimiter, folded, empty or
non-UTF-8 header lines, a delimiter-like line inside a part, more parts or a longer text field than
Flask allows) Werkzeug's parser reads the same bytes, and its answer is the app's: its fields, its 413,
its empty form for a malformed body. The plain path repeats what Werkzeug's parser does with such a
body, and the tests hold every body, plain or not, to Werkzeug's answer. While it is split, a request
holds its body and the file's copy (twice the photo, for a millisecond).
"""

import io
from typing import IO

from flask import Request
from werkzeug.datastructures import FileStorage, Headers
from werkzeug.formparser import FormDataParser, MultiPartParser
from werkzeug.http import parse_options_header

_WERKZEUG = MultiPartParser()  # for its choice of a text part's charset (`get_part_charset`)
# Werkzeug refuses (413) a form whose buffer, one 64 KB read plus a part's headers, outgrows Flask's
# MAX_FORM_MEMORY_SIZE (500 KB by default); under this floor, only Werkzeug's parser may decide.
MIN_FORM_MEMORY = 128 * 1024
# A plain part's header lines are a few hundred bytes; Werkzeug answers 413 to a header block that, with a
# 64 KB read, outgrows MAX_FORM_MEMORY_SIZE. Anything longer than this is left to it.
_MAX_HEADER_BYTES = 8 * 1024
# Werkzeug's parser reads a body 64 KB at a time, and where a read ends inside a delimiter line its answer
# can differ from the line's plain meaning: a read that ends just after "\r\n--boundary-" keeps the "\r"
# in the part's data. A body with a delimiter line across a read's end is left to it.
_WERKZEUG_READ = 64 * 1024
# It also keeps an epilogue (what follows the closing delimiter) in memory, and answers 413 to a long one.
# Browsers send none, or one line break.
_MAX_EPILOGUE_BYTES = 1024


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


def split_multipart(
    body: bytes | bytearray, boundary: bytes, *, max_parts: int | None, max_text_bytes: int | None
) -> tuple[list[tuple[str, str]], list[tuple[str, FileStorage]]] | None:
    """The form's (fields, files) exactly as Werkzeug's parser gives them, for the plain body browsers send;
    None for any other: then Werkzeug's parser must read it.

    Plain means: the body starts with the first delimiter (or one CRLF, then it); every `--boundary` in it,
    up to the closing one, is a delimiter line (CRLF before it, CRLF or the closing `--` right after it);
    each part is one or more header lines (CRLF-separated, none empty, folded or not UTF-8; a few KB at
    most), a blank line, its data; each part names its Content-Disposition; no delimiter line spans the
    end of one of Werkzeug's 64 KB reads; at most a short epilogue; and no limit is reached. For such a
    body Werkzeug's parser (`werkzeug.sansio.multipart`) finds the same delimiters, headers and data: its
    header parsing is repeated here as it is written there (split at the first colon, strip spaces and
    tabs).
    """
    delimiter = b"--" + boundary
    start = 2 if body.startswith(b"\r\n") else 0  # one line break first: Werkzeug's test client sends it
    if not body.startswith(delimiter + b"\r\n", start):
        return None
    find, after = body.find, len(delimiter)
    spans: list[tuple[int, int, int]] = []  # (headers start, blank line, next delimiter) of each part
    while True:  # `start` is a delimiter followed by CRLF
        head = start + after + 2
        following = find(delimiter, head)
        if following < 0 or body[following - 2 : following] != b"\r\n":
            return None
        blank = find(b"\r\n\r\n", head, following)  # the end of the part's headers
        if blank <= head or blank + 4 > following - 2 or blank - head > _MAX_HEADER_BYTES:
            return None
        if (following - 2) // _WERKZEUG_READ != (following + after + 2) // _WERKZEUG_READ:
            return None  # the delimiter line, with its line breaks, spans the end of one of Werkzeug's reads
        spans.append((head, blank, following))
        if max_parts is not None and len(spans) > max_parts:
            return None
        ending = body[following + after : following + after + 2]
        if ending == b"--":  # the closing delimiter: Werkzeug ignores a short epilogue after it
            if len(body) - (following + after + 2) > _MAX_EPILOGUE_BYTES:
                return None
            break
        if ending != b"\r\n":
            return None
        start = following
    fields, files = [], []
    with memoryview(body) as view:
        for head, blank, following in spans:
            headers = _headers(bytes(view[head:blank]))
            if headers is None or "content-disposition" not in headers:
                return None
            _, options = parse_options_header(headers["content-disposition"])
            name, filename = options.get("name"), options.get("filename")
            data = view[blank + 4 : following - 2]
            if filename is not None:
                files.append((name, FileStorage(io.BytesIO(bytes(data)), filename, name, headers=headers)))
            elif max_text_bytes is not None and len(data) > max_text_bytes:
                return None
            else:
                fields.append((name, str(data, _WERKZEUG.get_part_charset(headers), "replace")))
    return fields, files


def _headers(block: bytes) -> Headers | None:
    """A part's header lines as Werkzeug reads them, or None where its reading could differ from a plain
    split at CRLF (a bare CR or LF, a folded or empty line, bytes that are not UTF-8)."""
    pairs = []
    for line in block.split(b"\r\n"):
        if not line or line[0] in b" \t" or b"\r" in line or b"\n" in line:
            return None
        try:
            name, _, value = line.strip(b" \t").decode().partition(":")
        except UnicodeDecodeError:
            return None
        pairs.append((name.strip(" \t"), value.strip(" \t")))
    return Headers(pairs)
