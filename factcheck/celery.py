"""The Celery app. Configuration comes from Django settings (CELERY_* names)."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
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
