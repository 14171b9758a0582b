"""Loopback load test of the platform (run by `manage.py bench_load`, which starts the server and writes
the scenario): advisors, energy-climate referents and elected officials sign in through the real login
form (with its CSRF token), then browse the pages their role uses, 1 to 3 s apart.

The scenario is a JSON file named by PCL_LOCUST_SCENARIO: {"advisor"|"referent"|"elected": [{"email",
"password", "pages": {name: url}}]} (reporting/scale/pages.py, load_scenario). Each simulated user takes
the next account of its role; requests are reported per page name, not per URL."""

import itertools
import json
import os
import random
import re

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

with open(os.environ["PCL_LOCUST_SCENARIO"], encoding="utf-8") as handle:
    SCENARIO = json.load(handle)
ACCOUNTS = {role: itertools.cycle(accounts) for role, accounts in SCENARIO.items() if accounts}


class Member(FastHttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3)
    # A page slower than this counts as a failure (a timeout), rather than never being reported when
    # the run ends while it is still waiting.
    network_timeout = 30.0
    connection_timeout = 30.0

    def on_start(self):
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
