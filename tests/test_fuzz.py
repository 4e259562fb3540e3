"""Fuzzing the API from its own OpenAPI document (schemathesis), and the application life cycle as a
Hypothesis state machine. Bounded, so they belong in every `make test`."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.test_api import token_for
from tests.test_institution import PRODUCT

CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def tokens(client, make_user):
    people = {role: make_user(role) for role in ("enterprise", "institution", "admin")}
    people["fund"] = make_user("institution")
    with client.application.app_context():  # a fund manager, for the equity side's fund-only operations
        from models import Institution, InstitutionKind, db
        db.session.get(Institution, people["fund"].institution_id).kind = InstitutionKind.FUND
        db.session.commit()
    owner = token_for(client, people["enterprise"].email, people["enterprise"].password)
    bank = token_for(client, people["institution"].email, people["institution"].password)
    product = client.post("/api/v1/products", json=PRODUCT, headers=bank).json
    need = client.post("/api/v1/needs", json={"amount_cny": 2_000_000, "term_months": 12}, headers=owner).json
    client.post("/api/v1/applications", json={"need_id": need["id"], "product_id": product["id"]}, headers=owner)
    return {"enterprise": owner, "institution": bank,
            "admin": token_for(client, people["admin"].email, people["admin"].password),
            "fund": token_for(client, people["fund"].email, people["fund"].password)}


def role_for(method: str, path: str) -> str:
    if path.startswith("/admin"):
        return "admin"
    if path.startswith(("/investor-profile", "/deal-flow", "/interests")) or path.endswith(("/seats", "/interests")):
        return "fund"
    if path.startswith("/products") and method != "GET" or path.endswith(("/decision", "/disbursement")):
        return "institution"
    if path.startswith("/loans/") and method == "POST":  # a bank's loan system reports a loan's life
        return "institution"
    return "enterprise"


def test_no_input_makes_the_api_fail_or_break_its_document(api_schema, tokens):
    """Every operation of the served document, a bounded number of generated requests each, sent
    with a token of the role the operation is for. (Driven directly: schemathesis's pytest plugin
    does not run under pytest 9.)"""
    operations, results = 0, list(api_schema.get_all_operations())
    for result in results:
        operation = result.ok()  # an operation the document cannot describe fails here
        if operation.path.endswith("/auth/logout"):
            continue  # would revoke the token the other operations use
        headers = tokens[role_for(operation.method.upper(), operation.path)]

        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def exercise(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        exercise()
        operations += 1
    assert operations == len(results) - 1 >= 30


class ApplicationLifeCycle(RuleBasedStateMachine):
    """Any sequence of decisions, disbursements and withdrawals keeps the state machine's promises:
    only allowed moves succeed (200), every refused one is a 409, never a 5xx, and the stored status
    is always the last successful move."""

    ALLOWED = {"submitted": {"approve": "approved", "reject": "rejected", "withdraw": "withdrawn"},
               "approved": {"disburse": "disbursed", "withdraw": "withdrawn"},
               "rejected": {}, "disbursed": {}, "withdrawn": {}}

    client = tokens = None  # set by the test below

    @initialize()
    def apply(self):
        self.need = self.client.post("/api/v1/needs", json={"amount_cny": 2_000_000, "term_months": 12},
                                     headers=self.tokens["owner"]).json
        created = self.client.post("/api/v1/applications", json={"need_id": self.need["id"],
                                                                  "product_id": self.tokens["product"]},
                                   headers=self.tokens["owner"])
        assert created.status_code == 201
        self.application, self.status = created.json["id"], "submitted"

    def _move(self, move, response):
        assert response.status_code < 500
        expected = self.ALLOWED[self.status].get(move)
        if expected is None:
            assert response.status_code == 409, (self.status, move, response.json)
        else:
            assert response.status_code == 200, (self.status, move, response.json)
            self.status = expected

    @rule(amount=st.integers(100_000, 5_000_000), rate=st.floats(3.65, 5.5))
    def approve(self, amount, rate):
        self._move("approve", self.client.post(f"/api/v1/applications/{self.application}/decision", json={
            "decision": "approve", "approved_amount_cny": amount, "rate_pct": round(rate, 2), "term_months": 12},
            headers=self.tokens["bank"]))

    @rule()
    def reject(self):
        self._move("reject", self.client.post(f"/api/v1/applications/{self.application}/decision",
                                              json={"decision": "reject", "reason": "quota_full"},
                                              headers=self.tokens["bank"]))

    @rule(share=st.floats(0.1, 1.0))
    def disburse(self, share):
        current = self.client.get(f"/api/v1/applications/{self.application}", headers=self.tokens["owner"]).json
        amount = max(1, int((current.get("approved_amount_cny") or 1_000_000) * share))
        self._move("disburse", self.client.post(f"/api/v1/applications/{self.application}/disbursement",
                                                json={"amount_cny": amount}, headers=self.tokens["bank"]))

    @rule()
    def withdraw(self):
        self._move("withdraw", self.client.post(f"/api/v1/applications/{self.application}/withdraw",
                                                headers=self.tokens["owner"]))

    @invariant()
    def stored_status_is_the_last_successful_move(self):
        if getattr(self, "application", None) is None:
            return
        stored = self.client.get(f"/api/v1/applications/{self.application}", headers=self.tokens["owner"]).json
        assert stored["status"] == self.status


def test_application_life_cycle_state_machine(client, make_user):
    officer, firm = make_user("institution"), make_user("enterprise")
    bank, owner = token_for(client, officer.email, officer.password), token_for(client, firm.email, firm.password)
    product = client.post("/api/v1/products", json=PRODUCT, headers=bank).json
    ApplicationLifeCycle.client = client
    ApplicationLifeCycle.tokens = {"bank": bank, "owner": owner, "product": product["id"]}
    ApplicationLifeCycle.TestCase.settings = settings(max_examples=25, stateful_step_count=8, deadline=None,
                                                      suppress_health_check=list(HealthCheck))
    ApplicationLifeCycle.TestCase().runTest()
