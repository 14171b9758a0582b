"""Project wiring: version, production settings, health endpoint, language."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

import pcl
from pcl import health

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, env_overrides):
    ignored = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in ignored}
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
