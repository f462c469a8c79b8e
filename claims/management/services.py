"""What a command says when a service it needs cannot be used: one line naming the
setting to check, instead of a page of traceback (`--traceback` still shows it)."""

from __future__ import annotations

from functools import wraps

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, ProgrammingError
from kombu.exceptions import OperationalError as BrokerUnreachable


def reports_unreachable_services(handle):
    """Wrap a command's ``handle``: a database or broker that cannot be used ends the
    command with a CommandError saying which, and what to check."""

    @wraps(handle)
    def checked(self, *args, **options):
        try:
            return handle(self, *args, **options)
        except (OperationalError, InterfaceError, ProgrammingError) as exc:
            # Unreachable, refused, or not migrated ("no such table", "relation … does not
            # exist"); the first line of the error says which.
            raise CommandError(
                f"The database could not be used ({_first_line(exc)}): check DATABASE_URL, "
                "and that `manage.py migrate` has been run on it."
            ) from exc
        except BrokerUnreachable as exc:
            raise CommandError(
                f"The task queue could not be reached ({_first_line(exc)}): check REDIS_URL, "
                "or leave it unset to run tasks in this process."
            ) from exc

    return checked


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
