"""The product reviews feed stays well-formed XML, whatever a customer or a marketer typed."""

from xml.etree import ElementTree as ET

from campaign.entries.rules import clean_text, xml_text
from campaign.extensions import db

FORBIDDEN = "\ufffe\uffff\x0b\x1b"  # what a database can hold; lone surrogates it cannot


def test_intake_strips_what_xml_forbids_from_caption_and_nickname(brand):
    entry = brand.entry(caption="美味し\uffffい\ufffeお茶\x0b\n二行目", nickname="さ\uffffくら")
    assert entry.caption == "美味しいお茶\n二行目" and entry.nickname == "さくら"


def test_one_review_stored_with_forbidden_characters_leaves_the_feed_valid(brand, client):
    """Entries taken in before intake stripped them are mended on the way out, in every text and name."""
    broken = brand.approved(caption="Lovely tea", nickname="hana")
    brand.publish_review(broken)
    brand.publish_review(brand.approved(caption="A second review", nickname="ken"))
    broken.caption, broken.nickname = f"Lovely{FORBIDDEN} tea", f"ha{FORBIDDEN}na"
    brand.campaign.products[0].name = f"Green{FORBIDDEN} tea"
    brand.org.name = f"Brand{FORBIDDEN} A"
    db.session.commit()

    response = client.get(f"/feeds/{brand.org.public_id}/product-reviews.xml")
    root = ET.fromstring(response.data)  # noqa: S314 (our own output); raises on any forbidden character
    reviews = {review.findtext("reviewer/name"): review for review in root.iterfind("reviews/review")}
    assert set(reviews) == {"hana", "ken"}
    assert reviews["hana"].findtext("content") == "Lovely tea"
    assert reviews["hana"].findtext("products/product/product_name") == "Green tea"
    assert root.findtext("publisher/name") == "Brand A"


def test_a_caption_of_forbidden_characters_only_falls_back_to_the_stars(brand, client):
    entry = brand.approved(caption="x", nickname="hana", rating="4")
    brand.publish_review(entry)
    entry.caption, entry.nickname = FORBIDDEN, "\uffff"
    db.session.commit()
    root = ET.fromstring(client.get(f"/feeds/{brand.org.public_id}/product-reviews.xml").data)  # noqa: S314
    review = root.find("reviews/review")
    assert review.findtext("content") == "★★★★"
    assert review.find("reviewer/name").get("is_anonymous") == "true"


def test_xml_text_keeps_everything_xml_allows():
    allowed = "tab\tLF\nCR\r 日本語 \ufffd \U0001f375 \ue000 \x7f\x85"
    assert xml_text(allowed) == allowed
    assert xml_text(f"a{FORBIDDEN}\x00\ud800\udfffb") == "ab"
    assert clean_text(f" a{FORBIDDEN}\ud800b ") == "ab"
