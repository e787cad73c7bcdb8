import itertools

import pytest
from PIL import Image

from campaign.media import NEAR_DUPLICATE_DISTANCE, derive, hamming

from .samples import encode, photo


def phash(im: Image.Image, **params: object) -> str:
    return derive(encode(im, "JPEG", **({"quality": 90} | params))).perceptual_hash


def cropped(im: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    width, height = im.size
    return im.crop(
        (
            round(width * left),
            round(height * top),
            width - round(width * right),
            height - round(height * bottom),
        )
    )


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_copies_of_a_photo_are_near_duplicates(seed):
    original = photo(seed)
    width, height = original.size
    copies = {
        "re-encoded q60": phash(original, quality=60),
        "as webp": derive(encode(original, "WEBP")).perceptual_hash,
        "halved": phash(original.resize((width // 2, height // 2), Image.Resampling.LANCZOS)),
        "3% off the left": phash(cropped(original, 0.03, 0, 0, 0)),
        "3% centred": phash(cropped(original, 0.015, 0.015, 0.015, 0.015)),
        "5% centred": phash(cropped(original, 0.025, 0.025, 0.025, 0.025)),
    }
    reference = phash(original)

    distances = {name: hamming(reference, value) for name, value in copies.items()}

    assert max(distances.values()) <= NEAR_DUPLICATE_DISTANCE, distances


def test_unrelated_photos_are_not_near_duplicates():
    hashes = [phash(photo(seed)) for seed in range(100, 108)]

    distances = [hamming(a, b) for a, b in itertools.combinations(hashes, 2)]

    assert min(distances) > NEAR_DUPLICATE_DISTANCE, sorted(distances)


def test_hamming():
    assert hamming("0000000000000000", "0000000000000000") == 0
    assert hamming("0000000000000000", "ffffffffffffffff") == 64
    assert hamming("8000000000000001", "0000000000000000") == 2


@pytest.mark.parametrize("bad", ["", "abc", "0" * 17, "xyz0000000000000", "-000000000000001"])
def test_hamming_refuses_what_is_not_a_hash(bad):
    with pytest.raises(ValueError):
        hamming(bad, "0" * 16)
