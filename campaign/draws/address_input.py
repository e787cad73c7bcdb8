"""What a winner types into the claim form, as Japanese phones type it: full-width digits and hyphens, the
long-vowel mark or a minus sign for a hyphen, a 〒 before the postal code. Read as the half-width forms they
stand for, so `１５０－０００１` is the postal code 150-0001 and `０９０ー１２３４ー５６７８` a phone number.
"""

import re
import unicodedata

# Characters Japanese input methods give for a hyphen, after NFKC (which maps full-width "－" to "-"):
# the long-vowel mark ー (and its half-width ｰ), the minus sign, dashes and hyphens of other widths.
_DASHES = re.compile("[\u30fc\uff70\u2010-\u2015\u2212\u2043\ufe63]")
POSTAL_CODE = re.compile(r"^(\d{3})-?(\d{4})$", re.ASCII)
# digits with their usual signs, at least 6 digits ("- - - - -" and "((((((" are no number)
PHONE = re.compile(r"^\+?(?=(?:[^0-9]*[0-9]){6})[0-9()\- ]{6,20}$", re.ASCII)


def half_width(text: str | None) -> str:
    """`text` with full-width letters, digits and signs as half-width, and any hyphen-like mark as "-"."""
    return _DASHES.sub("-", unicodedata.normalize("NFKC", text or "")).strip()


def postal_code(text: str | None) -> str:
    """A postal code as 123-4567 when it is one (〒 and spaces dropped); else what was typed, half-width."""
    typed = half_width(text).removeprefix("〒").replace(" ", "")
    match = POSTAL_CODE.match(typed)
    return f"{match[1]}-{match[2]}" if match else typed


def phone(text: str | None) -> str:
    return half_width(text)
