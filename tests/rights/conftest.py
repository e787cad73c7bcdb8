import pytest

from tests.galleries.helpers import make_brand


@pytest.fixture
def brand(app, client):
    return make_brand(app, client, brand_handle="brand_a")
