import pytest

from campaign.analytics import targets
from tests.galleries.helpers import make_brand


@pytest.fixture(autouse=True)
def fresh_caches(app):
    """Each test reads its galleries afresh, and no event id is remembered from the test before."""
    targets.forget_all()
    app.extensions["analytics_events"].seen.clear()
    yield
    targets.forget_all()


@pytest.fixture
def brand(app, client):
    return make_brand(app, client)
