"""Run beat's schedule in this process, for a desk without Redis (`make run`)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from claims.management.services import reports_unreachable_services


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
        next_run = dict.fromkeys(schedule, 0.0)
        while True:
            for name, entry in schedule.items():
                if time.monotonic() >= next_run[name]:
                    self.run(name, entry["task"])
                    next_run[name] = time.monotonic() + entry["schedule"]
            if options["once"]:
                return
            time.sleep(max(1.0, min(next_run.values()) - time.monotonic()))

    def run(self, name: str, task: str) -> None:
        try:
            result = import_string(task)()
        except Exception as exc:  # one failing task never stops the schedule
            self.stderr.write(f"{name}: failed ({exc})")
        else:
            if result:
                self.stdout.write(f"{name}: {result}")
