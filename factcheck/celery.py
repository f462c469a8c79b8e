"""The Celery app. Configuration comes from Django settings (CELERY_* names)."""

from __future__ import annotations

import os

from celery import Celery, Task
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")


class WorkerLimitedTask(Task):
    """A task whose time limits are those of the worker that runs it.

    Celery copies task_time_limit and task_soft_time_limit into every message it sends, and
    a worker obeys a message's limits over its own: the settings of the web process, beat
    or a command that sent the task governed, not the worker's. Sent without limits, a
    message runs under the worker's settings (a limit asked for in one call still travels).
    """

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, **options):
        options.setdefault("time_limit", None)
        options.setdefault("soft_time_limit", None)
        return super().apply_async(args, kwargs, task_id, producer, **options)


app = Celery("factcheck", task_cls=WorkerLimitedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def keep_or_close_connections(task=None, **kwargs) -> None:
    """Treat each task as Django treats a request: drop a connection that is too old or
    broken (CONN_MAX_AGE, CONN_HEALTH_CHECKS), keep a healthy one for the next task."""
    if task is not None and getattr(task.request, "is_eager", False):
        return  # run inside the caller's request or transaction, which owns the connection
    from django.db import close_old_connections

    close_old_connections()
