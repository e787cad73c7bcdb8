import pickle

import pytest

from campaign.media import ERROR_CODES, MediaError


def test_every_code_has_a_message_the_app_translates():
    from campaign.entries.photos import PHOTO_MESSAGES

    assert set(ERROR_CODES) == set(PHOTO_MESSAGES)


def test_message_is_plain_english_with_the_detail():
    error = MediaError("too_large", {"max_bytes": 10, "bytes": 11})

    assert str(error) == "the upload is larger than the byte limit (max_bytes=10, bytes=11)"
    assert str(MediaError("empty")) == "the upload is empty"


def test_unknown_code_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown media error code"):
        MediaError("too_blurry")  # type: ignore[arg-type]


def test_survives_pickling_for_job_queues():
    pickled = pickle.dumps(MediaError("unsupported_format", {"format": "TIFF"}))

    error = pickle.loads(pickled)  # noqa: S301 (our own bytes)

    assert (error.code, error.detail) == ("unsupported_format", {"format": "TIFF"})
