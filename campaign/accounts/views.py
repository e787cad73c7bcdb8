"""Account pages: forgotten password, the emailed links (reset, invitation), and the user's own settings."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from campaign import i18n
from campaign.accounts import invitations, preferences, resets
from campaign.accounts.account_audit import record_account
from campaign.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    ResetPasswordForm,
)
from campaign.audit.services import Actor
from campaign.auth import passwords
from campaign.auth import services as auth
from campaign.auth.passwords import guess_limit
from campaign.clock import utcnow
from campaign.errors import DomainError
from campaign.extensions import db, limiter
from campaign.orgs.access import SESSION_KEY, current_membership

bp = Blueprint("accounts", __name__)


def _email_key() -> str:
    return "reset:" + auth.normalise_login_email(request.form.get("email", ""))


def _ip() -> str:
    return request.remote_addr or ""


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(guess_limit, methods=["POST"])
@limiter.limit(guess_limit, methods=["POST"], key_func=_email_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        resets.ask(form.email.data, locale=str(get_locale()), ip_address=_ip())
        db.session.commit()
        return render_template("accounts/reset_sent.html", email=form.email.data.strip())
    return render_template("accounts/forgot.html", form=form), (400 if form.errors else 200)


def _link_problem(template: str, exc: DomainError, **context):
    return render_template(template, problem=exc.text(), code=exc.code, **context), exc.status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(guess_limit, methods=["POST"])
def reset_password(token: str):
    now = utcnow()
    try:
        reset = resets.check_link(token, now=now)
    except DomainError as exc:
        return _link_problem("accounts/reset.html", exc, form=None)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            resets.reset_password(reset, form.password.data, now=now, ip_address=_ip())
        except resets.UsedResetLink as exc:
            db.session.rollback()
            return _link_problem("accounts/reset.html", exc, form=None)
        except DomainError as exc:
            db.session.rollback()
            form.show_refusal(exc, form.password)
        else:
            db.session.commit()
            flash(_("Your password has been changed, and every session was logged out. Log in with it now."))
            return redirect(url_for("auth.login"), code=303)
    return render_template("accounts/reset.html", form=form, problem=None), (400 if form.errors else 200)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit(guess_limit, methods=["POST"])
def accept_invitation(token: str):
    now = utcnow()
    try:
        invitation = invitations.check_link(token, now=now)
    except DomainError as exc:
        return _link_problem("accounts/invitation.html", exc, invitation=None)
    account = invitations.account_for(invitation)
    form = AcceptInvitationForm() if account is None else None
    context = dict(invitation=invitation, account=account, form=form, problem=None)
    if request.method == "GET":
        return render_template("accounts/invitation.html", **context)
    try:
        if current_user.is_authenticated and current_user.email != invitation.email:
            raise invitations.WrongAccount(email=invitation.email, current=current_user.email)
        if account is None:
            if not form.validate_on_submit():
                return render_template("accounts/invitation.html", **context), 400
            user = invitations.accept_new(
                invitation, name=form.name.data, password=form.password.data, now=now, ip_address=_ip()
            )
        elif not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path), code=303)
        else:
            user = current_user._get_current_object()
            invitations.accept_as(invitation, user, now=now, ip_address=_ip())
    except DomainError as exc:
        db.session.rollback()
        if form is not None and exc.field == "password":
            form.show_refusal(exc, form.password)
            return render_template("accounts/invitation.html", **context), exc.status
        page = "accounts/invitation.html"
        return _link_problem(page, exc, invitation=invitation, account=account, form=None)
    db.session.commit()
    response = redirect(url_for("campaigns.index"), code=303)
    if account is None:
        session.clear()
        login_user(user)
        i18n.remember_choice(response, user.locale)  # the language the invitation was written in
    session[SESSION_KEY] = invitation.organisation.public_id  # the studio opens on the organisation joined
    flash(_("Welcome to %(org)s.", org=invitation.organisation.name))
    return response


def _settings_page(language=None, password=None, code: int = 200):
    current_membership()  # the studio's navigation, when the user belongs to an organisation
    language = language or LanguageForm(locale=current_user.locale or "")
    return render_template(
        "accounts/settings.html", language=language, password=password or ChangePasswordForm()
    ), code


@bp.get("/studio/account")
@login_required
def settings():
    return _settings_page()


@bp.post("/studio/account/language")
@login_required
def save_language():
    form = LanguageForm()
    if not form.validate():
        return _settings_page(language=form, code=400)
    actor = Actor.member(current_user, _ip())
    languages = current_app.config["LANGUAGES"]
    preferences.set_language(
        current_user, form.locale.data or None, languages=languages, actor=actor, now=utcnow()
    )
    db.session.commit()
    response = redirect(url_for("accounts.settings"), code=303)
    if current_user.locale:
        i18n.remember_choice(response, current_user.locale)  # this browser follows at once
    else:
        response.delete_cookie(i18n.COOKIE)
    with force_locale(str(i18n.after_choice(current_user.locale))):  # say it in the language just chosen
        flash(_("Language saved."))
    return response


@bp.post("/studio/account/password")
@login_required
@limiter.limit(guess_limit)
def change_password():
    form = ChangePasswordForm()
    if form.validate():
        user = current_user._get_current_object()
        if not passwords.verify_password(user.password_hash, form.current.data):
            form.current.errors = [_("The current password is not correct.")]
        else:
            try:
                auth.set_password(user, form.password.data)  # every other session ends
            except DomainError as exc:
                form.show_refusal(exc, form.password)
            else:
                record_account(Actor.member(user, _ip()), "member.password_change", user, now=utcnow())
                db.session.commit()
                login_user(user)  # this browser stays logged in, with the new session token
                flash(_("Password changed. Your other sessions were logged out."))
                return redirect(url_for("accounts.settings"), code=303)
    return _settings_page(password=form, code=400)
