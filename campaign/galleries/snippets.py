"""The embed codes a marketer copies onto the brand's own site, as plain text.

Every value put in an attribute is escaped here, for the brand's page: a gallery named `夏" onload="…` must
stay one attribute there. The studio page escapes the whole code once more to show it (Jinja), which a
string built in the template with `|e` undid: the copied code carried the name's quote as it was typed.
"""

from flask import url_for
from markupsafe import escape

from campaign.galleries.models import Gallery
from campaign.galleries.public_views import snapshot_url


def embed_codes(gallery: Gallery) -> dict[str, str]:
    """The codes by kind: "script" (the loader and its element), "frame", "fragment" and "json" (URLs)."""
    script = url_for("static", filename="embed/embed.js", _external=True)
    frame = url_for("gallery_embeds.show_frame", public_id=gallery.public_id, _external=True)
    return {
        "script": f'<div data-kuchikomi-gallery="{escape(snapshot_url(gallery))}"></div>\n'
        f'<script async src="{escape(script)}"></script>',
        # as wide as the page allows, up to 600 px: a phone's 390 px page grew to 616 px (a walk-through)
        "frame": f'<iframe src="{escape(frame)}" width="600" height="480" '
        'style="border:0;width:100%;max-width:600px" loading="lazy" '
        f'title="{escape(gallery.name)}"></iframe>',
        "fragment": url_for("gallery_embeds.show_fragment", public_id=gallery.public_id, _external=True),
        "json": url_for("api.get_gallery", public_id=gallery.public_id, _external=True),
    }
