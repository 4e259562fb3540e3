"""An institution's decisions read as rules, at the service both the pages and the API call: who may act,
the published terms at their edges, what each decision records and tells, a need funded once, one
invitation per lead, and the officer's inbox. Written to leave no mutant of
``matchmaker/applications/decisions.py`` alive (``make mutation``)."""
import datetime as dt
import math

import pytest
import sqlalchemy as sa

from matchmaker.applications import decisions
from matchmaker.errors import Conflict, Forbidden, InvalidInput, NotFound
from models import (
    Application, ApplicationEvent, ApplicationStatus, AuditEvent, FinancingNeed, LeadInvitation, Notification, Product,
    db, now_utc,
)
from tests.rule_helpers import person, refusal, user
from tests.test_institution import PRODUCT

APPROVAL = {"approved_amount_cny": 1_000_000, "rate_pct": 4.2, "term_months": 12}


@pytest.fixture
def market(ctx):
    """An officer's product, a firm that shares its needs as leads, and the firm's application to it, made by
    the services the API calls."""
    from matchmaker.applications import services as applications
    from matchmaker.needs import services as needs
    from matchmaker.products import services as products

    officer, firm = person("institution"), person("enterprise", share_in_leads=True)
    product = products.create(actor=user(officer), values=PRODUCT)
    need = needs.create(actor=user(firm), values={"amount_cny": 2_000_000, "term_months": 12})
    db.session.flush()
    application = applications.create(actor=user(firm), need_id=need.id, product_id=product.id)
    db.session.commit()
    return {"officer": officer, "firm": firm, "product": {"id": product.id}, "need": {"id": need.id},
            "application": {"id": application.id}}


def application_of(market) -> Application:
    return db.session.get(Application, market["application"]["id"])


def decide(market, **values):
    values = {"decision": "approve", **APPROVAL, **values} if values.get("decision", "approve") == "approve" else values
    return decisions.decide(actor=user(market["officer"]), application_id=market["application"]["id"], **values)


def last(model, **where):
    return db.session.scalars(sa.select(model).filter_by(**where).order_by(model.id.desc())).first()


def test_only_an_officer_acts_on_applications(market, ctx):
    firm = user(market["firm"])
    application_id, product_id, need_id = (market["application"]["id"], market["product"]["id"],
                                           market["need"]["id"])
    calls = [
        (decisions.open_application, {"application_id": application_id}),
        (decisions.decide, {"application_id": application_id, "decision": "approve", **APPROVAL}),
        (decisions.disburse, {"application_id": application_id, "amount_cny": 1_000_000}),
        (decisions.invite, {"product_id": product_id, "need_id": need_id}),
        (decisions.invited_needs, {"product_id": product_id}),
        (decisions.inbox, {}),
    ]
    for call, arguments in calls:
        assert refusal(Forbidden, call, actor=firm, **arguments).message == "只有受理机构可以处理申请"
    assert application_of(market).status is ApplicationStatus.SUBMITTED


def test_opening_an_application_marks_it_viewed_once_and_records_each_look(market, ctx):
    officer = user(market["officer"])
    opened = decisions.open_application(actor=officer, application_id=market["application"]["id"])
    first_view = opened.viewed_at
    assert first_view is not None
    decisions.open_application(actor=officer, application_id=market["application"]["id"])
    assert application_of(market).viewed_at == first_view
    # Opened again within the window: the same look. After it: a look of its own.
    assert len(db.session.scalars(sa.select(AuditEvent).filter_by(action="profile.view")).all()) == 1
    window = dt.timedelta(minutes=ctx.config["PROFILE_VIEW_WINDOW_MINUTES"])
    db.session.execute(sa.update(AuditEvent).values(at=now_utc() - window - dt.timedelta(seconds=1)))
    decisions.open_application(actor=officer, application_id=market["application"]["id"])
    views = db.session.scalars(sa.select(AuditEvent).filter_by(action="profile.view")).all()
    assert len(views) == 2
    assert {(v.actor_id, v.target_type, v.target_id) for v in views} == {
        (officer.id, "enterprise", market["firm"].enterprise_id)}
    assert views[0].detail == {"application_id": market["application"]["id"]}


# The fixture's product: 10–500 万元, 3.65–5.5 %, 3–36 months.
AMOUNT_RANGE = "批准金额应在该产品公布的 10 到 500 万元之间"
RATE_RANGE = "年利率应在该产品公布的 3.65% 到 5.5% 之间"
TERM_RANGE = "期限应在该产品公布的 3 到 36 个月之间"


@pytest.mark.parametrize("field, value, message", [
    ("approved_amount_cny", None, "请填写大于 0 的批准金额"),
    ("approved_amount_cny", 0, "请填写大于 0 的批准金额"),
    ("approved_amount_cny", -1, "请填写大于 0 的批准金额"),
    ("approved_amount_cny", 1, AMOUNT_RANGE),
    ("approved_amount_cny", PRODUCT["min_amount_cny"] - 1, AMOUNT_RANGE),
    ("approved_amount_cny", PRODUCT["max_amount_cny"] + 1, AMOUNT_RANGE),
    ("rate_pct", None, RATE_RANGE),
    ("rate_pct", math.nan, RATE_RANGE),
    ("rate_pct", math.inf, RATE_RANGE),
    ("rate_pct", PRODUCT["rate_min_pct"] - 0.01, RATE_RANGE),
    ("rate_pct", PRODUCT["rate_max_pct"] + 0.01, RATE_RANGE),
    ("term_months", None, TERM_RANGE),
    ("term_months", PRODUCT["min_term_months"] - 1, TERM_RANGE),
    ("term_months", PRODUCT["max_term_months"] + 1, TERM_RANGE),
])
def test_an_approval_outside_the_terms_names_the_field_and_the_range(market, ctx, field, value, message):
    refused = refusal(InvalidInput, decide, market, **{field: value})
    assert refused.message == "审批信息有误"
    assert refused.fields == {field: [message]}
    assert application_of(market).status is ApplicationStatus.SUBMITTED


def test_every_term_out_of_range_is_named_at_once(market, ctx):
    refused = refusal(InvalidInput, decide, market, approved_amount_cny=0, rate_pct=99.0, term_months=0)
    assert set(refused.fields) == {"approved_amount_cny", "rate_pct", "term_months"}


@pytest.mark.parametrize("edge", [
    {"approved_amount_cny": PRODUCT["min_amount_cny"], "rate_pct": PRODUCT["rate_min_pct"],
     "term_months": PRODUCT["min_term_months"]},
    {"approved_amount_cny": PRODUCT["max_amount_cny"], "rate_pct": PRODUCT["rate_max_pct"],
     "term_months": PRODUCT["max_term_months"]},
])
def test_an_approval_on_the_edges_of_the_terms_is_accepted(market, ctx, edge):
    assert decide(market, **edge).status is ApplicationStatus.APPROVED


def test_an_approval_records_the_terms_and_tells_the_firm(market, ctx):
    before = dt.datetime.now(dt.timezone.utc)
    approved = decide(market, approved_amount_cny=1_250_000, rate_pct=4.35, term_months=18)
    assert (approved.status, approved.approved_amount_cny, approved.rate_pct, approved.approved_term_months) == (
        ApplicationStatus.APPROVED, 1_250_000, 4.35, 18)
    assert approved.decided_at >= before.replace(microsecond=0) - dt.timedelta(seconds=1)
    event = last(ApplicationEvent, application_id=approved.id)
    assert (event.from_status, event.to_status, event.note) == (
        ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED, "批准 125 万元，年利率 4.35%")
    audit = last(AuditEvent, action="application.decision")
    assert (audit.actor_id, audit.target_type, audit.target_id, audit.detail) == (
        market["officer"].id, "application", approved.id, {"decision": "approve"})
    told = last(Notification, enterprise_id=market["firm"].enterprise_id)
    assert (told.kind, told.message, told.link) == (
        "application.approved", f"您向「{PRODUCT['name']}」提交的申请已获批", f"/enterprise/applications/{approved.id}")


@pytest.mark.parametrize("given, code, kept", [
    ({"reason_code": "insufficient_rating", "reason": " 评级低于 BBB "}, "insufficient_rating", "评级低于 BBB"),
    ({"reason": "high_leverage"}, "high_leverage", ""),
    ({"reason": "  资产负债率 85%  "}, "other", "资产负债率 85%"),
    ({"reason_code": "quota_full"}, "quota_full", ""),
])
def test_a_rejection_keeps_its_reason_and_tells_the_firm(market, ctx, given, code, kept):
    rejected = decide(market, decision="reject", **given)
    assert (rejected.status, rejected.reject_reason_code.value, rejected.reject_reason) == (
        ApplicationStatus.REJECTED, code, kept)
    assert rejected.decided_at is not None and rejected.approved_amount_cny is None
    assert last(ApplicationEvent, application_id=rejected.id).note == rejected.reject_reason_code.label
    assert last(AuditEvent, action="application.decision").detail == {"decision": "reject"}
    told = last(Notification, enterprise_id=market["firm"].enterprise_id)
    assert (told.kind, told.message) == ("application.rejected", f"您向「{PRODUCT['name']}」提交的申请未获批")


@pytest.mark.parametrize("given", [{}, {"reason": "   "}, {"reason_code": "bad_mood"}, {"reason": None}])
def test_a_rejection_without_a_reason_is_refused_naming_the_codes(market, ctx, given):
    refused = refusal(InvalidInput, decide, market, decision="reject", **given)
    codes = "insufficient_rating、insufficient_years、insufficient_collateral、incomplete_documents、high_leverage、" \
            "industry_mismatch、quota_full、other"
    assert (refused.message, refused.fields) == ("审批信息有误", {"reason": [f"请说明拒绝原因（原因代码可选：{codes}）"]})


def test_a_rejection_reason_has_a_maximum(market, ctx):
    refused = refusal(InvalidInput, decide, market, decision="reject", reason_code="other", reason="长" * 1001)
    assert refused.message == "审批信息有误" and list(refused.fields) == ["reason"]
    assert refused.fields["reason"][0].startswith("拒绝原因最多 1,000 个字符")
    assert decide(market, decision="reject", reason_code="other", reason="长" * 1000).reject_reason == "长" * 1000


def test_a_decision_is_approve_or_reject(market, ctx):
    refused = refusal(InvalidInput, decide, market, decision="maybe")
    assert (refused.message, refused.fields) == (
        "决定只能是 approve 或 reject", {"decision": ["决定只能是 approve 或 reject"]})


def test_a_submitted_application_of_a_closed_need_is_not_decided(market, ctx):
    db.session.get(FinancingNeed, market["need"]["id"]).status = "closed"
    db.session.flush()
    refused = refusal(Conflict, decide, market)
    assert refused.message == "该融资需求已关闭（已获放款或已撤回），不能再审批"


def test_an_approved_application_of_a_closed_need_meets_the_state_machine(market, ctx):
    decide(market)
    db.session.get(FinancingNeed, market["need"]["id"]).status = "closed"
    db.session.flush()
    # Not the closed-need sentence: the approval is already made, so the state machine answers.
    assert "不能变为" in refusal(Conflict, decide, market).message


def disburse(market, amount):
    return decisions.disburse(actor=user(market["officer"]), application_id=market["application"]["id"],
                              amount_cny=amount)


@pytest.mark.parametrize("amount", [None, 0, -100])
def test_a_disbursement_needs_a_positive_amount(market, ctx, amount):
    decide(market)
    refused = refusal(InvalidInput, disburse, market, amount)
    assert (refused.message, refused.fields) == ("放款金额有误", {"amount_cny": ["请填写大于 0 的放款金额"]})


def test_a_disbursement_stays_within_the_approval(market, ctx):
    decide(market, approved_amount_cny=1_250_000)
    refused = refusal(InvalidInput, disburse, market, 1_250_001)
    assert (refused.message, refused.fields) == (
        "放款金额不能超过批准金额", {"amount_cny": ["放款金额不能超过批准金额 125 万元"]})
    assert disburse(market, 1_250_000).status is ApplicationStatus.DISBURSED


def test_the_smallest_disbursement_is_one_yuan(market, ctx):
    decide(market)
    assert disburse(market, 1).disbursed_amount_cny == 1


def test_a_disbursement_before_an_approval_meets_the_state_machine(market, ctx):
    assert "不能变为" in refusal(Conflict, disburse, market, 1_000_000).message
    assert db.session.get(FinancingNeed, market["need"]["id"]).status.value == "open"


def test_a_disbursement_records_closes_the_need_and_ends_the_others(market, ctx):
    second_need = db.session.get(FinancingNeed, market["need"]["id"])
    other_products = [_copy_product(market) for _ in range(3)]
    live = Application(need_id=second_need.id, product_id=other_products[0].id, enterprise_id=second_need.enterprise_id,
                       institution_id=other_products[0].institution_id, amount_cny=2_000_000, term_months=12)
    rejected = Application(need_id=second_need.id, product_id=other_products[1].id,
                           enterprise_id=second_need.enterprise_id, institution_id=other_products[1].institution_id,
                           amount_cny=2_000_000, term_months=12, status=ApplicationStatus.REJECTED)
    elsewhere_need = FinancingNeed(enterprise_id=second_need.enterprise_id, amount_cny=1_000_000, term_months=12)
    db.session.add_all([live, rejected, elsewhere_need])
    db.session.flush()
    elsewhere = Application(need_id=elsewhere_need.id, product_id=other_products[2].id,
                            enterprise_id=second_need.enterprise_id, institution_id=other_products[2].institution_id,
                            amount_cny=1_000_000, term_months=12)
    db.session.add(elsewhere)
    db.session.flush()
    decide(market, approved_amount_cny=2_000_000)
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(seconds=1)
    funded = disburse(market, 1_900_000)
    assert (funded.status, funded.disbursed_amount_cny) == (ApplicationStatus.DISBURSED, 1_900_000)
    assert funded.disbursed_at >= before
    assert last(ApplicationEvent, application_id=funded.id).note == "放款 190 万元"
    db.session.expire_all()
    assert db.session.get(FinancingNeed, market["need"]["id"]).status.value == "closed"
    assert db.session.get(FinancingNeed, market["need"]["id"]).updated_at >= before
    # The need's other live application ends with a reason; a rejected one and another need's stay as they were.
    ended = db.session.get(Application, live.id)
    assert ended.status is ApplicationStatus.WITHDRAWN and ended.withdrawn_at >= before
    assert last(ApplicationEvent, application_id=live.id).note == decisions.FUNDED_ELSEWHERE
    assert db.session.get(Application, rejected.id).status is ApplicationStatus.REJECTED
    assert db.session.get(Application, elsewhere.id).status is ApplicationStatus.SUBMITTED
    withdrawal = last(AuditEvent, action="application.withdraw")
    assert (withdrawal.actor_id, withdrawal.target_type, withdrawal.target_id, withdrawal.detail) == (
        market["officer"].id, "application", live.id, {"why": "funded_elsewhere", "funded_by": funded.id})
    audit = last(AuditEvent, action="application.disbursement")
    assert (audit.actor_id, audit.target_type, audit.target_id, audit.detail) == (
        market["officer"].id, "application", funded.id, {"amount_cny": 1_900_000})
    told = last(Notification, enterprise_id=market["firm"].enterprise_id, kind="application.disbursed")
    assert (told.message, told.link) == (f"「{PRODUCT['name']}」已放款 190 万元", f"/enterprise/applications/{funded.id}")


def test_a_need_closed_meanwhile_refuses_the_disbursement(market, ctx):
    decide(market)
    db.session.execute(sa.update(FinancingNeed).where(FinancingNeed.id == market["need"]["id"]).values(status="closed"))
    refused = refusal(Conflict, disburse, market, 1_000_000)
    assert refused.message == "该融资需求已获放款或已撤回，不能再放款"


def _copy_product(market, **changes) -> Product:
    original = db.session.get(Product, market["product"]["id"])
    columns = {c.key: getattr(original, c.key) for c in sa.inspect(Product).column_attrs if c.key != "id"}
    product = Product(**{**columns, **changes})
    db.session.add(product)
    db.session.flush()
    return product


def _lead(market, **facts) -> FinancingNeed:
    need = FinancingNeed(enterprise_id=market["firm"].enterprise_id, amount_cny=1_000_000, term_months=12, **facts)
    db.session.add(need)
    db.session.flush()
    return need


def test_an_invitation_is_recorded_once_and_tells_the_firm(market, ctx):
    officer, product_id = user(market["officer"]), market["product"]["id"]
    lead = _lead(market)
    decisions.invite(actor=officer, product_id=product_id, need_id=lead.id)
    invitation = last(LeadInvitation)
    assert (invitation.product_id, invitation.need_id, invitation.invited_by_id) == (product_id, lead.id, officer.id)
    told = last(Notification, kind="invitation")
    product = db.session.get(Product, product_id)
    assert (told.enterprise_id, told.message, told.link) == (
        market["firm"].enterprise_id, f"{product.institution.name} 邀请您申请「{PRODUCT['name']}」",
        f"/enterprise/needs/{lead.id}")
    audit = last(AuditEvent, action="lead.invite")
    assert (audit.actor_id, audit.target_type, audit.target_id, audit.detail) == (
        officer.id, "need", lead.id, {"product_id": product_id})
    refused = refusal(Conflict, decisions.invite, actor=officer, product_id=product_id, need_id=lead.id)
    assert refused.message == "已邀请过该企业申请此产品"
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).filter_by(kind="invitation")) == 1
    assert decisions.invited_needs(actor=officer, product_id=product_id) == {lead.id}


def test_invitations_are_counted_per_product(market, ctx):
    officer = user(market["officer"])
    second = _copy_product(market)
    lead, other_lead = _lead(market), _lead(market)
    decisions.invite(actor=officer, product_id=market["product"]["id"], need_id=lead.id)
    decisions.invite(actor=officer, product_id=second.id, need_id=other_lead.id)
    # The need that applied to the first product can still be invited to the second one.
    decisions.invite(actor=officer, product_id=second.id, need_id=market["need"]["id"])
    assert decisions.invited_needs(actor=officer, product_id=second.id) == {other_lead.id, market["need"]["id"]}


def test_only_open_shared_leads_of_the_officers_own_products_are_invited(market, ctx):
    hidden_firm, stranger = person("enterprise", share_in_leads=False), user(person("institution"))
    officer = user(market["officer"])
    product_id = market["product"]["id"]
    closed = _lead(market, status="closed")
    assert refusal(NotFound, decisions.invite, actor=officer, product_id=product_id,
                   need_id=closed.id).message == "该潜在客户不存在或已不可见"
    hidden = FinancingNeed(enterprise_id=hidden_firm.enterprise_id, amount_cny=1_000_000, term_months=12)
    db.session.add(hidden)
    db.session.flush()
    assert type(refusal(NotFound, decisions.invite, actor=officer, product_id=product_id, need_id=hidden.id)) is NotFound
    refusal(NotFound, decisions.invite, actor=stranger, product_id=product_id, need_id=_lead(market).id)
    applied = refusal(Conflict, decisions.invite, actor=officer, product_id=product_id, need_id=market["need"]["id"])
    assert applied.message == "该企业已申请此产品"
    assert db.session.scalar(sa.select(sa.func.count(LeadInvitation.id))) == 0


def _applications(market, count: int) -> list[Application]:
    """``count`` more submitted applications of the fixture's firm to copies of its product, a minute apart."""
    start = db.session.get(Application, market["application"]["id"]).created_at
    made = []
    for minute in range(1, count + 1):
        product = _copy_product(market)
        need = _lead(market)
        made.append(Application(need_id=need.id, product_id=product.id, enterprise_id=need.enterprise_id,
                                institution_id=product.institution_id, amount_cny=1_000_000, term_months=12,
                                created_at=start + dt.timedelta(minutes=minute)))
    db.session.add_all(made)
    db.session.flush()
    return made


def test_the_inbox_puts_the_longest_waiting_first_and_shows_fifty(market, ctx):
    officer = user(market["officer"])
    later = _applications(market, 50)
    first = market["application"]["id"]
    waiting = decisions.inbox(actor=officer)
    assert len(waiting) == 50
    assert [a.id for a in waiting] == [first] + [a.id for a in later[:49]]
    newest = decisions.inbox(actor=officer, order="newest", limit=3)
    assert [a.id for a in newest] == [a.id for a in later[::-1][:3]]


def test_the_inbox_filters_by_status(market, ctx):
    officer = user(market["officer"])
    later = _applications(market, 2)
    decisions.decide(actor=officer, application_id=later[0].id, decision="approve", **APPROVAL)
    assert [a.id for a in decisions.inbox(actor=officer, status="approved")] == [later[0].id]
    assert {a.id for a in decisions.inbox(actor=officer)} == {market["application"]["id"], later[1].id}
    assert len(decisions.inbox(actor=officer, status=None)) == 3
