"""Run beat's schedule in this process, for a desk without Redis (`make run`)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from claims.management.services import DATABASE_ERRORS, reports_unreachable_services


class Command(BaseCommand):
    help = (
        "Run the periodic tasks (feed polls, lease expiry, purges) on beat's schedule in this "
        "process, for a desk without Redis; --once runs each of them once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run each task once, then stop.")

    @reports_unreachable_services
    def handle(self, *args, **options):
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError(
                "REDIS_URL is set: run `celery -A factcheck beat` and a worker instead."
            )
        schedule = settings.CELERY_BEAT_SCHEDULE
        if options["once"]:
            failed = [name for name, entry in schedule.items() if not self.run(name, entry)]
            if failed:  # exit 1, so that a script or cron can tell
                raise CommandError(f"{len(failed)} of {len(schedule)} periodic tasks failed.")
            return
        next_run = dict.fromkeys(schedule, 0.0)
        while True:
            for name, entry in schedule.items():
                if time.monotonic() >= next_run[name]:
                    self.run(name, entry, keep_going=True)
                    next_run[name] = time.monotonic() + entry["schedule"]
            time.sleep(max(1.0, min(next_run.values()) - time.monotonic()))

    def run(self, name: str, entry: dict, keep_going: bool = False) -> bool:
        """Run one task; whether it succeeded. One failing task never stops the others."""
        try:
            result = import_string(entry["task"])()
        except DATABASE_ERRORS:
            # Run once, every task would fail alike: one line naming DATABASE_URL instead.
            if not keep_going:
                raise
            self.stderr.write(
                f"{name}: failed (the database could not be used; check DATABASE_URL)"
            )
            return False
        except Exception as exc:
            self.stderr.write(f"{name}: failed ({exc})")
            return False
        if result:
            self.stdout.write(f"{name}: {result}")
        return True
