"""Every task is found by Celery's autodiscovery alone: the worker imports each app's `tasks` module,
nothing else (not the URLs, not the system checks)."""

import json
import os
import subprocess
import sys

from django.conf import settings

SCRIPT = """
import json
from pcl.celery import app
app.loader.import_default_modules()
print(json.dumps(sorted(name for name in app.tasks if not name.startswith("celery."))))
"""


def test_autodiscovery_alone_registers_every_task_from_a_tasks_module():
    environment = {**os.environ, "CELERY_SKIP_CHECKS": "1"}  # and this test process's settings
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    names = json.loads(result.stdout.strip().splitlines()[-1])
    assert "reporting.tasks.letter_email_task" in names
    assert {
        "reporting.tasks.generate_document_task",
        "reporting.tasks.stale_jobs_sweep_task",
        "observatory.tasks.import_batch_task",
        "observatory.tasks.stale_batches_sweep_task",
    } <= set(names)
    assert [name for name in names if name.split(".")[-2] != "tasks"] == []
    # Every periodic job names a task the worker knows.
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= set(names)


def test_tasks_are_acknowledged_late_and_given_back_when_their_worker_dies():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < settings.JOB_STALE_SECONDS
    # Redis does not give a running job's message to another worker before the job may have ended.
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
