"""Property tests against the OpenAPI schema: generated requests never get a server error or an
answer that breaks the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from corridor.server import Limits, create_app

pytestmark = pytest.mark.integration

OPERATIONS = [
    ("/route", "POST"),
    ("/alternatives", "POST"),
    ("/sheet", "GET"),
    ("/compare", "POST"),
    ("/reach", "POST"),
    ("/places", "GET"),
    ("/health", "GET"),
    ("/network/{layer}", "GET"),
]


@pytest.fixture(scope="module")
def api_schema(world):
    app = create_app(world, limits=Limits(compute_seconds=30))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_operation_holds_to_the_schema(api_schema, path, method):
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        response = case.call()
        assert response.status_code < 500, (case.body, response.text)
        # a schema cannot say which place names exist: valid-looking input may still be refused (404/422)
        case.validate_response(response, excluded_checks=[schemathesis.checks.positive_data_acceptance])

    check()
