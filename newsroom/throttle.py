"""Slow down password guessing: refuse a login after too many failures for a username from one address.

``LoginThrottleBackend`` is Django's ModelBackend with a check in front: after
``LOGIN_FAILURE_LIMIT`` failed logins for one username from one client address within
``LOGIN_LOCKOUT_SECONDS``, every login for that pair is refused, even with the right password,
until that many seconds have passed since the last failure. A successful login clears the count.
Counts live in the default cache, so they are shared between worker processes only when the cache
is (the locmem default keeps one count per worker; see docs/reliability.md).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver


def client_address(request) -> str:
    """Return the client's address as the server saw it (a proxy's own address behind one)."""
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _key(username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.casefold()}\n{address}".encode()).hexdigest()
    return f"login-failures:{digest}"


def failures(username: str, address: str) -> int:
    """Return how many recent failed logins a username has from an address."""
    return cache.get(_key(username, address), 0)


def is_locked(username: str, address: str) -> bool:
    return failures(username, address) >= settings.LOGIN_FAILURE_LIMIT


class LoginThrottleBackend(ModelBackend):
    """Authenticate as ModelBackend does, unless the username is locked for this address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field(), None)
        if username is not None and is_locked(str(username), client_address(request)):
            if request is not None:
                # The login page shows why (templates/admin/login.html).
                request.login_throttled = True
            raise PermissionDenied("too many failed logins")
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


@receiver(user_login_failed, dispatch_uid="newsroom.throttle.count_failure")
def count_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get("username")
    if username is None or getattr(request, "login_throttled", False):
        return
    key = _key(str(username), client_address(request))
    cache.set(key, cache.get(key, 0) + 1, settings.LOGIN_LOCKOUT_SECONDS)


@receiver(user_logged_in, dispatch_uid="newsroom.throttle.clear_failures")
def clear_failures(sender, request, user, **kwargs):
    cache.delete(_key(user.get_username(), client_address(request)))
