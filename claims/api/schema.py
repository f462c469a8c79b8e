"""What the OpenAPI schema says about errors, added to every operation in one place.

The views raise errors through claims.api.errors; describing each one per view would
repeat the same responses on forty operations. This drf-spectacular postprocessing hook
adds them where they can happen: 400 with field messages (every operation reads `format`),
401 (a public one too, when a token sent is not valid), 403 where a role is needed, 404 on
paths with an id and on pages past the end, 409 on the claim actions (a stale `version`, or
a state that does not allow the action), 415 where a body is read (JSON only), and 429 on
writes (throttled) and on the token endpoint (locked out; 401 also on revoking a token), and
the Location of what a 201 or 202 made and a 429's Retry-After. An
error a view documents by its description alone gets the JSON it answers with; ClaimReview's
errors come in JSON-LD too.

Web addresses are IRIs: a host or path may be written in any script ("https://例え.jp/"),
as readers and the URL fields accept them, which the "uri" format (ASCII only) denies.
A component that may be null is said in OpenAPI 3.0's own terms (see _nullable_references).
"""

from __future__ import annotations

import re

FIELD_ERRORS = {
    "type": "object",
    "description": "Field name → messages; `detail` (and `code`) when no field is at fault.",
    "additionalProperties": True,
    "example": {"url": ["Enter a valid URL."]},
}
ERROR = {
    "type": "object",
    "description": "`code` names the kind of error: `not_authenticated`, "
    "`authentication_failed`, `permission_denied` (or `forbidden`, a workflow rule), "
    "`not_found`, `method_not_allowed`, `not_acceptable`, `unsupported_media_type`, "
    "`parse_error`, `invalid_state`, `throttled`, `locked_out`, `unavailable`…",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail", "code"],
}
CONFLICT = {
    "type": "object",
    "description": "`code` is `conflict` for a stale `version` (with the claim as it is "
    "now in `current`) or `invalid_state` when the claim's state does not allow the action.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string", "enum": ["conflict", "invalid_state"]},
        "current": {"$ref": "#/components/schemas/ClaimDetail"},
    },
    "required": ["detail", "code"],
}
LOCATION = {
    "description": "Where the new (or queued) object is read: an article while it is "
    "pending, a feed being polled.",
    "schema": {"type": "string", "format": "iri"},
}
RETRY_AFTER = {
    "description": "Seconds to wait before trying again (throttled, or locked out).",
    "schema": {"type": "integer"},
}
_CLAIM_ACTION = re.compile(
    r"/claims/\{id\}/"
    r"(assign|release|renew|bump|verdict|evidence|submit|publish|send-back|dismiss|reopen|take|restore)/"
)
#: ClaimReview answers its errors in JSON-LD too when that is what was asked for.
_JSON_LD = re.compile(r"/claimreviews?/$")
CLAIM_REVIEW_PAGE = {
    "type": "object",
    "properties": {
        "count": {"type": "integer"},
        "next": {"type": "string", "nullable": True},
        "previous": {"type": "string", "nullable": True},
        "results": {
            "type": "array",
            "items": {"type": "object", "description": "A schema.org ClaimReview."},
        },
    },
    "required": ["count", "next", "previous", "results"],
}


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update({"FieldErrors": FIELD_ERRORS, "Error": ERROR, "Conflict": CONFLICT})
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            # Every operation reads `?format=` (an unknown one, or a suffix such as
            # /claims/0.5/, is a 400), besides any body or query of its own.
            responses.setdefault("400", _response("Bad input", "FieldErrors"))
            if {} not in operation.get("security", []):  # not a public operation
                responses.setdefault("401", _response("Not logged in", "Error"))
                responses.setdefault("403", _response("Not allowed for your role", "Error"))
            else:  # a token is read when one is sent: send none for public data
                responses.setdefault("401", _response("The token sent is not valid", "Error"))
            if "{" in path:
                responses.setdefault("404", _response("No such object", "Error"))
            elif _PAGED.intersection(_query_parameters(operation)):
                responses.setdefault("404", _response("No such page", "Error"))
            if "requestBody" in operation:
                responses.setdefault("415", _response("Not JSON", "Error"))
            if _CLAIM_ACTION.search(path):
                responses.setdefault("409", _response("Stale version or wrong state", "Conflict"))
            if path.endswith("/auth/token/"):
                responses.setdefault("429", _response("Locked out after failed logins", "Error"))
                if method == "delete":  # public for POST (a login), not for revoking
                    responses.setdefault(
                        "401", _response("No token sent, or not a valid one", "Error")
                    )
            elif method in ("post", "put", "patch", "delete"):
                responses.setdefault("429", _response("Too many writes: throttled", "Error"))
            for code, response in responses.items():
                if code in ("201", "202"):
                    response.setdefault("headers", {})["Location"] = LOCATION
                if code == "429":
                    response.setdefault("headers", {})["Retry-After"] = RETRY_AFTER
                if code.startswith("4") and "content" not in response:
                    response.update(_response(response.get("description", ""), "Error"))
                if code.startswith("4") and _JSON_LD.search(path):
                    content = response["content"]
                    content.setdefault("application/ld+json", content["application/json"])
            if path.endswith("/claimreviews/") and method == "get":
                page = {"schema": CLAIM_REVIEW_PAGE}
                responses["200"]["content"] = {
                    "application/json": page,
                    "application/ld+json": page,
                }
    _web_addresses_as_iris(result)
    _nullable_references(result)
    return result


_PAGED = {"page", "cursor"}


def _query_parameters(operation: dict) -> set[str]:
    return {p.get("name") for p in operation.get("parameters", []) if p.get("in") == "query"}


def _web_addresses_as_iris(node) -> None:
    if isinstance(node, dict):
        if node.get("format") == "uri":
            node["format"] = "iri"
        for value in node.values():
            _web_addresses_as_iris(value)
    elif isinstance(node, list):
        for value in node:
            _web_addresses_as_iris(value)


#: Null, and nothing else: the other choice beside a component that may be null.
NULL = {"type": "object", "nullable": True, "enum": [None]}


def _nullable_references(node) -> None:
    """Say `oneOf: [X, null]` where drf-spectacular says `allOf: [X], nullable: true`.

    In OpenAPI 3.0.3 `nullable` adds null to the `type` beside it and does nothing without
    one, so a claim's `verdict: null` broke the schema for strict validators (and clients
    generated by them); a type beside the `allOf` would not do either, as X still refuses
    null. A choice of X or an object that can only be null says it in 3.0's terms."""
    if isinstance(node, dict):
        of = node.get("allOf")
        if node.get("nullable") is True and "type" not in node and of and len(of) == 1:
            del node["allOf"], node["nullable"]
            node["oneOf"] = [of[0], dict(NULL)]
        for value in node.values():
            _nullable_references(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_references(value)


def _response(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
