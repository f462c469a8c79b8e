"""What the commands share: one line naming the setting to check when a service they need
cannot be used, instead of a page of traceback (`--traceback` still shows it); text
arguments refused by name when they are not UTF-8; and SIGTERM and SIGHUP taken as Ctrl-C,
so a long run stopped says where it stopped."""

from __future__ import annotations

import argparse
import signal
import threading
from contextlib import contextmanager
from functools import wraps

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, ProgrammingError
from kombu.exceptions import OperationalError as BrokerUnreachable

#: A database that cannot be used: unreachable, refused, or not migrated ("no such table",
#: "relation … does not exist"); the first line of the error says which.
DATABASE_ERRORS = (OperationalError, InterfaceError, ProgrammingError)


def reports_unreachable_services(handle):
    """Wrap a command's ``handle``: a database or broker that cannot be used ends the
    command with a CommandError saying which, and what to check."""

    @wraps(handle)
    def checked(self, *args, **options):
        try:
            return handle(self, *args, **options)
        except DATABASE_ERRORS as exc:
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


def utf8_text(value: str) -> str:
    """An argparse type for text arguments. Bytes that are not UTF-8 (a Latin-1 terminal)
    reach Python as lone surrogates, which no database or detector takes."""
    try:
        value.encode()
    except UnicodeEncodeError as exc:
        byte = ord(value[exc.start]) - 0xDC00  # surrogateescape keeps the byte this way
        raise argparse.ArgumentTypeError(
            f"it is not UTF-8 (byte 0x{byte:02x} at character {exc.start + 1}): set the "
            "terminal's encoding to UTF-8"
        ) from None
    return value


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the run is, as Ctrl-C raises KeyboardInterrupt."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def signals_interrupt():
    """Stop on SIGTERM (kill, systemd, docker stop) and SIGHUP (a closed terminal) as on
    Ctrl-C: their default ends the process at once, leaving its job running for good."""

    def stop(signum, frame):
        raise Stopped(signum)

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (call_command from a thread)
        return
    # A signal ignored on purpose stays ignored: under `nohup` a closed terminal must not
    # stop the run.
    previous = {
        signum: signal.signal(signum, stop)
        for signum in (signal.SIGTERM, signal.SIGHUP)
        if signal.getsignal(signum) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
