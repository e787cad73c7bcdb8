"""oEmbed (https://oembed.com) for a gallery's iframe page or a single review page."""

from urllib.parse import urlsplit

from flask import abort, request, url_for
from sqlalchemy import select

from campaign.extensions import db
from campaign.galleries.models import Gallery
from campaign.reviews.models import Review, ReviewStatus


def _iframe(src: str, width: int, height: int, title: str) -> str:
    from markupsafe import escape

    return (
        f'<iframe src="{escape(src)}" width="{width}" height="{height}" title="{escape(title)}" '
        'loading="lazy" style="border:0;max-width:100%"></iframe>'
    )


def oembed_for(url: str, max_width: int | None) -> dict:
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1": an unclosed IPv6 bracket
        abort(400)
    if parts.netloc != request.host:
        abort(404)
    segments = [s for s in parts.path.split("/") if s]
    width = min(max_width or 600, 1200)
    if len(segments) == 3 and segments[:2] == ["embed", "g"]:
        gallery = db.session.scalar(select(Gallery).where(Gallery.public_id == segments[2]))
        if gallery is None:
            abort(404)
        src = url_for("gallery_embeds.show_frame", public_id=gallery.public_id, _external=True)
        height = 480
        title = gallery.name
    elif len(segments) == 2 and segments[0] == "r":
        review = db.session.scalar(
            select(Review).where(Review.public_id == segments[1], Review.status == ReviewStatus.PUBLISHED)
        )
        if review is None:
            abort(404)
        src = url_for("review_pages.show_review", public_id=review.public_id, _external=True)
        height = 640
        title = review.product.name
    else:
        abort(404)
    return {
        "version": "1.0",
        "type": "rich",
        "provider_name": "Kuchikomi",
        "title": title,
        "width": width,
        "height": height,
        "html": _iframe(src, width, height, title),
    }
