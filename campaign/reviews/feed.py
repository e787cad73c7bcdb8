"""Google Merchant Center product reviews feed (schema 2.4): complete every time, one per organisation.

Reviews missing from the next complete feed are deleted by Google, so a withdrawn review simply is not
in it. Element order follows product_reviews.xsd 2.4. Every text and attribute goes through `xml_text`: a
character XML forbids, in one caption stored before intake stripped it, would make the whole feed invalid.
"""

from xml.etree import ElementTree as ET

from flask import url_for

from campaign.entries.rules import xml_text
from campaign.orgs.models import Organisation
from campaign.reviews.models import Review
from campaign.reviews.public import absolute, images, public_caption

SCHEMA = "http://www.google.com/shopping/reviews/schema/product/2.4/product_reviews.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {name: xml_text(value) for name, value in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def in_feed(review: Review) -> bool:
    """The schema requires `ratings/overall` from 1 to 5: a photo review (a post collected from a network,
    which carries no rating) cannot be in the feed; it stays on its page, in the API and in the JSON-LD."""
    return review.entry.rating is not None


def build_feed(org: Organisation, reviews: list[Review]) -> bytes:
    ET.register_namespace("xsi", XSI)
    feed = ET.Element("feed", {f"{{{XSI}}}noNamespaceSchemaLocation": SCHEMA})
    _sub(feed, "version", "2.4")
    _sub(_sub(feed, "aggregator"), "name", "Kuchikomi")
    _sub(_sub(feed, "publisher"), "name", org.name)
    items = _sub(feed, "reviews")
    for review in filter(in_feed, reviews):
        entry, product = review.entry, review.product
        node = _sub(items, "review")
        _sub(node, "review_id", review.public_id)
        reviewer = _sub(node, "reviewer")
        if nickname := xml_text(entry.nickname or "").strip():
            _sub(reviewer, "name", nickname, is_anonymous="false")
        else:
            _sub(reviewer, "name", "Anonymous", is_anonymous="true")
        _sub(node, "review_timestamp", review.published_at.strftime("%Y-%m-%dT%H:%M:%SZ"))
        _sub(node, "content", xml_text(public_caption(entry)).strip() or "★" * entry.rating)
        largest = images(entry)["jpeg"][-1:]
        if largest:
            _sub(_sub(_sub(node, "reviewer_images"), "reviewer_image"), "url", largest[0]["url"])
        review_url = absolute(url_for("review_pages.show_review", public_id=review.public_id))
        _sub(node, "review_url", review_url, type="singleton")
        _sub(_sub(node, "ratings"), "overall", str(entry.rating), min="1", max="5")
        product_node = _sub(_sub(node, "products"), "product")
        ids = _sub(product_node, "product_ids")
        if product.jan:
            _sub(_sub(ids, "gtins"), "gtin", product.jan)
        if product.sku:
            _sub(_sub(ids, "skus"), "sku", product.sku)
        _sub(product_node, "product_name", product.name)
        if product.url:
            _sub(product_node, "product_url", product.url)
        _sub(node, "is_spam", "false")
        _sub(node, "is_incentivized_review", "true")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
