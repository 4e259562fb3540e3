"""The rules of ``matchmaker/inputs.py`` and ``matchmaker/text.py`` read one by one, at their edges: how
deep, how wide and how long a JSON body may be, which characters no field may hold, which a name may not
hold, and the messages that name the field. Written to leave no mutant of either module alive."""
import io
import json

import pytest

from matchmaker import inputs, text
from matchmaker.errors import BadRequest, DomainError, InvalidInput
from tests.conftest import csrf_token
from tests.test_api import assert_error

TOKEN = "/api/v1/auth/token"
LIMITS = {"max_depth": 3, "max_keys": 2, "max_items": 2}


def problems(document, **limits):
    return inputs.json_problems(document, **{**LIMITS, **limits})


def refusal(document, **limits) -> DomainError:
    with pytest.raises(DomainError) as caught:
        problems(document, **limits)
    return caught.value


@pytest.mark.parametrize("document", [
    {"a": {"b": {}}}, [[[]]], {"a": [{"b": 1}]}, {"a": {"b": {"c": 1}}}, "plain", 7, None, True, 1.5, {}, [],
    {"a": 1, "b": 2}, [1, 2], {"a": [1, 2], "b": {"c": 1, "d": 2}},
])
def test_documents_at_or_within_the_limits_pass(document):
    assert problems(document) == {}


@pytest.mark.parametrize("document", [{"a": {"b": {"c": {}}}}, [[[[]]]], {"a": [{"b": []}]}])
def test_one_level_too_deep_is_a_400_naming_the_limit(document):
    refused = refusal(document)
    assert type(refused) is BadRequest and refused.message == "JSON 嵌套过深（最多 3 层）"


def test_too_many_keys_are_refused_at_the_object_that_has_them():
    refused = refusal({"a": 1, "b": 2, "c": 3})
    assert type(refused) is InvalidInput
    assert (refused.message, refused.fields) == ("字段过多：3 个（最多 2 个）", {"body": ["对象最多 2 个字段"]})
    assert refusal({"a": {"x": 1, "y": 2, "z": 3}}).fields == {"a": ["对象最多 2 个字段"]}


def test_too_many_items_are_refused_at_the_array_that_has_them():
    refused = refusal([1, 2, 3])
    assert type(refused) is InvalidInput
    assert (refused.message, refused.fields) == ("列表过长：3 项（最多 2 项）", {"body": ["最多 2 项"]})
    assert refusal({"tags": [1, 2, 3]}).fields == {"tags": ["最多 2 项"]}


NUL, SURROGATE = "不能包含空字符（NUL）", "包含无效的 Unicode 字符（孤立的代理项）"


def test_every_string_is_checked_however_many_there_are():
    assert problems({"a": "\x00", "b": "\x00", "c": ["ok", "\x00"]}, max_keys=3) == {"a": [NUL], "b": [NUL], "c.1": [NUL]}
    assert problems({"a": "\x00", "b": 1}) == {"a": [NUL]}  # a number on the way stops nothing


def test_text_no_field_can_hold_is_named_by_its_path():
    assert problems({"name": "a\x00b"}) == {"name": [NUL]}
    assert problems({"tags": ["fine", "\ud800"]}) == {"tags.1": [SURROGATE]}
    assert problems({"enterprise": {"name": "\udfff"}}) == {"enterprise.name": [SURROGATE]}
    assert problems("\x00") == {"body": [NUL]}
    assert problems(["\x00"]) == {"0": [NUL]}


def test_a_hostile_key_is_named_and_the_name_always_encodes():
    assert problems({"a\x00": 1}) == {"a\x00": ["字段名" + NUL]}
    assert problems({"\ud800": "\x00"}) == {"\\ud800": ["字段名" + SURROGATE, NUL]}
    assert inputs._path("outer", "\ud800") == "outer.\\ud800"
    assert inputs._path("", 3) == "3" and inputs._path("a", "b") == "a.b"


def test_text_problems_name_nul_and_lone_surrogates_only():
    assert text.text_problem("重庆 \t\n ok") is None
    assert text.text_problem("a\x00") == NUL
    assert text.text_problem("\ud800x") == SURROGATE


@pytest.mark.parametrize("name, problem", [
    ("重庆", None), ("  重庆  ", None), ("重" * 120, None),
    ("重", "企业名称应为 2 到 120 个字符"), ("  重  ", "企业名称应为 2 到 120 个字符"),
    ("重" * 121, "企业名称应为 2 到 120 个字符"), ("", "企业名称应为 2 到 120 个字符"),
    (42, "企业名称应为文本"), (None, "企业名称应为文本"),
    ("重庆\u200b科技", "企业名称包含不可见或控制字符（U+200B），请删除后重试"),
    ("重庆\u202e科技", "企业名称包含不可见或控制字符（U+202E），请删除后重试"),
    ("重庆\n科技", "企业名称包含不可见或控制字符（U+000A），请删除后重试"),
    ("重庆\x07科技", "企业名称包含不可见或控制字符（U+0007），请删除后重试"),
    ("重庆\ue000科技", "企业名称包含不可见或控制字符（U+E000），请删除后重试"),
    ("重庆\u2028科技", "企业名称包含不可见或控制字符（U+2028），请删除后重试"),
])
def test_a_name_is_two_to_a_hundred_and_twenty_visible_characters(name, problem):
    assert text.name_problem(name, label="企业名称") == problem


def test_a_name_may_have_its_own_length():
    assert text.name_problem("A", label="代码", low=1, high=3) is None
    assert text.name_problem("ABCD", label="代码", low=1, high=3) == "代码应为 1 到 3 个字符"


@pytest.mark.parametrize("value, problem", [
    ("一\n二\r\n\t三", None), ("长" * 10, None), ("", None),
    ("长" * 11, "说明最多 10 个字符（现为 11 个）"), (3, "说明应为文本"),
    ("看\u202e这里", "说明包含不可见或控制字符（U+202E），请删除后重试"),
    ("响铃\x07", "说明包含不可见或控制字符（U+0007），请删除后重试"),
])
def test_free_text_keeps_line_breaks_and_tabs_and_has_a_maximum(value, problem):
    assert text.free_text_problem(value, label="说明", high=10) == problem


def test_free_text_counts_with_thousands_separators():
    assert text.free_text_problem("长" * 5001, label="产品说明", high=5000) == "产品说明最多 5,000 个字符（现为 5,001 个）"


def test_the_documented_maxima_of_free_text():
    # README, "Input limits": a product description holds at most 5,000 characters, a rejection reason 1,000.
    assert (text.DESCRIPTION_MAX, text.REASON_MAX) == (5000, 1000)


@pytest.fixture
def small(other_app):
    """An app with small JSON limits, so the edges are cheap to reach."""
    return other_app(JSON_BODY_LIMIT=200, JSON_MAX_DEPTH=4, JSON_MAX_KEYS=3, JSON_MAX_ITEMS=3).test_client()


def body_of(size: int) -> bytes:
    """A JSON sign-in body of exactly ``size`` bytes."""
    body = json.dumps({"email": "a@b.cn", "password": ""}).encode()
    return body.replace(b'""', b'"' + b"x" * (size - len(body)) + b'"')


def test_a_body_at_the_limit_is_read_and_one_byte_more_is_413(small):
    assert len(body_of(200)) == 200
    assert small.post(TOKEN, data=body_of(200), content_type="application/json").status_code == 401
    assert_error(small.post(TOKEN, data=body_of(201), content_type="application/json"), 413)


def chunked(client, body: bytes):
    return client.post(TOKEN, input_stream=io.BytesIO(body), content_type="application/json",
                       headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})


def test_a_chunked_body_is_counted_as_it_arrives(small):
    assert chunked(small, body_of(200)).status_code == 401
    assert_error(chunked(small, body_of(201)), 413)


def test_the_shape_limits_come_from_the_configuration(small):
    response = small.post(TOKEN, data='{"a":' * 4 + "{}" + "}" * 4, content_type="application/json")
    assert_error(response, 400)
    assert response.json["error"]["message"] == "JSON 嵌套过深（最多 4 层）"
    assert_error(small.post(TOKEN, json={"email": "a@b.cn", "password": "x", "c": 1, "d": 2}), 422, fields=["body"])
    assert_error(small.post(TOKEN, json=[1, 2, 3, 4]), 422, fields=["body"])
    assert small.post(TOKEN, json={"email": "a@b.cn", "password": "wrong-password"}).status_code == 401


def test_nesting_beyond_what_the_parser_can_hold_names_the_configured_limit(other_app):
    client = other_app(JSON_MAX_DEPTH=7).test_client()
    response = client.post(TOKEN, data="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert_error(response, 400)
    assert response.json["error"]["message"] == "JSON 嵌套过深（最多 7 层）"


def test_bad_text_in_a_body_is_one_422_naming_each_field(client):
    body = json.dumps({"email": "a\x00@b.cn", "password": "\ud800"})  # escaped, as a client's encoder sends it
    response = client.post(TOKEN, data=body, content_type="application/json")
    assert_error(response, 422, fields=["email", "password"])
    assert response.json["error"]["message"] == "输入包含无法保存的字符"


@pytest.mark.parametrize("data", [b"", b"   \n", b"{not json"])
def test_empty_and_malformed_bodies_reach_the_usual_answers(client, data):
    response = client.post(TOKEN, data=data, content_type="application/json")
    assert response.status_code in (400, 422) and "error" in response.json


def test_only_writing_requests_with_json_are_read(small):
    # A GET's body and a form post are not JSON bodies: the JSON limits do not apply to them.
    assert small.get("/api/v1/products", data=body_of(500), content_type="application/json").status_code == 200
    response = small.post("/auth/login", data={"email": "a@b.cn", "password": "x" * 300})
    assert response.status_code != 413


def test_nul_in_a_query_or_an_api_form_is_422_naming_the_field(client):
    for response in (client.get("/api/v1/products?kind=a%00b"), client.get("/api/v1/products?kind=ok&kind=a%00b"),
                     client.post("/api/v1/auth/token", data={"email": "a\x00@b.cn", "password": "x" * 12})):
        assert_error(response, 422, fields=["email" if response.request.method == "POST" else "kind"])
        assert response.json["error"]["message"] == "输入包含无法保存的字符"
    assert_error(client.get("/api/v1/products?ki%00nd=x"), 422, fields=["kind"])
    assert client.get("/auth/login?next=%00").status_code == 422


def test_every_value_of_a_page_form_is_cleaned_and_kept(app):
    from flask import request
    from werkzeug.datastructures import MultiDict

    form = MultiDict([("tags", "ok"), ("tags", "a\x00b")])  # only a second value is bad
    with app.test_request_context("/enterprise/profile", method="POST", data=form):
        inputs.check_query_and_form()
        assert request.form.getlist("tags") == ["ok", "ab"]
    with app.test_request_context("/enterprise/profile", method="POST", data={"na\x00me": "重庆"}):
        inputs.check_query_and_form()
        assert request.form.to_dict() == {"name": "重庆"}
    with app.test_request_context("/enterprise/profile", method="POST", data={"name": "重庆"}):
        untouched = request.form
        inputs.check_query_and_form()
        assert request.form is untouched


def test_a_page_form_drops_nul_and_keeps_what_was_typed(client):
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login", data={"csrf_token": token, "email": "own\x00er@example.cn", "password": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and 'value="owner@example.cn"' in page and "邮箱或密码错误" in page


def test_options_on_the_api_lists_every_method_of_the_path(client):
    response = client.options("/api/v1/products")
    assert response.status_code == 204 and response.get_data() == b""
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert "Content-Type" not in response.headers
    assert client.options("/api/v1/no-such-thing").status_code == 404
    page = client.options("/auth/login")
    assert page.status_code == 200 and "Allow" in page.headers


def test_a_page_form_value_is_cleaned_of_what_no_field_can_hold():
    # A browser sends no lone surrogate, but a script posting the form can: it becomes "?", never a 500.
    assert inputs._cleaned("重\x00庆\ud800") == "重庆?"
    assert inputs._cleaned("ordinary 文本") == "ordinary 文本"


# ------------------------------------------------------------------ ids, offsets and redirects (scoping.py, urls.py)

from matchmaker import scoping, urls  # noqa: E402


@pytest.mark.parametrize("value, ok", [
    (1, True), (2**31 - 1, True), (0, False), (-1, False), (2**31, False), (10**20, False), (True, False),
    ("1", False), (1.0, False), (None, False),
])
def test_a_row_id_is_a_positive_integer_postgresql_can_hold(value, ok):
    assert scoping.is_row_id(value) is ok


@pytest.mark.parametrize("query, offset", [
    ("", 0), ("?offset=40", 40), ("?offset=-5", 0), ("?offset=abc", 0), ("?offset=1000000000", 10**9),
    ("?offset=99999999999999999999", 10**9), ("?offset=", 0),
])
def test_a_page_offset_is_whatever_was_typed_within_bounds(app, query, offset):
    with app.test_request_context("/enterprise/applications" + query):
        assert urls.offset_arg() == offset


@pytest.mark.parametrize("target, safe", [
    ("/account", "/account"), (" /needs/3?x=1 ", "/needs/3?x=1"), (None, "/home"), ("", "/home"),
    ("https://evil.example/", "/home"), ("//evil.example", "/home"), ("/\\evil.example", "/home"),
    ("account", "/home"), ("javascript:alert(1)", "/home"), ("http:/account", "/home"), ("///evil.example", "/home"),
    ("/\t/evil.example", "/home"), ("/account\n", "/account"), ("/a\nb", "/home"), ("/a\x7fb", "/home"),
    ("/needs?next=//x", "/needs?next=//x"), ("/needs?q=a b", "/needs?q=a b"),
])
def test_a_redirect_never_leaves_the_site(target, safe):
    assert urls.safe_next(target, "/home") == safe


def test_each_role_sees_its_own_products(ctx):
    from models import Institution, Product, Role, User, db

    banks = [Institution(name=f"银行{i}", kind="bank") for i in range(2)]
    db.session.add_all(banks)
    db.session.flush()
    made = [Product(institution_id=bank.id, name="贷", kind="credit_loan", min_amount_cny=1, max_amount_cny=2,
                    min_term_months=1, max_term_months=2, rate_min_pct=1, rate_max_pct=2, status="active",
                    description="", industries=[], required_certifications=[], min_years=0,
                    min_annual_revenue_cny=0, min_ip_count=0, collateral_required=False) for bank in banks]
    db.session.add_all(made)
    db.session.flush()
    seen = lambda actor: {p.id for p in db.session.scalars(scoping.products(actor))}  # noqa: E731
    assert seen(User(role=Role.INSTITUTION, institution_id=banks[0].id)) == {made[0].id}
    assert seen(User(role=Role.ADMIN)) == {made[0].id, made[1].id}
    assert seen(User(role=Role.ENTERPRISE, enterprise_id=1)) == set()


def test_needs_are_seen_by_their_firm_and_the_bureau_only(ctx):
    from models import Enterprise, FinancingNeed, Role, User, db
    from tests.conftest import enterprise_facts

    firm = Enterprise(**enterprise_facts())
    db.session.add(firm)
    db.session.flush()
    need = FinancingNeed(enterprise_id=firm.id, amount_cny=1_000_000, term_months=12)
    db.session.add(need)
    db.session.flush()
    seen = lambda actor: [n.id for n in db.session.scalars(scoping.needs(actor))]  # noqa: E731
    assert seen(User(role=Role.ENTERPRISE, enterprise_id=firm.id)) == [need.id]
    assert seen(User(role=Role.ADMIN)) == [need.id]
    assert seen(User(role=Role.ENTERPRISE, enterprise_id=firm.id + 1)) == []
    assert seen(User(role=Role.INSTITUTION, institution_id=1)) == []  # only through applications and leads


def test_a_missing_row_is_not_found_with_the_message_given(ctx):
    import sqlalchemy as sa

    from matchmaker.errors import NotFound
    from models import Product

    for object_id in (1, 0, 2**40):
        with pytest.raises(NotFound) as caught:
            scoping.get_or_404(sa.select(Product), Product, object_id, "产品不存在")
        assert caught.value.message == "产品不存在"
    with pytest.raises(NotFound) as caught:
        scoping.get_or_404(sa.select(Product), Product, 5)
    assert caught.value.message == "资源不存在"
