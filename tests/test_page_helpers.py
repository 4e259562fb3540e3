"""The small helpers behind the pages, read directly: what the dashboard's charts are fed, how a bad date
in the address falls back, which form field a service's finding belongs to, what a registration form
hands the service, the cost estimates beside a firm's matches, and the shared change/confirm steps.
The pages that use them are walked in test_*_pages.py and test_institution.py; here each helper's
output is compared field by field, so ``make mutation`` can run them once per mutant."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from flask import get_flashed_messages
from werkzeug.datastructures import MultiDict

from matchmaker import views as shared_views
from matchmaker.admin import stats
from matchmaker.admin import views as admin_views
from matchmaker.enterprise import views as enterprise_views
from matchmaker.enterprise.forms import FORM_NAMES as FIRM_FORM_NAMES
from matchmaker.enterprise.forms import RegisterForm
from matchmaker.errors import Conflict, InvalidInput, NotFound
from matchmaker.finance import estimated_cost_cny
from matchmaker.matching import listing
from models import Enterprise, db
from tests.conftest import valid_uscc


def _figures(institutions: int = 18) -> dict:
    return {
        "monthly": [{"month": "2026-01", "needs": 3, "applications": 5, "disbursed_amount_cny": 1_234_567},
                    {"month": "2026-02", "needs": 0, "applications": 1, "disbursed_amount_cny": 0}],
        "by_kind": [{"kind": "credit_loan", "disbursed_amount_cny": 25_000},
                    {"kind": "ip_pledge", "disbursed_amount_cny": 4_999}],
        "by_industry": [{"industry": "next_gen_it", "applications": 7},
                        {"industry": "life_health", "applications": 2}],
        # Sorted as the statistics sort them: most money first.
        "by_institution": [{"name": f"银行{i:02d}", "disbursed_amount_cny": (institutions - i) * 10_000}
                           for i in range(institutions)],
        # The loan book: a lender with nothing lent in the period has no default rate and is left out.
        "loans_by_institution": [{"institution_name": f"银行{i:02d}", "lent_cny": (i + 1) * 1_000_000 if i != 1 else 0,
                                  "default_rate": 0.012345 * i if i else None} for i in range(institutions)],
        "equity_monthly": [{"month": "2026-01", "deals_invested": 2, "raised_cny": 35_000_000},
                           {"month": "2026-03", "deals_invested": 1, "raised_cny": 4_999}],
    }


def test_the_dashboard_charts_carry_each_figure_in_wan_with_chinese_labels(app):
    figures = _figures()
    with app.test_request_context("/admin/"):
        charts = admin_views._dashboard_charts(figures)
    assert set(charts) == {"monthly", "by_kind", "by_industry", "by_institution", "defaults_by_institution",
                           "equity_monthly"}
    # Equity raised per month: deals as bars, the money (万元) as a line on the second axis.
    assert charts["equity_monthly"] == {"months": ["2026-01", "2026-03"], "series": [
        {"name": "投资笔数", "type": "bar", "data": [2, 1]},
        {"name": "股权融资额（万元）", "type": "line", "axis": 1, "data": [3500.0, 0.5]}]}
    monthly = charts["monthly"]
    assert monthly["months"] == ["2026-01", "2026-02"]
    needs, applications, money = monthly["series"]
    assert needs == {"name": "融资需求", "type": "bar", "data": [3, 0]}
    assert applications == {"name": "申请", "type": "bar", "data": [5, 1]}
    # The money line is drawn against the second (right-hand) axis, in 万元 to two places.
    assert money == {"name": "促成融资（万元）", "type": "line", "axis": 1, "data": [123.46, 0.0]}
    assert charts["by_kind"] == {"labels": ["信用贷款", "知识产权质押贷款"], "values": [2.5, 0.5],
                                 "name": "促成融资（万元）"}
    assert charts["by_industry"] == {"items": [{"name": "新一代信息技术", "value": 7},
                                               {"name": "生命健康", "value": 2}], "name": "申请"}
    # The fifteen institutions with the most money, smallest first (ECharts draws a bar list bottom-up).
    top = charts["by_institution"]
    assert top["labels"] == [f"银行{i:02d}" for i in range(14, -1, -1)]
    assert top["values"] == [float(18 - i) for i in range(14, -1, -1)]
    assert top["name"] == "促成融资（万元）"
    # The fifteen largest lenders by what they lent in the period, smallest first, their default rate in %.
    defaults = charts["defaults_by_institution"]
    assert defaults["labels"] == [f"银行{i:02d}" for i in range(3, 18)]
    assert defaults["values"] == [round(100 * (0.012345 * i), 2) for i in range(3, 18)]
    assert defaults["name"] == "违约率（%）"


def test_the_dashboard_charts_speak_english_when_asked(app):
    with app.test_request_context("/admin/", headers={"Accept-Language": "en"}):
        charts = admin_views._dashboard_charts(_figures(institutions=3))
    assert [s["name"] for s in charts["monthly"]["series"]] == ["Needs", "Applications",
                                                                 "Financing brokered (10k yuan)"]
    assert charts["by_kind"]["labels"] == ["Credit loan", "IP-pledge loan"]
    assert charts["by_institution"]["labels"] == ["银行02", "银行01", "银行00"]
    assert charts["defaults_by_institution"] == {"labels": ["银行00", "银行02"], "values": [0.0, 2.47],
                                                 "name": "Default rate (%)"}  # 银行01 lent nothing


@pytest.mark.parametrize("amount, wan", [(0, 0.0), (10_000, 1.0), (15_555, 1.56), (123, 0.01), (-20_000, -2.0)])
def test_amounts_are_shown_in_wan_to_two_places(amount, wan):
    assert admin_views._wan(amount) == wan


@pytest.mark.parametrize("kind, code, text", [("kind", "gaoxin_dai", "高新贷"), ("industry", "other", "其他")])
def test_chart_labels_name_codes_in_chinese(app, kind, code, text):
    with app.test_request_context("/admin/"):
        assert admin_views.label_of(kind, code) == text


@pytest.mark.parametrize("query, period, fields", [
    ("", stats.Period(), set()),
    ("?from=2026-01-01&to=2026-01-31", stats.Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31)), set()),
    ("?from=2026-13-01", stats.Period(), {"from"}),
    ("?from=2026-02-01&to=2026-01-01", stats.Period(), {"to"}),
])
def test_a_bad_date_in_the_address_falls_back_to_all_time_and_names_its_input(app, query, period, fields):
    with app.test_request_context("/admin/" + query):
        chosen, problems = admin_views._period_from_args()
    assert chosen == period
    assert set(problems) == fields
    assert all(problems[field] for field in fields)


def test_a_registration_finding_goes_to_the_field_that_holds_it(app):
    with app.test_request_context("/auth/register", method="POST"):
        form = RegisterForm(formdata=MultiDict())
        assert enterprise_views._field_for(form, "enterprise.annual_revenue_cny") is form.annual_revenue
        assert enterprise_views._field_for(form, "enterprise.uscc") is form.uscc
        assert enterprise_views._field_for(form, "email") is form.email
        assert enterprise_views._field_for(form, "enterprise.no_such_field") is None


def test_the_profile_form_starts_from_what_the_firm_has_stored(app):
    from matchmaker.enterprise.forms import ProfileForm

    firm = SimpleNamespace(name="重庆云启", founded_on=dt.date(2016, 5, 20), employees=86, ip_count=14,
                           district="九龙坡区", has_collateral=True, share_in_leads=False,
                           industry=SimpleNamespace(value="life_health"), credit_rating=SimpleNamespace(value="AA"),
                           annual_revenue_cny=32_000_000, rd_ratio_pct=8.5,
                           certifications=["tech_sme", "high_tech_enterprise"], contact_name="王晓燕",
                           contact_phone="13823456789", legal_representative=None, total_assets_cny=56_000_000,
                           total_liabilities_cny=None, net_profit_cny=-1_234_500, net_profit_prev_cny=0,
                           rd_staff=12, tech_talent=None, innovative_products=0, awards=2)
    with app.test_request_context("/enterprise/profile"):
        form = ProfileForm(formdata=None)
        form.fill(firm)
        assert form.values() == {
            "name": "重庆云启", "industry": "life_health", "founded_on": dt.date(2016, 5, 20), "employees": 86,
            "annual_revenue_cny": 32_000_000, "rd_ratio_pct": 8.5, "ip_count": 14,
            "certifications": ["tech_sme", "high_tech_enterprise"], "credit_rating": "AA", "district": "九龙坡区",
            "has_collateral": True, "share_in_leads": False, "contact_name": "王晓燕",
            "contact_phone": "13823456789", "legal_representative": None, "total_assets_cny": 56_000_000,
            "total_liabilities_cny": None, "net_profit_cny": -1_234_500, "net_profit_prev_cny": 0,
            "rd_staff": 12, "tech_talent": None, "innovative_products": 0, "awards": 2}
        firm.certifications = None
        form.fill(firm)
        assert form.certifications.data == []


def test_the_registration_form_hands_the_service_every_fact_in_its_units(app):
    data = MultiDict([
        ("email", "boss@example.cn"), ("password", "correct-horse-42"), ("name", "重庆测试科技有限公司"),
        ("uscc", valid_uscc()), ("industry", "life_health"), ("founded_on", "2019-04-02"),
        ("employees", "40"), ("annual_revenue", "1234.5"), ("rd_ratio_pct", "6.5"), ("ip_count", "9"),
        ("certifications", "tech_sme"), ("certifications", "high_tech_enterprise"), ("credit_rating", "AA"),
        ("district", "北碚区"), ("has_collateral", "y"), ("share_in_leads", "y"), ("accept_terms", "y"),
    ])
    with app.test_request_context("/auth/register", method="POST"):
        facts = RegisterForm(formdata=data).facts()
    assert facts == {
        "name": "重庆测试科技有限公司", "uscc": valid_uscc(), "industry": "life_health",
        "founded_on": dt.date(2019, 4, 2), "employees": 40, "annual_revenue_cny": 12_345_000,
        "rd_ratio_pct": 6.5, "ip_count": 9, "certifications": ["tech_sme", "high_tech_enterprise"],
        "credit_rating": "AA", "district": "北碚区", "has_collateral": True, "share_in_leads": True,
        "contact_name": None, "contact_phone": None, "legal_representative": None, "total_assets_cny": None,
        "total_liabilities_cny": None, "net_profit_cny": None, "net_profit_prev_cny": None, "rd_staff": None,
        "tech_talent": None, "innovative_products": None, "awards": None,
    }
    assert type(facts["rd_ratio_pct"]) is float


def test_an_empty_registration_form_hands_over_nothing_invented(app):
    with app.test_request_context("/auth/register", method="POST"):
        facts = RegisterForm(formdata=MultiDict([("name", "某公司")])).facts()
    assert facts["rd_ratio_pct"] is None and facts["annual_revenue_cny"] is None
    assert facts["certifications"] == [] and facts["has_collateral"] is False and facts["share_in_leads"] is False
    assert facts["name"] == "某公司" and facts["employees"] is None


def test_each_match_shows_the_cost_at_both_ends_of_its_rate_and_at_the_likely_one():
    items = [{"kind": "credit_loan", "rate_min_pct": 3.5, "rate_max_pct": 6.0, "score": 0.8},
             {"kind": "guarantee", "rate_min_pct": 1.0, "rate_max_pct": 2.0, "score": 0.5},
             {"kind": "equity_investment", "rate_min_pct": 0.0, "rate_max_pct": 0.0, "score": 0.9}]
    shown = [listing.priced(dict(item), amount_cny=2_000_000, term_months=24) for item in items]
    for item, original in zip(shown, items):
        for end in ("min", "max"):
            assert item[f"cost_{end}_cny"] == estimated_cost_cny(
                kind=original["kind"], amount_cny=2_000_000, term_months=24, rate_pct=original[f"rate_{end}_pct"])
    assert shown[0]["cost_min_cny"] < shown[0]["estimated_cost_cny"] < shown[0]["cost_max_cny"]
    assert shown[0]["likely_rate_pct"] == 4.0  # 6.0 − 0.8 × 2.5: a likely approval is priced near the floor
    assert listing.priced({**items[0], "score": 0.123}, amount_cny=10**6, term_months=12)["likely_rate_pct"] == 5.69
    assert shown[1]["cost_min_cny"] == 40_000 and shown[1]["cost_max_cny"] == 80_000
    assert shown[1]["estimated_cost_cny"] == 60_000 and shown[1]["likely_rate_pct"] == 1.5
    assert shown[2]["cost_min_cny"] is None and shown[2]["estimated_cost_cny"] is None


# ----------------------------------------------------------------------------- change and confirmation

def _stored_firm() -> int:
    from tests.conftest import enterprise_facts

    facts = enterprise_facts()
    firm = Enterprise(**{**facts, "certifications": list(facts["certifications"])})
    db.session.add(firm)
    db.session.commit()
    return firm.id


def test_a_change_is_announced_and_committed_at_the_end_of_the_request(app):
    from flask import Response

    with app.test_request_context("/", method="POST"):
        firm_id = _stored_firm()

        def action():
            db.session.get(Enterprise, firm_id).employees = 99

        assert shared_views.change(action, done="已保存") is True
        assert get_flashed_messages(with_categories=True) == [("success", "已保存")]
        redirect = Response(status=302)
        assert shared_views.commit_at_the_boundary(redirect) is redirect  # the request's one commit
        db.session.rollback()  # only what was committed survives
        assert db.session.get(Enterprise, firm_id).employees == 99
        db.session.remove()


@pytest.mark.parametrize("status, kept", [(200, True), (302, True), (399, True), (400, False), (422, False),
                                          (500, False)])
def test_the_request_keeps_its_work_unless_it_answers_with_an_error(app, status, kept):
    from flask import Response

    with app.test_request_context("/", method="POST"):
        firm_id = _stored_firm()
        db.session.get(Enterprise, firm_id).employees = 77
        shared_views.commit_at_the_boundary(Response(status=status))
        db.session.rollback()
        assert (db.session.get(Enterprise, firm_id).employees == 77) is kept
        db.session.remove()


def test_a_conflict_is_shown_as_a_warning_and_nothing_is_kept(app):
    with app.test_request_context("/", method="POST"):
        firm_id = _stored_firm()

        def action():
            db.session.get(Enterprise, firm_id).employees = 1
            raise Conflict("申请已被其他人处理")

        assert shared_views.change(action, done="已保存") is False
        assert get_flashed_messages(with_categories=True) == [("warning", "申请已被其他人处理")]
        db.session.rollback()
        assert db.session.get(Enterprise, firm_id).employees != 1
        db.session.remove()


def test_invalid_values_are_shown_beside_the_form_fields(app):
    with app.test_request_context("/auth/register", method="POST"):
        form = RegisterForm(formdata=MultiDict())

        def action():
            raise InvalidInput("有误", {"annual_revenue_cny": ["营业收入不能为负数"]})

        assert shared_views.change(action, done="已保存", form=form, names=FIRM_FORM_NAMES) is False
        assert form.annual_revenue.errors == ["营业收入不能为负数"]
        assert get_flashed_messages() == []


@pytest.mark.parametrize("error, form", [(InvalidInput("有误", {"x": ["y"]}), False),
                                         (InvalidInput("有误"), True), (NotFound("没有"), True)])
def test_other_refusals_pass_through_to_the_error_pages(app, error, form):
    with app.test_request_context("/auth/register", method="POST"):
        def action():
            raise error

        with pytest.raises(type(error)):
            shared_views.change(action, done="已保存", form=RegisterForm(formdata=MultiDict()) if form else None)
        assert get_flashed_messages() == []


def test_a_destructive_action_asks_first_and_keeps_what_was_sent(app):
    form = {"csrf_token": "t", "reason": "资金已到位", "confirm": "no"}
    with app.test_request_context("/enterprise/needs/1/withdraw", method="POST", data=form):
        page = shared_views.confirmation(title="撤回需求", sentence="撤回后相关申请一并撤回。", button="确认撤回",
                                         back="/enterprise/needs")
    assert "撤回后相关申请一并撤回。" in page and "确认撤回" in page and 'href="/enterprise/needs"' in page
    assert '<h1 class="h5 text-danger">撤回需求</h1>' in page
    assert 'name="reason" value="资金已到位"' in page
    assert 'name="confirm" value="yes"' in page
    assert page.count('name="confirm"') == 1 and page.count('name="csrf_token"') == 1
    with app.test_request_context("/enterprise/needs/1/withdraw", method="POST", data={**form, "confirm": "yes"}):
        assert shared_views.confirmation(title="t", sentence="s", button="b", back="/") is None


@pytest.mark.parametrize("method, writes", [("GET", False), ("HEAD", False), ("OPTIONS", False), ("POST", True),
                                            ("PUT", True), ("PATCH", True), ("DELETE", True)])
def test_only_requests_that_change_something_take_the_write_lock(app, method, writes):
    with app.test_request_context("/", method=method):
        assert shared_views.may_write() is writes


def test_a_get_that_records_something_says_so_and_outside_a_request_anything_may_write(app):
    with app.app_context():
        assert shared_views.may_write() is True
    seen = []

    @shared_views.writes_on_get
    def audited_page(x, *, y):
        seen.append(shared_views.may_write())
        return x + y

    with app.test_request_context("/"):
        assert shared_views.may_write() is False
        assert audited_page(1, y=2) == 3
        db.session.remove()
    assert seen == [True]
    assert audited_page.__name__ == "audited_page"



@pytest.mark.parametrize("kind, text_zh, text_en", [
    ("credit_loan", "年利率 3.50%–5.00%", "Yearly rate 3.50%–5.00%"),
    ("guarantee", "年费率 3.50%–5.00%", "Yearly fee 3.50%–5.00%"),
    ("tech_insurance", "年费率 3.50%–5.00%", "Yearly fee 3.50%–5.00%"),
    ("equity_investment", "股权投资，不计利息", "Equity investment, no interest"),
])
def test_each_product_is_priced_in_its_own_terms(app, kind, text_zh, text_en):
    from matchmaker.filters import price_terms

    with app.test_request_context("/"):
        assert price_terms(kind, 3.5, 5.0) == text_zh
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert price_terms(kind, 3.5, 5.0) == text_en


class _NeedForm:
    """The firm's need form, filled as a person would post it."""

    @staticmethod
    def posted(**values):
        from matchmaker.needs.forms import NeedForm

        return NeedForm(formdata=MultiDict({"amount": "200", "term_months": "12", **values}), meta={"csrf": False})


def test_a_form_shown_for_the_first_time_is_neither_sent_nor_refused(app):
    ran = []
    with app.test_request_context("/enterprise/needs/new"):
        sent = shared_views.submit(_NeedForm.posted(), lambda: ran.append(1), done="已保存")
    assert (sent.done, sent.value, sent.status, ran) == (False, None, 200, [])


def test_a_form_that_does_not_validate_answers_422_and_never_reaches_the_service(app):
    ran = []
    with app.test_request_context("/enterprise/needs/new", method="POST"):
        form = _NeedForm.posted(amount="")
        sent = shared_views.submit(form, lambda: ran.append(1), done="已保存")
        assert (sent.done, sent.status, ran) == (False, 422, [])
        assert form.amount.errors and get_flashed_messages() == []


def test_a_form_the_service_accepts_says_so_and_hands_back_what_it_made(app):
    with app.test_request_context("/enterprise/needs/new", method="POST"):
        form = _NeedForm.posted()
        sent = shared_views.submit(form, lambda: form.values()["amount_cny"], done="需求已发布")
        assert (sent.done, sent.value, sent.status) == (True, 2_000_000, 200)
        assert get_flashed_messages(with_categories=True) == [("success", "需求已发布")]
    with app.test_request_context("/enterprise/needs/new", method="POST"):
        assert shared_views.submit(_NeedForm.posted(), lambda: None).done is True
        assert get_flashed_messages() == []


@pytest.mark.parametrize("error, beside, above", [
    (InvalidInput("有误", {"amount_cny": ["金额过大"]}), ["金额过大"], []),
    (InvalidInput("有误", {"enterprise.amount_cny": ["金额过大"]}), ["金额过大"], []),
    (Conflict("需求已撤回，不能修改"), [], ["需求已撤回，不能修改"]),
    (InvalidInput("有误", {"no_such_box": ["看不见的字段"]}), [], ["看不见的字段"])])
def test_what_the_service_refuses_is_shown_where_it_belongs_and_nothing_is_kept(app, error, beside, above):
    with app.test_request_context("/enterprise/needs/new", method="POST"):
        firm_id = _stored_firm()
        form = _NeedForm.posted(purpose="扩产")

        def action():
            db.session.get(Enterprise, firm_id).employees = 1
            raise error

        sent = shared_views.submit(form, action, done="已保存", names={"amount_cny": "amount"}, prefix="enterprise.")
        assert (sent.done, sent.value, sent.status) == (False, None, error.status)
        assert (form.amount.errors, form.form_errors) == (beside, above)
        assert form.purpose.data == "扩产" and get_flashed_messages() == []  # what was typed stays
        assert db.session.get(Enterprise, firm_id).employees != 1
        db.session.remove()


def test_the_service_ranking_orders_by_the_figure_chosen_and_puts_the_unknown_last():
    rows = [{"name": "乙", "approval_rate": 0.5}, {"name": "甲", "approval_rate": None},
            {"name": "丙", "approval_rate": 0.9}, {"name": "丁", "approval_rate": 0.1}]
    by_rate = [r["name"] for r in stats.ranking(rows, sort="approval_rate")]
    assert by_rate == ["丙", "乙", "丁", "甲"]
    assert [r["name"] for r in stats.ranking(rows, sort="approval_rate", descending=False)] == ["丁", "乙", "丙", "甲"]
    assert [r["name"] for r in stats.ranking(rows, sort="name")] == sorted(r["name"] for r in rows)
    assert [r["name"] for r in stats.ranking(rows, sort="name", descending=True)] == sorted(
        (r["name"] for r in rows), reverse=True)
    with pytest.raises(InvalidInput) as refused:
        stats.ranking(rows, sort="approval_rate; drop table")
    assert (refused.value.message, refused.value.fields) == ("未知的排序字段", {"sort": [
        "可选：name、applications、approval_rate、disbursed_amount_cny、median_response_hours、p90_response_hours、"
        "within_target_share"]})
