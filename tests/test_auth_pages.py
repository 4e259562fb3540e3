"""Registration, sign-in and sign-out through the real HTML forms, as a browser submits them."""
import re

import pytest
import sqlalchemy as sa

from models import AuditEvent, Consent, Enterprise, User, db
from tests.conftest import csrf_token, valid_uscc

GOOD_FORM = {
    "email": "Owner@YunQi.cn",
    "password": "长江嘉陵江-2026-secret",
    "password_confirm": "长江嘉陵江-2026-secret",
    "name": "重庆云启智能科技有限公司",
    "uscc": valid_uscc(),
    "industry": "next_gen_it",
    "founded_on": "2016-05-20",
    "employees": "86",
    "annual_revenue": "3200.5",
    "rd_ratio_pct": "8.5",
    "ip_count": "14",
    "certifications": ["high_tech_enterprise", "tech_sme"],
    "credit_rating": "A",
    "district": "九龙坡区",
    "has_collateral": "y",
    "contact_name": "王晓燕",
    "contact_phone": "+86 138-2345-6789",
    "legal_representative": "李建国",
    "total_assets": "5600",
    "total_liabilities": "2100.5",
    "net_profit": "-120",
    "accept_terms": "y",
}


def submit(client, path, data):
    token = csrf_token(client.get(path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def field_errors(html: str) -> dict[str, str]:
    """Each field's messages, read off the page the way a person sees them."""
    errors = {}
    for field_id, text in re.findall(r'id="([\w-]+)-feedback" class="invalid-feedback">([^<]*(?:<br>[^<]*)*)</div>', html):
        if text.strip():
            errors[field_id] = text
    for field_id, text in re.findall(r'id="([\w-]+)"[^>]*>\s*<label[^>]*>[^<]*</label>\s*<div class="invalid-feedback">([^<]+)</div>', html):
        errors[field_id] = text
    return errors


def test_register_page_is_chinese_and_carries_csrf(client):
    html = client.get("/auth/register").get_data(as_text=True)
    assert "企业注册" in html and "统一社会信用代码" in html
    assert 'name="csrf_token"' in html


def test_registration_creates_the_firm_and_signs_in(client, app):
    response = submit(client, "/auth/register", GOOD_FORM)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    home = client.get("/account").get_data(as_text=True)
    assert "重庆云启智能科技有限公司" in home and "企业工作台" in home
    with app.app_context():
        firm = db.session.scalar(sa.select(Enterprise))
        assert firm.annual_revenue_cny == 32_005_000  # 3200.5 万元
        assert firm.certifications == ["high_tech_enterprise", "tech_sme"]
        assert firm.share_in_leads is False  # consent is off unless given
        assert (firm.contact_name, firm.contact_phone, firm.legal_representative) == ("王晓燕", "13823456789", "李建国")
        assert (firm.total_assets_cny, firm.total_liabilities_cny, firm.net_profit_cny, firm.net_profit_prev_cny) == (
            56_000_000, 21_005_000, -1_200_000, None)  # 万元 typed, yuan kept; a field left empty is "not given"
        user = db.session.scalar(sa.select(User))
        assert user.email == "owner@yunqi.cn"
        assert user.password_hash.startswith("$argon2id$")
        consent = db.session.scalar(sa.select(Consent).where(Consent.scope == "privacy_policy"))
        assert (consent.enterprise_id, consent.version, consent.granted, consent.actor_id) == (
            firm.id, app.config["PRIVACY_POLICY_VERSION"], True, user.id)


@pytest.mark.parametrize(("phone", "problem"), [("", "请填写联系人手机号"), ("1382345678", "11 位中国大陆手机号"),
                                               ("23823456789", "11 位中国大陆手机号"), ("+1 415 555 0100", "11 位")])
def test_registration_asks_for_a_contact_with_a_mainland_mobile(client, phone, problem):
    response = submit(client, "/auth/register", {**GOOD_FORM, "contact_phone": phone, "contact_name": ""})
    html = response.get_data(as_text=True)
    errors = field_errors(html)
    assert response.status_code == 422 and problem in errors["contact_phone"] and "请填写联系人" in errors["contact_name"]
    assert 'value="李建国"' in html and 'value="5600"' in html  # nothing typed is lost


def test_the_privacy_policy_is_a_real_page_with_its_version(client, app):
    html = client.get("/privacy").get_data(as_text=True)
    assert app.config["PRIVACY_POLICY_VERSION"] in html
    for words in ("我们收集哪些信息", "谁能看到", "同意与撤回", "个人信息保护法", "删除"):
        assert words in html
    assert 'href="/privacy"' in client.get("/auth/register").get_data(as_text=True)


@pytest.mark.parametrize("field, value, form_id, expected", [
    ("uscc", valid_uscc()[:-1] + ("0" if valid_uscc()[-1] != "0" else "1"), "uscc", "校验位错误"),
    ("uscc", "91500107", "uscc", "18 位"),
    ("email", "not-an-email", "email", "邮箱格式不正确"),
    ("password", "short", "password", "至少需要 10 个字符"),
    ("password_confirm", "something-else-entirely", "password_confirm", "两次输入的密码不一致"),
    ("name", "", "name", "请填写企业名称"),
    ("industry", "banking", "industry", "请选择列表中的一项"),
    ("founded_on", "2099-01-01", "founded_on", "不能晚于今天"),
    ("founded_on", "20-05-2016", "founded_on", "YYYY-MM-DD"),
    ("employees", "八十", "employees", "请输入整数"),
    ("employees", "-5", "employees", "不能为负数"),
    ("annual_revenue", "-1", "annual_revenue", "不能为负数"),
    ("rd_ratio_pct", "150", "rd_ratio_pct", "超出合理范围"),
    ("ip_count", "1.5", "ip_count", "请输入整数"),
    ("credit_rating", "AAAA", "credit_rating", "请选择列表中的一项"),
    ("district", "", "district", "此项为必填项"),
    ("district", "火星", "district", "请选择列表中的一项"),
])
def test_each_bad_value_gets_its_message_and_the_form_keeps_what_was_typed(client, app, field, value, form_id,
                                                                            expected):
    data = {**GOOD_FORM, field: value}
    if field == "password":
        data["password_confirm"] = value
    response = submit(client, "/auth/register", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    errors = field_errors(html)
    assert expected in errors.get(form_id, ""), errors
    assert list(errors) == [form_id] or field == "password_confirm" and set(errors) <= {"password_confirm"}
    # What the person typed is still there (passwords excepted, as browsers expect).
    assert 'value="重庆云启智能科技有限公司"' in html or field == "name"
    assert 'value="3200.5"' in html or field == "annual_revenue"
    assert re.search(r'value="high_tech_enterprise"\s+checked', html)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enterprise)) == 0


def test_all_problems_are_reported_at_once(client):
    data = {**GOOD_FORM, "employees": "x", "password": "short", "password_confirm": "short",
            "uscc": "91500107MA5U8XGK70"}
    errors = field_errors(submit(client, "/auth/register", data).get_data(as_text=True))
    assert {"employees", "password", "uscc"} <= set(errors)


def test_terms_must_be_accepted(client):
    data = {k: v for k, v in GOOD_FORM.items() if k != "accept_terms"}
    response = submit(client, "/auth/register", data)
    assert response.status_code == 422
    assert "请阅读并同意服务协议" in response.get_data(as_text=True)


def test_duplicate_email_and_uscc_are_refused_with_messages(client, make_user):
    existing = make_user("enterprise", email="owner@yunqi.cn")
    response = submit(client, "/auth/register", GOOD_FORM)
    assert response.status_code == 409
    assert "该邮箱已注册" in field_errors(response.get_data(as_text=True))["email"]
    assert existing.enterprise_id


def test_duplicate_uscc_is_refused(client, app):
    submit(client, "/auth/register", GOOD_FORM)
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/account").get_data(as_text=True))})
    response = submit(client, "/auth/register", {**GOOD_FORM, "email": "other@yunqi.cn"})
    assert response.status_code == 409
    assert "已注册" in field_errors(response.get_data(as_text=True))["uscc"]


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/auth/login", data={"email": "a@b.cn", "password": "x" * 12})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)


def test_login_wrong_password_keeps_email_and_says_so(client, make_user):
    user = make_user("admin")
    response = submit(client, "/auth/login", {"email": user.email, "password": "wrong-password-1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "邮箱或密码错误" in html and f'value="{user.email}"' in html


def test_unknown_email_gets_the_same_answer(client):
    response = submit(client, "/auth/login", {"email": "nobody@example.cn", "password": "wrong-password-1"})
    assert response.status_code == 401 and "邮箱或密码错误" in response.get_data(as_text=True)


@pytest.mark.parametrize("role, marker", [
    ("enterprise", "企业工作台"), ("institution", "金融机构工作台"), ("admin", "管理后台"),
])
def test_account_is_the_home_of_each_role(client, make_user, role, marker):
    user = make_user(role)
    response = submit(client, "/auth/login", {"email": user.email, "password": user.password})
    assert response.status_code == 302
    html = client.get("/account").get_data(as_text=True)
    assert marker in html
    assert 'action="/auth/logout"' in html  # the logout form is on the home page


def test_anonymous_account_goes_to_login_and_comes_back(client, make_user):
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")
    user = make_user("admin")
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    token = csrf_token(login_page)
    back = client.post(response.headers["Location"],
                       data={"email": user.email, "password": user.password, "csrf_token": token})
    assert back.headers["Location"] == "/account"


def test_login_never_redirects_off_site(client, make_user):
    user = make_user("admin")
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login?next=https://evil.example/x",
                           data={"email": user.email, "password": user.password, "csrf_token": token})
    assert response.headers["Location"] == "/account"


def test_a_cookie_copied_before_logout_is_worthless_after(app, make_user):
    user = make_user("enterprise")
    browser = app.test_client()
    submit(browser, "/auth/login", {"email": user.email, "password": user.password})
    stolen = browser.get_cookie("mm_session").value
    thief = app.test_client()
    thief.set_cookie("mm_session", stolen)
    assert thief.get("/account").status_code == 200
    token = csrf_token(browser.get("/account").get_data(as_text=True))
    assert browser.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert thief.get("/account").status_code == 302  # back to the login page
    assert browser.get("/account").status_code == 302


def test_login_and_logout_are_audited(client, app, make_user):
    user = make_user("admin")
    submit(client, "/auth/login", {"email": user.email, "password": "wrong-password-1"})
    submit(client, "/auth/login", {"email": user.email, "password": user.password})
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/account").get_data(as_text=True))})
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["auth.login_failed", "auth.login", "auth.logout"]
        assert all(e.ip for e in db.session.scalars(sa.select(AuditEvent)))
        assert not any(user.password in str(e.detail) for e in db.session.scalars(sa.select(AuditEvent)))


def test_disabled_user_cannot_sign_in_and_loses_sessions(client, app, make_user):
    user = make_user("admin")
    submit(client, "/auth/login", {"email": user.email, "password": user.password})
    assert client.get("/account").status_code == 200
    with app.app_context():
        db.session.get(User, user.id).is_active = False
        db.session.commit()
    assert client.get("/account").status_code == 302
    # Refused, and told why, since the right password was given (issue 12: said only after the password).
    refused = submit(client, "/auth/login", {"email": user.email, "password": user.password})
    assert refused.status_code == 403 and "账户已停用" in refused.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_create_admin_command(runner, app):
    result = runner.invoke(args=["create-admin", "--email", "Chief@Bureau.cn", "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    assert "created administrator chief@bureau.cn" in result.output
    result = runner.invoke(args=["create-admin", "--email", "chief@bureau.cn", "--password", "another-long-one"])
    assert "password reset" in result.output
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "chief@bureau.cn"))
        assert admin.role.value == "admin" and admin.check_password("another-long-one")
    refused = runner.invoke(args=["create-admin", "--email", "x@bureau.cn", "--password", "short"])
    assert refused.exit_code != 0 and "至少需要 10 个字符" in refused.output


def test_role_required_pages_refuse_other_roles(other_app, make_user):
    """The page decorator: anonymous visitors to the login page, a wrong role 403 in Chinese."""
    from matchmaker.auth.current import role_required
    from models import Role

    app = other_app()

    @app.route("/_admin_only")
    @role_required(Role.ADMIN)
    def admin_only():
        return "secret figures"

    client = app.test_client()
    assert client.get("/_admin_only").headers["Location"].startswith("/auth/login")
    owner = make_user("enterprise")
    submit(client, "/auth/login", {"email": owner.email, "password": owner.password})
    refused = client.get("/_admin_only")
    assert refused.status_code == 403 and "无权访问" in refused.get_data(as_text=True)
    assert "secret figures" not in refused.get_data(as_text=True)
