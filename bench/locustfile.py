"""The load drill of `make bench` (bench/run.py): simulated people of every role on loopback, each opening
their pages with a short pause between two, for BENCH_LOCUST_SECONDS (default 60).

    locust -f bench/locustfile.py --headless -u 100 -r 25 -t 60s --host http://127.0.0.1:8731 --csv PREFIX

The sessions and tokens come from the file named by LOCUST_PLAN (bench/fixtures.py `locust_plan`): a
collaborator looks up a panorama, a pharmacist a status, a prescriber opens their list and a request, a
reviewer the queue and a request to review, a pharmacy or clinic system submits through the API, an access
administrator and a privacy officer open their work lists. Any answer but 2xx counts as an error (a
redirect to the login page would mean the session was refused).
"""

from __future__ import annotations

import json
import os
import random
import uuid
from typing import Any

from locust import HttpUser, between, task

PLAN: dict[str, list[dict[str, Any]]] = json.loads(open(os.environ["LOCUST_PLAN"]).read())  # noqa: SIM115

# What each page is called in the report (ids and queries vary; the page is the same).
NAMES = {
    "/fr/": "home",
    "/fr/consultation/results/": "panorama",
    "/fr/consultation/status/results/": "pharmacist look-up",
    "/fr/requests/": "my requests",
    "/fr/review/": "review queue",
    "/fr/review/?page=2": "review queue page 2",
    "/fr/accounts/regie/access-requests/": "access requests",
    "/fr/audit/": "audit trail",
}


def page_name(path: str) -> str:
    if path in NAMES:
        return NAMES[path]
    if path.startswith("/fr/review/"):
        return "review: request"
    if path.startswith("/fr/requests/"):
        return "request page"
    return path


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 2)

    def on_start(self) -> None:
        self.me = random.choice(PLAN[self.role])
        self.client.headers["Cookie"] = self.me["cookie"]

    @task
    def browse(self) -> None:
        for path in self.me["paths"]:
            with self.client.get(
                path, name=page_name(path), allow_redirects=False, catch_response=True
            ) as answer:
                if not 200 <= answer.status_code < 300:
                    answer.failure(f"{answer.status_code}")


class Collaborator(Person):
    role = "collaborator"
    weight = 30


class Pharmacist(Person):
    role = "pharmacist"
    weight = 25


class Prescriber(Person):
    role = "prescriber"
    weight = 20


class Reviewer(Person):
    role = "reviewer"
    weight = 10


class AccessAdmin(Person):
    role = "access_admin"
    weight = 2


class PrivacyOfficer(Person):
    role = "privacy_officer"
    weight = 3


class ApiClient(HttpUser):
    """A clinic's software: submits a request, then reads it back."""

    weight = 10
    wait_time = between(1, 2)

    def on_start(self) -> None:
        self.me = random.choice(PLAN["api_client"])
        self.client.headers["Authorization"] = f"Bearer {self.me['token']}"

    @task
    def submit(self) -> None:
        with self.client.post(
            "/api/v1/requests",
            json=self.me["body"],
            headers={"Idempotency-Key": f"locust-{uuid.uuid4()}"},
            name="API submission",
            catch_response=True,
        ) as answer:
            if answer.status_code != 201:
                answer.failure(f"{answer.status_code}")
                return
            created = answer.json()
        with self.client.get(
            f"/api/v1/requests/{created['id']}", name="API request", catch_response=True
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}")
