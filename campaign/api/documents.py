"""Public documents about reviews: the API's list, schema.org JSON-LD. Built only from `reviews.public`."""

from flask_babel import lazy_gettext as _l

from campaign.campaigns.models import Product
from campaign.reviews.models import Review
from campaign.reviews.public import photo

CAMPAIGN_LABEL = _l("Posted as part of a campaign (incentivised)")


def labelled(text: str) -> str:
    """A review's text with the campaign label after it, bracketed as the reader's language brackets
    (「…。（キャンペーン応募作品（特典付き））」 mixed half- and full-width brackets: a walk-through)."""
    if not text:
        return str(CAMPAIGN_LABEL)
    return str(_l("%(text)s (%(label)s)", text=text, label=CAMPAIGN_LABEL))


def review_item(review: Review) -> dict:
    return {
        **photo(review.entry),
        "review_id": review.public_id,
        "product": {"id": review.product.public_id, "name": review.product.name},
        "published": review.published_at.isoformat(),
        "label": str(CAMPAIGN_LABEL),
    }


def rated(reviews: list[Review]) -> list[int]:
    """The ratings the reviews carry: a photo review (a post collected from a network) carries none, and
    counts as no rating at all, never as a zero."""
    return [review.entry.rating for review in reviews if review.entry.rating is not None]


def aggregate(reviews: list[Review]) -> dict:
    """`count`: the ratings averaged (schema.org's ratingCount), not the reviews (the list's `total`)."""
    ratings = rated(reviews)
    average = round(sum(ratings) / len(ratings), 2) if ratings else None
    return {"count": len(ratings), "average": average}


def _review_rating(rating: int | None) -> dict:
    """schema.org's reviewRating is optional: a photo review has none, rather than one outside 1–5."""
    if rating is None:
        return {}
    return {"reviewRating": {"@type": "Rating", "ratingValue": rating, "bestRating": 5, "worstRating": 1}}


def product_reviews(product: Product, reviews: list[Review], *, page: int, per_page: int) -> dict:
    shown = reviews[(page - 1) * per_page : page * per_page]
    return {
        "product": {"id": product.public_id, "name": product.name, "sku": product.sku, "gtin": product.jan},
        "rating": aggregate(reviews),
        "total": len(reviews),
        "page": page,
        "pages": max(1, -(-len(reviews) // per_page)),
        "items": [review_item(review) for review in shown],
    }


def product_jsonld(product: Product, reviews: list[Review]) -> dict:
    """schema.org Product with its Reviews and AggregateRating, for the product page's <script> tag."""
    data: dict = {"@context": "https://schema.org", "@type": "Product", "name": product.name}
    if product.sku:
        data["sku"] = product.sku
    if product.jan:
        data["gtin13" if len(product.jan) == 13 else "gtin"] = product.jan
    if product.url:
        data["url"] = product.url
    summary = aggregate(reviews)
    if summary["count"]:  # an AggregateRating needs a ratingValue: none from photo reviews alone
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": summary["average"],
            "ratingCount": summary["count"],  # the ratings averaged
            "reviewCount": len(reviews),  # the reviews, with or without a rating
            "bestRating": 5,
            "worstRating": 1,
        }
    if reviews:
        data["review"] = [
            {
                "@type": "Review",
                "@id": review.public_id,
                "author": {"@type": "Person", "name": review.entry.nickname or str(_l("Anonymous"))},
                "datePublished": review.published_at.date().isoformat(),
                "reviewBody": labelled(photo(review.entry)["caption"]),
                **_review_rating(review.entry.rating),
            }
            for review in reviews
        ]
    return data
