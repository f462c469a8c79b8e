"""The OpenAPI document read to the letter of OpenAPI 3.0.3, as strict validators and
generated clients read it, and the API's answers checked against it."""

from __future__ import annotations

import json
from pathlib import Path

import drf_spectacular
import jsonschema
import pytest

from tests.factories import ArticleFactory, ClaimFactory, UserFactory, reviewed_claim

pytestmark = pytest.mark.django_db

OAS_3_0 = Path(drf_spectacular.__file__).parent / "validation" / "openapi_3_0_schema.json"


def schema_objects(node, where=""):
    """Yield (where, schema object) for every Schema Object in the document."""
    if isinstance(node, dict):
        if "type" in node or "nullable" in node or {"allOf", "oneOf", "anyOf"} & set(node):
            yield where, node
        for key, value in node.items():
            yield from schema_objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from schema_objects(value, f"{where}/{i}")


def as_json_schema(node):
    """An OpenAPI 3.0.3 schema as JSON Schema, read to the letter: `nullable` adds null to
    the `type` beside it, and does nothing where there is none."""
    if isinstance(node, list):
        return [as_json_schema(value) for value in node]
    if not isinstance(node, dict):
        return node
    converted = {key: as_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True and isinstance(node.get("type"), str):
        converted["type"] = [node["type"], "null"]
    return converted


@pytest.fixture
def document(api):
    return api.get("/api/schema/?format=json").json()


def test_the_schema_is_a_valid_openapi_3_0_document(document):
    jsonschema.validate(document, json.loads(OAS_3_0.read_text()))
    # OpenAPI 3.0.3: nullable "adds null to the allowed type specified by the type keyword,
    # only if type is explicitly defined within the same Schema Object". A nullable without
    # a type beside it (a claim's verdict was `allOf: [Verdict], nullable: true`) lets no
    # null through, and strict validators refused a claim without a verdict.
    untyped = [where for where, node in schema_objects(document) if node.get("nullable")
               and "type" not in node]  # fmt: skip
    assert untyped == []


def test_the_api_answers_what_the_schema_says_read_to_the_letter(document, api):
    components = as_json_schema(document["components"])
    bare = ClaimFactory(article=ArticleFactory(), assignee=None)
    checked = reviewed_claim(UserFactory(username="rev2", role="reviewer"))

    def check(path, template, method="get"):
        response = api.get(path)
        assert response.status_code == 200, path
        schema = document["paths"][template][method]["responses"]["200"]["content"]
        body = as_json_schema(schema["application/json"]["schema"])
        validator = jsonschema.Draft4Validator({**body, "components": components})
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(
            response.json())]  # fmt: skip
        assert errors == [], path

    check(f"/api/v1/claims/{bare.pk}/", "/api/v1/claims/{id}/")  # no verdict: null
    check(f"/api/v1/claims/{checked.pk}/", "/api/v1/claims/{id}/")
    check("/api/v1/claims/", "/api/v1/claims/")
    check(f"/api/v1/articles/{bare.article_id}/", "/api/v1/articles/{id}/")
    check("/api/v1/articles/", "/api/v1/articles/")
    check("/api/v1/ratings/", "/api/v1/ratings/")


def test_the_schema_says_what_the_csv_export_refuses(document):
    # A client asking for JSON alone (the default of many) is answered 406.
    responses = document["paths"]["/api/v1/claims/export.csv"]["get"]["responses"]
    assert "406" in responses
    assert responses["406"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_the_schema_says_whom_assignee_names(document):
    components = document["components"]["schemas"]
    for component in ("Claim", "ClaimDetail"):
        # It was the username field's form help: "Required. 150 characters or fewer…".
        description = components[component]["properties"]["assignee"]["description"]
        assert "Required" not in description and "null" in description
    assert "id" in components["BulkRequest"]["properties"]["assignee"]["description"]
    (parameter,) = [
        p for p in document["paths"]["/api/v1/claims/"]["get"]["parameters"]
        if p["name"] == "assignee"
    ]  # fmt: skip
    assert "id" in parameter["description"] and "`me`" in parameter["description"]
