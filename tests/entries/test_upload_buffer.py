"""A photo posted with a known length is parsed into memory, not spooled to a temporary file and read back."""

import io

from flask import request

from campaign.uploads import file_bytes

PHOTO = bytes(range(256)) * 4096  # 1 MB: over Werkzeug's 500 KB spooling threshold


BODY = (
    b'--b\r\nContent-Disposition: form-data; name="photo"; filename="p.jpg"\r\n'
    b"Content-Type: image/jpeg\r\n\r\n" + PHOTO + b"\r\n--b--\r\n"
)


def test_an_upload_of_known_length_is_kept_in_memory_and_handed_over_whole(app):
    with app.test_request_context(
        "/c/x/entries",
        method="POST",
        input_stream=io.BytesIO(BODY),
        content_type="multipart/form-data; boundary=b",
        content_length=len(BODY),
    ):
        upload = request.files["photo"]
        assert isinstance(upload.stream, io.BytesIO)
        assert file_bytes(upload) == PHOTO


def test_an_upload_of_unknown_length_is_still_spooled(app):
    with app.test_request_context("/c/x/entries", method="POST"):
        stream = request._get_file_stream(None, "image/jpeg", "p.jpg")  # chunked: no Content-Length
        try:
            assert not isinstance(stream, io.BytesIO)
        finally:
            stream.close()
