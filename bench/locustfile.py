"""The mixed workload of bench/load.py: firms browse and match and apply, officers decide.

Credentials and ids come from the file named by LOAD_PLAN; every acknowledged write (a 201 for an
application, a 200 for a decision) is appended to LOAD_ACKS so the bench can look for it afterwards.
"""
import itertools
import json
import os
import random
import uuid

import pyotp
from locust import FastHttpUser, between, task

PLAN = json.load(open(os.environ["LOAD_PLAN"]))
ACKS = open(os.environ["LOAD_ACKS"], "a", buffering=1)
firms = itertools.cycle(PLAN["firms"])
officers = itertools.cycle(PLAN["officers"])
MODE = os.environ.get("LOAD_MODE", "mixed")


def sign_in(user, who):
    body = {"email": who["email"], "password": PLAN["password"]}
    if "totp_secret" in who:
        body["otp"] = pyotp.TOTP(who["totp_secret"]).now()
    response = user.client.post("/api/v1/auth/token", json=body, name="POST /auth/token")
    user.headers = {"Authorization": f"Bearer {response.json()['token']}"}


class Firm(FastHttpUser):
    weight = 6
    wait_time = between(0.05, 0.2)

    def on_start(self):
        self.me = next(firms)
        sign_in(self, self.me)

    @task(4)
    def browse(self):
        self.client.get(f"/api/v1/products?limit=20&offset={random.randrange(0, 100, 20)}", name="GET /products")

    @task(4)
    def match(self):
        self.client.get(f"/api/v1/needs/{self.me['need_id']}/matches?limit=10", headers=self.headers,
                        name="GET /needs/{id}/matches")

    @task(1)
    def health(self):
        self.client.get("/healthz", name="GET /healthz")

    @task(1)
    def apply(self):
        product = random.choice(PLAN["product_ids"])
        headers = {**self.headers, "Idempotency-Key": uuid.uuid4().hex}
        with self.client.post("/api/v1/applications", json={"need_id": self.me["need_id"], "product_id": product},
                              headers=headers, name="POST /applications", catch_response=True) as response:
            if response.status_code == 201:
                ACKS.write(json.dumps({"application": response.json()["id"]}) + "\n")
                response.success()
            elif response.status_code == 409:  # applied to that product before: the contract's answer
                response.success()


class Officer(FastHttpUser):
    weight = 1
    wait_time = between(0.1, 0.3)

    def on_start(self):
        self.me = next(officers)
        sign_in(self, self.me)

    @task
    def decide(self):
        inbox = self.client.get("/api/v1/applications?limit=100", headers=self.headers,
                                name="GET /applications").json()
        waiting = [a for a in inbox.get("items", []) if a["status"] == "submitted"]
        if not waiting:
            return
        application = random.choice(waiting)
        body = ({"decision": "approve", "approved_amount_cny": application["amount_cny"], "rate_pct": 4.5,
                 "term_months": application["term_months"]} if random.random() < 0.5
                else {"decision": "reject", "reason": "quota_full"})
        with self.client.post(f"/api/v1/applications/{application['id']}/decision", json=body,
                              headers=self.headers, name="POST /applications/{id}/decision",
                              catch_response=True) as response:
            if response.status_code == 200:
                ACKS.write(json.dumps({"decision": application["id"], "status": response.json()["status"]}) + "\n")
                response.success()
            elif response.status_code in (409, 422):  # decided meanwhile by a colleague; or terms refused
                response.success()


probers = itertools.cycle(PLAN.get("probers", []))


class Prober(FastHttpUser):
    """Single-endpoint phases (LOAD_MODE=healthz or matches) for the throughput comparison. Signed in
    before the phase starts, so sixteen password hashes do not eat into the seconds measured."""

    wait_time = between(0, 0)

    def on_start(self):
        self.me = next(probers)
        self.headers = {"Authorization": f"Bearer {self.me['token']}"}

    @task
    def probe(self):
        if MODE == "healthz":
            self.client.get("/healthz", name="GET /healthz")
        else:
            self.client.get(f"/api/v1/needs/{self.me['need_id']}/matches?limit=10", headers=self.headers,
                            name="GET /needs/{id}/matches")
