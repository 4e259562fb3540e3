"""The sign-in rules read one by one at the services (``matchmaker/auth/services.py``, ``sessions.py``,
``two_factor.py``): one spelling per mailbox, password rules at their edges, the lockout window, what a
failed, a disabled and a good sign-in record, and what enrolling and changing a password end. Argon2 runs
with its cheapest parameters here (the rules, not the hashing, are under test), so a mutant runs in seconds."""
import datetime as dt
import time

import pyotp
import pytest
import sqlalchemy as sa

from matchmaker.auth import services, sessions, two_factor
from matchmaker.enterprise import registration
from matchmaker.errors import Conflict, Forbidden, InvalidInput, TooManyRequests, Unauthorized
from models import AuthToken, Institution, LoginFailure, Role, TokenKind, User, db, now_utc
from tests.conftest import enterprise_facts, valid_uscc
from tests.rule_helpers import audited, refusal, use_cheap_argon2

PASSWORD = "Qz7-kd9-Lm-rainbow"


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    use_cheap_argon2(monkeypatch)


def account(role: str = "institution", email: str | None = None, *, active: bool = True) -> User:
    user = User(email=email or f"{role}-{time.perf_counter_ns()}@example.cn", role=Role(role), is_active=active)
    if role == "institution":
        user.institution = Institution(name=f"测试银行{time.perf_counter_ns()}", kind="bank")
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    return user


@pytest.mark.parametrize("written", [
    "u@bücher.example", " U@BÜCHER.EXAMPLE ", "u@xn--bcher-kva.example", "u@bücher．example", "u@bu\u0308cher.example",
])
def test_one_spelling_per_mailbox(written):
    assert services.normalize_email(written) == "u@xn--bcher-kva.example"


@pytest.mark.parametrize("written, stored", [
    ("NoAtSign", "noatsign"), (None, ""), ("A@B@Example.CN", "a@b@example.cn"), ("U@-Bad-.Example", "u@-bad-.example"),
    ("A@B@BÜCHER.example", "a@b@xn--bcher-kva.example"),  # the domain is what follows the last "@"
])
def test_what_is_no_plain_address_is_still_spelt_one_way(written, stored):
    assert services.normalize_email(written) == stored


@pytest.mark.parametrize("email, problem", [("", "请填写邮箱"), ("no-at-sign", "邮箱格式不正确"), ("a@b.cn", None)])
def test_email_problems(email, problem):
    assert services.check_email(email) == problem


@pytest.mark.parametrize("password, problem", [
    (None, "请填写密码"), ("", "请填写密码"), ("Qz7-kd9-L", "密码至少需要 10 个字符"), ("Qz7-kd9-Lm", None),
    ("Qz7-" + "k" * 252, None), ("Qz7-" + "k" * 253, "密码最多 256 个字符"),
    ("1qaz2wsx3edc", "这个密码太常见，很容易被猜中，请换一个"), ("ababababab", "这个密码太常见，很容易被猜中，请换一个"),
    ("abcabcabca", None),
])
def test_password_rules_at_their_edges(password, problem):
    assert services.check_password(password) == problem


def test_a_registration_names_every_bad_field(ctx):
    refused = refusal(InvalidInput, registration.create, email="bad", password="short",
                      facts=enterprise_facts(employees=-1), language="zh")
    assert refused.message == "注册信息有误，请检查标出的字段"
    assert refused.fields == {"email": ["邮箱格式不正确"], "password": ["密码至少需要 10 个字符"],
                              "enterprise.employees": ["员工人数不能为负数"]}


def test_a_registration_stores_the_one_spelling_and_refuses_it_twice(ctx):
    user = registration.create(email="Owner@Bücher.example", password=PASSWORD, facts=enterprise_facts(),
                               language="zh")
    assert (user.email, user.role, user.check_password(PASSWORD)) == ("owner@xn--bcher-kva.example", Role.ENTERPRISE, True)
    [event] = audited("auth.register")
    assert (event.actor_id, event.target_type, event.target_id) == (user.id, "enterprise", user.enterprise_id)
    taken = refusal(Conflict, registration.create, email="owner@xn--bcher-kva.example", password=PASSWORD,
                    facts=enterprise_facts(uscc=valid_uscc("91500107MA61HXT70")), language="zh")
    assert (taken.message, taken.fields) == ("该邮箱已注册", {"email": ["该邮箱已注册"]})
    same_firm = refusal(Conflict, registration.create, email="other@example.cn", password=PASSWORD,
                        facts=enterprise_facts(), language="zh")
    assert same_firm.message == "该统一社会信用代码已注册；如为贵司代码被占用，请联系管理员认领"
    assert same_firm.fields == {"enterprise.uscc": ["该统一社会信用代码已注册"]}


@pytest.mark.parametrize("language, kept", [("en", "en"), ("zh", "zh"), ("fr", "zh"), ("EN", "zh"), ("", "zh")])
def test_a_registration_keeps_the_language_it_was_made_in_when_the_site_speaks_it(ctx, language, kept):
    user = registration.create(email="lang@example.cn", password=PASSWORD, facts=enterprise_facts(),
                               language=language)
    assert user.language == kept


def fail_at(email: str, *moments: dt.datetime) -> None:
    db.session.add_all(LoginFailure(email=email, at=at) for at in moments)
    db.session.flush()


NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
MINUTE = dt.timedelta(minutes=1)


def test_ten_failures_within_fifteen_minutes_lock_for_five_after_the_last(ctx):
    # Ten failures spread over exactly the window: locked until the later of last + 5 min and first + 15 min.
    fail_at("a@x.cn", *(NOW - MINUTE * (15 * k / 9) for k in range(10)))
    assert services.locked_until("a@x.cn", at=NOW) == NOW + 5 * MINUTE
    assert services.locked_until("a@x.cn", at=NOW + 5 * MINUTE) is None
    assert services.locked_until("a@x.cn", at=NOW + 5 * MINUTE - dt.timedelta(seconds=1)) == NOW + 5 * MINUTE


def test_failures_spread_wider_than_the_window_do_not_lock(ctx):
    fail_at("b@x.cn", *(NOW - MINUTE * (15 * k / 9) - dt.timedelta(seconds=k // 9) for k in range(10)))
    assert services.locked_until("b@x.cn", at=NOW) is None
    fail_at("c@x.cn", *(NOW - MINUTE * k for k in range(9)))  # nine: one short of the limit
    assert services.locked_until("c@x.cn", at=NOW) is None
    assert services.locked_until("d@x.cn", at=NOW) is None


def test_the_lock_lasts_until_the_window_of_the_first_failure_ends(ctx):
    fail_at("e@x.cn", *(NOW - dt.timedelta(seconds=k) for k in range(10)))  # ten in ten seconds
    assert services.locked_until("e@x.cn", at=NOW) == NOW - dt.timedelta(seconds=9) + 15 * MINUTE


def test_of_several_bursts_the_lock_ends_with_the_latest_end(ctx):
    # Eleven failures a second apart: two windows of ten; the newer one's window ends later.
    fail_at("g@x.cn", *(NOW - dt.timedelta(seconds=k) for k in range(11)))
    assert services.locked_until("g@x.cn", at=NOW) == NOW - dt.timedelta(seconds=9) + 15 * MINUTE


def test_the_lock_ends_at_its_end_not_after(ctx):
    fail_at("h@x.cn", *(NOW - dt.timedelta(seconds=6 * k) for k in range(10)))  # ten within 54 s
    end = NOW - dt.timedelta(seconds=54) + 15 * MINUTE
    assert services.locked_until("h@x.cn", at=end - dt.timedelta(microseconds=1)) == end
    assert services.locked_until("h@x.cn", at=end) is None


def test_the_last_second_of_a_lock_is_still_a_second(ctx):
    user = account()
    oldest = now_utc() - 15 * MINUTE + dt.timedelta(milliseconds=500)
    fail_at(user.email, *(oldest + dt.timedelta(milliseconds=50 * k) for k in range(10)))
    refused = refusal(TooManyRequests, services.authenticate, email=user.email, password=PASSWORD)
    assert refused.headers == {"Retry-After": "1"}


def test_a_failure_keeps_the_address_and_a_long_email_fits_its_column(app, ctx):
    long_email = "x" * 250 + "@example.cn"
    with app.test_request_context("/auth/login", environ_base={"REMOTE_ADDR": "10.9.8.7"}):
        refusal(Unauthorized, services.authenticate, email=long_email, password=PASSWORD)
    failure = db.session.scalars(sa.select(LoginFailure)).one()
    assert (failure.ip, failure.email) == ("10.9.8.7", long_email[:254])
    assert audited("auth.login_failed")[0].detail == {"email": long_email[:254]}


def test_an_old_burst_has_expired(ctx):
    fail_at("f@x.cn", *(NOW - 21 * MINUTE - dt.timedelta(seconds=k) for k in range(10)))
    assert services.locked_until("f@x.cn", at=NOW) is None


def test_a_locked_address_is_told_when_to_come_back(ctx):
    user = account()
    fail_at(user.email, *(now_utc() - dt.timedelta(seconds=k) for k in range(10)))
    refused = refusal(TooManyRequests, services.authenticate, email=user.email.upper(), password=PASSWORD)
    assert refused.message == "登录失败次数过多，请稍后再试"
    assert 14 * 60 < int(refused.headers["Retry-After"]) <= 15 * 60


def test_an_unknown_address_costs_the_same_password_work_and_counts(ctx, monkeypatch):
    checked = []
    monkeypatch.setattr(services, "verify_dummy_password", checked.append)
    refused = refusal(Unauthorized, services.authenticate, email=" Nobody@Example.CN ", password=PASSWORD)
    assert refused.message == "邮箱或密码错误" and checked == [PASSWORD]
    [failure] = db.session.scalars(sa.select(LoginFailure)).all()
    assert failure.email == "nobody@example.cn"
    [event] = audited("auth.login_failed")
    assert (event.actor_id, event.detail) == (None, {"email": "nobody@example.cn"})
    refusal(Unauthorized, services.authenticate, email="nobody@example.cn", password=None)
    assert checked == [PASSWORD, ""]


def test_a_wrong_password_counts_against_the_account(ctx, monkeypatch):
    user = account()
    checked = []
    monkeypatch.setattr(services, "verify_dummy_password", checked.append)
    assert refusal(Unauthorized, services.authenticate, email=user.email, password="wrong-password").message == "邮箱或密码错误"
    assert checked == []  # the real hash did the work
    assert [e.actor_id for e in audited("auth.login_failed")] == [user.id]
    assert db.session.scalar(sa.select(sa.func.count(LoginFailure.id)).filter_by(email=user.email)) == 1


def test_a_disabled_account_is_named_only_to_whoever_knows_its_password(ctx):
    user = account(active=False)
    refusal(Unauthorized, services.authenticate, email=user.email, password="wrong-password")
    refused = refusal(Forbidden, services.authenticate, email=user.email, password=PASSWORD)
    assert refused.message == "该账户已停用，如有疑问请联系平台管理员"
    [event] = audited("auth.login_disabled")
    assert (event.actor_id, event.target_type, event.target_id) == (user.id, "user", user.id)
    assert user.last_login_at is None


def test_a_good_sign_in_is_recorded(ctx):
    user = account()
    before = now_utc()
    assert services.authenticate(email=user.email.upper(), password=PASSWORD) is user
    assert user.last_login_at >= before
    [event] = audited("auth.login")
    assert (event.actor_id, event.target_type, event.target_id) == (user.id, "user", user.id)
    assert db.session.scalar(sa.select(sa.func.count(LoginFailure.id))) == 0


def enrolled(user: User) -> pyotp.TOTP:
    secret = pyotp.random_base32()
    two_factor.confirm(user=user, secret=secret, code=pyotp.TOTP(secret).now())
    user.totp_last_step = None
    return pyotp.TOTP(secret)


def test_a_wrong_second_factor_counts_as_a_failed_sign_in(ctx):
    user = account()
    totp = enrolled(user)
    refused = refusal(Unauthorized, services.check_second_factor, user=user, code="000000" if totp.now() != "000000" else "111111")
    assert refused.message == "动态验证码不正确或已用过"
    assert refused.fields == {"otp": ["请输入验证器应用上的 6 位动态码，或一个未用过的恢复码"]}
    assert db.session.scalar(sa.select(sa.func.count(LoginFailure.id)).filter_by(email=user.email)) == 1
    [event] = audited("auth.two_factor_failed")
    assert (event.actor_id, event.target_type, event.target_id) == (user.id, "user", user.id)
    assert services.check_second_factor(user=user, code=totp.now()) is None


def test_a_locked_account_may_not_guess_codes(ctx):
    user = account()
    totp = enrolled(user)
    fail_at(user.email, *(now_utc() - dt.timedelta(seconds=k) for k in range(10)))
    refusal(TooManyRequests, services.check_second_factor, user=user, code=totp.now())


def signed_in(user: User, kind=TokenKind.WEB, second_factor=False) -> AuthToken:
    with db.session.no_autoflush:
        return services.sign_in(user=user, kind=kind, second_factor=second_factor)[1]


def live(token: AuthToken) -> bool:
    db.session.flush()
    db.session.refresh(token)
    return token.revoked_at is None


def test_enrolling_ends_every_other_sign_in_and_upgrades_this_one(ctx):
    user = account()
    this, other_web, other_api = signed_in(user), signed_in(user), signed_in(user, TokenKind.API)
    stranger = signed_in(account())
    refused = refusal(InvalidInput, services.enable_two_factor, user=user, token=this, code="123456")
    assert (refused.message, refused.fields) == ("请重新扫描二维码", {"code": ["设置已过期，请刷新页面重新扫描二维码"]})
    secret = services.two_factor_setup_secret(token=this)
    assert services.two_factor_setup_secret(token=this) == secret == this.totp_setup_secret
    codes = services.enable_two_factor(user=user, token=this, code=pyotp.TOTP(secret).now())
    assert len(codes) == 10 and user.totp_secret == secret
    assert (this.second_factor, this.totp_setup_secret) == (True, None)
    assert (live(this), live(other_web), live(other_api), live(stranger)) == (True, False, False, True)
    [event] = audited("auth.sessions_ended")
    assert (event.actor_id, event.target_type, event.target_id, event.detail) == (
        user.id, "user", user.id, {"ended": 2, "why": "two_factor_enable"})


def test_a_password_change_checks_the_old_and_the_new_and_ends_the_others(ctx):
    user = account()
    this, other = signed_in(user), signed_in(user, TokenKind.API)
    wrong = refusal(InvalidInput, services.change_password, user=user, token=this, current="nope", new="Brand-new-2026")
    assert (wrong.message, wrong.fields) == ("当前密码不正确", {"current": ["当前密码不正确"]})
    assert [(e.actor_id, e.target_type, e.target_id) for e in audited("auth.password_change_failed")] == [
        (user.id, "user", user.id)]
    assert db.session.scalar(sa.select(sa.func.count(LoginFailure.id)).filter_by(email=user.email)) == 1
    refusal(InvalidInput, services.change_password, user=user, token=this, current=None, new="Brand-new-2026")
    assert db.session.scalar(sa.select(sa.func.count(LoginFailure.id)).filter_by(email=user.email)) == 2
    weak = refusal(InvalidInput, services.change_password, user=user, token=this, current=PASSWORD, new="short")
    assert (weak.message, weak.fields) == ("新密码不符合要求", {"password": ["密码至少需要 10 个字符"]})
    same = refusal(InvalidInput, services.change_password, user=user, token=this, current=PASSWORD, new=PASSWORD)
    assert (same.message, same.fields) == ("新密码不能与当前密码相同", {"password": ["新密码不能与当前密码相同"]})
    assert services.change_password(user=user, token=this, current=PASSWORD, new="Brand-new-2026") == 1
    assert user.check_password("Brand-new-2026") and not user.check_password(PASSWORD)
    assert (live(this), live(other)) == (True, False)
    [event] = audited("auth.password_change")
    assert (event.actor_id, event.target_type, event.target_id, event.detail) == (
        user.id, "user", user.id, {"sessions_ended": 1})


def test_a_sign_in_has_no_second_factor_unless_it_passed_one(ctx):
    user = account()
    secret, token = services.sign_in(user=user, kind=TokenKind.API)
    assert token.second_factor is False and token.kind is TokenKind.API and token.user is user
    assert services.sign_in(user=user, kind=TokenKind.WEB, second_factor=True)[1].second_factor is True


def test_signing_out_ends_that_sign_in_only(ctx):
    user = account()
    this, other = signed_in(user), signed_in(user)
    services.sign_out(token=this)
    assert (live(this), live(other)) == (False, True)
    [event] = audited("auth.logout")
    assert (event.actor_id, event.target_type, event.target_id) == (user.id, "user", user.id)


def test_an_administrator_is_created_or_reset_and_a_reset_ends_its_sign_ins(ctx):
    refused = refusal(InvalidInput, services.create_or_reset_admin, email="bad", password="short")
    assert (refused.message, refused.fields) == ("管理员信息有误", {"email": ["邮箱格式不正确"],
                                                              "password": ["密码至少需要 10 个字符"]})
    admin, created = services.create_or_reset_admin(email=" Bureau@Example.CN ", password=PASSWORD)
    assert (created, admin.email, admin.role, admin.check_password(PASSWORD)) == (True, "bureau@example.cn", Role.ADMIN, True)
    assert [(e.target_type, e.target_id) for e in audited("user.admin_create")] == [("user", admin.id)]
    session = signed_in(admin)
    admin.is_active = False
    again, created = services.create_or_reset_admin(email="bureau@example.cn", password="Another-pass-2026")
    assert (again is admin, created, admin.is_active, admin.check_password("Another-pass-2026")) == (True, False, True, True)
    assert not live(session)
    assert [(e.target_type, e.target_id) for e in audited("user.admin_password")] == [("user", admin.id)]
    officer = account("institution", "officer@example.cn")
    taken = refusal(Conflict, services.create_or_reset_admin, email=officer.email, password=PASSWORD)
    assert (taken.message, taken.fields) == ("该邮箱已属于非管理员账户", {"email": ["该邮箱已属于非管理员账户"]})
    assert officer.role is Role.INSTITUTION


def test_the_enterprise_of_a_user(ctx):
    firm = registration.create(email="o@example.cn", password=PASSWORD, facts=enterprise_facts(), language="zh")
    assert services.enterprise_of(firm) is firm.enterprise is not None
    assert services.enterprise_of(account()) is None


def test_a_token_lives_as_long_as_its_kind_allows(app, ctx):
    user = account()
    before = now_utc()
    web_secret, web = sessions.issue(user=user, kind=TokenKind.WEB)
    api_secret, api = sessions.issue(user=user, kind=TokenKind.API, second_factor=True)
    assert (web.second_factor, api.second_factor) == (False, True)
    assert before + app.config["WEB_SESSION_TTL"] <= web.expires_at <= now_utc() + app.config["WEB_SESSION_TTL"]
    assert before + app.config["API_TOKEN_TTL"] <= api.expires_at <= now_utc() + app.config["API_TOKEN_TTL"]
    assert len(web_secret) == 43 and web.token_hash == sessions._digest(web_secret) != web_secret  # 256 bits
    with app.test_request_context("/auth/login", environ_base={"REMOTE_ADDR": "10.1.2.3"}):
        assert sessions.issue(user=user, kind=TokenKind.WEB)[1].ip == "10.1.2.3"
    with app.test_request_context("/api/v1/needs"):
        assert sessions.resolve(api_secret, kind=TokenKind.API) is api
        assert sessions.resolve(api_secret, kind=TokenKind.WEB) is None  # a bearer token is no cookie
        assert sessions.resolve(None, kind=TokenKind.API) is None
        assert sessions.resolve("x" * 201, kind=TokenKind.API) is None
        assert sessions.resolve("unknown", kind=TokenKind.API) is None
        api.expires_at = now_utc() - dt.timedelta(seconds=1)
        assert sessions.resolve(api_secret, kind=TokenKind.API) is None
    assert sessions.expires_in(web) <= app.config["WEB_SESSION_TTL"]
    assert sessions.expires_in(web) > app.config["WEB_SESSION_TTL"] - dt.timedelta(minutes=1)


def test_a_browser_session_ends_after_its_idle_time_and_records_use_once_a_minute(app, ctx):
    user = account()
    secret, token = sessions.issue(user=user, kind=TokenKind.WEB)
    db.session.commit()
    idle = app.config["WEB_SESSION_IDLE"]
    with app.test_request_context("/account", method="POST"):
        assert sessions.resolve(secret, kind=TokenKind.WEB) is token and token.last_used_at is not None
        assert token in db.session.dirty  # a writing request carries the use in its own transaction
        first = token.last_used_at
        assert sessions.resolve(secret, kind=TokenKind.WEB) is token and token.last_used_at == first
        token.last_used_at = now_utc() - sessions.TOUCH_EVERY - dt.timedelta(seconds=1)
        sessions.resolve(secret, kind=TokenKind.WEB)
        assert token.last_used_at >= first
        token.last_used_at = now_utc() - idle - dt.timedelta(seconds=1)
        assert sessions.resolve(secret, kind=TokenKind.WEB) is None
        token.last_used_at = now_utc() - idle + dt.timedelta(seconds=5)
        assert sessions.resolve(secret, kind=TokenKind.WEB) is token
    db.session.commit()
    with app.test_request_context("/account"):
        token.last_used_at = now_utc() - sessions.TOUCH_EVERY - dt.timedelta(seconds=1)
        db.session.commit()
        assert sessions.resolve(secret, kind=TokenKind.WEB) is token
        assert token not in db.session.dirty
    # A page view records the use on a connection of its own: it is in the database, committed.
    stored = db.session.scalar(sa.select(AuthToken.last_used_at).where(AuthToken.id == token.id))
    assert now_utc() - stored < dt.timedelta(seconds=30) and token.last_used_at == stored
    with app.test_request_context("/account", method="POST"):
        used = token.last_used_at
        sessions._touch(token, used + sessions.TOUCH_EVERY)  # a minute on: recorded again
        assert token.last_used_at == used + sessions.TOUCH_EVERY
        sessions._touch(token, token.last_used_at + sessions.TOUCH_EVERY - dt.timedelta(microseconds=1))
        assert token.last_used_at == used + sessions.TOUCH_EVERY


def test_a_busy_database_does_not_fail_a_page_for_recording_its_use(app, ctx, monkeypatch, caplog):
    user = account()
    secret, token = sessions.issue(user=user, kind=TokenKind.WEB)
    token.last_used_at = now_utc() - sessions.TOUCH_EVERY * 2
    db.session.commit()
    before = token.last_used_at

    class Busy:
        def __enter__(self):
            raise sa.exc.OperationalError("UPDATE", {}, Exception("database is locked"))

        def __exit__(self, *exc):
            return False

    with monkeypatch.context() as patched, app.test_request_context("/account"):
        patched.setattr(type(db.engine), "begin", lambda self: Busy())
        assert sessions.resolve(secret, kind=TokenKind.WEB) is token
    assert token.last_used_at == before
    assert caplog.records[-1].getMessage() == f"could not record the use of session {token.id} now"


def test_revoking_all_keeps_the_one_asked_for(ctx):
    user, other = account(), account()
    keep, a, b, theirs = signed_in(user), signed_in(user), signed_in(user, TokenKind.API), signed_in(other)
    sessions.revoke(a)
    assert sessions.revoke_all(user=user, keep=keep) == 1  # a was revoked already
    assert (live(keep), live(a), live(b), live(theirs)) == (True, False, False, True)
    assert sessions.revoke_all(user=user) == 1 and not live(keep)


def test_a_code_is_six_ascii_digits_within_a_step_either_side():
    secret = pyotp.random_base32()
    totp, now = pyotp.TOTP(secret), time.time()
    step = int(now // 30)
    for offset in (-1, 0, 1):
        assert two_factor._matching_step(secret, totp.generate_otp(step + offset), now) == step + offset
    assert two_factor._matching_step(secret, totp.generate_otp(step + 2), now) is None
    assert two_factor._matching_step(secret, totp.generate_otp(step - 2), now) is None
    for code in ("12345", "1234567", "١٢٣٤٥٦", "12345a", "      "):
        assert two_factor._matching_step(secret, code, now) is None


def test_enrolment_needs_a_right_code_and_gives_ten_recovery_codes(ctx):
    user = account()
    secret = two_factor.new_secret()
    refused = refusal(InvalidInput, two_factor.confirm, user=user, secret=secret, code="abc")
    assert (refused.message, refused.fields) == ("验证码不正确", {"code": ["验证码不正确，请核对手机上的 6 位数字"]})
    assert not two_factor.enabled(user)
    codes = two_factor.confirm(user=user, secret=secret, code=f" {pyotp.TOTP(secret).now()} ")
    assert len(set(codes)) == 10 and all(len(c) == 13 and c[6] == "-" for c in codes)
    assert two_factor.enabled(user) and user.totp_secret == secret
    assert user.totp_last_step in {int(time.time() // 30) + d for d in (-1, 0, 1)}
    assert user.recovery_codes == [two_factor._digest(c) for c in codes] and codes[0] not in user.recovery_codes
    assert [(e.actor_id, e.target_type, e.target_id) for e in audited("auth.two_factor_enable")] == [
        (user.id, "user", user.id)]
    refusal(InvalidInput, two_factor.confirm, user=user, secret=secret, code=None)
    uri = two_factor.provisioning_uri(user, secret)
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
    assert "issuer=%E9%AB%98%E6%96%B0%E9%87%91%E6%9C%8D" in uri and user.email.replace("@", "%40") in uri


def test_the_enrolment_qr_code_is_an_inline_svg_of_five_pixel_modules():
    import base64

    import segno

    uri = "otpauth://totp/%E9%AB%98%E6%96%B0%E9%87%91%E6%9C%8D:o%40x.cn?secret=JBSWY3DPEHPK3PXP&issuer=x"
    data = two_factor.qr_svg_data_uri(uri)
    prefix = "data:image/svg+xml;base64,"
    assert data.startswith(prefix)
    svg = base64.b64decode(data[len(prefix):]).decode()
    assert svg.startswith("<svg") and "<?xml" not in svg  # inline: no XML declaration
    side = segno.make(uri, error="m", boost_error=False).symbol_size(scale=5)[0]
    assert f'width="{side}"' in svg and f'height="{side}"' in svg


def test_a_code_works_once_and_a_recovery_code_once(ctx):
    user = account()
    secret = pyotp.random_base32()
    codes = two_factor.confirm(user=user, secret=secret, code=pyotp.TOTP(secret).now())
    assert not two_factor.verify(user=user, code=pyotp.TOTP(secret).now())  # the enrolment used it
    user.totp_last_step -= 1
    assert two_factor.verify(user=user, code=pyotp.TOTP(secret).now())
    assert not two_factor.verify(user=user, code=pyotp.TOTP(secret).now())
    assert two_factor.verify(user=user, code=f" {codes[3].upper().replace('-', '')} ")
    assert not two_factor.verify(user=user, code=codes[3])
    assert len(user.recovery_codes) == 9
    [event] = audited("auth.recovery_code_used")
    assert (event.actor_id, event.target_type, event.target_id, event.detail) == (user.id, "user", user.id, {"left": 9})
    assert not two_factor.verify(user=user, code="") and not two_factor.verify(user=user, code=None)
    assert not two_factor.verify(user=user, code="   ")
    assert not two_factor.verify(user=account(), code=codes[4])  # no second factor: nothing to verify
    assert not two_factor.verify(user=account(), code="123456")


# ------------------------------------------------------------------ who is acting (auth/current.py)

from flask import g, session  # noqa: E402

from matchmaker.auth import current  # noqa: E402


def test_the_api_trusts_bearer_tokens_only(app, ctx):
    user = account()
    secret, token = sessions.issue(user=user, kind=TokenKind.API)
    web_secret, _ = sessions.issue(user=user, kind=TokenKind.WEB)
    db.session.commit()
    for header, expected in ((f"Bearer {secret}", token), (f"bearer  {secret} ", token), (f"Basic {secret}", None),
                             (secret, None), ("", None), (f"Bearer {web_secret}", None)):
        with app.test_request_context("/api/v1/needs", headers={"Authorization": header}):
            current.load_actor()
            assert (g.auth_token, g.user) == ((expected, user) if expected else (None, None))
            assert current.current_user() is g.user


def test_pages_trust_the_session_cookie_and_forget_a_dead_one(app, ctx):
    user = account()
    secret, token = sessions.issue(user=user, kind=TokenKind.WEB)
    db.session.commit()
    with app.test_request_context("/account"):
        session[current.SESSION_KEY] = secret
        current.load_actor()
        assert (g.auth_token, g.user) == (token, user)
    with app.test_request_context("/account"):
        session[current.SESSION_KEY], session["lang"] = "dead", "en"
        current.load_actor()
        assert g.user is None and current.SESSION_KEY not in session and session["lang"] == "en"
    with app.test_request_context("/api/v1/needs"):
        session[current.SESSION_KEY] = secret  # a cookie never authorises the API (it carries no CSRF token)
        current.load_actor()
        assert g.user is None


def test_a_web_sign_in_starts_a_fresh_session_keeping_the_language(app, ctx):
    user = account()
    with app.test_request_context("/auth/login", method="POST"):
        session["planted"], session["lang"] = "x", "en"
        current.start_web_session(user, second_factor=True)
        assert "planted" not in session and session["lang"] == "en" and session.permanent is False
        token = sessions.resolve(session[current.SESSION_KEY], kind=TokenKind.WEB)
        assert token.user is user and token.second_factor is True
    with app.test_request_context("/auth/login", method="POST"):
        current.start_web_session(user)
        assert "lang" not in session
        assert sessions.resolve(session[current.SESSION_KEY], kind=TokenKind.WEB).second_factor is False


def acting(user, token):
    g.user, g.auth_token = user, token


def test_pages_send_strangers_to_sign_in_and_refuse_other_roles(app, ctx):
    view = current.role_required(Role.ADMIN)(lambda: "admin page")
    with app.test_request_context("/admin/users?q=x"):
        acting(None, None)
        response = view()
        assert response.status_code == 302 and response.location == "/auth/login?next=/admin/users?q%3Dx"
    with app.test_request_context("/admin/"):
        acting(None, None)
        assert current.login_required(lambda: "page")().location == "/auth/login?next=/admin/"
        officer = account()
        acting(officer, None)
        assert refusal(Forbidden, view).message == "当前账户无权访问此页面"
        acting(account("admin", "a@example.cn"), None)
        assert view() == "admin page"


def test_the_api_says_401_without_a_token_and_403_for_a_role(app, ctx):
    with app.test_request_context("/api/v1/needs"):
        acting(None, None)
        missing = refusal(Unauthorized, current.api_actor)
        assert missing.message == "未提供有效的访问令牌（Authorization: Bearer <token>）"
        assert missing.headers == {"WWW-Authenticate": "Bearer"}
        officer = account()
        acting(officer, None)
        with pytest.raises(Forbidden) as caught:
            current.api_actor(Role.ENTERPRISE)
        assert caught.value.message == "当前角色无权执行此操作"
        assert current.api_actor() is officer and current.api_actor(Role.INSTITUTION, Role.ADMIN) is officer
        guarded = current.api_roles(Role.ENTERPRISE)(lambda: "ok")
        with pytest.raises(Forbidden):
            guarded()
        assert current.api_roles(Role.INSTITUTION)(lambda: "ok")() == "ok"


@pytest.mark.parametrize("path", ["/institution/", "/api/v1/institution/products"])
def test_a_password_only_sign_in_reaches_only_the_setup_where_a_second_factor_is_due(other_app, path):
    app = other_app(TWO_FACTOR_REQUIRED_ROLES=("institution",))
    with app.app_context():
        officer, admin = account(), account("admin", "admin@example.cn")
        password_only = signed_in(officer)

        def held_at_setup() -> bool:
            if path.startswith("/api/"):
                return refusal(Forbidden, current.require_second_factor).message == "该账户须先在网页上开启两步验证"
            return current.require_second_factor().location == "/account/two-factor"

        with app.test_request_context(path):
            acting(officer, password_only)
            assert held_at_setup()
            acting(officer, signed_in(officer, second_factor=True))
            assert current.require_second_factor() is None
            acting(admin, signed_in(admin))  # administrators are not required here, and have no second factor
            assert current.require_second_factor() is None
            enrolled(admin)  # once an account has one, a sign-in without it is held, whatever the role
            assert held_at_setup()
            acting(None, None)
            assert current.require_second_factor() is None
        for setup in ("/account/two-factor", "/auth/logout", "/healthz"):
            with app.test_request_context(setup, method="POST" if "logout" in setup else "GET"):
                acting(officer, password_only)
                assert current.require_second_factor() is None
        db.session.rollback()
