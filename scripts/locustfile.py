"""Loopback load test of the platform (run by `manage.py bench_load`, which starts the server and writes
the scenario): advisors, energy-climate referents and elected officials sign in through the real login
form (with its CSRF token), then browse the pages their role uses, 1 to 3 s apart.

Two phases. The sign-ins come first: each costs the password hash (PBKDF2, over a million iterations,
a third of a second of CPU by design), so the sign-in phase is reported on its own (to the file named
by PCL_LOCUST_SIGNIN). Once every user is signed in, the statistics start again and the browsing of the
50 signed-in people is measured for PCL_LOCUST_SECONDS, after which the run stops.

The scenario is a JSON file named by PCL_LOCUST_SCENARIO: {"advisor"|"referent"|"elected": [{"email",
"password", "pages": {name: url}}]} (reporting/scale/pages.py, load_scenario). Each simulated user takes
the next account of its role; requests are reported per page name, not per URL."""

import itertools
import json
import os
import random
import re

import gevent
from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

with open(os.environ["PCL_LOCUST_SCENARIO"], encoding="utf-8") as handle:
    SCENARIO = json.load(handle)
ACCOUNTS = {role: itertools.cycle(accounts) for role, accounts in SCENARIO.items() if accounts}
USERS = int(os.environ["PCL_LOCUST_USERS"])
BROWSING_SECONDS = int(os.environ["PCL_LOCUST_SECONDS"])
SIGNED_IN = itertools.count(1)


def sign_in_phase_end(environment) -> None:
    """Every user has signed in: the sign-in figures are written, the statistics start again for the
    browsing, which stops after its measured seconds."""
    figures = {}
    for name, method in (("login form", "GET"), ("login", "POST")):
        entry = environment.stats.get(name, method)
        figures[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "median": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
        }
    with open(os.environ["PCL_LOCUST_SIGNIN"], "w", encoding="utf-8") as handle:
        json.dump(figures, handle)
    environment.stats.reset_all()
    gevent.spawn_later(BROWSING_SECONDS, environment.runner.quit)


class Member(FastHttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3)
    # A page slower than this counts as a failure (a timeout), rather than never being reported when
    # the run ends while it is still waiting.
    network_timeout = 30.0
    connection_timeout = 30.0

    def on_start(self):
        try:
            self.sign_in()
        finally:
            if next(SIGNED_IN) == USERS:
                sign_in_phase_end(self.environment)

    def sign_in(self):
        account = next(ACCOUNTS[self.role])
        self.pages = list(account["pages"].items())
        page = self.client.get("/login/", name="login form")
        token = CSRF_INPUT.search(page.text or "")
        with self.client.post(
            "/login/",
            data={
                "username": account["email"],
                "password": account["password"],
                "csrfmiddlewaretoken": token and token.group(1),
            },
            headers={"Referer": f"{self.host}/login/"},
            name="login",
            catch_response=True,
        ) as response:
            # A refused sign-in shows the form again (200 on /login/); a good one redirects to the home page.
            # (A timeout or an error status is reported as a failure by locust itself.)
            if response.status_code == 200 and "/login/" in (response.url or ""):
                response.failure(f"sign-in refused for {account['email']}")

    @task
    def browse(self):
        name, url = random.choice(self.pages)
        with self.client.get(url, name=name, catch_response=True) as response:
            # Signed out, a page redirects to the login form, which answers 200: not a success.
            if "/login/" in (response.url or ""):
                response.failure("signed out: redirected to the login form")


class Advisor(Member):
    role = "advisor"
    weight = 2


class Referent(Member):
    role = "referent"
    weight = 2


class Elected(Member):
    role = "elected"
    weight = 1
