"""The OpenAPI schema generator: DRF-spectacular's, plus what every client meets.

That is: the JSON errors beside each operation's own responses, anonymous access
where the permissions allow it (drf-spectacular only knows DRF's own permission
classes), and the rule that a query parameter is never sent empty.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

from newsroom.api.serializers import ErrorSerializer

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class NewsroomAutoSchema(AutoSchema):
    """Document errors, anonymous access and non-empty query parameters on each operation."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            schema = parameter.get("schema", {})
            # The API answers 400 to `?name=` (see filters.py): a string value has a character.
            if parameter["in"] == "query" and schema.get("type") == "string" and "enum" not in schema:
                schema.setdefault("minLength", 1)
        return operation

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
        codes = ["429"]
        if self.method == "GET" and (self._is_list_view() or self.get_filter_backends()):
            codes.append("400")
        if "{" in self.path:
            codes.append("404")
        if self.method in WRITE_METHODS or getattr(self.view, "staff_only", False):
            codes += ["400", "401", "403"]
        for code in sorted(set(codes)):
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
        return responses
