"""Rate limits by client address, shared by the API's token endpoint and the web login."""

from __future__ import annotations

from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


def client_address(request) -> str:
    """The client's address as the rate limits and django-axes' lockouts count it.

    REMOTE_ADDR; behind the TLS proxy (BEHIND_TLS_PROXY: DRF's NUM_PROXIES is 1), the
    address the proxy saw, the last X-Forwarded-For entry. Entries before it are whatever
    the client sent: counting the whole header let a client pick a new address per try.
    """
    return BaseThrottle().get_ident(request)


class LoginThrottle(SimpleRateThrottle):
    """Login attempts per client address (FACTCHECK_LOGIN_THROTTLE), counted together on
    the API and the web form: one password tried against many usernames is slowed down
    too, which the per-account lockout does not see."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
