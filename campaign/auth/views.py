from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from campaign.auth import services
from campaign.auth.forms import LoginForm
from campaign.auth.passwords import guess_limit
from campaign.clock import utcnow
from campaign.extensions import db, limiter
from campaign.i18n import remember_choice, safe_next

bp = Blueprint("auth", __name__)


def _login_email_key() -> str:
    return "login:" + services.normalise_login_email(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(guess_limit, methods=["POST"])
@limiter.limit(guess_limit, methods=["POST"], key_func=_login_email_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("campaigns.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, now=utcnow())
        except services.InvalidCredentials as exc:
            error = exc.text()
        else:
            db.session.commit()
            session.clear()  # a new session: nothing set before login survives it
            login_user(user)
            response = redirect(safe_next(request.args.get("next"), url_for("campaigns.index")))
            if user.locale:
                remember_choice(response, user.locale)  # the saved language on this browser too
            return response
    status = 401 if error else (400 if form.errors else 200)
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
@login_required
def logout():
    services.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have been logged out."))
    return redirect(url_for("auth.login"))
