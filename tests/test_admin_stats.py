"""The administrator's statistics against a market small enough to count by hand, on SQLite and PostgreSQL.

The fixture below is the whole market; every expected figure in these tests was counted from it by
hand (the comments say how), so a wrong aggregate, a wrong period boundary or a wrong time zone fails.
"""
import csv
import datetime as dt
import io
import statistics

import pytest
import sqlalchemy as sa

from matchmaker import sql
from matchmaker.admin import stats
from matchmaker.applications.clock import due_at
from models import (
    Application, ApplicationStatus, AuditEvent, Enterprise, FinancingNeed, Institution, Product, UTCDateTime, db,
)
from tests.conftest import enterprise_facts, valid_uscc
from tests.test_api import assert_error, token_for
from tests.test_auth_pages import submit


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.timezone.utc)


PRODUCT_TERMS = dict(min_amount_cny=100_000, max_amount_cny=5_000_000, min_term_months=1, max_term_months=36,
                     rate_min_pct=3.0, rate_max_pct=6.0, created_at=utc(2021, 1, 1))


def _firm(n: int, industry: str, created: dt.datetime) -> Enterprise:
    facts = enterprise_facts(name=f"手数企业{n}", uscc=valid_uscc(f"9150010700000{n:04d}"), industry=industry)
    return Enterprise(**facts, created_at=created)


def _app(need, product, *, created, status="submitted", decided=None, approved=None, disbursed=None,
         disbursed_at=None, imported=False) -> Application:
    return Application(need=need, product=product, enterprise_id=need.enterprise_id,
                       institution_id=product.institution_id, amount_cny=need.amount_cny, term_months=12,
                       status=ApplicationStatus(status), created_at=created, decided_at=decided,
                       approved_amount_cny=approved, rate_pct=4.0 if approved else None,
                       disbursed_amount_cny=disbursed, disbursed_at=disbursed_at, imported=imported)


@pytest.fixture
def counted(app):
    """Two institutions, three products, three firms, five needs, seven applications."""
    with app.app_context():
        return _build_counted_market()


def _build_counted_market() -> dict:
    bank = Institution(name="甲银行", kind="bank", service_target_days=3, created_at=utc(2021, 1, 1))
    guarantor = Institution(name="乙担保", kind="guarantee", service_target_days=5, created_at=utc(2021, 1, 1))
    p1 = Product(institution=bank, name="信用贷", kind="credit_loan", status="active", **PRODUCT_TERMS)
    p2 = Product(institution=bank, name="知产贷", kind="ip_pledge", status="paused", **PRODUCT_TERMS)
    p3 = Product(institution=guarantor, name="担保", kind="guarantee", status="active", **PRODUCT_TERMS)
    e1 = _firm(1, "next_gen_it", utc(2021, 1, 5))
    e2 = _firm(2, "life_health", utc(2021, 1, 5))
    e3 = _firm(3, "life_health", utc(2021, 6, 30, 17))  # 2021-07-01 01:00 in Chongqing: after H1
    db.session.add_all([bank, guarantor, p1, p2, p3, e1, e2, e3])
    db.session.flush()

    def need(firm, created):
        return FinancingNeed(enterprise_id=firm.id, amount_cny=1_000_000, term_months=12, created_at=created)

    n1 = need(e1, utc(2021, 2, 1, 2))
    n2 = need(e2, utc(2021, 2, 28, 17))  # 2021-03-01 01:00 local: a March need
    n3 = need(e3, utc(2021, 7, 2, 2))
    n4 = need(e1, utc(2021, 7, 3, 2))
    n5 = need(e2, utc(2021, 4, 1, 4))
    db.session.add_all([n1, n2, n3, n4, n5])
    db.session.flush()
    db.session.add_all([
        # A1: Monday, answered in 24 h (target 3 working days: on time), approved, 800k disbursed in Feb.
        _app(n1, p1, created=utc(2021, 2, 1, 2), status="disbursed", decided=utc(2021, 2, 2, 2),
             approved=1_000_000, disbursed=800_000, disbursed_at=utc(2021, 2, 5)),
        # A2: Monday, 192 h; 5 working days were due Monday 02-08 02:00: late. Rejected.
        _app(n1, p3, created=utc(2021, 2, 1, 2), status="rejected", decided=utc(2021, 2, 9, 2)),
        # A3: Wednesday; 3 working days run over the weekend to Monday 03-15 02:00; answered 01:00 (119 h).
        _app(n2, p1, created=utc(2021, 3, 10, 2), status="disbursed", decided=utc(2021, 3, 15, 1),
             approved=2_000_000, disbursed=2_000_000, disbursed_at=utc(2021, 7, 10)),
        # A4: still waiting.
        _app(n3, p2, created=utc(2021, 7, 2, 2)),
        # A5: Saturday; due Wednesday 07-07 02:00; answered Tuesday (72 h). Rejected.
        _app(n4, p1, created=utc(2021, 7, 3, 2), status="rejected", decided=utc(2021, 7, 6, 2)),
        # A6: 36 h, approved, then withdrawn by the firm (still an approval).
        _app(n2, p3, created=utc(2021, 3, 10, 2), status="withdrawn", decided=utc(2021, 3, 11, 14),
             approved=500_000),
        # A7: imported history: an outcome without a response time.
        _app(n5, p3, created=utc(2021, 4, 1, 4), status="disbursed", decided=utc(2021, 4, 1, 4),
             approved=300_000, disbursed=300_000, disbursed_at=utc(2021, 4, 1, 4), imported=True),
    ])
    db.session.commit()
    return {"bank": bank.id, "guarantor": guarantor.id}


def test_all_time_headline_figures(counted, ctx):
    figures = stats.market(period=stats.Period())
    assert {k: figures[k] for k in ("enterprises", "institutions", "products", "needs", "applications",
                                    "approved", "rejected", "disbursed", "disbursed_amount_cny")} == {
        "enterprises": 3, "institutions": 2, "products": 2,  # P2 is paused
        "needs": 5, "applications": 7,
        "approved": 4, "rejected": 2,  # A1 A3 A6 A7 / A2 A5
        "disbursed": 3, "disbursed_amount_cny": 3_100_000,  # 800k + 2m + 300k
    }
    assert figures["approval_rate"] == pytest.approx(4 / 6, abs=1e-4)
    assert figures["median_response_hours"] == 72.0  # 24 36 72 119 192; A7 imported is left out


def test_a_period_counts_each_thing_by_its_own_date(counted, ctx):
    figures = stats.market(period=stats.period(start="2021-01-01", end="2021-06-30"))
    assert figures["enterprises"] == 2  # E3 registered 07-01 01:00 Chongqing time
    assert figures["needs"] == 3  # N1 N2 N5
    assert figures["applications"] == 5  # A1 A2 A3 A6 A7
    assert (figures["approved"], figures["rejected"]) == (4, 1)
    assert (figures["disbursed"], figures["disbursed_amount_cny"]) == (2, 1_100_000)  # A3's money left in July
    assert figures["median_response_hours"] == 77.5  # 24 36 | 119 192
    later = stats.market(period=stats.period(start="2021-07-01"))
    assert (later["needs"], later["applications"], later["rejected"], later["disbursed_amount_cny"]) == (
        2, 2, 1, 2_000_000)


def test_breakdowns_by_kind_industry_and_month(counted, ctx):
    figures = stats.market(period=stats.Period())
    kinds = {r["kind"]: (r["products"], r["applications"], r["approved"], r["rejected"], r["disbursed_amount_cny"])
             for r in figures["by_kind"]}
    assert kinds == {"credit_loan": (1, 3, 2, 1, 2_800_000), "ip_pledge": (0, 1, 0, 0, 0),
                     "guarantee": (1, 3, 2, 1, 300_000)}
    industries = {r["industry"]: (r["enterprises"], r["needs"], r["applications"], r["approved"], r["rejected"],
                                  r["disbursed_amount_cny"]) for r in figures["by_industry"]}
    assert industries == {"next_gen_it": (1, 2, 3, 1, 2, 800_000), "life_health": (2, 3, 4, 3, 0, 2_300_000)}
    months = {m["month"]: (m["needs"], m["applications"], m["approved"], m["rejected"], m["disbursed_amount_cny"])
              for m in figures["monthly"]}
    assert {k: v for k, v in months.items() if any(v)} == {
        "2021-02": (1, 2, 1, 1, 800_000), "2021-03": (1, 2, 2, 0, 0), "2021-04": (1, 1, 1, 0, 300_000),
        "2021-07": (2, 2, 0, 1, 2_000_000)}
    # every month is drawn, the quiet ones as zeros, up to this month for an open-ended period
    today = dt.datetime.now(stats.LOCAL).date()
    listed = [m["month"] for m in figures["monthly"]]
    assert listed[0] == "2021-02" and listed[-1] == f"{today.year:04d}-{today.month:02d}"
    assert len(listed) == (today.year - 2021) * 12 + today.month - 2 + 1 and listed == sorted(set(listed))
    assert months["2021-05"] == months["2022-01"] == (0, 0, 0, 0, 0)
    ended = [m["month"] for m in stats.market(period=stats.period(end="2021-09-30"))["monthly"]]
    assert ended == ["2021-02", "2021-03", "2021-04", "2021-05", "2021-06", "2021-07", "2021-08", "2021-09"]


def test_institutions_service_figures(counted, ctx):
    rows = {r["institution_id"]: r for r in stats.by_institution(stats.Period())}
    bank, guarantor = rows[counted["bank"]], rows[counted["guarantor"]]
    # Bank: A1 24 h, A5 72 h, A3 119 h, all on time; A4 waits.
    assert (bank["applications"], bank["approved"], bank["rejected"], bank["decided"]) == (4, 2, 1, 3)
    assert bank["median_response_hours"] == 72.0
    assert bank["p90_response_hours"] == pytest.approx(72 + 0.8 * (119 - 72), abs=0.05)
    assert bank["within_target_share"] == 1.0 and bank["products"] == 1
    # Guarantor: A6 36 h on time, A2 192 h late; A7 imported has no response time.
    assert (guarantor["applications"], guarantor["decided"], guarantor["within_target"]) == (3, 2, 1)
    assert guarantor["median_response_hours"] == 114.0
    assert guarantor["p90_response_hours"] == pytest.approx(36 + 0.9 * 156, abs=0.05)
    assert guarantor["within_target_share"] == 0.5 and guarantor["disbursed_amount_cny"] == 300_000


@pytest.mark.parametrize("target", [1, 2, 3, 5, 7, 10])
def test_the_sql_due_time_is_the_response_clocks(ctx, target):
    """For a submission on every day of the week, the closed form in SQL equals applications.clock.due_at."""
    for day in range(7):
        submitted = utc(2021, 3, 1 + day, 9, 30)  # 2021-03-01 is a Monday
        value = sa.literal(submitted, UTCDateTime())
        due_days = db.session.scalar(sa.select(sql.due_epoch_days(value, target)))
        expected = due_at(submitted, target).timestamp() / 86400
        assert due_days == pytest.approx(expected, abs=1e-6), (submitted.strftime("%A"), target)


def test_percentiles_match_the_python_median_on_the_seeded_history(ctx):
    from seed import load_market

    load_market(enterprises=300, seed=4, progress=False, as_of=dt.date(2026, 11, 1))
    rows = db.session.execute(sa.select(Application.created_at, Application.decided_at)
                              .where(Application.decided_at.is_not(None))).all()
    hours = [(d - c).total_seconds() / 3600 for c, d in rows]
    figures = stats.headline(stats.Period())
    assert figures["median_response_hours"] == pytest.approx(statistics.median(hours), abs=0.06)
    by_institution = stats.by_institution(stats.Period())
    assert sum(r["applications"] for r in by_institution) == figures["applications"]
    assert sum(r["disbursed_amount_cny"] for r in by_institution) == figures["disbursed_amount_cny"]


@pytest.mark.parametrize("query, field", [("from=2021-02-30", "from"), ("to=yesterday", "to"),
                                          ("from=2021-05-01&to=2021-04-01", "to")])
def test_bad_periods_are_422_naming_the_field(client, make_user, query, field):
    admin = make_user("admin")
    response = client.get(f"/api/v1/admin/stats?{query}", headers=token_for(client, admin.email, admin.password))
    assert_error(response, 422, "invalid_input", fields=[field])


def test_the_api_page_and_csv_carry_the_same_figures(counted, client, make_user, app):
    admin = make_user("admin")
    api = client.get("/api/v1/admin/stats?from=2021-01-01&to=2021-06-30",
                     headers=token_for(client, admin.email, admin.password))
    assert api.status_code == 200 and api.json["disbursed_amount_cny"] == 1_100_000
    with app.app_context():
        assert api.json == _jsonish(stats.market(period=stats.period(start="2021-01-01", end="2021-06-30")))
    assert submit(client, "/auth/login", {"email": admin.email, "password": admin.password}).status_code == 302
    html = client.get("/admin/?from=2021-01-01&to=2021-06-30").get_data(as_text=True)
    assert 'data-figure="applications">5<' in html and 'data-figure="approval_rate">80.0%<' in html
    assert 'data-chart="monthly"' in html and 'id="chart-data"' in html
    response = client.get("/admin/stats.csv?from=2021-01-01&to=2021-06-30")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    headline = {r[1]: r[2] for r in rows if len(r) == 3 and r[1] in api.json}
    assert headline["applications"] == "5" and headline["disbursed_amount_cny"] == "1100000"
    assert ["代码", "行业", "企业数", "融资需求数", "申请数", "获批数", "拒绝数", "获批率", "放款笔数", "促成融资（元）"] in rows
    assert any(r[:2] == ["life_health", "生命健康"] for r in rows)  # Chinese intact
    api_csv = client.get("/api/v1/admin/stats.csv", headers=token_for(client, admin.email, admin.password))
    assert api_csv.data.startswith(b"\xef\xbb\xbf") and "甲银行" in api_csv.data.decode("utf-8-sig")
    with app.app_context():
        exports = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "stats.export")).all()
    assert len(exports) == 2 and exports[0].detail == {"from": "2021-01-01", "to": "2021-06-30"}


def test_the_api_orders_the_institutions_as_the_service_ranking(counted, client, make_user, app):
    admin = make_user("admin")
    headers = token_for(client, admin.email, admin.password)
    plain = client.get("/api/v1/admin/stats", headers=headers).json["by_institution"]
    assert [r["disbursed_amount_cny"] for r in plain] == sorted((r["disbursed_amount_cny"] for r in plain), reverse=True)
    for query, reverse in (("sort=median_response_hours", True), ("sort=median_response_hours&dir=asc", False)):
        ranked = client.get(f"/api/v1/admin/stats?{query}", headers=headers).json["by_institution"]
        known = [r["median_response_hours"] for r in ranked if r["median_response_hours"] is not None]
        assert known == sorted(known, reverse=reverse) and len(known) >= 2
        assert all(r["median_response_hours"] is None for r in ranked[len(known):])  # no figure yet: last
        assert sorted(r["institution_id"] for r in ranked) == sorted(r["institution_id"] for r in plain)
    names = client.get("/api/v1/admin/stats?sort=name", headers=headers).json["by_institution"]
    assert [r["name"] for r in names] == sorted(r["name"] for r in plain)
    assert submit(client, "/auth/login", {"email": admin.email, "password": admin.password}).status_code == 302
    html = client.get("/admin/institutions?sort=median_response_hours&dir=asc").get_data(as_text=True)
    first, second = (html.index(r["name"]) for r in client.get(
        "/api/v1/admin/stats?sort=median_response_hours&dir=asc", headers=headers).json["by_institution"][:2])
    assert first < second  # the page shows the API's order
    for query, field in (("sort=nonsense", "sort"), ("sort=name&dir=up", "dir")):
        assert_error(client.get(f"/api/v1/admin/stats?{query}", headers=headers), 422, "invalid_input", fields=[field])


def _jsonish(value):
    import json

    from flask import json as flask_json

    return json.loads(flask_json.dumps(value))


def test_unserved_demand_and_plan_targets(counted, client, make_user, app):
    with app.app_context():
        db.session.execute(sa.update(FinancingNeed).values(status="closed"))
        open_need = FinancingNeed(enterprise_id=db.session.scalar(sa.select(Enterprise.id).order_by(Enterprise.id)),
                                  amount_cny=60_000_000, term_months=12, created_at=utc(2021, 1, 1))
        db.session.add(open_need)
        db.session.commit()
    admin = make_user("admin")
    headers = token_for(client, admin.email, admin.password)
    report = client.get("/api/v1/admin/unserved", headers=headers).json
    no_product = {r["industry"]: r for r in report["without_product"]}
    stale = {r["industry"]: r for r in report["without_application"]}
    # 6,000 万元 (E1, next_gen_it) is over every product's 500 万元 ceiling, and nobody applied since 2021.
    for grid in (no_product, stale):
        assert sum(r["needs"] for r in grid.values()) == 1
        assert grid["next_gen_it"]["bands"][-1] == {"band": "1000 万元及以上", "needs": 1, "amount_cny": 60_000_000}
    targets = {t["code"]: t for t in client.get("/api/v1/admin/targets", headers=headers).json["items"]}
    assert targets["institutions"]["actual"] == 2 and targets["institutions"]["target"] == 42
    assert targets["institutions"]["met"] is False
    lending = targets["lending_growth"]["years"]
    assert [y["amount_cny"] for y in lending] == [3_100_000]  # one year only: no growth to judge
    assert targets["lending_growth"]["met"] is None
    # judged on this year so far against the same days of last year, not on the latest year with data
    today = dt.datetime.now(stats.LOCAL).date()
    assert targets["lending_growth"]["compared"] == {
        "from": f"{today.year}-01-01", "to": today.isoformat(), "base_from": f"{today.year - 1}-01-01",
        "base_to": today.replace(year=today.year - 1, day=min(today.day, 28) if today.month == 2 else today.day)
        .isoformat(), "amount_cny": 0, "base_amount_cny": 0, "growth": None, "met": None}


def test_a_plan_target_compares_this_year_so_far_with_the_same_days_of_last_year(counted, ctx):
    from matchmaker.admin import targets

    # The counted market lent 800k in Feb, 300k in Apr and 2m in Jul 2021: as seen on 2022-07-10 and 2021-04-30.
    in_2022 = targets.year_to_date(today=dt.date(2022, 7, 10))
    assert (in_2022["amount_cny"], in_2022["base_amount_cny"], in_2022["growth"], in_2022["met"]) == (
        0, 3_100_000, -1.0, False)
    early = targets.year_to_date(today=dt.date(2021, 4, 30))
    assert (early["amount_cny"], early["base_amount_cny"], early["growth"]) == (1_100_000, 0, None)
    leap = targets.year_to_date(today=dt.date(2024, 2, 29))
    assert (leap["to"], leap["base_to"]) == ("2024-02-29", "2023-02-28")
    # the yearly history: only the year still running is "so far"
    running = {t["code"]: t for t in targets.plan_targets(today=dt.date(2021, 12, 30))}["lending_growth"]["years"]
    assert [(y["year"], y["partial"]) for y in running] == [("2021", True)]
    over = {t["code"]: t for t in targets.plan_targets(today=dt.date(2022, 2, 1))}["lending_growth"]["years"]
    assert [(y["year"], y["partial"]) for y in over] == [("2021", False)]
