"""The OpenAPI schema's shared parts: every error response, If-Match and ETag.

drf-spectacular documents each view's success response; this schema class adds
what the API promises everywhere, so no view has to repeat it.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

SAFE = {"GET", "HEAD", "OPTIONS"}


class ErrorSerializer(serializers.Serializer):
    """The one error format of the API (documentation only)."""

    detail = serializers.CharField(
        help_text="What went wrong, in the language of the request's Accept-Language."
    )
    code = serializers.CharField(help_text="A stable, machine-readable code.")
    fields = serializers.DictField(
        required=False,
        help_text=(
            "Only for invalid input (400): per field, the list of problems "
            "(nested objects for nested fields)."
        ),
    )


ERRORS = {
    "400": (
        "The input is not valid. `fields` says per field what is wrong.",
        {
            "detail": "Some fields are not filled in correctly. See “fields”.",
            "code": "invalid",
            "fields": {"reason": ["“rent” is not a valid choice."]},
        },
    ),
    "401": (
        "The bearer token is unknown, revoked or expired (see WWW-Authenticate).",
        {
            "detail": "This API token has expired. Make a new one in your profile.",
            "code": "authentication_failed",
        },
    ),
    "403": (
        "Not logged in (code `not_authenticated`), not allowed to do this, or a read-only "
        "token that tries to change data (code `read_only_token`).",
        {
            "detail": "You do not have permission to perform this action.",
            "code": "permission_denied",
        },
    ),
    "404": (
        "Not found, or not visible to you: both answer the same, so existence does not leak.",
        {"detail": "Not found.", "code": "not_found"},
    ),
    "409": (
        "The action is not possible in the object's current state, or the `version` "
        "in the body is not the current one.",
        {
            "detail": "Someone else changed this referral in the meantime. "
            "Reload the page to see what changed, then try again.",
            "code": "conflict",
        },
    ),
    "412": (
        "The If-Match header is not the object's current ETag: someone else changed it.",
        {
            "detail": "Someone else changed this in the meantime: the If-Match version is not "
            "the current one. Fetch it again to see what changed, then try again.",
            "code": "precondition_failed",
        },
    ),
    "415": (
        "The body is not JSON.",
        {
            "detail": 'Unsupported media type "text/plain" in request.',
            "code": "unsupported_media_type",
        },
    ),
    "428": (
        "The object exists: say which version you are changing (If-Match or `version`).",
        {
            "detail": "Say which version you are changing: send an If-Match header with the "
            "ETag, or “version” in the body.",
            "code": "precondition_required",
        },
    ),
    "422": (
        "This Idempotency-Key was sent before with another method, path or body.",
        {
            "detail": "This Idempotency-Key was used for another request. Use a new key.",
            "code": "idempotency_key_reused",
        },
    ),
    "503": (
        "The portal cannot reach its database just now; nothing was changed. Try again "
        "after the seconds in Retry-After (with the same Idempotency-Key, if you sent one).",
        {
            "detail": "The portal cannot reach its database just now; nothing was changed. "
            "Try again.",
            "code": "unavailable",
        },
    ),
    "429": (
        "Too many requests with API tokens; wait the number of seconds in Retry-After.",
        {"detail": "Request was throttled. Expected available in 42 seconds.", "code": "throttled"},
    ),
}

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string", "pattern": r'^(\*|(W/)?"[0-9]{1,10}")$'},
    "description": (
        'The ETag of the object as you last read it, for example `"3"`. When it is not '
        "the current version the answer is 412 and nothing changes. Replaces `version` "
        "in a JSON body (when both are sent they must agree)."
    ),
    "example": '"3"',
}

IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "pattern": r"^[\x21-\x7e]{1,255}$"},
    "description": (
        "A key of your own (a UUID, say) that makes this write safe to retry: sent "
        "again with the same key and the same request within 24 hours, it gets the "
        "first answer again (with `Idempotent-Replayed: true`) and changes nothing. "
        "The same key with another request is refused with 422."
    ),
    "example": "6f1c2b1e-3a4d-4c39-9a55-1f0e8b7c2d10",
}

ETAG = {
    "ETag": {
        "schema": {"type": "string"},
        "description": 'The object\'s version, for example `"3"`: send it back in If-Match.',
    }
}


# What DRF's CharField accepts: no NUL characters, and unless blank is allowed, at
# least one character that is not whitespace in Python's sense (DRF trims with strip()).
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*([^\s\x00\x1c-\x1f\x85]|\ufeff)[^\x00]*$"


class TextField(OpenApiSerializerFieldExtension):
    """Plain text input: the pattern says what DRF refuses (NUL, or only spaces)."""

    target_class = serializers.CharField  # exactly CharField: e-mail, URL etc. have formats

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        if schema is not None and direction == "request" and "pattern" not in schema:
            blank_refused = not field.allow_blank and field.trim_whitespace
            schema["pattern"] = NOT_BLANK if blank_refused else NO_NUL
        return schema


class PortalAutoSchema(AutoSchema):
    def map_parsers(self):
        # The API is JSON: form encodings are not part of the contract.
        return ["application/json"]

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        action = getattr(self.view, "action", None)
        versioned = action in getattr(self.view, "versioned_actions", ())
        if versioned and self.method not in SAFE:
            operation.setdefault("parameters", []).append(IF_MATCH)
        if self.method not in SAFE:
            operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
        if versioned or action == "retrieve":
            for code, response in operation["responses"].items():
                if code.startswith("2") and "content" in response:
                    response.setdefault("headers", {}).update(ETAG)
        for code in self._error_codes(operation, action, versioned):
            description, example = ERRORS[code]
            operation["responses"].setdefault(code, self._error_response(description, example))
        return operation

    def _error_codes(self, operation, action, versioned) -> list[str]:
        has_body = "requestBody" in operation
        has_input = has_body or any(p["in"] != "path" for p in operation.get("parameters", []))
        codes = ["401", "403", "404", "429"]
        if has_input:
            codes.append("400")
        if has_body:
            codes.append("415")
        if self.method not in SAFE:
            codes.extend(["409", "422", "503"])
            if versioned:
                codes.append("412")
            if action in getattr(self.view, "precondition_required", ()):
                codes.append("428")
        return sorted(codes)

    def _error_response(self, description: str, example: dict) -> dict:
        reference = self.resolve_serializer(ErrorSerializer, "response").ref
        return {
            "description": description,
            "content": {
                "application/json": {
                    "schema": reference,
                    "examples": {example["code"]: {"value": example}},
                }
            },
        }
