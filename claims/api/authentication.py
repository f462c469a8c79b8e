"""API tokens: made, kept as digests, and read with the user and role in one query.

A token is 40 random hex characters, shown once; the database keeps its SHA-256 digest
(claims.models.ApiToken), so a copy of the database gives no access.

DRF's own class loads the token with its user, and the role (a group) then costs a second
query. The ORM's version of the combined query (a subquery annotation) cost more CPU to
build than the query it saved, so it is written out once here.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from rest_framework import authentication, exceptions

from claims import workflow
from claims.models import ApiToken

User = get_user_model()
_ROLES = (workflow.ADMIN, workflow.EDITOR, workflow.REVIEWER)
_USER_BY_TOKEN = f"""
SELECT u.*, (
    SELECT g.name
    FROM {User.groups.through._meta.db_table} AS ug
    JOIN {Group._meta.db_table} AS g ON g.id = ug.group_id
    WHERE ug.user_id = u.id AND g.name IN (%s, %s, %s)
    ORDER BY CASE g.name WHEN %s THEN 3 WHEN %s THEN 2 ELSE 1 END DESC
    LIMIT 1
) AS token_role, t.id AS token_id, t.created AS token_created
FROM {ApiToken._meta.db_table} AS t
JOIN {User._meta.db_table} AS u ON u.id = t.user_id
WHERE t.digest = %s
"""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user) -> str:
    """A new token for `user`; only its digest is kept."""
    token = secrets.token_hex(20)
    ApiToken.objects.create(digest=digest(token), user=user, prefix=token[:6])
    return token


def end_logins_of_changed_user(sender, instance, **kwargs) -> None:
    """post_save of the user model: a new password ends the user's API tokens, as it ends
    their other sessions; deactivating them ends both for good, so that reactivating the
    account later (by mistake, or on their return) brings no old login back. `_password` is
    what Django's own check reads (it holds the new password only until the save; a hash
    upgraded at login leaves it empty)."""
    if getattr(instance, "_password", None) is not None or not instance.is_active:
        ApiToken.objects.filter(user_id=instance.pk).delete()
    if not instance.is_active:
        _end_sessions(instance)


def _end_sessions(user) -> None:
    """Delete the user's browser sessions where they are kept in the database (Django's
    default); each is read to find whose it is, which is fine at a newsroom's size."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not issubclass(store, DatabaseSessionStore):
        return
    user_id = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == user_id:
            store(session.session_key).delete()  # from its cache too, with cached_db


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        hashed = digest(key)
        params = [*_ROLES, workflow.ADMIN, workflow.EDITOR, hashed]
        user = next(iter(User.objects.raw(_USER_BY_TOKEN, params)), None)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if expired(user.token_created):
            raise exceptions.AuthenticationFailed(
                "Token expired: ask for a new one (POST /api/v1/auth/token/)."
            )
        workflow.remember_role(user, user.token_role)
        # request.auth: the token DELETE auth/token/ revokes.
        return user, ApiToken(
            pk=user.token_id, digest=hashed, user=user, created=user.token_created
        )


def token_cutoff():
    """Tokens made before this moment have expired (FACTCHECK_TOKEN_DAYS); None when
    tokens never expire (0)."""
    days = settings.FACTCHECK_TOKEN_DAYS
    return timezone.now() - timedelta(days=days) if days else None


def expired(created) -> bool:
    """Whether a token made at `created` has expired."""
    cutoff = token_cutoff()
    if cutoff is None:
        return False
    if timezone.is_naive(created):  # SQLite hands the raw column back without its zone
        created = timezone.make_aware(created, UTC)
    return created < cutoff
