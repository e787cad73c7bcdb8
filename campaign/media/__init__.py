"""Photo intake without Flask: inspect() untrusted uploads, derive() public web versions, compare hashes.

Importing does no work; the HEIF opener is registered with Pillow on the first inspect() or derive().
"""

from campaign.media.derivatives import Derivative, Derived, derive
from campaign.media.errors import ERROR_CODES, ErrorCode, MediaError
from campaign.media.hashing import NEAR_DUPLICATE_DISTANCE, hamming
from campaign.media.inspection import Inspection, inspect
from campaign.media.sandbox import Bounds, derive_bounded

__all__ = [
    "Bounds",
    "ERROR_CODES",
    "NEAR_DUPLICATE_DISTANCE",
    "Derivative",
    "Derived",
    "ErrorCode",
    "Inspection",
    "MediaError",
    "derive",
    "derive_bounded",
    "hamming",
    "inspect",
]
