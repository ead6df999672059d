"""The OpenAPI schema generator: DRF-spectacular's, plus what every client meets.

That is: the JSON errors beside each operation's own responses, anonymous access
where the permissions allow it (drf-spectacular only knows DRF's own permission
classes), and the rule that a query parameter is never sent empty.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from newsroom.api.edits import ErrorSerializer

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# No text the API takes may hold NUL (newsroom/middleware.py, DRF's CharField refuse it); a
# blank value, where one is allowed, is drf-spectacular's own `oneOf` branch beside this ...
TEXT = r"^[^\x00]+$"
# ... and a field that is trimmed and may not be blank needs a character that is not a space.
NOT_BLANK = r"^[^\x00]*[^\x00\s][^\x00]*$"


class NewsroomAutoSchema(AutoSchema):
    """Document errors, anonymous access and non-empty query parameters on each operation."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            schema = parameter.get("schema", {})
            # The API answers 400 to `?name=` (see filters.py): a string value has a character.
            if parameter["in"] == "query" and schema.get("type") == "string" and "enum" not in schema:
                schema.setdefault("minLength", 1)
                schema.setdefault("pattern", TEXT)
        return operation

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        """Add a request serializer's own rules on the whole body (`request_schema_rules`)."""
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request":
            schema.update(getattr(serializer, "request_schema_rules", {}))
        return schema

    def _get_request_for_media_type(self, serializer, direction="request"):
        """Mark a body required when its serializer's rules need at least one field (PATCH too)."""
        schema, required = super()._get_request_for_media_type(serializer, direction)
        rules = getattr(serializer, "request_schema_rules", {})
        return schema, required or rules.get("minProperties", 0) > 0

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """Say what text a request's string field refuses: NUL, and blank when it is required."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and isinstance(field, serializers.CharField) and "enum" not in schema:
            blank_refused = field.trim_whitespace and not field.allow_blank
            schema.setdefault("pattern", NOT_BLANK if blank_refused else TEXT)
        return schema

    def get_auth(self):
        """Return the security requirements, with `{}` (no credentials) where anonymous may call."""
        auths = super().get_auth()
        permissions = self.view.get_permissions()
        if {} not in auths and all(
            getattr(permission, "anonymous_may", lambda method: False)(self.method) for permission in permissions
        ):
            auths.append({})
        return auths

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        # 400: any request may carry a NUL in a parameter (refused by newsroom/middleware.py).
        codes = ["400", "429"]
        if "{" in self.path:
            codes.append("404")
        if self.method in WRITE_METHODS or getattr(self.view, "staff_only", False):
            codes += ["400", "401", "403"]
        for code in sorted(set(codes)):
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
        return responses
