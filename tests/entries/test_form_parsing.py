"""The entry form's body is split by `campaign.uploads` when it is plain, and the app reads exactly what
Werkzeug's parser would have given it, for any body: the same fields and files, the same 413."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.formparser import FormDataParser
from werkzeug.test import EnvironBuilder

from campaign.uploads import UploadRequest, file_bytes, split_multipart
from tests import factories
from tests.entries.helpers import form_fields

B = b"kuchikomi0boundary"
PHOTO = bytes(range(256)) * 4096 + b"\r\n--kuchikomi0boundar\r\n-\r"  # 1 MB, ending in a near miss


class WerkzeugRequest(UploadRequest):
    """The app's request (its files kept in memory) with Werkzeug's own form parser."""

    form_data_parser_class = FormDataParser


def part(headers: list[bytes], data: bytes, *, line: bytes = b"\r\n") -> bytes:
    return b"--" + B + line + b"".join(h + line for h in headers) + line + data + line


def field(name: str, value: str) -> bytes:
    return part([f'Content-Disposition: form-data; name="{name}"'.encode()], value.encode())


def upload(name: str, filename: bytes, data: bytes, kind: bytes = b"image/jpeg") -> bytes:
    disposition = b'Content-Disposition: form-data; name="' + name.encode() + b'"; filename=' + filename
    return part([disposition, b"Content-Type: " + kind], data)


END = b"--" + B + b"--\r\n"


def parsed(request_class: type[UploadRequest], body: bytes):
    """What a view reads from this body: the fields, and each file's name, headers and bytes; or the
    HTTP error the parsing answers."""
    environ = EnvironBuilder(
        method="POST",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={B.decode()}",
        content_length=len(body),
    ).get_environ()
    request = request_class(environ)
    try:
        form = list(request.form.items(multi=True))
        files = [
            (name, f.filename, f.name, list(f.headers.items()), file_bytes(f))
            for name, f in request.files.items(multi=True)
        ]
    except HTTPException as error:
        return error.code
    return form, files


def assert_as_werkzeug(body: bytes) -> None:
    assert parsed(UploadRequest, body) == parsed(WerkzeugRequest, body)


NORMAL = {
    "fields and a photo": field("csrf_token", "t0k3n")
    + field("rating", "5")
    + upload("photo", b'"p.jpg"', PHOTO),
    "unicode everywhere": field("caption", "美味しいお茶でした 🍵")
    + field("nickname", "さくら")
    + upload("photo", '"お茶 の 写真.jpg"'.encode(), PHOTO)
    + upload("photo", b"\"x.png\"; filename*=UTF-8''%E5%86%99%E7%9C%9F.png", b"\x89PNG\r\n", b"image/png"),
    "no file chosen": field("email", "a@example.com")
    + upload("photo", b'""', b"", b"application/octet-stream"),
    "empty and repeated fields": field("caption", "")
    + field("consent_scopes", "gallery")
    + field("consent_scopes", "review"),
    "a latin-1 text part": part(
        [b'Content-Disposition: form-data; name="n"', b"Content-Type: text/plain; charset=iso-8859-1"],
        "café".encode("latin-1"),
    ),
    "epilogue": field("a", "1") + END + b"trailing words\r\n",
    "a line break before the first delimiter": b"\r\n" + field("a", "1") + upload("photo", b'"p.jpg"', PHOTO),
}

HOSTILE = {
    "padding after a delimiter": part([b'Content-Disposition: form-data; name="a"'], b"1")
    + b"--"
    + B
    + b" \t\r\n"
    + b'Content-Disposition: form-data; name="b"\r\n\r\n2\r\n',
    "a part without headers": b"--" + B + b"\r\n\r\n1\r\n",
    "a blank header line": part([b'Content-Disposition: form-data; name="a"', b"   "], b"1"),
    "a delimiter right after the blank line": b"--"
    + B
    + b'\r\nContent-Disposition: form-data; name="a"\r\n\r\n--'
    + B
    + b"\r\n",
    "headers longer than a plain part's": part(
        [b'Content-Disposition: form-data; name="a"', b"X-Long: " + b"y" * 70_000], b"1"
    ),
    "a header without a colon": part([b'Content-Disposition: form-data; name="a"', b"Odd"], b"1"),
    "preamble": b"This is a preamble.\r\n" + field("a", "1"),
    "two line breaks before the first delimiter": b"\r\n\r\n" + field("a", "1"),
    "a line feed before the first delimiter": b"\n" + field("a", "1"),
    "line feeds only": part([b'Content-Disposition: form-data; name="a"'], b"1", line=b"\n"),
    "a folded header": part([b"Content-Disposition: form-data;", b' name="a"'], b"1"),
    "a header not in UTF-8": part([b'Content-Disposition: form-data; name="\xff\xfe"'], b"1"),
    "a bare line feed in a header": part([b'Content-Disposition: form-data; name="a"\nX-Other: b'], b"1"),
    "a space before the colon": part([b'Content-Disposition : form-data; name="a"'], b"1"),
    "no content disposition": part([b"Content-Type: text/plain"], b"1"),
    "a delimiter after a line feed inside a file": upload("photo", b'"p.jpg"', b"abc\n--" + B + b"\r\nrest"),
    "a delimiter after a carriage return inside a file": upload(
        "photo", b'"p.jpg"', b"abc\r--" + B + b"\r\nx"
    ),
    "the boundary inside a field": field("caption", "--" + B.decode() + "-ish"),
    "no closing delimiter": field("a", "1") + upload("photo", b'"p.jpg"', PHOTO)[:-100],
    "garbage instead of a delimiter": b"--" + B + b"x\r\n" + field("a", "1"),
    "delimiter at the very end without a line break": field("a", "1") + b"--" + B + b"--",
    "nothing but the end": END,
    "an empty body": b"",
    "many headers": part(
        [b'Content-Disposition: form-data; name="a"'] + [b"X-%d: y" % n for n in range(20)], b"1"
    ),
}


@pytest.mark.parametrize("body", NORMAL.values(), ids=NORMAL.keys())
def test_a_plain_body_is_split_here_into_what_werkzeug_gives(app, body):
    body += END if not body.endswith(b"\r\n") or END not in body else b""
    assert split_multipart(body, B, max_parts=1000, max_text_bytes=500_000) is not None
    assert_as_werkzeug(body)


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_any_other_body_reads_as_werkzeug_reads_it(app, body):
    body = body + END if body and END not in body and not body.endswith(b"--") else body
    assert_as_werkzeug(body)


def test_the_limits_on_parts_and_text_answer_werkzeugs_413(app):
    app.config.update(MAX_FORM_PARTS=5, MAX_FORM_MEMORY_SIZE=200_000)
    too_many = b"".join(field(f"f{n}", "x") for n in range(6)) + END
    long_text = field("caption", "x" * 200_001) + END
    within = b"".join(field(f"f{n}", "x" * 1000) for n in range(5)) + END
    assert parsed(UploadRequest, too_many) == parsed(WerkzeugRequest, too_many) == 413
    assert parsed(UploadRequest, long_text) == parsed(WerkzeugRequest, long_text) == 413
    assert parsed(UploadRequest, within) == parsed(WerkzeugRequest, within) != 413


def test_a_caption_longer_than_the_form_allows_is_the_clear_413(app, client):
    factories.campaign(factories.org())
    fields = form_fields(client, "summer")
    caption = "x" * (app.config["MAX_FORM_MEMORY_SIZE"] + 1)
    body = b"".join(field(name, value) for name, value in fields.items()) + field("caption", caption)
    body += upload("photo", b'"p.jpg"', factories.photo()) + END
    response = client.post(
        "/c/summer/entries", data=body, content_type=f"multipart/form-data; boundary={B.decode()}"
    )
    assert response.status_code == 413
    assert "What you typed is longer than this form allows." in response.text  # it said: the file


def test_a_delimiter_line_across_the_end_of_werkzeugs_64_kb_read_reads_as_werkzeug_reads_it(app):
    """Werkzeug reads 64 KB at a time; when a read ends just after "\\r\\n--boundary-", the "\\r" stays in the
    part's data. Such a body is left to it, for a text field and a file alike, wherever the read ends."""
    head = b"--" + B + b'\r\nContent-Disposition: form-data; name="c"\r\n\r\n'
    upload_head = b"--" + B + b'\r\nContent-Disposition: form-data; name="p"; filename="p.jpg"\r\n\r\n'
    for start in (head, upload_head):
        for shift in range(-3, len(B) + 6):  # the read's end at each byte of the closing delimiter line
            filler = 65536 - len(start) - len(B) - 5 + shift
            assert_as_werkzeug(start + b"y" * filler + b"\r\n--" + B + b"--\r\n")
    quirk = head + b"y" * (65536 - len(head) - len(B) - 5) + b"\r\n--" + B + b"--\r\n"
    assert parsed(WerkzeugRequest, quirk)[0][0][1].endswith("y\r")  # Werkzeug's answer, kept


def test_a_long_epilogue_answers_werkzeugs_413(app):
    """Werkzeug keeps what follows the closing delimiter in memory and refuses more than the form's limit."""
    app.config.update(MAX_FORM_MEMORY_SIZE=200_000)
    short, long = (field("a", "1") + END + b"e" * size for size in (1000, 200_001))
    assert parsed(UploadRequest, short) == parsed(WerkzeugRequest, short) == ([("a", "1")], [])
    assert parsed(UploadRequest, long) == parsed(WerkzeugRequest, long) == 413


NEAR_MISSES = [
    b"\r\n--" + B,
    b"\n--" + B,
    b"\r--" + B,
    b"--" + B + b"--",
    b"--" + B[:-1],
    b"\r\n",
    b"\r",
    b"-",
]
HEADERS = [
    b'Content-Disposition: form-data; name="a"',
    b'Content-Disposition: form-data; name="p"; filename="p.jpg"',
    'Content-Disposition: form-data; name="写"; filename="写真.jpg"'.encode(),
    b"Content-Type: text/plain; charset=iso-8859-1",
    b"Content-Type: image/jpeg",
    b" folded",
    b"X-Bad: \xff",
    b"Content-Disposition:form-data;name=b",
]


@st.composite
def bodies(draw) -> bytes:
    """Mostly the plain bodies browsers send, with near misses in the data and, now and then, anything
    else: other line breaks, a preamble, padding, odd or missing headers, no end."""
    line = st.sampled_from([b"\r\n"] * 30 + [b"\n", b"\r"])
    data = st.lists(st.one_of(st.binary(max_size=12), st.sampled_from(NEAR_MISSES)), max_size=5).map(b"".join)
    body = draw(st.sampled_from([b""] * 20 + [b"preamble\r\n", b"\r\n"]))
    for _ in range(draw(st.integers(0, 4))):
        disposition = draw(st.sampled_from(HEADERS[:3] * 6 + HEADERS[7:]))
        headers = [disposition, *draw(st.lists(st.sampled_from(HEADERS), max_size=1))]
        padding = draw(st.sampled_from([b""] * 12 + [b" ", b"\t "]))
        body += b"--" + B + padding + draw(line) + b"".join(h + draw(line) for h in headers)
        body += draw(line) + draw(data) + draw(line)
    body += draw(st.sampled_from([END] * 12 + [b"--" + B + b"--", b"", END + b"epilogue --" + B]))
    return body


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies())
def test_any_body_at_all_reads_as_werkzeug_reads_it(app, body):
    assert_as_werkzeug(body)
