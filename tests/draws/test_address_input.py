"""A winner's address as Japanese phones type it: full-width digits, ー or − for a hyphen, 〒 (a walk-through
found `１５０－０００１` refused as a postal code)."""

import pytest

from campaign.draws import address_input


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("150-0001", "150-0001"),
        ("1500001", "150-0001"),
        ("１５０－０００１", "150-0001"),
        ("１５０ー０００１", "150-0001"),  # the long-vowel mark, a common slip for a hyphen
        ("150−0001", "150-0001"),  # the minus sign
        ("〒150-0001", "150-0001"),
        ("〒 １５０‐０００１ ", "150-0001"),
        ("12", "12"),  # not a postal code: left for the form to refuse
        ("١٥٠٠٠٠١", "١٥٠٠٠٠١"),  # digits of another script are not read as Japan's
    ],
)
def test_postal_codes_are_read_as_half_width(typed, read):
    assert address_input.postal_code(typed) == read
    assert bool(address_input.POSTAL_CODE.match(read)) == (read == "150-0001")


@pytest.mark.parametrize(
    ("typed", "read", "valid"),
    [
        ("090-1234-5678", "090-1234-5678", True),
        ("０９０１２３４５６７８", "09012345678", True),
        ("０９０ー１２３４ー５６７８", "090-1234-5678", True),
        ("＋８１ ９０－１２３４－５６７８", "+81 90-1234-5678", True),
        ("hello", "hello", False),
        ("- - - - -", "- - - - -", False),  # a walk-through's find: no digit at all was accepted
        ("((((((", "((((((", False),
        ("12-34", "12-34", False),
        ("090-1234-5678 (evenings)", "090-1234-5678 (evenings)", False),
    ],
)
def test_phone_numbers_are_read_as_half_width(typed, read, valid):
    assert address_input.phone(typed) == read
    assert bool(address_input.PHONE.match(read)) is valid


@pytest.mark.parametrize(
    ("address", "line"),
    [
        ({"prefecture": "東京都", "city": "渋谷区", "street": "神宮前1-2-3"}, "東京都渋谷区神宮前1-2-3"),
        (
            {"prefecture": "Tokyo", "city": "Shibuya-ku", "street": "1-2-3 Jingumae"},
            "Tokyo Shibuya-ku 1-2-3 Jingumae",
        ),
        ({"prefecture": "東京都", "city": "渋谷区", "street": "1-2-3"}, "東京都渋谷区 1-2-3"),
        ({"prefecture": "東京都", "city": "", "street": "Room 5"}, "東京都 Room 5"),
    ],
)
def test_an_address_reads_as_written_in_its_script(address, line):
    """A walk-through's find: a Latin-script address ran together ("TokyoShibuya-ku1-2-3 Jingumae")."""
    from campaign.draws.labels import address_line

    assert address_line(address) == line
