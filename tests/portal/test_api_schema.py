"""The OpenAPI schema documents what the API promises everywhere."""

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db
ERROR = "#/components/schemas/Error"


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def test_the_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))


def test_every_operation_documents_its_errors(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        for code in ("401", "403", "404", "429"):
            assert responses[code]["content"]["application/json"]["schema"]["$ref"] == ERROR, (
                path,
                method,
                code,
            )
            assert responses[code]["content"]["application/json"]["examples"]
        if method not in ("GET", "HEAD"):
            assert "409" in responses, (path, method)
        if "requestBody" in operation:
            assert {"400", "415"} <= set(responses), (path, method)
            assert set(operation["requestBody"]["content"]) == {"application/json"}


def test_both_ways_to_log_in_are_documented(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["tokenAuth"]["description"],
    }
    assert "cookieAuth" in schemes
    for path, method, operation in _operations(schema):
        assert {"tokenAuth": []} in operation["security"], (path, method)


def test_the_error_format_is_a_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"detail", "code", "fields"}
    assert set(error["required"]) == {"detail", "code"}


def test_ids_are_integers_and_text_inputs_say_what_is_refused(schema):
    for path, _method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"]["type"] == "integer", path
    street = schema["components"]["schemas"]["ClientInputRequest"]["properties"]["street"]
    assert street["minLength"] == 1 and "pattern" in street
