"""Token authentication that reads the user's role in the same query as the token.

DRF's own class loads the token and its user; the role (a group) then costs a second query
on every request, which is a tenth of the CPU of a claims list page.
"""

from __future__ import annotations

from rest_framework import authentication, exceptions

from claims import workflow


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        token = (
            self.get_model()
            .objects.select_related("user")
            .annotate(role=workflow.role_subquery("user_id"))
            .filter(key=key)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        workflow.remember_role(token.user, token.role)
        return token.user, token
