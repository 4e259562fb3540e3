"""Issue 12, input findings: hostile JSON shapes are refused early and briefly, no text or number of
any shape reaches a 500, one mailbox holds one account."""
import io
import json
import time

import pytest
import sqlalchemy as sa

from models import User, db
from tests.test_api import assert_error, registration

TOKEN = "/api/v1/auth/token"


def test_a_million_unknown_keys_get_one_short_answer_quickly(client):
    # As found: 1.2 million unknown keys in about 14 MiB, under the 16 MiB upload limit.
    body = ("{" + ",".join(f'"k{i}":1' for i in range(1_200_000)) + "}").encode()
    assert 13 * 1024 * 1024 < len(body) < 16 * 1024 * 1024
    started = time.perf_counter()
    response = client.post(TOKEN, data=body, content_type="application/json")
    assert time.perf_counter() - started < 2
    assert_error(response, 413)
    assert len(response.get_data()) < 1000


def test_wide_json_within_the_size_limit_is_one_short_422(client):
    response = client.post(TOKEN, json={f"k{i}": i for i in range(5000)})
    assert_error(response, 422, fields=["body"])
    assert len(response.get_data()) < 1000


def test_a_few_unknown_fields_are_each_named_and_many_are_summed_up(client):
    few = client.post(TOKEN, json={"email": "a@b.cn", "password": "x" * 12, "colour": 1})
    assert_error(few, 422, fields=["colour"])
    many = client.post(TOKEN, json={"email": "a@b.cn", "password": "x" * 12, **{f"k{i}": 1 for i in range(60)}})
    assert_error(many, 422)
    assert len(many.json["error"]["fields"]) <= 10 and "60" in many.json["error"]["message"]


@pytest.mark.parametrize("depth", [17, 1_000, 100_000])
def test_deep_nesting_is_a_400_not_a_500(client, depth):
    body = "[" * depth + "]" * depth
    assert_error(client.post(TOKEN, data=body, content_type="application/json"), 400)
    nested = '{"a":' * depth + "1" + "}" * depth
    assert_error(client.post("/api/v1/auth/register", data=nested, content_type="application/json"), 400)


def test_long_arrays_are_refused(client):
    assert_error(client.post("/api/v1/auth/register", json=registration(tags=list(range(5000)))), 422)


def test_chunked_json_over_the_limit_is_413(app):
    body = json.dumps({"email": "a@b.cn", "password": "x" * (2 * 1024 * 1024)}).encode()
    # No Content-Length: the size is only known by reading, as with a chunked upload through gunicorn.
    response = app.test_client().post(TOKEN, input_stream=io.BytesIO(body), content_type="application/json",
                                      headers={"Transfer-Encoding": "chunked"},
                                      environ_overrides={"wsgi.input_terminated": True})
    assert_error(response, 413)


@pytest.mark.parametrize("field", ["email", "password"])
def test_lone_surrogates_in_sign_in_fields_are_422_naming_the_field(client, field):
    body = {"email": "a@b.cn", "password": "a-long-password"}
    raw = json.dumps(body).replace(f'"{body[field]}"', '"ab\\ud800cd"')
    assert_error(client.post(TOKEN, data=raw, content_type="application/json"), 422, fields=[field])


def test_lone_surrogates_in_registration_are_422_naming_the_nested_field(client):
    raw = json.dumps(registration(), ensure_ascii=False).replace("重庆芯瑞半导体有限公司", "\\udfff芯瑞")
    assert_error(client.post("/api/v1/auth/register", data=raw, content_type="application/json"), 422,
                 fields=["enterprise.name"])
    raw = json.dumps(registration()).replace('"district"', '"\\ud800"')
    response = client.post("/api/v1/auth/register", data=raw, content_type="application/json")
    assert_error(response, 422)


@pytest.mark.parametrize("email, again, stored", [
    ("u@bücher.example", "u@xn--bcher-kva.example", "u@xn--bcher-kva.example"),
    ("u@bücher.example", "U@BÜCHER.EXAMPLE", "u@xn--bcher-kva.example"),
    ("owner@example.cn", "Owner@example\uff0ecn", "owner@example.cn"),  # a full-width dot
    ("caf\u00e9@example.cn", "cafe\u0301@example.cn", "caf\u00e9@example.cn"),  # NFC and NFD
])
def test_one_mailbox_one_account(client, app, email, again, stored):
    first = client.post("/api/v1/auth/register", json=registration(email=email))
    assert first.status_code == 201, first.json
    from tests.conftest import valid_uscc
    other = registration(email=again)
    other["enterprise"]["uscc"] = valid_uscc("91500106MA60X2K4Q")
    assert_error(client.post("/api/v1/auth/register", json=other), 409, fields=["email"])
    with app.app_context():
        assert db.session.scalars(sa.select(User.email)).all() == [stored]
    # Signing in works in any spelling of the same mailbox.
    assert client.post(TOKEN, json={"email": again, "password": "a-strong-password"}).status_code == 200
