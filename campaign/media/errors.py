"""The one exception media raises for bad input; the app maps its code to a translated message."""

from __future__ import annotations

from typing import Any, Literal, get_args

ErrorCode = Literal[
    "empty",
    "too_large",
    "not_an_image",
    "unsupported_format",
    "truncated",
    "too_many_pixels",
    "too_many_frames",
    "too_small",
    "too_narrow",
    "timeout",
    "out_of_memory",
]
ERROR_CODES: tuple[ErrorCode, ...] = get_args(ErrorCode)

_MESSAGES: dict[str, str] = {
    "empty": "the upload is empty",
    "too_large": "the upload is larger than the byte limit",
    "not_an_image": "the upload is not an image",
    "unsupported_format": "the image format is not accepted",
    "truncated": "the image data is incomplete or damaged",
    "too_many_pixels": "the image has more pixels than the limit",
    "too_many_frames": "the image has more frames than the limit",
    "too_small": "the image is smaller than the minimum size",
    "too_narrow": "the image's long side is more times its short side than allowed",
    "timeout": "processing the image took longer than allowed",
    "out_of_memory": "processing the image needed more memory than allowed",
}


class MediaError(Exception):
    """Rejected input: `code` is one of ERROR_CODES, `detail` holds the numbers behind it (plain data)."""

    def __init__(self, code: ErrorCode, detail: dict[str, Any] | None = None) -> None:
        if code not in _MESSAGES:
            raise ValueError(f"unknown media error code {code!r}")
        self.code: ErrorCode = code
        self.detail: dict[str, Any] = dict(detail or {})
        super().__init__(code, self.detail)  # args rebuild the error when pickled (RQ)

    def __str__(self) -> str:
        extra = ", ".join(f"{key}={value!r}" for key, value in self.detail.items())
        return f"{_MESSAGES[self.code]} ({extra})" if extra else _MESSAGES[self.code]
