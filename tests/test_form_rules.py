"""The shared form fields and the error answers read as rules (``matchmaker/forms.py``,
``matchmaker/errors.py``): what a typed number, amount, day or choice becomes, where each refusal is
shown, and how every error is answered on a page and in the API. Written to leave no mutant of either
module alive."""
import decimal

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest as HTTPBadRequest
from werkzeug.exceptions import MethodNotAllowed, NotFound as HTTPNotFound, UnprocessableEntity

from matchmaker import errors, forms


class Form(FlaskForm):
    class Meta:
        csrf = False

    count = forms.IntField("件数")
    amount = forms.WanYuanField("金额")
    rate = forms.NumberField("利率")
    day = forms.DayField("日期")
    kind = forms.ChoiceField("类型", [forms.required("请选类型")], choices=[("a", "甲"), ("b", "乙")])
    tags = forms.MultiChoiceField("标签", [forms.validators.Length(max=1, message="最多一项")],
                                  choices=[("x", "X"), ("y", "Y")])
    must = forms.fields.StringField("必填", [forms.required()])


def form(app, **typed):
    with app.test_request_context("/", method="POST"):
        made = Form(formdata=MultiDict({"kind": "a", "must": "有", **typed}))
        made.validate()
        return made


@pytest.mark.parametrize("typed, data, problem", [
    ("12", 12, None), (" 1,200 ", 1200, None), ("", None, None), ("  ", None, None), ("-3", -3, None),
    ("1.5", None, "请输入整数"), ("abc", None, "请输入整数"),
    (str(2**31 - 1), 2**31 - 1, None), (str(-(2**31 - 1)), -(2**31 - 1), None),
    (str(2**31), None, "数字超出合理范围"), (str(-(2**31)), None, "数字超出合理范围"),
])
def test_an_integer_field(app, typed, data, problem):
    made = form(app, count=typed)
    assert made.count.data == data and made.count.errors == ([problem] if problem else [])


@pytest.mark.parametrize("typed, data, problem", [
    ("3.65", decimal.Decimal("3.65"), None), (" 1,000.5 ", decimal.Decimal("1000.5"), None), ("", None, None),
    ("x", None, "请输入数字"), ("NaN", None, "请输入数字"), ("-Infinity", None, "请输入数字"),
    ("1e999999", None, "数字超出合理范围"), ("1000000000000", decimal.Decimal("1000000000000"), None),
    ("1000000000000.01", None, "数字超出合理范围"), ("-1000000000000.01", None, "数字超出合理范围"),
])
def test_a_number_field(app, typed, data, problem):
    made = form(app, rate=typed)
    assert made.rate.data == data and made.rate.errors == ([problem] if problem else [])


@pytest.mark.parametrize("typed, yuan", [("500", 5_000_000), ("0.00005", 1), ("0.00004", 0), ("12.345", 123_450),
                                          ("", None)])
def test_an_amount_is_typed_in_wan_and_kept_in_yuan(app, typed, yuan):
    assert form(app, amount=typed).amount.yuan == yuan


def test_an_amount_in_yuan_is_shown_in_wan(app):
    made = form(app)
    made.amount.set_yuan(12_345_000)
    assert str(made.amount.data) == "1234.5"
    made.amount.set_yuan(5_000_000)
    assert made.amount.data == decimal.Decimal(500)
    made.amount.set_yuan(None)
    assert made.amount.data is None


@pytest.mark.parametrize("typed, problem", [("2026-06-01", None), ("", None), ("2026/06/01", "日期格式应为 YYYY-MM-DD"),
                                            ("2026-02-30", "日期格式应为 YYYY-MM-DD")])
def test_a_day_field(app, typed, problem):
    made = form(app, day=typed)
    assert made.day.errors == ([problem] if problem else [])
    assert (made.day.data is None) == (problem is not None or typed == "")


def test_choices_keep_their_labels_and_validators(app):
    made = form(app)
    assert (made.kind.label.text, made.tags.label.text) == ("类型", "标签")
    assert [(c.value, c.label) for c in made.kind.choices] == [("a", "甲"), ("b", "乙")]
    assert [(c.value, c.label) for c in made.tags.choices] == [("x", "X"), ("y", "Y")]
    assert "请选类型" in form(app, kind="").kind.errors
    with app.test_request_context("/", method="POST"):
        both = Form(formdata=MultiDict([("kind", "a"), ("must", "有"), ("tags", "x"), ("tags", "y")]))
        both.validate()
        assert both.tags.errors == ["最多一项"]


def test_choices_are_the_listed_ones_only(app):
    assert form(app, kind="b").kind.errors == [] and form(app, kind="z").kind.errors == ["请选择列表中的一项"]
    with app.test_request_context("/", method="POST"):
        made = Form(formdata=MultiDict([("kind", "a"), ("must", "有"), ("tags", "y")]))
        assert made.validate() and made.tags.data == ["y"]
        made = Form(formdata=MultiDict([("kind", "a"), ("must", "有"), ("tags", "q")]))
        assert not made.validate() and made.tags.errors == ["包含无效的选项"]
        made = Form(formdata=MultiDict([("kind", "a"), ("must", "有")]))
        assert made.validate() and made.tags.data == []


def test_a_required_field_says_so(app):
    assert form(app, must="").must.errors == ["此项为必填项"]
    with app.test_request_context("/"):
        field = forms.fields.StringField("x", [forms.required()])
        bound = field.bind(FlaskForm(meta={"csrf": False}), "x")
        bound.process(MultiDict({}))
        assert not bound.validate(FlaskForm(meta={"csrf": False})) and bound.errors == ["此项为必填项"]
        field = forms.fields.StringField("x", [forms.required("请填写名称")])
        bound = field.bind(FlaskForm(meta={"csrf": False}), "x")
        bound.process(MultiDict({}))
        assert not bound.validate(FlaskForm(meta={"csrf": False}))
        assert bound.errors == ["请填写名称"]


def test_a_services_problems_are_shown_beside_the_fields(app):
    made = form(app)
    made.count.errors = ("已有",)
    forms.attach_problems(made, {"enterprise.count": ["件数太多"], "amount_cny": ["金额太大"], "colour": ["未知"],
                                 "enterprise.nothing": ["无此项"]},
                          prefix="enterprise.", names={"amount_cny": "amount"})
    assert made.count.errors == ["已有", "件数太多"] and made.amount.errors == ["金额太大"]
    assert made.form_errors == ["未知", "无此项"]
    other = form(app)
    forms.attach_problems(other, {"count": ["直接"]})
    assert other.count.errors == ["直接"]
    forms.attach_problems(other, {"meta": ["不是字段"]})  # an attribute without errors is no field
    assert other.form_errors == ["不是字段"]


# ------------------------------------------------------------------ error answers


def answer(app, path: str, error):
    with app.test_request_context(path):
        if isinstance(error, errors.DomainError):
            return errors.handle_domain_error(error)
        return errors.handle_http_exception(error)


def test_a_domain_error_in_the_api_is_the_contracts_shape(app):
    response = answer(app, "/api/v1/needs", errors.Conflict("已存在", {"name": ["重名"]}, {"X-Why": "dup"}))
    assert response.status_code == 409 and response.headers["X-Why"] == "dup"
    assert response.json == {"error": {"code": "conflict", "message": "已存在", "fields": {"name": ["重名"]}}}
    plain = answer(app, "/healthz", errors.TooManyRequests("慢一点"))
    assert plain.status_code == 429 and plain.json["error"]["code"] == "too_many_requests"
    assert "fields" not in plain.json["error"] or plain.json["error"]["fields"] is None


def test_a_domain_error_on_a_page_is_a_page_with_the_message(app):
    body, status = answer(app, "/enterprise/needs", errors.Forbidden("只给甲机构看"))
    assert status == 403 and "只给甲机构看" in body and '<div class="display-4 text-muted">403</div>' in body


@pytest.mark.parametrize("kind, status, code", [
    (errors.BadRequest, 400, "bad_request"), (errors.InvalidInput, 422, "invalid_input"),
    (errors.Conflict, 409, "conflict"), (errors.NotFound, 404, "not_found"), (errors.Forbidden, 403, "forbidden"),
    (errors.Unauthorized, 401, "unauthorized"), (errors.TooManyRequests, 429, "too_many_requests"),
    (errors.DomainError, 400, "bad_request"),
])
def test_each_domain_error_has_its_status_and_code(kind, status, code):
    error = kind("消息")
    assert (error.status, error.code, error.message, error.fields, error.headers, str(error)) == (
        status, code, "消息", {}, {}, "消息")


def test_http_errors_in_the_api(app):
    bad = answer(app, "/api/v1/needs", HTTPBadRequest())
    assert bad.status_code == 400 and bad.json["error"]["message"] == "请求体不是有效的 JSON"
    said = HTTPBadRequest()
    said.data = {"message": "说明"}
    assert answer(app, "/api/v1/needs", said).json["error"]["message"] == "说明"
    invalid = UnprocessableEntity()
    invalid.data = {"messages": {"json": {"amount_cny": ["太小"], "enterprise": {"name": ["太短"]}},
                                 "query": {"limit": ["太大"]}}}
    response = answer(app, "/api/v1/needs", invalid)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"amount_cny": ["太小"], "enterprise.name": ["太短"], "limit": ["太大"]}
    told = UnprocessableEntity()
    told.data = {"message": "原因"}
    assert answer(app, "/api/v1/needs", told).json["error"]["message"] == "原因"
    moved = answer(app, "/api/v1/needs", MethodNotAllowed(valid_methods=["GET", "POST"]))
    assert moved.status_code == 405 and moved.headers["Allow"] == "GET, POST"
    assert "Allow" not in answer(app, "/api/v1/needs", MethodNotAllowed()).headers
    assert answer(app, "/api/v1/nothing", HTTPNotFound()).status_code == 404


def test_many_unknown_fields_get_one_short_answer(app):
    unknown = {f"k{i}": ["Unknown field."] for i in range(11)}
    fields, message = errors._short({"amount_cny": ["太小"], **unknown})
    assert message == "请求包含 11 个未知字段（只列出前 10 个）"
    assert list(fields) == ["amount_cny", *(f"k{i}" for i in range(10))]
    ten = {f"k{i}": ["Unknown field."] for i in range(10)}
    assert errors._short(ten) == (ten, None)
    invalid = UnprocessableEntity()
    invalid.data = {"messages": {"json": unknown}}
    assert answer(app, "/api/v1/needs", invalid).json["error"]["message"] == "请求包含 11 个未知字段（只列出前 10 个）"


def test_http_errors_on_pages(app):
    from flask_wtf.csrf import CSRFError

    body, status = answer(app, "/auth/login", CSRFError())
    assert status == 400 and '<p class="lead">表单已失效（缺少或无效的安全令牌），请返回上一页重新提交。</p>' in body
    body, status = answer(app, "/nowhere", HTTPNotFound())
    assert status == 404
    from werkzeug.exceptions import HTTPException

    assert answer(app, "/nowhere", HTTPException())[1] == 500  # an error without a status is the server's
    assert answer(app, "/api/v1/needs", HTTPException()).status_code == 500


def test_anything_unexpected_is_a_500_without_internals(app, caplog):
    with app.test_request_context("/api/v1/needs", method="POST"):
        response = errors.handle_unexpected(RuntimeError("secret detail"))
    assert response.status_code == 500 and "secret detail" not in response.get_data(as_text=True)
    assert caplog.records[-1].getMessage() == "unhandled error on POST /api/v1/needs"
    with app.test_request_context("/account"):
        body, status = errors.handle_unexpected(RuntimeError("secret detail"))
    assert status == 500 and "secret detail" not in body
    with app.test_request_context("/healthz"):
        assert errors.wants_json()
    with app.test_request_context("/apiary"):
        assert not errors.wants_json()


def test_the_handlers_are_installed_for_every_kind_of_error(other_app, caplog):
    from werkzeug.exceptions import InternalServerError

    app = other_app(PROPAGATE_EXCEPTIONS=False)

    def boom():
        raise RuntimeError("secret detail")

    def aborted():
        raise InternalServerError()

    app.add_url_rule("/api/v1/boom", view_func=boom)
    app.add_url_rule("/api/v1/aborted", view_func=aborted)
    app.add_url_rule("/boom", view_func=boom)
    client = app.test_client()
    for path in ("/api/v1/boom", "/api/v1/aborted"):
        response = client.get(path)
        assert response.status_code == 500 and response.json["error"]["code"] == "internal_error"
        assert caplog.records[-1].getMessage() == f"unhandled error on GET {path}"  # with its traceback
    page = client.get("/boom")
    assert page.status_code == 500 and "secret detail" not in page.get_data(as_text=True)
    assert '<div class="display-4 text-muted">500</div>' in page.get_data(as_text=True)


def test_every_page_knows_who_is_signed_in_and_the_roles(app):
    from flask import g, render_template_string

    from models import Role, User

    with app.test_request_context("/"):
        g.user = User(email="o@x.cn", role=Role.ADMIN)
        shown = render_template_string("{{ current_user.email }} {{ Role.ADMIN.value }} {{ now().year > 2000 }}")
    assert shown == "o@x.cn admin True"


@pytest.mark.parametrize(("yuan", "zh", "en"), [
    (850_000, "85 万元", "CNY 850,000"), (3_000_000, "300 万元", "CNY 3.0 million"),
    (1_070_000, "107 万元", "CNY 1.07 million"), (12_345_678, "1,234.57 万元", "CNY 12.3 million"),
    (300_000_000, "3.00 亿元", "CNY 300.0 million"), (1_200_000_000, "12.00 亿元", "CNY 1.2 billion"),
    (-1_200_000, "-120 万元", "CNY -1.2 million"), (0, "0 万元", "CNY 0"),
])
def test_money_reads_as_each_language_counts_it(app, yuan, zh, en):
    from flask import session

    from matchmaker.filters import wan

    with app.test_request_context("/"):
        assert wan(yuan) == zh
        session["lang"] = "en"
        from flask_babel import refresh

        refresh()
        assert wan(yuan) == en
