"""Project wiring: version, production settings, health endpoint, language."""

import os
import runpy
import subprocess
import sys
import tomllib
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError
from django.urls import reverse

import pcl
from pcl import health

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, env_overrides):
    """manage.py in a process of its own, on the platform's settings (not the suite's, tests/settings.py)
    with none of the variables these tests are about unless given."""
    ignored = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"}
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    env["DJANGO_SETTINGS_MODULE"] = "pcl.settings"
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_version_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert pcl.__version__ == project["version"]


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", env_overrides={"DEBUG": "false", "ALLOWED_HOSTS": "pcl.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


def load_settings(**variables):
    """The platform's settings module run afresh with only these of the variables it reads set (and no
    .env file): its values, or the ImproperlyConfigured it raises."""
    read = {"DEBUG", "SECRET_KEY", "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER", "ALLOWED_HOSTS"}
    environment = {key: value for key, value in os.environ.items() if key not in read} | variables
    with (
        mock.patch.dict(os.environ, environment, clear=True),
        mock.patch.object(Path, "is_file", return_value=False),
    ):
        return runpy.run_path(str(ROOT / "pcl" / "settings.py"))


PRODUCTION = {
    "SECRET_KEY": "x7#Kp2!qLz9@Vb4$Nm6^Rt8&Yw1*Ue3(Io5)Pa0-Sd_Fg+Hj",
    "ALLOWED_HOSTS": "pcl.example.org",
}


def test_debug_is_off_unless_set():
    """With no DEBUG in the environment the platform is in production: it asks for its key."""
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set when DEBUG is false"):
        load_settings(REDIS_URL="redis://redis.example.org:6379/0")
    assert load_settings(REDIS_URL="redis://redis.example.org:6379/0", **PRODUCTION)["DEBUG"] is False


def test_production_without_a_broker_refuses_to_start():
    """Tasks queued where no worker reads them would be lost: no silent fallback to running them inline."""
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL must be set") as refused:
        load_settings(**PRODUCTION)
    assert "CELERY_TASK_ALWAYS_EAGER=true" in str(refused.value)
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL must be set"):
        load_settings(DEBUG="false", CELERY_TASK_ALWAYS_EAGER="false", **PRODUCTION)


def test_tasks_run_inline_in_production_only_when_asked():
    assert load_settings(CELERY_TASK_ALWAYS_EAGER="true", **PRODUCTION)["CELERY_TASK_ALWAYS_EAGER"] is True
    with_broker = load_settings(REDIS_URL="redis://redis.example.org:6379/0", **PRODUCTION)
    assert with_broker["CELERY_TASK_ALWAYS_EAGER"] is False
    assert with_broker["CELERY_BROKER_URL"] == "redis://redis.example.org:6379/0"


def test_development_runs_tasks_inline_without_a_broker():
    """What `make run` gives on a fresh machine: DEBUG=true and nothing else set."""
    development = load_settings(DEBUG="true")
    assert development["DEBUG"] is True
    assert development["CELERY_TASK_ALWAYS_EAGER"] is True
    assert (
        load_settings(DEBUG="true", REDIS_URL="redis://127.0.0.1:6379/0")["CELERY_TASK_ALWAYS_EAGER"] is False
    )
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL must be set"):
        load_settings(DEBUG="true", CELERY_TASK_ALWAYS_EAGER="false")


def make_sees_debug(target, *, debug=None):
    """The DEBUG each manage.py command of a make target runs with (-o install: no virtualenv is made)."""
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    if debug is not None:
        env["DEBUG"] = debug
    printer = f"{sys.executable} -c 'import os; print(os.environ.get(\"DEBUG\"))'"
    result = subprocess.run(
        ["make", "-s", "-o", "install", target, f"PY={printer}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_make_run_turns_debug_on_unless_the_environment_sets_it():
    assert make_sees_debug("run") == ["true", "true", "true"]  # migrate, load_demo, runserver
    assert make_sees_debug("run", debug="false") == ["false", "false", "false"]


def test_production_passes_check_deploy_without_warning():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DEBUG": "false",
            "SECRET_KEY": "x7#Kp2!qLz9@Vb4$Nm6^Rt8&Yw1*Ue3(Io5)Pa0-Sd_Fg+Hj=Kl;Zx:Cv<Bn>Mq",
            "ALLOWED_HOSTS": "pcl.example.org",
            "EMAIL_URL": "smtp+tls://pcl:secret@smtp.example.org:587",
            "REDIS_URL": "redis://redis.example.org:6379/0",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_health_reports_database_cache_broker_and_version(client, settings):
    settings.REDIS_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": pcl.__version__,
        "database": "ok",
        "cache": "local (one per process)",
        "broker": "not configured (tasks run eagerly)",
    }


@pytest.mark.django_db
def test_health_reports_an_unreachable_redis_as_degraded_since_pages_still_serve(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {"BACKEND": "pcl.cache.DegradingRedisCache", "LOCATION": settings.REDIS_URL}
    }
    response = client.get(reverse("health"))
    assert response.status_code == 200  # a load balancer keeps sending requests: the site serves them
    assert response.json()["status"] == "degraded"
    assert response.json()["database"] == "ok"
    assert response.json()["cache"] == "error: ConnectionError"
    assert response.json()["broker"] == "error: ConnectionError"


@pytest.mark.django_db
def test_health_reports_an_unreachable_database_as_an_error(client, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == "error: OperationalError"


@pytest.mark.django_db
def test_health_pings_the_configured_broker(client, settings):
    # The machines that run this suite have Redis (CI starts it); REDIS_URL points elsewhere if needed.
    settings.REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    response = client.get(reverse("health"))
    assert response.json()["broker"] == "ok", f"no Redis answered at {settings.REDIS_URL}"
