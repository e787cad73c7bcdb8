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


# The 47 prefectures, north to south (JIS X 0401 order): the winner picks one, so a shipping label never
# carries a prefecture that does not exist (a walk-through typed 「ニューヨーク州」) or 「東京」.
PREFECTURES = (
    ("北海道", "Hokkaido"), ("青森県", "Aomori"), ("岩手県", "Iwate"), ("宮城県", "Miyagi"),
    ("秋田県", "Akita"), ("山形県", "Yamagata"), ("福島県", "Fukushima"), ("茨城県", "Ibaraki"),
    ("栃木県", "Tochigi"), ("群馬県", "Gunma"), ("埼玉県", "Saitama"), ("千葉県", "Chiba"),
    ("東京都", "Tokyo"), ("神奈川県", "Kanagawa"), ("新潟県", "Niigata"), ("富山県", "Toyama"),
    ("石川県", "Ishikawa"), ("福井県", "Fukui"), ("山梨県", "Yamanashi"), ("長野県", "Nagano"),
    ("岐阜県", "Gifu"), ("静岡県", "Shizuoka"), ("愛知県", "Aichi"), ("三重県", "Mie"),
    ("滋賀県", "Shiga"), ("京都府", "Kyoto"), ("大阪府", "Osaka"), ("兵庫県", "Hyogo"),
    ("奈良県", "Nara"), ("和歌山県", "Wakayama"), ("鳥取県", "Tottori"), ("島根県", "Shimane"),
    ("岡山県", "Okayama"), ("広島県", "Hiroshima"), ("山口県", "Yamaguchi"), ("徳島県", "Tokushima"),
    ("香川県", "Kagawa"), ("愛媛県", "Ehime"), ("高知県", "Kochi"), ("福岡県", "Fukuoka"),
    ("佐賀県", "Saga"), ("長崎県", "Nagasaki"), ("熊本県", "Kumamoto"), ("大分県", "Oita"),
    ("宮崎県", "Miyazaki"), ("鹿児島県", "Kagoshima"), ("沖縄県", "Okinawa"),
)  # fmt: skip


def prefecture_choices(language: str) -> list[tuple[str, str]]:
    """(value, label) for the select: the value is always the Japanese name, as the label is printed; an
    English reader sees 「Tokyo (東京都)」."""
    if language.startswith("en"):
        return [(ja, f"{en} ({ja})") for ja, en in PREFECTURES]
    return [(ja, ja) for ja, _ in PREFECTURES]
