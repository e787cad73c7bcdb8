import pytest


@pytest.fixture(autouse=True)
def every_certificate_matches_its_published_schema(request):
    """After each test that made draws, every draw's certificate must conform to the JSON Schema that
    outside verifiers rely on (/api/v1/schemas/draw-certificate.json)."""
    if "app" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app")  # set up first, so torn down (tables emptied) after this check
    yield
    from sqlalchemy import select

    from campaign.draws import certificate
    from campaign.draws.models import Draw
    from campaign.extensions import db
    from tests.draws.helpers import certificate_errors

    db.session.rollback()
    for draw in db.session.scalars(select(Draw)):
        assert certificate_errors(certificate.certificate(draw)) == [], draw.public_id
