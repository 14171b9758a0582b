"""The platform's Celery app for a worker that pauses mid-job, so that a test can kill it there.

`celery -A tests.faults.paused_app worker` with FAULT_PAUSE_FILE set: when the job reaches its pause
point it creates that file and sleeps (until SIGKILL). Pause points, by FAULT_PAUSE_AT:
- `import`: the import has written every value and its DONE status, in its transaction, not committed;
- `document`: the generation has written its first progress (committed), the file is not stored yet.
Without FAULT_PAUSE_FILE this worker is the platform's own.
"""

import os
import time
from pathlib import Path

from celery import signals

from pcl.celery import app

__all__ = ["app"]


def _pause() -> None:
    Path(os.environ["FAULT_PAUSE_FILE"]).touch()
    while True:
        time.sleep(60)


@signals.worker_init.connect
def install_pause(**kwargs):
    if not os.environ.get("FAULT_PAUSE_FILE"):
        return
    import django

    django.setup()
    point = os.environ.get("FAULT_PAUSE_AT", "import")
    if point == "import":
        from observatory import services

        mark_replaced = services._mark_replaced

        def mark_replaced_then_pause(batch, years):
            mark_replaced(batch, years)
            _pause()

        services._mark_replaced = mark_replaced_then_pause
    elif point == "document":
        from reporting import services

        progress_writer = services._progress_writer

        def writer_then_pause(document):
            write = progress_writer(document)

            def write_and_pause(percent, step):
                write(percent, step)
                if percent >= 10:
                    _pause()

            return write_and_pause

        services._progress_writer = writer_then_pause
