"""The OpenAPI document describes what the API really does: schemathesis checks every operation."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.galleries.helpers import make_brand


@pytest.fixture
def api_schema(app, client):
    brand = make_brand(app, client)
    brand.publish_review(brand.approved(caption="<b>bold</b> & 😀"))
    gallery = brand.gallery()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return schema, {"gallery_id": gallery.public_id, "product_id": brand.campaign.products[0].public_id}


def test_every_operation_conforms_to_the_openapi_document(api_schema):
    schema, known = api_schema
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {
        "/api/v1/galleries/{gallery_id}",
        "/api/v1/products/{product_id}/reviews",
    }
    for operation in operations:
        # Real ids too, so the 200 responses (not only 404s) are checked against their schemas.
        name = next(iter(operation.path_parameters)).name
        known_case = operation.Case(path_parameters={name: known[name]}, query={"page": 1, "per_page": 5})
        response = known_case.call()
        assert response.status_code == 200
        known_case.validate_response(response)

        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate()

        check()
