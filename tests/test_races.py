"""Races and retries: simultaneous identical requests store one row; Idempotency-Key replays the first answer."""
import threading

import pytest
import sqlalchemy as sa

from models import Application, ApplicationEvent, db
from tests.test_api import assert_error, token_for
from tests.test_institution import PRODUCT


@pytest.fixture
def offer(client, make_user):
    """An officer's product and a firm's open need, ready to meet."""
    officer, firm = make_user("institution"), make_user("enterprise")
    bank, owner = token_for(client, officer.email, officer.password), token_for(client, firm.email, firm.password)
    product = client.post("/api/v1/products", json=PRODUCT, headers=bank).json
    need = client.post("/api/v1/needs", json={"amount_cny": 2_000_000, "term_months": 12}, headers=owner).json
    return {"bank": bank, "owner": owner, "body": {"need_id": need["id"], "product_id": product["id"]}}


def at_once(app, count, request):
    """Run ``request(client)`` in ``count`` threads released together; → their responses."""
    barrier, responses = threading.Barrier(count), [None] * count

    def run(k):
        client = app.test_client()
        barrier.wait()
        responses[k] = request(client)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_ten_identical_applications_at_once_store_one(app, offer):
    responses = at_once(app, 10, lambda c: c.post("/api/v1/applications", json=offer["body"], headers=offer["owner"]))
    assert sorted(r.status_code for r in responses) == [201] + [409] * 9, [r.get_data(as_text=True)[:120] for r in responses]
    for r in responses:
        if r.status_code == 409:
            assert_error(r, 409, "conflict")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 1


def test_an_idempotency_key_replays_the_first_answer(client, app, offer):
    headers = {**offer["owner"], "Idempotency-Key": "apply-7f3a"}
    first = client.post("/api/v1/applications", json=offer["body"], headers=headers)
    again = client.post("/api/v1/applications", json=offer["body"], headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    other_body = {**offer["body"], "product_id": offer["body"]["product_id"] + 1000}
    assert_error(client.post("/api/v1/applications", json=other_body, headers=headers), 422, fields=["Idempotency-Key"])
    # The key is the caller's own: another firm's identical key is another request.
    decision = {"decision": "approve", "approved_amount_cny": 1_500_000, "rate_pct": 4.1, "term_months": 12}
    path = f"/api/v1/applications/{first.json['id']}/decision"
    bank = {**offer["bank"], "Idempotency-Key": "apply-7f3a"}
    decided = client.post(path, json=decision, headers=bank)
    replayed = client.post(path, json=decision, headers=bank)
    assert decided.status_code == replayed.status_code == 200 and replayed.json == decided.json
    assert_error(client.post(path, json=decision, headers=offer["bank"]), 409)  # without the key: already decided
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(ApplicationEvent.id))
                                 .where(ApplicationEvent.to_status == "approved")) == 1


def test_simultaneous_retries_with_one_key_answer_alike(app, offer):
    headers = {**offer["owner"], "Idempotency-Key": "retry-storm-1"}
    responses = at_once(app, 8, lambda c: c.post("/api/v1/applications", json=offer["body"], headers=headers))
    statuses = [r.status_code for r in responses]
    assert all(s < 500 for s in statuses), statuses
    created = [r for r in responses if r.status_code == 201]
    assert created and len({r.json["id"] for r in created}) == 1
    assert set(statuses) <= {201, 409}  # 409 only while the first is still being answered
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 1


def test_approve_and_reject_at_once_one_wins(app, offer, client):
    application = client.post("/api/v1/applications", json=offer["body"], headers=offer["owner"]).json
    path = f"/api/v1/applications/{application['id']}/decision"
    bodies = [{"decision": "approve", "approved_amount_cny": 1_000_000, "rate_pct": 4.0, "term_months": 12},
              {"decision": "reject", "reason": "quota_full"}] * 3
    counter = iter(range(6))
    responses = at_once(app, 6, lambda c: c.post(path, json=bodies[next(counter)], headers=offer["bank"]))
    assert sorted(r.status_code for r in responses) == [200] + [409] * 5
