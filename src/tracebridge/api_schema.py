"""The error responses every operation of the node API documents in its OpenAPI.

Every error has one shape (``api_support.error_body``); partners' generated clients and the
fuzz test (tests/test_api_fuzz.py) read from the OpenAPI which statuses an operation can answer.
"""

from __future__ import annotations

from typing import Any

from tracebridge.api_support import Error


def error_components() -> dict[str, Any]:
    """The ``Error`` schema (and the ``ErrorBody`` it refers to) from ``api_support.Error``,
    the model routes name in ``response=`` (``api_support.answers``)."""
    schema = Error.model_json_schema(ref_template="#/components/schemas/{model}")
    return {**schema.pop("$defs", {}), "Error": schema}


ERROR_REF = {"$ref": "#/components/schemas/Error"}
DESCRIPTIONS = {
    "400": "bad_request: the body cannot be read (e.g. multipart without a boundary)",
    "401": "unauthenticated: no session and no valid API token",
    "403": "forbidden: the caller's role does not allow this",
    "404": "not_found: absent, or owned by an agency that does not share it with the caller",
    "413": "too_large: the body or batch is over the limit",
    "422": "invalid: a parameter or field is not valid; details name each field",
    "409": "conflict: the record's state does not allow this now (answered out of order...)",
    "429": "rate_limited: too many requests from this address; details give retry_after",
    "503": "unavailable: something the node depends on cannot be reached now; try again later",
    "4XX": "any other client error (405 method_not_allowed, 409 conflict, 429 rate_limited)",
    "500": "internal: a fault on this node; the operator finds the details in the server log",
}
_BODY_METHODS = {"post", "put", "patch"}


def error_codes(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses ``operation`` documents (those no route declares itself)."""
    codes = ["400", "422", "4XX", "500"]
    if operation.get("security"):
        codes += ["401", "403"]
    if "{" in path:
        codes.append("404")
    if method in _BODY_METHODS:
        codes.append("413")
    return sorted(codes)


def with_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the Error component and each operation's error responses to ``schema``."""
    schema.setdefault("components", {}).setdefault("schemas", {}).update(error_components())
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            # django-ninja keys a route's own responses by int; OpenAPI's keys are strings.
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for code, answer in responses.items():  # the route's own (api_support.answers)
                is_error = answer.get("content", {}).get("application/json") == {
                    "schema": ERROR_REF
                }
                if code[0] in "45" and code in DESCRIPTIONS and is_error:
                    answer["description"] = DESCRIPTIONS[code]
            for code in error_codes(path, method, operation):
                responses.setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return schema
