"""Who the firm is: a contact person with a mainland mobile number, the legal representative, and the
balance-sheet facts banks ask for, all optional in the API (older clients leave them out), checked when
given, shown to the institution the firm applies to and to no one else."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchmaker.enterprise.services import mobile_number
from models import Consent, db
from tests.rule_helpers import use_cheap_argon2
from tests.test_api import assert_error, registration, token_for
from tests.test_auth_pages import submit
from tests.test_institution import market_of

WHO = {"contact_name": "王晓燕", "contact_phone": "138 2345 6789", "legal_representative": "李建国",
       "total_assets_cny": 56_000_000, "total_liabilities_cny": 21_000_000, "net_profit_cny": -1_200_000,
       "net_profit_prev_cny": 800_000}


@pytest.mark.parametrize(("typed", "kept"), [
    ("13823456789", "13823456789"), ("138 2345 6789", "13823456789"), ("138-2345-6789", "13823456789"),
    ("+86 138 2345 6789", "13823456789"), ("0086-13823456789", "13823456789"), ("8613823456789", "13823456789"),
    ("19912345678", "19912345678"), ("12823456789", None), ("1382345678", None), ("138234567890", None),
    ("023-6886-1234", None), ("１３８２３４５６７８９", None), ("1３８２３４５６７８９", None), ("+1 415 555 0100", None), (13823456789, None),
])
def test_a_mainland_mobile_number_is_read_the_ways_people_type_it(typed, kept):
    assert mobile_number(typed) == kept


def test_the_api_registers_and_changes_who_the_firm_is(client, app):
    created = client.post("/api/v1/auth/register", json=registration(enterprise={
        **registration()["enterprise"], **WHO}))
    assert created.status_code == 201, created.json
    firm = created.json["enterprise"]
    assert {k: firm[k] for k in WHO} == {**WHO, "contact_phone": "13823456789"}
    token = token_for(client, "cfo@xinrui.cn", "a-strong-password")
    cleared = client.patch("/api/v1/enterprise", headers=token, json={"legal_representative": None,
                                                                       "total_assets_cny": 0})
    assert cleared.status_code == 200
    assert (cleared.json["legal_representative"], cleared.json["total_assets_cny"]) == (None, 0)
    with app.app_context():
        consent = db.session.scalar(sa.select(Consent).where(Consent.scope == "privacy_policy"))
        assert consent.version == app.config["PRIVACY_POLICY_VERSION"]


def test_an_older_client_registers_without_them(client):
    created = client.post("/api/v1/auth/register", json=registration())
    assert created.status_code == 201
    assert all(created.json["enterprise"][k] is None for k in WHO)


@pytest.mark.parametrize(("field", "value"), [
    ("contact_phone", "12345"), ("contact_phone", "023-68861234"), ("contact_name", "王"),
    ("contact_name", "王" * 41), ("legal_representative", "李\u202e"), ("total_assets_cny", -1),
    ("total_liabilities_cny", 10_000_000_001), ("net_profit_cny", -10_000_000_001), ("net_profit_prev_cny", 1.5),
    ("contact_phone", 13823456789),
])
def test_bad_facts_are_422_naming_the_field(client, field, value):
    body = registration(enterprise={**registration()["enterprise"], field: value})
    assert_error(client.post("/api/v1/auth/register", json=body), 422, fields=[f"enterprise.{field}"])


def test_the_institution_applied_to_sees_the_contact_and_no_other(client, make_user, monkeypatch, app):
    use_cheap_argon2(monkeypatch)
    firm = make_user("enterprise", contact_name="王晓燕", contact_phone="13823456789", legal_representative="李建国")
    market = market_of(client, make_user("institution"), firm)
    assert submit(client, "/auth/login", {"email": market["officer"].email,
                                          "password": market["officer"].password}).status_code == 302
    html = client.get(f"/institution/applications/{market['application']['id']}").get_data(as_text=True)
    assert "王晓燕" in html and 'href="tel:13823456789"' in html and "李建国" in html
    leads = client.get(f"/api/v1/products/{market['product']['id']}/leads", headers=market["bank"]).get_data(
        as_text=True)
    assert "13823456789" not in leads and "王晓燕" not in leads
