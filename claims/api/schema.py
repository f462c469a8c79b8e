"""What the OpenAPI schema says about errors, added to every operation in one place.

The views raise errors through claims.api.errors; describing each one per view would
repeat the same responses on forty operations. This drf-spectacular postprocessing hook
adds them where they can happen: 400 with field messages where a body or a query is read,
403 where a role is needed, 404 on paths with an id, 409 on the claim actions (a stale
`version`, or a state that does not allow the action), and 429 on writes (throttled) and
on the token endpoint (locked out).
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
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail"],
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
_CLAIM_ACTION = re.compile(
    r"/claims/\{id\}/(assign|release|bump|verdict|evidence|submit|publish|dismiss|reopen)/"
)  # noqa: E501


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update({"FieldErrors": FIELD_ERRORS, "Error": ERROR, "Conflict": CONFLICT})
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            reads_input = method in ("post", "put", "patch") or any(
                parameter.get("in") == "query" for parameter in operation.get("parameters", [])
            )
            if reads_input:
                responses.setdefault("400", _response("Bad input", "FieldErrors"))
            if {} not in operation.get("security", []):  # not a public operation
                responses.setdefault("401", _response("Not logged in", "Error"))
                responses.setdefault("403", _response("Not allowed for your role", "Error"))
            if "{" in path:
                responses.setdefault("404", _response("No such object", "Error"))
            if _CLAIM_ACTION.search(path):
                responses.setdefault("409", _response("Stale version or wrong state", "Conflict"))
            if path.endswith("/auth/token/"):
                responses.setdefault("429", _response("Locked out after failed logins", "Error"))
            elif method in ("post", "put", "patch", "delete"):
                responses.setdefault("429", _response("Too many writes: throttled", "Error"))
    return result


def _response(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
