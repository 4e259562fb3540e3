"""The edges of the bureau's statistics: what lies exactly on a period's first and last local midnight, an
empty market, a kind with products but no applications, a month with nothing but a disbursement, and
the types the contract promises. The hand-counted market of test_admin_stats.py covers the middle."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from matchmaker.admin import stats
from matchmaker.applications.figures import approval_rate
from models import FinancingNeed, Institution, Product, db
from tests.test_admin_stats import PRODUCT_TERMS, _app, _firm, utc

# Local midnights (China Standard Time, UTC+8) written in UTC.
FEB_1 = utc(2021, 1, 31, 16)
MAR_1 = utc(2021, 2, 28, 16)
FEBRUARY = stats.Period(dt.date(2021, 2, 1), dt.date(2021, 2, 28))


@pytest.fixture
def edges(ctx):
    bank = Institution(name="甲银行", kind="bank", created_at=utc(2021, 1, 1))
    late_bank = Institution(name="丙银行", kind="bank", created_at=MAR_1)  # exists from March, not February
    credit = Product(institution=bank, name="信用贷", kind="credit_loan", status="active", **PRODUCT_TERMS)
    green = Product(institution=bank, name="绿色贷", kind="green_loan", status="active",
                    **{**PRODUCT_TERMS, "created_at": utc(2021, 1, 2)})  # never applied for
    later = Product(institution=late_bank, name="晚到贷", kind="leasing", status="active",
                    **{**PRODUCT_TERMS, "created_at": MAR_1})
    early = _firm(1, "next_gen_it", utc(2021, 1, 5))
    on_the_last_midnight = _firm(2, "life_health", MAR_1)
    db.session.add_all([bank, late_bank, credit, green, later, early, on_the_last_midnight])
    db.session.flush()
    first = FinancingNeed(enterprise_id=early.id, amount_cny=1_000_000, term_months=12, created_at=FEB_1)
    after = FinancingNeed(enterprise_id=early.id, amount_cny=1_000_000, term_months=12, created_at=MAR_1)
    january = FinancingNeed(enterprise_id=early.id, amount_cny=1_000_000, term_months=12,
                            created_at=utc(2021, 1, 10))
    db.session.add_all([first, after, january])
    db.session.flush()
    db.session.add_all([
        # Approved in January: not an approval of February's, though its money went out in May.
        _app(january, credit, created=utc(2021, 1, 10), status="disbursed", decided=utc(2021, 1, 12),
             approved=700_000, disbursed=700_000, disbursed_at=utc(2021, 5, 20)),
        # Created on February's first local midnight, rejected on its last second.
        _app(first, credit, created=FEB_1, status="rejected", decided=MAR_1 - dt.timedelta(seconds=1)),
        # Decided on March's first local midnight: outside February.
        _app(after, credit, created=MAR_1, status="approved", decided=MAR_1, approved=400_000),
    ])
    db.session.commit()


def test_a_period_holds_its_first_midnight_and_not_the_next_periods(edges):
    figures = stats.market(period=FEBRUARY)
    assert figures["needs"] == 1  # FEB_1 in; MAR_1 and January out
    assert figures["applications"] == 1
    assert (figures["approved"], figures["rejected"]) == (0, 1)
    assert figures["approval_rate"] == 0.0
    # What existed by the end of February: the firm and bank registered on March's midnight did not.
    assert (figures["enterprises"], figures["institutions"], figures["products"]) == (1, 1, 2)
    assert figures["period"] == {"from": "2021-02-01", "to": "2021-02-28"}


def test_a_single_day_is_a_period(edges):
    day = stats.period(start="2021-02-01", end="2021-02-01")
    assert day == stats.Period(dt.date(2021, 2, 1), dt.date(2021, 2, 1))
    assert stats.market(period=day)["needs"] == 1


def test_empty_values_mean_no_bound():
    assert stats.period(start="", end="") == stats.Period()
    assert stats.period(start=None, end="2021-02-28") == stats.Period(None, dt.date(2021, 2, 28))


def test_an_inverted_period_says_which_side_is_wrong():
    from matchmaker.errors import InvalidInput
    from tests.rule_helpers import refusal

    error = refusal(InvalidInput, stats.period, start="2021-03-01", end="2021-02-28")
    assert error.message == "统计区间有误"
    assert error.fields == {"to": ["结束日期不能早于开始日期"]}
    bad = refusal(InvalidInput, stats.period, start="2021-02-30", end="tomorrow")
    assert bad.fields == {"from": ["日期格式应为 YYYY-MM-DD：2021-02-30"], "to": ["日期格式应为 YYYY-MM-DD：tomorrow"]}


def test_a_kind_without_applications_still_has_its_row_of_zeros(edges):
    rows = stats.by_kind(stats.Period())
    assert [r["kind"] for r in rows] == ["credit_loan", "green_loan", "leasing"]  # most money first, then code
    green = rows[1]
    assert green == {"kind": "green_loan", "label": "绿色信贷", "products": 1, "applications": 0, "approved": 0,
                     "rejected": 0, "disbursed": 0, "disbursed_amount_cny": 0, "approval_rate": None}
    assert rows[0]["approval_rate"] == 0.6667  # two approved of three decided, to four places
    in_february = {r["kind"]: r["products"] for r in stats.by_kind(FEBRUARY)}
    assert in_february == {"credit_loan": 1, "green_loan": 1}  # the lease came in March


def test_industries_are_sorted_by_money_then_code(edges):
    rows = stats.by_industry(stats.Period())
    assert [r["industry"] for r in rows] == ["next_gen_it", "life_health"]
    assert [r["disbursed_amount_cny"] for r in rows] == [700_000, 0]
    assert [r["approval_rate"] for r in rows] == [0.6667, None]


def test_a_month_with_only_a_disbursement_shows_zero_for_the_rest(edges):
    months = {m["month"]: m for m in stats.monthly(stats.period(end="2021-06-30"))}
    assert sorted(months) == ["2021-01", "2021-02", "2021-03", "2021-04", "2021-05", "2021-06"]  # every month
    assert not any(v for k, v in months["2021-04"].items() if k != "month")
    assert months["2021-05"] == {"month": "2021-05", "needs": 0, "applications": 0, "approved": 0, "rejected": 0,
                                 "disbursed_amount_cny": 700_000}
    assert months["2021-02"] == {"month": "2021-02", "needs": 1, "applications": 1, "approved": 0, "rejected": 1,
                                 "disbursed_amount_cny": 0}


def test_every_figure_is_a_plain_integer_on_every_database(edges):
    figures = stats.market(period=stats.Period())
    rows = [figures, *figures["by_kind"], *figures["by_industry"], *figures["by_institution"], *figures["monthly"]]
    for row in rows:
        for name in ("applications", "approved", "rejected", "disbursed", "disbursed_amount_cny", "needs",
                     "products", "enterprises"):
            if name in row:
                assert type(row[name]) is int, (name, row[name])


def test_an_empty_market_counts_zero_and_rates_nothing(ctx):
    figures = stats.market(period=stats.Period())
    assert {k: figures[k] for k in ("enterprises", "institutions", "products", "needs", "applications", "approved",
                                    "rejected", "disbursed", "disbursed_amount_cny")} == dict.fromkeys(
        ("enterprises", "institutions", "products", "needs", "applications", "approved", "rejected", "disbursed",
         "disbursed_amount_cny"), 0)
    assert figures["approval_rate"] is None and figures["median_response_hours"] is None
    assert figures["by_kind"] == figures["by_industry"] == figures["by_institution"] == figures["monthly"] == []


def test_an_institution_without_applications_has_zeros_not_blanks(ctx):
    db.session.add(Institution(name="新银行", kind="bank", created_at=utc(2021, 1, 1)))
    db.session.commit()
    (row,) = stats.by_institution(stats.Period())
    assert (row["applications"], row["approved"], row["rejected"], row["disbursed_amount_cny"]) == (0, 0, 0, 0)
    assert row["approval_rate"] is None and row["within_target_share"] is None
    assert row["median_response_hours"] is None and row["products"] == 0


@pytest.mark.parametrize("approved, rejected, rate", [(0, 0, None), (1, 1, 0.5), (2, 1, 0.6667), (1, 0, 1.0),
                                                      (0, 3, 0.0), (1, 2, 0.3333)])
def test_the_approval_rate_is_approved_over_decided_to_four_places(approved, rejected, rate):
    assert approval_rate(approved, rejected) == rate


def test_each_institution_row_names_it_and_counts_only_its_active_products_of_the_period(edges):
    bank_id = db.session.scalar(sa.select(Institution.id).filter_by(name="甲银行"))
    paused = Product(institution_id=bank_id, name="暂停贷", kind="credit_loan", status="paused", **PRODUCT_TERMS)
    march = Product(institution_id=bank_id, name="三月贷", kind="credit_loan", status="active",
                    **{**PRODUCT_TERMS, "created_at": MAR_1})
    db.session.add_all([paused, march])
    db.session.commit()
    rows = stats.by_institution(stats.Period())
    assert [r["name"] for r in rows] == ["甲银行", "丙银行"]  # most money first
    bank, late = rows
    assert (bank["kind"], bank["kind_label"], bank["service_target_days"]) == ("bank", "银行", 3)
    assert bank["products"] == 3 and late["products"] == 1  # the paused one is not on offer
    assert bank["within_target_share"] == round(bank["within_target"] / bank["decided"], 4)
    assert bank["decided"] == 3 and bank["within_target_share"] in (0.0, 0.3333, 0.6667, 1.0)
    assert {r["name"]: r["products"] for r in stats.by_institution(FEBRUARY)} == {"甲银行": 2}


def test_a_decision_at_the_due_moment_itself_is_within_target(ctx):
    from matchmaker.applications.clock import due_at

    bank = Institution(name="准时银行", kind="bank", service_target_days=3, created_at=utc(2021, 1, 1))
    product = Product(institution=bank, name="准时贷", kind="credit_loan", status="active", **PRODUCT_TERMS)
    firm = _firm(7, "other", utc(2021, 1, 2))
    db.session.add_all([bank, product, firm])
    db.session.flush()
    need, other = (FinancingNeed(enterprise_id=firm.id, amount_cny=1_000_000, term_months=12,
                                 created_at=utc(2021, 3, 1, 2)) for _ in range(2))
    db.session.add_all([need, other])
    db.session.flush()
    created = utc(2021, 3, 1, 2)  # a Monday, 10:00 in Chongqing
    due = due_at(created, 3)
    db.session.add_all([
        _app(need, product, created=created, status="rejected", decided=due),
        _app(other, product, created=created, status="rejected", decided=due + dt.timedelta(minutes=1)),
    ])
    db.session.commit()
    (row,) = stats.by_institution(stats.Period())
    assert (row["decided"], row["within_target"], row["within_target_share"]) == (2, 1, 0.5)


def test_response_hours_are_told_to_a_tenth(ctx):
    bank = Institution(name="快银行", kind="bank", created_at=utc(2021, 1, 1))
    product = Product(institution=bank, name="快贷", kind="credit_loan", status="active", **PRODUCT_TERMS)
    firm = _firm(8, "other", utc(2021, 1, 2))
    db.session.add_all([bank, product, firm])
    db.session.flush()
    need = FinancingNeed(enterprise_id=firm.id, amount_cny=1_000_000, term_months=12, created_at=utc(2021, 3, 1, 2))
    db.session.add(need)
    db.session.flush()
    db.session.add(_app(need, product, created=utc(2021, 3, 1, 2), status="rejected", decided=utc(2021, 3, 1, 3, 20)))
    db.session.commit()
    assert stats.headline(stats.Period())["median_response_hours"] == 1.3  # 80 minutes
    (row,) = stats.by_institution(stats.Period())
    assert (row["median_response_hours"], row["p90_response_hours"]) == (1.3, 1.3)
