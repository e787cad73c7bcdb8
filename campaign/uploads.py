"""Where an uploaded file's bytes wait while the form is parsed.

Werkzeug spools every part over 500 KB to a temporary file, which the submit view then reads back whole
(`EntryForm.photo_bytes`): for a phone photo, a file created, written, read and deleted per post. A body of
known length within MAX_CONTENT_LENGTH (Flask refuses a longer one before parsing) is kept in memory
instead, and handed over without a copy; a body of unknown length (chunked) is spooled as before. A
request holds at most MAX_CONTENT_LENGTH in memory, which its photo would take anyway once read.
"""

import io
from typing import IO

from flask import Request


class UploadRequest(Request):
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
