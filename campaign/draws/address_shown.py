"""What a winner sees of the address they sent: enough to recognise it, not enough to be worth reading by
someone else holding the link (the claim link and the status link are bearer links, forwarded at times)."""

MASK = "＊"


def masked(address: dict[str, str] | None) -> dict[str, str] | None:
    """Each field as shown: the name's first character, the postal code's first three digits,
    the prefecture and city as sent, the street hidden, the phone's last four digits. None once deleted."""
    if not address:
        return None
    name, postal, phone = address.get("name", ""), address.get("postal_code", ""), address.get("phone", "")
    digits = [c for c in phone if c.isdigit()]
    return {
        "name": name[:1] + MASK * 2 if name else "",
        "postal_code": f"{postal[:3]}-{MASK * 4}" if postal else "",
        "prefecture": address.get("prefecture", ""),
        "city": address.get("city", ""),
        "street": MASK * 3 if address.get("street") else "",
        "phone": MASK * 3 + "".join(digits[-4:]) if digits else "",
    }
