"""The studio guard: a logged-in member of the current organisation, with the capability the route needs."""

from collections.abc import Callable
from functools import wraps

from flask import abort, g, session
from flask_login import current_user, login_required

from campaign.orgs import services

SESSION_KEY = "org"


def remember_membership() -> None:
    """Sets g.membership and g.org for the logged-in user's chosen organisation (outside studio_route too)."""
    membership = services.choose_membership(current_user, session.get(SESSION_KEY))
    if membership is not None:
        g.membership = membership
        g.org = membership.organisation
        g.timezone = membership.organisation.timezone


def studio_route(capability: str = "view") -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            remember_membership()
            membership = getattr(g, "membership", None)
            if membership is None:
                abort(403)
            if not services.can(membership, capability):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
