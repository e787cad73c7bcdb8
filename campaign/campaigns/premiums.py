"""景品表示法 (the Premiums and Representations Act): prize caps by campaign type.

Pure functions over plain values (yen as integers, exact arithmetic). Sources: Consumer Affairs Agency
notices on 懸賞 and 総付景品 (see DOMAIN.md): 一般懸賞 per prize 20x the transaction value when it is under
¥5,000, else ¥100,000, total at most 2% of projected sales; 共同懸賞 ¥300,000, total 3%; 総付景品 2/10 of the
transaction value, at least ¥200; オープン懸賞 no cap since 2006.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l


class PremiumType(enum.StrEnum):
    OPEN = "open"  # オープン懸賞: no purchase needed
    GENERAL = "general"  # 一般懸賞: entry tied to a purchase
    JOINT = "joint"  # 共同懸賞: several businesses together
    GIFT = "gift"  # 総付景品: given to every buyer


@dataclass(frozen=True)
class PrizeValue:
    name: str
    value_jpy: int
    quantity: int = 1


@dataclass(frozen=True)
class Finding:
    level: str  # "error": over a legal cap, refused; "warning": shown, allowed
    code: str
    message: object = field(compare=False)  # a lazy translated string

    def text(self) -> str:
        return str(self.message)


def per_prize_cap(kind: PremiumType, transaction_value_jpy: int | None) -> int | None:
    """The highest value one prize may have, in yen; None: no cap (or unknown without the value)."""
    if kind is PremiumType.GENERAL:
        if transaction_value_jpy is None:
            return None
        return 20 * transaction_value_jpy if transaction_value_jpy < 5000 else 100_000
    if kind is PremiumType.JOINT:
        return 300_000
    if kind is PremiumType.GIFT:
        if transaction_value_jpy is None:
            return None
        return max(200, transaction_value_jpy * 2 // 10)
    return None


def total_cap_percent(kind: PremiumType) -> int | None:
    return {PremiumType.GENERAL: 2, PremiumType.JOINT: 3}.get(kind)


def check(
    kind: PremiumType,
    prizes: Sequence[PrizeValue],
    *,
    transaction_value_jpy: int | None = None,
    projected_sales_jpy: int | None = None,
    follow_and_post: bool = False,
    asks_for_product_photo: bool = False,
) -> list[Finding]:
    findings: list[Finding] = []
    if kind is PremiumType.OPEN:
        if follow_and_post and asks_for_product_photo:
            findings.append(
                Finding(
                    "warning",
                    "likely_general",
                    _l(
                        "A campaign that asks for a photo of the purchased product in effect needs a "
                        "purchase: it is likely a 一般懸賞, with its prize caps."
                    ),
                )
            )
        return findings
    if kind in (PremiumType.GENERAL, PremiumType.GIFT) and transaction_value_jpy is None:
        findings.append(
            Finding(
                "warning", "no_transaction_value", _l("Enter the transaction value to check the prize caps.")
            )
        )
    for prize in prizes:
        if prize.value_jpy == 0:  # a row saved with a name only: a cap cannot be checked against nothing
            findings.append(
                Finding(
                    "warning",
                    "no_prize_value",
                    _l("Enter the value of “%(name)s” to check it against the prize caps.", name=prize.name),
                )
            )
    cap = per_prize_cap(kind, transaction_value_jpy)
    if cap is not None:
        for prize in prizes:
            if prize.value_jpy > cap:
                findings.append(
                    Finding(
                        "error",
                        "prize_over_cap",
                        _l(
                            "“%(name)s” is worth ¥%(value)s, over the legal cap of ¥%(cap)s per prize.",
                            name=prize.name,
                            value=f"{prize.value_jpy:,}",
                            cap=f"{cap:,}",
                        ),
                    )
                )
    percent = total_cap_percent(kind)
    if percent is not None:
        total = sum(p.value_jpy * p.quantity for p in prizes)
        if projected_sales_jpy is None:
            findings.append(
                Finding(
                    "warning", "no_projected_sales", _l("Enter the projected sales to check the total cap.")
                )
            )
        elif total * 100 > projected_sales_jpy * percent:
            findings.append(
                Finding(
                    "error",
                    "total_over_cap",
                    _l(
                        "All prizes together are worth ¥%(total)s, over %(percent)s%% of the projected sales "
                        "(¥%(cap)s).",
                        total=f"{total:,}",
                        percent=percent,
                        cap=f"{projected_sales_jpy * percent // 100:,}",
                    ),
                )
            )
    return findings
