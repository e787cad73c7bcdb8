"""Studio pages for galleries: define, edit, publish the snapshot now, copy the embed codes."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from campaign import nonces
from campaign.audit.services import Actor
from campaign.campaigns.models import Campaign
from campaign.clock import utcnow
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.galleries import pins, services, snapshots, snippets
from campaign.galleries.forms import GalleryForm
from campaign.galleries.models import Gallery, Layout
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route

bp = Blueprint("galleries", __name__, url_prefix="/studio/galleries")


def _actor() -> Actor:
    from flask_login import current_user

    return Actor.member(current_user, request.remote_addr or "")


def _choices(form: GalleryForm) -> dict:
    campaigns = db.session.scalars(orgs.scoped(Campaign, g.org).order_by(Campaign.created_at.desc())).all()
    products = [p for c in campaigns for p in c.products]
    form.campaign.choices = [SelectChoice("", _("All campaigns"))]
    form.campaign.choices += [SelectChoice(c.public_id, c.title) for c in campaigns]
    form.product.choices = [SelectChoice("", _("All products"))]
    form.product.choices += [SelectChoice(p.public_id, p.name) for p in products]
    return {"campaigns": {c.public_id: c for c in campaigns}, "products": {p.public_id: p for p in products}}


def _data(form: GalleryForm, known: dict, gallery: Gallery | None) -> services.GalleryData:
    return services.GalleryData(
        name=form.name.data or "",
        campaign=known["campaigns"].get(form.campaign.data or ""),
        product=known["products"].get(form.product.data or ""),
        min_rating=form.min_rating.data,
        layout=Layout(form.layout.data),
        allowed_origins=form.allowed_origins.data or "",
        pinned=list(gallery.pinned) if gallery is not None else [],  # pins are set on the photo board
    )


def _republish(gallery: Gallery, now) -> None:
    """After a change: a new version for the kept answers (`answers`), and a new snapshot for the embeds."""
    gallery.version = (gallery.version or 1) + 1
    snapshots.publish(gallery, now=now)


def _save(form: GalleryForm, gallery: Gallery | None) -> Gallery | None:
    known = _choices(form)
    if not form.validate_on_submit():
        return None
    now = utcnow()
    if gallery is None:
        nonces.consume(request.form.get(nonces.FIELD, ""), "gallery", now=now)
    try:
        if gallery is None:
            gallery = services.create_gallery(g.org.id, _data(form, known, None), actor=_actor(), now=now)
            snapshots.publish(gallery, now=now)
        else:
            services.update_gallery(gallery, _data(form, known, gallery), actor=_actor(), now=now)
            _republish(gallery, now)
    except DomainError as exc:
        db.session.rollback()
        form.show_refusal(exc, form.name)
        return None
    db.session.commit()
    return gallery


@bp.get("/")
@studio_route()
def index():
    galleries = db.session.scalars(orgs.scoped(Gallery, g.org).order_by(Gallery.created_at.desc())).all()
    firsts = {gallery.public_id: services.items(gallery)[:4] for gallery in galleries}  # seen first
    return render_template("galleries/index.html", galleries=galleries, firsts=firsts)


@bp.route("/new", methods=["GET", "POST"])
@studio_route("edit_galleries")
def create():
    form = GalleryForm()
    if (gallery := _save(form, None)) is not None:
        flash(_("Gallery created and published."))
        return redirect(url_for("galleries.edit", gallery_id=gallery.public_id))
    return render_template("galleries/form.html", form=form, gallery=None)


@bp.route("/<gallery_id>", methods=["GET", "POST"])
@studio_route("view")
def edit(gallery_id: str):
    gallery = orgs.get_scoped(Gallery, g.org, gallery_id)
    form = GalleryForm(obj=None if request.method == "POST" else gallery)
    if request.method == "GET":
        form.campaign.data = gallery.campaign.public_id if gallery.campaign else ""
        form.product.data = gallery.product.public_id if gallery.product else ""
        form.layout.data = gallery.layout.value
        form.allowed_origins.data = "\n".join(gallery.allowed_origins)
    if request.method == "POST":
        if not orgs.can(g.membership, "edit_galleries"):
            abort(403)
        if _save(form, gallery) is not None:
            flash(_("Gallery saved and published."))
            return redirect(url_for("galleries.edit", gallery_id=gallery.public_id))
    else:
        _choices(form)
    items = services.items(gallery)
    return render_template(
        "galleries/form.html",
        form=form,
        gallery=gallery,
        embed_codes=snippets.embed_codes(gallery),
        pinned=[entry for entry in items if entry.public_id in gallery.pinned],
        others=[entry for entry in items if entry.public_id not in gallery.pinned],
    )


@bp.post("/<gallery_id>/pins")
@studio_route("edit_galleries")
def change_pins(gallery_id: str):
    """The photo board: one button's step (pin, unpin, up, down) or a dragged order; works without JS."""
    gallery = orgs.get_scoped(Gallery, g.org, gallery_id)
    entry_id = request.form.get("entry", "")
    now = utcnow()
    try:
        if request.form.get("move") == "order":
            wanted = pins.reordered(gallery, request.form.getlist("order"))
        else:
            wanted = pins.moved(gallery, request.form.get("move", ""), entry_id)
        if wanted != list(gallery.pinned):
            pins.save_pins(gallery, wanted, actor=_actor(), now=now)
            _republish(gallery, now)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.text(), "error")
        return redirect(url_for("galleries.edit", gallery_id=gallery.public_id), code=303)
    db.session.commit()
    flash(_("Photo order saved and published."))
    anchor = f"#photo-{entry_id}" if entry_id else "#board"
    return redirect(url_for("galleries.edit", gallery_id=gallery.public_id) + anchor, code=303)
