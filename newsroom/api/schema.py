"""The OpenAPI schema generator: DRF-spectacular's, plus the error responses every client meets."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

from newsroom.api.serializers import ErrorSerializer

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class NewsroomAutoSchema(AutoSchema):
    """Document the JSON errors (400, 401, 403, 404, 429) beside each operation's own responses."""

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
