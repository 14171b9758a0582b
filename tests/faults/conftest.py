"""Fault tests: private Redis and PostgreSQL servers, and the site served by a real gunicorn process.

Everything here is started on free ports in temporary folders, never on the shared services
(5432, 6379), and stopped at the end of the session. Each pytest-xdist worker starts its own.

Fixtures (session-scoped):
- `private_redis`: a redis-server with no persistence. `.url`, `.port`, `.start()`, `.stop()`, `.restart()`.
- `private_postgres`: a throwaway cluster (initdb, trust auth) with the database `pcl`, migrated once.
  `.url` (postgres://postgres@127.0.0.1:<port>/pcl), `.port`, `.start()`, `.stop()`, `.restart()`.
- `web_server`: gunicorn serving the site in production mode against both; `.url`, `.worker_pids()`,
  and the people and pages created for the tests (`.email`, `.password`, `.insee_code`, `.plan_id`).

Fixtures for the tests of jobs (function-scoped):
- `faults_database`: a fresh database on `private_postgres`, migrated and empty (a copy of `pcl_migrated`,
  kept in the template cluster), for the test alone; its URL.
- `use_faults_database`: this test process's ORM on that database for the test (factories, services, reads).
- `celery_worker_factory`: starts real `celery worker` processes (solo pool, own process group) on it;
  `.kill()` sends SIGKILL, `.stop()` a warm shutdown; all are killed at the end of the test.
"""

import fcntl
import hashlib
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 15, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def binary(name: str, pattern: str = "") -> str:
    """The path of a server binary, from PATH or else the newest match of `pattern`."""
    path = shutil.which(name)
    if path is None and pattern:
        path = max(glob(pattern), default=None)
    if path is None:
        pytest.fail(f"The fault tests need {name} (install it, or deselect them with -m 'not faults').")
    return path


def stop_process(process: subprocess.Popen, *, sig=signal.SIGTERM, timeout: float = 10) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class PrivateRedis:
    """A redis-server on a free port, without persistence."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        self.process = subprocess.Popen(
            [
                binary("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)

    def restart(self) -> None:
        self.stop()
        self.start()


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temporary folder, on a free port, trusting local connections.

    initdb refuses to run as root: when the tests run as root, the cluster belongs to `postgres`."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/pcl"
        self.bin = Path(binary("initdb", "/usr/lib/postgresql/*/bin/initdb")).resolve().parent
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.scene: dict = {}
        if self.as_owner:
            shutil.chown(self.directory, "postgres")

    def _run(self, *command: str, timeout: float = 60) -> None:
        subprocess.run(
            [*self.as_owner, *command], check=True, capture_output=True, timeout=timeout, cwd=self.directory
        )

    def _ctl(self, action: str, *options: str) -> None:
        self._run(str(self.bin / "pg_ctl"), action, "-D", str(self.data), "-w", "-t", "30", *options)

    def _configure(self) -> None:
        settings = {
            "port": self.port,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.directory}'",
            # A throwaway cluster: durability is not what these tests are about.
            "fsync": "off",
            "full_page_writes": "off",
            "synchronous_commit": "off",
        }
        with open(self.data / "postgresql.conf", "a") as conf:  # the last setting of a name wins
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def create(self) -> None:
        """initdb, start, and an empty database `pcl`."""
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync"
        )
        self._configure()
        self.start()
        self._run(
            str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "pcl"
        )

    def create_from(self, template: Path) -> None:
        """A copy of a stopped cluster (see `migrated_template`), started on this one's port."""
        self._run("cp", "-a", str(template / "data"), str(self.data))
        self.scene = json.loads((template / "scene.json").read_text())
        self._configure()
        self.start()

    def start(self) -> None:
        self._ctl("start", "-l", str(self.directory / "server.log"))

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast", "-l", str(self.directory / "server.log"))

    def url_of(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str, *, template: str = "template1") -> str:
        """A database copied from `template` (nobody may be connected to it); its URL."""
        host = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        self._run(str(self.bin / "createdb"), *host, "-T", template, name)
        return self.url_of(name)

    def drop_database(self, name: str) -> None:
        host = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        self._run(str(self.bin / "dropdb"), *host, "--if-exists", "--force", name)


def _temporary_folder(prefix: str) -> Path:
    # Not under pytest's tmp_path: its parents are private to root, and the cluster belongs to postgres.
    return Path(tempfile.mkdtemp(prefix=prefix))


@pytest.fixture(scope="session")
def private_redis():
    directory = _temporary_folder("pcl-faults-redis-")
    redis = PrivateRedis(directory)
    redis.start()
    yield redis
    redis.stop()
    shutil.rmtree(directory, ignore_errors=True)


# Migrated once, then the people and pages of the tests made through the suite's factories.
SETUP = """
import json
from django.core.management import call_command
from communes.models import Role
from tests.actions.factories import ActionFactory, ActionPlanFactory
from tests.factories import CommuneFactory, MembershipFactory, UserFactory

call_command("migrate", interactive=False, verbosity=0)
commune = CommuneFactory(name="Saint-Martin-d'Hères", insee_code="38421")
admin = UserFactory(email="admin@faults.example.org", full_name="Alice Admin", is_superuser=True)
admin.set_password(PASSWORD)
admin.save()
MembershipFactory(user=admin, commune=commune, role=Role.ADVISOR)
plan = ActionPlanFactory(commune=commune, title="Plan climat 2024-2030")
ActionFactory(plan=plan, title="Rénover le groupe scolaire Langevin")
print(json.dumps({"email": admin.email, "insee_code": commune.insee_code, "plan_id": plan.pk}))
"""
PASSWORD = "faults-correct-horse-battery"
MIGRATED_DATABASE = "pcl_migrated"  # the schema without the scene: copied for each test of jobs
TEMPLATE_INPUTS = [
    "*/migrations/*.py",
    "tests/factories.py",
    "tests/actions/factories.py",
    "tests/faults/conftest.py",
]


def migrated_template() -> Path:
    """A stopped cluster with the schema migrated and the scene made, kept in the temporary folder
    between sessions under a digest of the migrations and of this setup: migrating takes most of a
    minute, copying the cluster a second. The first pytest-xdist worker builds it, the other waits."""
    digest = hashlib.sha256(SETUP.encode())
    for path in sorted(path for pattern in TEMPLATE_INPUTS for path in ROOT.glob(pattern)):
        digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    templates = Path(tempfile.gettempdir()) / "pcl-faults-templates"
    templates.mkdir(exist_ok=True)
    template = templates / digest.hexdigest()[:20]
    with open(templates / f"{template.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (template / "scene.json").exists():
            building = PrivatePostgres(_temporary_folder("pcl-faults-template-"))
            try:
                building.create()
                # No broker for the setup: its tasks (if any) run inline, as production allows when asked.
                env = server_environment(database_url=building.url, redis_url="") | {
                    "CELERY_TASK_ALWAYS_EAGER": "true"
                }
                manage("migrate", "--no-input", "-v", "0", env=env)
                building.create_database(MIGRATED_DATABASE, template="pcl")  # migrated, empty
                output = manage("shell", "-c", f"PASSWORD = {PASSWORD!r}\n{SETUP}", env=env)
                building.stop()
                template.mkdir()
                subprocess.run(["cp", "-a", str(building.data), str(template / "data")], check=True)
                (template / "scene.json").write_text(output.strip().splitlines()[-1])
            finally:
                building.stop()
                shutil.rmtree(building.directory, ignore_errors=True)
    return template


@pytest.fixture(scope="session")
def private_postgres():
    template = migrated_template()
    postgres = PrivatePostgres(_temporary_folder("pcl-faults-postgres-"))
    try:
        postgres.create_from(template)
        yield postgres
    finally:
        postgres.stop()
        shutil.rmtree(postgres.directory, ignore_errors=True)


def server_environment(*, database_url: str, redis_url: str) -> dict:
    """The site as in production (DEBUG off, a broker), served over plain HTTP on 127.0.0.1."""
    ignored = {
        "DEBUG",
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "CELERY_TASK_ALWAYS_EAGER",
        "DJANGO_SETTINGS_MODULE",
    }
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.faults.settings",
        DEBUG="false",
        SECRET_KEY="faults-x7#Kp2!qLz9@Vb4$Nm6^Rt8&Yw1*Ue3(Io5)Pa0-Sd_Fg+Hj=Kl;Zx",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(*args: str, env: dict, timeout: float = 180) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


@dataclass
class WebServer:
    url: str
    process: subprocess.Popen
    email: str
    insee_code: str
    plan_id: int
    password: str = PASSWORD

    def worker_pids(self) -> set[int]:
        """The gunicorn worker processes serving the site (a restarted worker gets a new pid)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return {int(pid) for pid in children}


@pytest.fixture(scope="session")
def web_server(private_postgres, private_redis):
    """gunicorn as in production (one worker, four threads), the application loaded before it listens."""
    env = server_environment(database_url=private_postgres.url, redis_url=private_redis.url)
    port = free_port()
    log = private_postgres.directory / "gunicorn.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "pcl.wsgi:application",
                "--preload",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--timeout",
                "30",
                "--no-control-socket",  # its default path is shared by every gunicorn of the machine
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the master and its workers, stopped at once
        )
    try:
        wait_for_port(port, timeout=90, process=process)
        yield WebServer(url=f"http://127.0.0.1:{port}", process=process, **private_postgres.scene)
    finally:
        # Nothing to save: its process group (the master and its workers, see start_new_session) is killed.
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass
class Page:
    status: int
    url: str
    text: str
    seconds: float


class Browser:
    """A person's session on the web server: cookies, CSRF token, redirects followed."""

    def __init__(self, base_url: str, *, timeout: float = 30):
        self.base_url = base_url
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _csrf_token(self) -> str:
        return next((cookie.value for cookie in self.cookies if cookie.name == "csrftoken"), "")

    def open(self, path: str, data: dict | None = None) -> Page:
        body = None
        headers = {}
        if data is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self._csrf_token(), **data}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                status, url, text = response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            status, url, text = error.code, error.url, error.read().decode()
        return Page(status=status, url=url, text=text, seconds=time.monotonic() - started)

    def get(self, path: str) -> Page:
        return self.open(path)

    def post(self, path: str, data: dict) -> Page:
        return self.open(path, data)

    def sign_in(self, email: str, password: str) -> Page:
        self.get("/login/")
        return self.post("/login/", {"username": email, "password": password})


@pytest.fixture
def browser(web_server):
    """A new session on the web server, signed in as the administrator of the scene."""
    session = Browser(web_server.url)
    page = session.sign_in(web_server.email, web_server.password)
    assert page.status == 200 and "/login/" not in page.url, page.text[:500]
    return session


# --- jobs: a fresh database, this process's ORM on it, real Celery workers -------------------------


def wait_until(predicate, *, timeout: float, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}")


@pytest.fixture
def faults_database(private_postgres) -> str:
    """A fresh migrated database of the test's own (no test sees another's rows, nor the scene's)."""
    private_postgres.drop_database("pcl_jobs")
    return private_postgres.create_database("pcl_jobs", template=MIGRATED_DATABASE)


@pytest.fixture
def use_faults_database(faults_database, private_postgres, django_db_blocker, settings, tmp_path):
    """This test process's ORM on `faults_database` (its own connection; the test database of the other
    tests is left alone), with a media folder the workers share; yields the media folder."""
    from django.db import connections
    from django.db.utils import load_backend

    settings.MEDIA_ROOT = tmp_path / "media"
    backend = load_backend("django.db.backends.postgresql")
    settings_dict = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "pcl_jobs",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": str(private_postgres.port),
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "OPTIONS": {},
    }
    previous = connections["default"]
    private = backend.DatabaseWrapper(settings_dict, alias="default")
    connections["default"] = private
    try:
        with django_db_blocker.unblock():
            yield settings.MEDIA_ROOT
            private.close()
    finally:
        connections["default"] = previous


def worker_environment(*, database_url: str, redis_url: str, media_root: Path | None = None, **extra) -> dict:
    """A Celery worker of the platform on the private services (as in production: DEBUG off, a broker)."""
    env = server_environment(database_url=database_url, redis_url=redis_url)
    env.update(CELERY_TASK_ALWAYS_EAGER="false", CELERY_SKIP_CHECKS="1", PYTHONUNBUFFERED="1")
    if media_root is not None:
        env["MEDIA_ROOT"] = str(media_root)
    env.update({key: str(value) for key, value in extra.items()})
    return env


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path
    name: str

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_ready(self, timeout: float = 90) -> "Worker":
        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"The worker exited ({self.process.returncode}):\n{self.text()[-3000:]}")
            return " ready." in self.text()

        wait_until(ready, timeout=timeout, interval=0.1, what=f"worker {self.name}")
        return self

    def kill(self) -> None:
        """SIGKILL to the worker and any child of it: no warm shutdown, no message given back."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class WorkerFactory:
    def __init__(self, folder: Path):
        self.folder = folder
        self.workers: list[Worker] = []

    def __call__(self, *, environment: dict, app: str = "pcl", wait: bool = True) -> Worker:
        """A `celery -A <app> worker` (solo pool: the task runs in the process SIGKILL hits), ready
        (or starting, with `wait=False`: `worker.wait_ready()` then)."""
        name = f"faults{len(self.workers)}-{os.getpid()}"
        log = self.folder / f"{name}.log"
        with open(log, "wb") as output:
            process = subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", app, "worker", "--pool=solo", "-n", f"{name}@%h",
                    "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO",
                ],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed at once
            )  # fmt: skip
        worker = Worker(process=process, log=log, name=name)
        self.workers.append(worker)
        return worker.wait_ready() if wait else worker

    def kill_all(self) -> None:
        for worker in self.workers:
            worker.kill()


@pytest.fixture
def celery_worker_factory(tmp_path):
    factory = WorkerFactory(tmp_path)
    yield factory
    factory.kill_all()
