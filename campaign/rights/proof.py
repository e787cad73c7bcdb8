"""What a rights answer proves, and so what it allows. The link to the rights page sits in a public comment:
a click there proves only that someone who read the comment clicked, so it binds nothing. A grant publishes
(writes the entry's consent) only when the creator is known to have given it: their own key-hashtag reply,
read from the network's API, or a named team member's record of the reply they saw. A no (declined,
withdrawn) is final against clicks; only the team can record a yes given after it.

Each rule has its SQL twin for queries that filter rather than load; tests check they agree."""

from sqlalchemy import ColumnElement, and_

from campaign.rights.models import Proof, RightsRequest, RightsState

S = RightsState
PUBLISHING_PROOFS = (Proof.VERIFIED, Proof.MANUAL)
OPEN = (S.TO_SEND, S.REQUESTED)  # asked, no answer yet


def publishes(proof: Proof) -> bool:
    """Whether a grant with this proof may make the photo public."""
    return proof in PUBLISHING_PROOFS


def in_force(request: RightsRequest) -> bool:
    """A grant the photo may be published under."""
    return request.state is S.GRANTED and publishes(request.proof)


def in_force_rows() -> ColumnElement[bool]:
    """`in_force` as SQL."""
    return and_(RightsRequest.state == S.GRANTED, RightsRequest.proof.in_(PUBLISHING_PROOFS))


def awaiting_confirmation(request: RightsRequest) -> bool:
    """Someone with the link said yes on the page; the creator has not confirmed it: nothing is public."""
    return request.state is S.GRANTED and not publishes(request.proof)


def awaiting_confirmation_rows() -> ColumnElement[bool]:
    """`awaiting_confirmation` as SQL."""
    return and_(RightsRequest.state == S.GRANTED, RightsRequest.proof.not_in(PUBLISHING_PROOFS))


def unanswered(request: RightsRequest) -> bool:
    """Asked and never answered: open, or expired without an answer (an ended grant has an answer)."""
    return request.state in OPEN or (request.state is S.EXPIRED and request.answered_at is None)


def said_no(request: RightsRequest) -> bool:
    """Declined or withdrawn (by whoever held the link, the creator or the brand): final against clicks."""
    return request.state in (S.DECLINED, S.WITHDRAWN)


def page_may_grant(request: RightsRequest) -> bool:
    """The rights page takes a yes only on a request never answered: after a no, after a grant's end, or
    on a yes already given, a click changes nothing."""
    return unanswered(request)


def page_may_decline(request: RightsRequest) -> bool:
    return unanswered(request)


def reply_may_grant(request: RightsRequest) -> bool:
    """A key-hashtag reply found by the scan grants an unanswered request, or confirms a click. After a no
    or a grant's end it is taken for the old reply (the scan cannot tell when it was written): the no stands.
    """
    return unanswered(request) or (request.state is S.GRANTED and request.proof is not Proof.VERIFIED)


def team_may_record(request: RightsRequest) -> bool:
    """The team records a key-hashtag reply they saw: on an unanswered request, to confirm a click, or
    after a no or an ended grant (a reply written after it; the member is named in the audit)."""
    return not in_force(request)
