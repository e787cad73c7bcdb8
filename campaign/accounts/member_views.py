"""The members page (owners): members and their roles, pending invitations, inviting someone."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from campaign.accounts import account_audit, invitations, members
from campaign.accounts.forms import ROLE_LABELS, InviteForm, RoleForm
from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.orgs.access import studio_route
from campaign.orgs.models import Role

bp = Blueprint("members", __name__, url_prefix="/studio")


def _actor() -> Actor:
    return Actor.member(current_user, request.remote_addr or "")


def _page(invite: InviteForm | None = None, problem: str | None = None, code: int = 200):
    invite = invite or InviteForm(locale=str(get_locale()))
    everyone = members.members_of(g.org)
    return render_template(
        "accounts/members.html",
        members=everyone,
        owners=sum(m.role is Role.OWNER for m in everyone),
        pending=invitations.pending_for(g.org),
        invite=invite,
        role_form=RoleForm,
        problem=problem,
        now=utcnow(),
        events=account_audit.recent(g.org),
        actions=account_audit.ACTIONS,
    ), code


@bp.get("/members")
@studio_route("manage_members")
def index():
    return _page()


@bp.post("/members/invite")
@studio_route("manage_members")
def invite():
    form = InviteForm()
    if not form.validate():
        return _page(invite=form, code=400)
    try:
        role = Role(form.role.data)
        invitation = invitations.invite(
            g.org, form.email.data, role, locale=form.locale.data, actor=_actor(), now=utcnow()
        )
    except DomainError as exc:
        db.session.rollback()
        form.email.errors = [exc.text()]
        return _page(invite=form, code=exc.status)
    db.session.commit()
    flash(_("Invitation sent to %(email)s.", email=invitation.email))
    return redirect(url_for("members.index"), code=303)


@bp.post("/members/<member_id>/role")
@studio_route("manage_members")
def change_role(member_id: str):
    membership = members.get_member(g.org, member_id)
    form = RoleForm()
    if not form.validate():
        return _page(problem=_("Choose one of the roles in the list."), code=400)
    try:
        changed = members.change_role(membership, Role(form.role.data), actor=_actor(), now=utcnow())
    except members.LastOwner as exc:
        db.session.rollback()
        return _page(problem=exc.text(), code=exc.status)
    db.session.commit()
    if changed:
        flash(_("%(email)s is now: %(role)s.", email=membership.user.email, role=role_label(membership.role)))
    return redirect(url_for(_landing()), code=303)


@bp.post("/members/<member_id>/remove")
@studio_route("manage_members")
def remove_member(member_id: str):
    membership = members.get_member(g.org, member_id)
    email = membership.user.email
    try:
        members.remove(membership, actor=_actor(), now=utcnow())
    except members.LastOwner as exc:
        db.session.rollback()
        return _page(problem=exc.text(), code=exc.status)
    db.session.commit()
    flash(_("%(email)s was removed from %(org)s.", email=email, org=g.org.name))
    return redirect(url_for(_landing()), code=303)


def _landing() -> str:
    """Back to the members page, unless the owner just gave up being one (or left)."""
    mine = next((m for m in members.members_of(g.org) if m.user_id == current_user.id), None)
    return "members.index" if mine is not None and mine.role is Role.OWNER else "campaigns.index"


@bp.post("/invitations/<invitation_id>/resend")
@studio_route("manage_members")
def resend_invitation(invitation_id: str):
    invitation = invitations.get_invitation(g.org, invitation_id)
    try:
        invitations.resend(invitation, actor=_actor(), now=utcnow())
    except DomainError as exc:
        db.session.rollback()
        return _page(problem=exc.text(), code=exc.status)
    db.session.commit()
    flash(_("Invitation sent again to %(email)s. The earlier link no longer works.", email=invitation.email))
    return redirect(url_for("members.index"), code=303)


@bp.post("/invitations/<invitation_id>/revoke")
@studio_route("manage_members")
def revoke_invitation(invitation_id: str):
    invitation = invitations.get_invitation(g.org, invitation_id)
    try:
        invitations.revoke(invitation, actor=_actor(), now=utcnow())
    except DomainError as exc:
        db.session.rollback()
        return _page(problem=exc.text(), code=exc.status)
    db.session.commit()
    flash(_("Invitation to %(email)s withdrawn. Its link no longer works.", email=invitation.email))
    return redirect(url_for("members.index"), code=303)


@bp.app_template_global("role_label")
def role_label(role: Role) -> str:
    return str(ROLE_LABELS[Role(role)])
