"""Production settings for the fault tests' server, with two test-only shortcuts that no fault is
about: static files served as they are (the compressed manifest needs a `collectstatic` of several
minutes), and fast password hashing (as in tests/conftest.py)."""

from pcl.settings import *  # noqa: F403
from pcl.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
