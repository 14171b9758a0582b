"""The settings the test suite runs with: the platform's own (pcl.settings) with the development
defaults that `make run` gives, for whatever the environment leaves unset: DEBUG on while the settings
load (a development SECRET_KEY, tasks run inline when no REDIS_URL is set; pytest-django then runs the
tests themselves with DEBUG off, as production does).

Set in the environment rather than here so that processes the tests start (manage.py, workers) read the
same; tests/test_settings.py starts its own with DJANGO_SETTINGS_MODULE=pcl.settings and no DEBUG."""

import os

os.environ.setdefault("DEBUG", "true")

from pcl.settings import *  # noqa: E402, F403

# Jobs run inline, inside the request that asks for them, so that a test reads their result at once
# (tests/test_background_jobs.py turns the background thread on).
JOBS_EAGER_IN_BACKGROUND = False

# The test database is thrown away: its commits need not wait for the disk (the data is visible to every
# connection at once all the same). A transactional test commits each row its data set creates, each
# request of the live server commits, a flush commits: about 2 ms of fsync each, far more on a busy disk.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["OPTIONS"]["options"] = "-c synchronous_commit=off"  # noqa: F405
