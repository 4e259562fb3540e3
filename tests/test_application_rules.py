"""A firm's side of an application and an institution's onboarding, read as rules at the services
(``matchmaker/applications/services.py``, ``matchmaker/institution/services.py``): who may apply to what,
what an application records and consents to, the state machine's refusals, the timeline's hours, and the
checks of a new institution and its officers. Written to leave no mutant of either module alive."""
import datetime as dt

import pytest
import sqlalchemy as sa

from matchmaker.applications import services as applications
from matchmaker.applications.schemas import ApplicationSchema
from matchmaker.errors import Conflict, Forbidden, InvalidInput, NotFound
from matchmaker.institution import services as institutions
from matchmaker.institution.schemas import InstitutionSchema
from models import (
    Application, ApplicationEvent, ApplicationStatus, Consent, FinancingNeed, NeedStatus, Notification,
    Product, ProductStatus, Role, db,
)
from tests.rule_helpers import administrator, audited as events, person, refusal, use_cheap_argon2, user
from tests.test_decision_rules import _copy_product, decide, market  # noqa: F401  (the fixture)

PASSWORD = "Qz7-kd9-Lm-rainbow"


def test_an_application_records_the_need_the_product_and_the_consent(market, ctx):  # noqa: F811
    firm = user(market["firm"])
    need = FinancingNeed(enterprise_id=firm.enterprise_id, amount_cny=1_200_000, term_months=18)
    db.session.add(need)
    db.session.flush()
    product = db.session.get(Product, market["product"]["id"])
    made = applications.create(actor=firm, need_id=need.id, product_id=product.id)
    assert (made.status, made.need_id, made.product_id, made.enterprise_id, made.institution_id, made.amount_cny,
            made.term_months) == (ApplicationStatus.SUBMITTED, need.id, product.id, firm.enterprise_id,
                                  product.institution_id, 1_200_000, 18)
    [event] = db.session.scalars(sa.select(ApplicationEvent).filter_by(application_id=made.id)).all()
    assert (event.from_status, event.to_status, event.actor_id, event.note) == (
        None, ApplicationStatus.SUBMITTED, firm.id, "企业提交申请")
    consent = db.session.scalars(sa.select(Consent).order_by(Consent.id.desc())).first()
    assert (consent.enterprise_id, consent.scope, consent.institution_id, consent.granted, consent.actor_id) == (
        firm.enterprise_id, "profile_share", product.institution_id, True, firm.id)
    created = events("application.create")[-1]
    assert (created.actor_id, created.target_type, created.target_id, created.detail) == (
        firm.id, "application", made.id, {"need_id": need.id, "product_id": product.id})
    shared = events("consent.change")[-1]
    assert (shared.actor_id, shared.target_type, shared.target_id, shared.detail) == (firm.id,
        "enterprise", firm.enterprise_id, {"scope": "profile_share", "institution_id": product.institution_id,
                                           "granted": True})
    twice = refusal(Conflict, applications.create, actor=firm, need_id=need.id, product_id=product.id)
    assert twice.message == "已向该产品提交过申请，请勿重复提交"


def test_only_a_firm_applies_with_its_own_open_need_to_an_active_product(market, ctx):  # noqa: F811
    firm, officer = user(market["firm"]), user(market["officer"])
    need_id, product_id = market["need"]["id"], market["product"]["id"]
    assert refusal(Forbidden, applications.create, actor=officer, need_id=need_id,
                   product_id=product_id).message == "只有企业可以提交融资申请"
    stranger = user(person("enterprise"))
    assert refusal(NotFound, applications.create, actor=stranger, need_id=need_id,
                   product_id=product_id).message == "融资需求不存在"
    second = _copy_product(market)
    for bad in (0, 10**12, second.id + 1, str(second.id), True):
        missing = refusal(InvalidInput, applications.create, actor=firm, need_id=need_id, product_id=bad)
        assert (missing.message, missing.fields) == ("产品不存在", {"product_id": ["产品不存在"]})
    second.status = ProductStatus.PAUSED
    db.session.flush()
    assert refusal(Conflict, applications.create, actor=firm, need_id=need_id,
                   product_id=second.id).message == "该产品当前未上架，暂不接受申请"
    second.status = ProductStatus.ACTIVE
    db.session.get(FinancingNeed, need_id).status = NeedStatus.CLOSED
    db.session.flush()
    assert refusal(Conflict, applications.create, actor=firm, need_id=need_id,
                   product_id=second.id).message == "该融资需求已结束，不能再提交申请"


def test_a_firm_lists_its_applications_newest_first_by_status_and_need(market, ctx):  # noqa: F811
    firm, officer = user(market["firm"]), user(market["officer"])
    first = db.session.get(Application, market["application"]["id"])
    need = FinancingNeed(enterprise_id=firm.enterprise_id, amount_cny=1_000_000, term_months=12)
    db.session.add(need)
    db.session.flush()
    later = [applications.create(actor=firm, need_id=need.id, product_id=_copy_product(market).id) for _ in range(3)]
    for offset, made in enumerate(later, start=1):
        made.created_at = first.created_at + dt.timedelta(minutes=offset)
    later[1].created_at = later[2].created_at  # a tie is broken by the newer id
    db.session.flush()
    decide(market)
    items, total = applications.get_all(actor=firm)
    assert [a.id for a in items] == [later[2].id, later[1].id, later[0].id, first.id] and total == 4
    first.created_at = later[2].created_at + dt.timedelta(minutes=1)  # newest by time, oldest by id
    db.session.flush()
    assert applications.get_all(actor=firm)[0][0].id == first.id
    first.created_at = later[0].created_at - dt.timedelta(minutes=1)
    db.session.flush()
    assert [a.id for a in applications.get_all(actor=firm, limit=2, offset=1)[0]] == [later[1].id, later[0].id]
    assert applications.get_all(actor=firm, limit=2)[1] == 4
    assert [a.id for a in applications.get_all(actor=firm, status="approved")[0]] == [first.id]
    assert applications.get_all(actor=firm, need_id=need.id)[1] == 3
    assert applications.get_all(actor=officer)[1] == 4  # the copies are its products too
    assert applications.get_all(actor=user(person("institution")))[1] == 0
    more = FinancingNeed(enterprise_id=firm.enterprise_id, amount_cny=1_000_000, term_months=12)
    db.session.add(more)
    db.session.flush()
    for _ in range(17):
        applications.create(actor=firm, need_id=more.id, product_id=_copy_product(market).id)
    assert applications.get_all(actor=firm)[1] == 21 and len(applications.get_all(actor=firm)[0]) == 20
    assert refusal(NotFound, applications.get, actor=user(person("enterprise")),
                   application_id=first.id).message == "申请不存在"


def test_a_withdrawal_is_the_firms_and_tells_it(market, ctx):  # noqa: F811
    firm, officer = user(market["firm"]), user(market["officer"])
    application_id = market["application"]["id"]
    assert refusal(Forbidden, applications.withdraw, actor=officer,
                   application_id=application_id).message == "只有申请企业可以撤回申请"
    withdrawn = applications.withdraw(actor=firm, application_id=application_id)
    assert withdrawn.status is ApplicationStatus.WITHDRAWN and withdrawn.withdrawn_at is not None
    event = db.session.scalars(sa.select(ApplicationEvent).filter_by(application_id=application_id)
                               .order_by(ApplicationEvent.id.desc())).first()
    assert (event.from_status, event.to_status, event.note, event.actor_id) == (
        ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN, "企业撤回申请", firm.id)
    [audit] = events("application.withdraw")
    assert (audit.actor_id, audit.target_type, audit.target_id) == (firm.id, "application", application_id)
    told = db.session.scalars(sa.select(Notification)).one()
    assert (told.enterprise_id, told.kind, told.message, told.link) == (
        firm.enterprise_id, "application.withdrawn", "您对「科创信用贷」的申请已撤回",
        f"/enterprise/applications/{application_id}")
    again = refusal(Conflict, applications.withdraw, actor=firm, application_id=application_id)
    assert again.message == "申请当前状态为“已撤回”，不能变为“已撤回”"


def test_an_application_reads_as_the_contract_and_its_timeline_in_hours(market, ctx):  # noqa: F811
    waiting = ApplicationSchema().dump(db.session.get(Application, market["application"]["id"]))
    assert (waiting["status"], waiting["reject_reason_code"], waiting["decided_at"]) == ("submitted", None, None)
    decide(market, decision="reject", reason_code="quota_full")
    application = db.session.get(Application, market["application"]["id"])
    shown = ApplicationSchema().dump(application)
    assert (shown["status"], shown["reject_reason_code"], shown["reject_reason"], shown["approved_amount_cny"]) == (
        "rejected", "quota_full", "", None)
    assert set(shown) == {"id", "status", "need_id", "product_id", "enterprise_id", "institution_id", "amount_cny",
                          "term_months", "approved_amount_cny", "rate_pct", "approved_term_months",
                          "disbursed_amount_cny", "reject_reason_code", "reject_reason", "created_at", "viewed_at",
                          "decided_at", "disbursed_at", "withdrawn_at"}
    start = application.created_at
    for event, hours in zip(application.events, (0, 30)):
        event.at = start + dt.timedelta(hours=hours)
    application.viewed_at = start + dt.timedelta(hours=2, minutes=15)
    steps = applications.timeline(application)
    assert [(s["status"], s["note"], s["hours"]) for s in steps] == [
        (ApplicationStatus.SUBMITTED, "企业提交申请", None), (None, "机构已查看企业资料", 2.2),
        (ApplicationStatus.REJECTED, "额度已满", 27.8)]
    assert ApplicationSchema().dump(db.session.get(Application, market["application"]["id"]))["id"] == application.id
    assert set(applications.ADVICE) == {"insufficient_rating", "insufficient_years", "insufficient_collateral",
                                        "incomplete_documents", "high_leverage", "industry_mismatch", "quota_full",
                                        "other"}


@pytest.fixture
def admin(ctx, monkeypatch):
    use_cheap_argon2(monkeypatch)
    bureau = administrator()
    return bureau


def test_an_institution_is_onboarded_with_its_first_officer(admin):
    bank, officer = institutions.create_with_officer(name=" 重庆农商行科技支行 ", kind="bank",
                                                     officer_email=" Officer@Bank.CN ", officer_password=PASSWORD,
                                                     actor=admin, service_target_days=5)
    assert (bank.name, bank.kind.value, bank.service_target_days) == ("重庆农商行科技支行", "bank", 5)
    assert (officer.email, officer.role, officer.institution is bank, officer.check_password(PASSWORD)) == (
        "officer@bank.cn", Role.INSTITUTION, True, True)
    [event] = events("institution.create")
    assert (event.actor_id, event.target_type, event.target_id, event.detail) == (
        admin.id, "institution", bank.id, {"name": "重庆农商行科技支行", "kind": "bank", "officer_id": officer.id})
    assert InstitutionSchema().dump(bank) == {"id": bank.id, "name": "重庆农商行科技支行", "kind": "bank",
                                          "service_target_days": 5}
    default, _ = institutions.create_with_officer(name="担保公司", kind="guarantee", officer_email="g@x.cn",
                                                  officer_password=PASSWORD, actor=admin)
    assert default.service_target_days == 3
    same = refusal(Conflict, institutions.create_with_officer, name="重庆农商行科技支行", kind="bank",
                   officer_email="new@bank.cn", officer_password=PASSWORD, actor=admin)
    assert (same.message, same.fields) == ("同名机构已存在", {"name": ["同名机构已存在"]})
    taken = refusal(Conflict, institutions.create_with_officer, name="另一家银行", kind="bank",
                    officer_email="OFFICER@bank.cn", officer_password=PASSWORD, actor=admin)
    assert (taken.message, taken.fields) == ("该邮箱已注册", {"officer_email": ["该邮箱已注册"]})


@pytest.mark.parametrize("changes, fields", [
    ({"name": "行"}, {"name": ["机构名称应为 2 到 120 个字符"]}),
    ({"name": None}, {"name": ["机构名称应为 2 到 120 个字符"]}),
    ({"kind": "casino"}, {"kind": ["未知的机构类型：casino（可选：bank、guarantee、leasing、insurance、fund、microcredit）"]}),
    ({"service_target_days": 0}, {"service_target_days": ["服务承诺应为 1 到 60 个工作日"]}),
    ({"service_target_days": 61}, {"service_target_days": ["服务承诺应为 1 到 60 个工作日"]}),
    ({"officer_email": "nobody"}, {"officer_email": ["邮箱格式不正确"]}),
    ({"officer_password": "short"}, {"officer_password": ["密码至少需要 10 个字符"]}),
])
def test_a_new_institution_names_each_bad_field(admin, changes, fields):
    given = {"name": "重庆银行", "kind": "bank", "officer_email": "o@bank.cn", "officer_password": PASSWORD,
             "service_target_days": 3, **changes}
    refused = refusal(InvalidInput, institutions.create_with_officer, actor=admin, **given)
    assert (refused.message, refused.fields) == ("机构信息有误", fields)


@pytest.mark.parametrize("days", [1, 60])
def test_service_targets_on_the_edges_are_accepted(admin, days):
    bank, _ = institutions.create_with_officer(name="重庆银行", kind="bank", officer_email="o@bank.cn",
                                               officer_password=PASSWORD, actor=admin, service_target_days=days)
    assert bank.service_target_days == days


def test_an_institution_gets_more_officers(admin):
    bank, first = institutions.create_with_officer(name="重庆银行", kind="bank", officer_email="o@bank.cn",
                                                   officer_password=PASSWORD, actor=admin)
    second = institutions.add_officer(actor=admin, institution_id=bank.id, officer_email=" Two@Bank.CN ",
                                      officer_password=PASSWORD)
    assert (second.email, second.role, second.institution_id, second.check_password(PASSWORD)) == (
        "two@bank.cn", Role.INSTITUTION, bank.id, True)
    [event] = events("user.create")
    assert (event.actor_id, event.target_type, event.target_id, event.detail) == (
        admin.id, "user", second.id, {"institution_id": bank.id, "role": "institution"})
    bad = refusal(InvalidInput, institutions.add_officer, actor=admin, institution_id=bank.id, officer_email="x",
                  officer_password="short")
    assert (bad.message, bad.fields) == ("账户信息有误", {"officer_email": ["邮箱格式不正确"],
                                                       "officer_password": ["密码至少需要 10 个字符"]})
    assert refusal(Conflict, institutions.add_officer, actor=admin, institution_id=bank.id,
                   officer_email=first.email, officer_password=PASSWORD).fields == {"officer_email": ["该邮箱已注册"]}
    assert refusal(NotFound, institutions.add_officer, actor=admin, institution_id=bank.id + 1,
                   officer_email="z@bank.cn", officer_password=PASSWORD).message == "机构不存在"
    assert institutions.get(institution_id=bank.id) is bank
