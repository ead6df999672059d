"""DRF's token authentication, its lookup compiled once (newsroom/api/compiled.py).

``TokenAuthentication`` finds the token and its user with
``Token.objects.select_related("user").get(key=key)``: a QuerySet built and compiled for every
request, a fifth of a staff list's CPU once the list itself was fast. ``CompiledTokenAuthentication``
runs the same SQL (the token and its user joined), compiled the first time, and makes the same
two model instances from the row; what it accepts and refuses, and the messages, are DRF's.
"""

from __future__ import annotations

import functools

from django.db import router
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from newsroom.api.compiled import QueryCache, Slot

QUERIES = QueryCache()


class CompiledTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, as DRF's TokenAuthentication, the lookup compiled once."""

    def authenticate_credentials(self, key):
        token = self.find_token(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)

    def find_token(self, key: str):
        """Return the token with this key, its user loaded, or None."""
        model = self.get_model()
        user_model, token_columns, user_columns = _columns(model)
        alias = router.db_for_read(model)

        def build(keys):
            return model.objects.filter(key=keys[0]).values(
                *token_columns, *(f"user__{column}" for column in user_columns)
            )

        compiled = QUERIES.get(("token", model), alias, lambda: (build, [Slot(model._meta.get_field("key"))]))
        if compiled is None:  # not compilable: DRF's own lookup
            try:
                return model.objects.select_related("user").get(key=key)
            except model.DoesNotExist:
                return None
        rows = compiled.dicts([key])
        if not rows:
            return None
        row = rows[0]
        user = user_model.from_db(alias, user_columns, [row[f"user__{column}"] for column in user_columns])
        token = model.from_db(alias, token_columns, [row[column] for column in token_columns])
        token.user = user
        return token


@functools.cache
def _columns(model) -> tuple[type, tuple[str, ...], tuple[str, ...]]:
    """Return the token model's user model, and both models' columns (attnames), in field order."""
    user_model = model._meta.get_field("user").related_model
    return (
        user_model,
        tuple(field.attname for field in model._meta.concrete_fields),
        tuple(field.attname for field in user_model._meta.concrete_fields),
    )
