"""Rate limits by client address, shared by the API's token endpoint and the web login."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError
from rest_framework import permissions
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle, SimpleRateThrottle

log = logging.getLogger(__name__)


def client_address(request) -> str:
    """The client's address as the rate limits and django-axes' lockouts count it.

    REMOTE_ADDR; behind the TLS proxy (BEHIND_TLS_PROXY: DRF's NUM_PROXIES is 1), the
    address the proxy saw, the last X-Forwarded-For entry. Entries before it are whatever
    the client sent: counting the whole header let a client pick a new address per try.
    """
    return BaseThrottle().get_ident(request)


class CountedInCache:
    """Lets a request through, with a warning in the log, when the cache holding the
    counters (Redis, with CACHE_URL) cannot be reached: a rate limit must not take logins
    and writes down with it. The per-account login lockout lives in the database and
    still holds."""

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError):
            log.warning("Rate limit %r not counted: the cache is unreachable", self.scope)
            return True


class WriteThrottle(CountedInCache, ScopedRateThrottle):
    """Throttle unsafe methods per user (scope "writes"); reads are not throttled."""

    scope_attr = "write_throttle_scope"

    def allow_request(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class LoginThrottle(CountedInCache, SimpleRateThrottle):
    """Login attempts per client address (FACTCHECK_LOGIN_THROTTLE), counted together on
    the API and the web form: one password tried against many usernames is slowed down
    too, which the per-account lockout does not see."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
