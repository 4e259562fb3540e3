"""The demo market: the real platform's figures, determinism, and a clean bulk load."""
import collections
import datetime as dt
import hashlib
import json
import os
import stat

import numpy as np
import pytest
import sqlalchemy as sa

from models import (
    Application, ApplicationEvent, Enterprise, FinancingNeed, Institution, Product, User, db, uscc,
)
from seed import CREDENTIALS_FILE, MarketNotEmpty, load_market
from seed.market import NeedTable, ProductTable, approval_probability, draw_market, failed_rules

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def full_market():
    return draw_market(enterprises=5_928, seed=2022, as_of=AS_OF)


def fingerprint(market) -> str:
    payload = [market.institutions, market.products, market.enterprises, market.needs, market.applications,
               market.events]
    return hashlib.sha256(json.dumps(payload, default=str, sort_keys=True).encode()).hexdigest()


def test_full_market_has_the_real_platforms_scale(full_market):
    m = full_market
    assert len(m.enterprises) == 5_928
    assert len(m.products) == 135
    kinds = collections.Counter(i["kind"] for i in m.institutions)
    assert kinds == {"bank": 18, "fund": 7, "leasing": 5, "guarantee": 2, "insurance": 2}


def test_disbursed_total_is_13_34_yi_within_2_percent(full_market):
    history = [a for a in full_market.applications if a["created_at"].year <= 2021]
    total = sum(a["disbursed_amount_cny"] for a in history if a["status"] == "disbursed")
    assert abs(total - 1_334_000_000) / 1_334_000_000 < 0.02
    assert all(a["status"] != "disbursed" for a in full_market.applications if a["created_at"].year > 2021)


def test_history_spans_2019_to_2021_and_open_needs_are_recent(full_market):
    history = [n for n in full_market.needs if n["status"] != "open"]
    assert {n["created_at"].year for n in history} == {2019, 2020, 2021}
    open_needs = [n for n in full_market.needs if n["status"] == "open"]
    assert open_needs and all(0 < (AS_OF - n["created_at"].date()).days <= 61 for n in open_needs)


def test_every_code_and_name_is_valid(full_market):
    m = full_market
    assert all(uscc.is_valid(e["uscc"]) for e in m.enterprises)
    assert len({e["uscc"] for e in m.enterprises}) == len(m.enterprises)
    assert len({e["name"] for e in m.enterprises}) == len(m.enterprises)
    assert all(e["name"].startswith("重庆") and e["name"].endswith("公司") for e in m.enterprises)
    assert {e["industry"] for e in m.enterprises} == {"next_gen_it", "life_health", "green_smart_manufacturing",
                                                     "high_tech_services", "other"}
    assert {p["kind"] for p in m.products} == {
        "credit_loan", "gaoxin_dai", "knowledge_value", "ip_pledge", "equity_pledge", "equipment_mortgage",
        "green_loan", "supply_chain", "renewal_loan", "leasing", "guarantee", "tech_insurance",
        "equity_investment"}
    for p in m.products:
        assert 0 < p["min_amount_cny"] <= p["max_amount_cny"]
        assert 0 < p["min_term_months"] <= p["max_term_months"]
        assert 0 <= p["rate_min_pct"] <= p["rate_max_pct"] <= 36


def test_history_follows_the_written_approval_law(full_market):
    """Observed approval frequency matches the law's mean probability (a calibration check)."""
    m = full_market
    history_needs = [n for n in m.needs if n["status"] != "open"]
    table = ProductTable(m.products, m.appetite)
    needs = NeedTable(history_needs, m.enterprises, m.quality)
    row_of = {n["id"]: i for i, n in enumerate(history_needs)}
    apps = [a for a in m.applications if a["need_id"] in row_of]
    n_idx = np.array([row_of[a["need_id"]] for a in apps])
    p_idx = np.array([a["product_id"] - 1 for a in apps])
    failed = failed_rules(needs, table)[n_idx, p_idx]
    predicted = approval_probability(needs, n_idx, table, p_idx, failed)
    observed = np.array([a["approved_amount_cny"] is not None for a in apps])
    assert abs(predicted.mean() - observed.mean()) < 0.03
    # Better ratings are approved more often, as the law says.
    assert observed[needs.rating[n_idx] >= 6].mean() > observed[needs.rating[n_idx] <= 3].mean() + 0.2
    # Applications outside the rules are rarely approved.
    assert observed[failed > 0].mean() < 0.15 < observed[failed == 0].mean()


def test_same_seed_same_market_other_seed_other_market():
    one = draw_market(enterprises=300, seed=7, as_of=AS_OF)
    again = draw_market(enterprises=300, seed=7, as_of=AS_OF)
    other = draw_market(enterprises=300, seed=8, as_of=AS_OF)
    assert fingerprint(one) == fingerprint(again)
    assert fingerprint(one) != fingerprint(other)


def test_load_market_writes_everything_and_demo_logins_work(app, client, tmp_path):
    with app.app_context():
        summary = load_market(enterprises=120, seed=3, credentials_path=tmp_path, progress=False, as_of=AS_OF)
        counts = {model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                  for model in (Institution, Product, Enterprise, FinancingNeed, Application, User)}
        disbursed = db.session.scalar(sa.select(sa.func.sum(Application.disbursed_amount_cny)))
        events = db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationEvent))
    assert counts == {"institutions": 34, "products": 135, "enterprises": 120, "financing_needs": summary["needs"],
                      "applications": summary["applications"], "users": 4}
    assert disbursed == summary["disbursed_amount_cny"]
    assert events >= summary["applications"]
    path = tmp_path / CREDENTIALS_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    logins = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    assert [role for role, _, _ in logins] == ["admin", "institution", "enterprise", "fund"]
    for login, email, password in logins:
        response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
        assert response.status_code == 200 and response.json["role"] == {"fund": "institution"}.get(login, login)
    fund = client.post("/api/v1/auth/token", json={"email": logins[3][1], "password": logins[3][2]}).json["token"]
    assert client.get("/api/v1/investor-profile", headers={"Authorization": f"Bearer {fund}"}).status_code == 200
    landing = client.get("/").get_data(as_text=True)
    assert 'data-figure="enterprises">120<' in landing


def test_load_market_refuses_a_database_with_data(app, make_user):
    make_user("admin")
    with app.app_context(), pytest.raises(MarketNotEmpty):
        load_market(enterprises=50, seed=1, progress=False, as_of=AS_OF)


def test_new_rows_continue_after_the_seeded_ids(app, client):
    with app.app_context():
        load_market(enterprises=40, seed=2, progress=False, as_of=AS_OF)
    from tests.test_api import registration

    response = client.post("/api/v1/auth/register", json=registration())
    assert response.status_code == 201, response.json
    assert response.json["enterprise"]["id"] == 41


def test_seed_command(runner, app):
    result = runner.invoke(args=["seed", "--enterprises", "60", "--seed", "4", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "enterprises: 60" in result.output and "products: 135" in result.output
    again = runner.invoke(args=["seed", "--enterprises", "60", "--quiet"])
    assert again.exit_code != 0 and "拒绝导入" in again.output
    tolerant = runner.invoke(args=["seed", "--if-empty", "--quiet"])
    assert tolerant.exit_code == 0 and "already holds data" in tolerant.output


def test_the_loan_history_adds_up(full_market):
    """Every lending disbursement is a loan; what was repaid and what is outstanding make the principal; a loan
    is repaid exactly when nothing is outstanding; the overdue are a few percent, overdue since a missed
    instalment and never for more than is outstanding; the fund covers the knowledge-value loans."""
    import datetime as dt

    from models.loan_schedule import schedule
    from seed import loans as loan_history

    as_of = dt.date(2026, 11, 1)
    loans, repayments = loan_history.draw(full_market, seed=2022, as_of=as_of)
    products = {p["id"]: p for p in full_market.products}
    lent = [a for a in full_market.applications if a["status"] == "disbursed"
            and products[a["product_id"]]["kind"] not in loan_history.NOT_LOANS]
    assert [loan["application_id"] for loan in loans] == [a["id"] for a in lent] and len(loans) > 1_000
    paid = {}
    for r in repayments:
        paid[r["loan_id"]] = paid.get(r["loan_id"], 0) + r["principal_cny"]
        assert r["paid_on"] <= as_of
    overdue = 0
    for loan in loans:
        assert paid.get(loan["id"], 0) + loan["outstanding_cny"] == loan["principal_cny"]
        assert (loan["status"] == "repaid") == (loan["outstanding_cny"] == 0)
        assert loan["risk_fund_covered"] == (products[loan["product_id"]]["kind"] == "knowledge_value")
        if loan["status"] == "overdue":
            overdue += 1
            assert 0 < loan["overdue_principal_cny"] <= loan["outstanding_cny"] and loan["overdue_since"] <= as_of
            due_dates = [i.due_on for i in schedule(principal_cny=loan["principal_cny"], rate_pct=loan["rate_pct"],
                                                    term_months=loan["term_months"], disbursed_on=loan["disbursed_on"],
                                                    repayment=loan["repayment"])]
            assert loan["overdue_since"] in due_dates
        else:
            assert loan["overdue_since"] is None and loan["overdue_principal_cny"] == 0
    assert 0.01 < overdue / len(loans) < 0.08
    assert loan_history.draw(full_market, seed=2022, as_of=as_of) == (loans, repayments)  # the same draw


def test_the_fund_history_adds_up_by_the_platform_s_own_rules(full_market, app):
    """Claims only on covered loans overdue past 次级, each split as the fund's rule splits it; a paid claim writes
    its loan off; a recovery returns what returned_share says; the balance is contributions less payments plus
    returns; each bank keeps one overdue covered loan unclaimed and the bureau's queue is not empty."""
    import datetime as dt

    from matchmaker.loans import fund as fund_rules
    from models import CompensationClaim
    from seed import fund as fund_history
    from seed import loans as loan_history

    as_of = dt.date(2026, 11, 1)
    loans, _ = loan_history.draw(full_market, seed=2022, as_of=as_of)
    fund = fund_history.draw(loans, seed=2022, as_of=as_of)
    by_id = {loan["id"]: loan for loan in loans}
    with app.app_context():
        for claim in fund["claims"]:
            loan = by_id[claim["loan_id"]]
            assert loan["risk_fund_covered"] and loan["overdue_since"] + dt.timedelta(days=90) <= as_of
            assert fund_rules.split(claim["loss_cny"]) == (claim["covered_cny"], claim["city_cny"], claim["district_cny"])
            assert claim["loss_cny"] <= loan["overdue_principal_cny"]
            assert (loan["status"] == "written_off") == (claim["status"] == "approved")
        for recovery in fund["recoveries"]:
            claim = fund["claims"][recovery["claim_id"] - 1]
            assert claim["status"] == "approved" and recovery["recovered_on"] <= as_of
            model = CompensationClaim(**{k: claim[k] for k in ("loss_cny", "covered_cny", "city_cny", "district_cny")})
            assert fund_rules.returned_share(model, recovery["amount_cny"]) == (
                recovery["returned_cny"], recovery["city_cny"])
    paid = sum(c["covered_cny"] for c in fund["claims"] if c["status"] == "approved")
    came_in = sum(c["city_cny"] + c["district_cny"] for c in fund["contributions"])
    assert all(c["city_cny"] * 6 == c["district_cny"] * 4 for c in fund["contributions"])
    (row,) = fund["fund"]
    assert row == {"id": 1, "paid_cny": paid, "returned_cny": sum(r["returned_cny"] for r in fund["recoveries"]),
                   "balance_cny": came_in - paid + row["returned_cny"]} and row["balance_cny"] > 0
    assert sum(c["status"] == "submitted" for c in fund["claims"]) == fund_history.PENDING_CLAIMS
    unclaimed = {loan["institution_id"] for loan in loans if loan["status"] == "overdue" and loan["risk_fund_covered"]
                 and loan["id"] not in {c["loan_id"] for c in fund["claims"]}}
    assert unclaimed and any(c["status"] == "approved" for c in fund["claims"])


def test_the_listing_pipeline_moves_forward_in_time(full_market):
    """A few dozen of the largest firms, each through the stages in order on days that never go back, reaching
    the stages the seed says; their facts in proportion (the market value a multiple of revenue)."""
    import datetime as dt

    from models import ListingStage
    from seed import listing

    as_of = dt.date(2026, 11, 1)
    facts, changes = listing.draw(full_market, seed=2022, as_of=as_of)
    order = ListingStage.values()
    assert list(listing.ORDER) == order
    by_firm = {}
    for change in changes:
        by_firm.setdefault(change["enterprise_id"], []).append(change)
    assert len(by_firm) == len(facts) == sum(n for _, n in listing.REACHED) == 36
    reached = {}
    for rows in by_firm.values():
        assert [r["stage"] for r in rows] == order[:len(rows)]  # in order, none skipped
        days = [r["changed_on"] for r in rows]
        assert days == sorted(days) and days[-1] <= as_of and len({r["tier"] for r in rows}) == 1
        reached[rows[-1]["stage"]] = reached.get(rows[-1]["stage"], 0) + 1
    assert reached == dict(listing.REACHED)
    revenue = {f["id"]: f["annual_revenue_cny"] for f in full_market.enterprises}
    assert all(3 * revenue[f["enterprise_id"]] <= f["expected_market_value_cny"] <= 12 * revenue[f["enterprise_id"]]
               for f in facts)
    assert min(revenue[f["enterprise_id"]] for f in facts) >= sorted(revenue.values())[-37]  # the largest firms
    assert listing.draw(full_market, seed=2022, as_of=as_of) == (facts, changes)


def test_every_fund_manager_publishes_a_profile_the_platform_would_accept(full_market):
    import datetime as dt

    from models import EquityStage, Industry
    from seed import equity

    rows = equity.draw(full_market, seed=2022, as_of=dt.date(2026, 11, 1))
    funds = [i["id"] for i in full_market.institutions if i["kind"] == "fund"]
    assert [r["institution_id"] for r in rows] == funds and len(funds) == 7
    for row in rows:
        stages = row["stages"]
        assert stages and stages == [s for s in EquityStage.values() if s in stages]  # consecutive codes, in order
        assert EquityStage.values().index(stages[-1]) - EquityStage.values().index(stages[0]) == len(stages) - 1
        assert set(row["industries"]) <= set(Industry.values()) and row["industries"]
        assert 0 < row["min_ticket_cny"] <= row["max_ticket_cny"] <= row["fund_size_cny"]


def test_the_equity_history_keeps_the_pipeline_s_own_rules(full_market):
    """Rounds, interests and roadshows as the platform would have made them: each deal's steps in the pipeline's
    order and dated forward, ending at its stage; an amount exactly where invested; a round closed only when raised
    in full; seats within capacity; interests from a room only from funds seated there, in rounds pitched there."""
    import copy

    from matchmaker.equity.pipeline import ORDER
    from seed import deals, equity

    market = copy.deepcopy(full_market)
    equity.more_funds(market, total=50, seed=2022, as_of=AS_OF)  # the plan's scale (flask seed --equity)
    profiles = equity.draw(market, seed=2022, as_of=AS_OF)
    assert sum(1 for i in market.institutions if i["kind"] == "fund") == len(profiles) == 50
    assert len({i["name"] for i in market.institutions}) == len(market.institutions)
    drawn = deals.draw(market, profiles, seed=2022, as_of=AS_OF)
    needs = {n["id"]: n for n in drawn["needs"]}
    assert 200 <= len(needs) <= 400 and len(drawn["roadshows"]) == 3
    steps = {}
    for step in drawn["steps"]:
        steps.setdefault(step["interest_id"], []).append(step)
    order = [s.value for s in ORDER]
    raised = {}
    for interest in drawn["interests"]:
        reached = [s["stage"] for s in steps[interest["id"]]]
        assert reached[-1] == interest["stage"]
        forward = [s for s in reached if s != "passed"]
        assert forward == order[:len(forward)] and reached.count("passed") <= 1
        days = [s["at"] for s in steps[interest["id"]]]
        assert days == sorted(days) and interest["moved_at"] == days[-1] and days[-1].date() <= AS_OF
        assert (interest["amount_cny"] is not None) == (interest["stage"] == "invested")
        assert (interest["pass_reason"] is not None) == (interest["stage"] == "passed")
        raised[interest["equity_need_id"]] = raised.get(interest["equity_need_id"], 0) + (interest["amount_cny"] or 0)
    assert sum(1 for i in drawn["interests"] if i["stage"] == "invested") >= 50
    pairs = [(i["equity_need_id"], i["institution_id"]) for i in drawn["interests"]]
    assert len(pairs) == len(set(pairs))  # one interest per fund and round, as the database requires
    for need in needs.values():
        assert (need["status"] == "closed") == (raised.get(need["id"], 0) >= need["amount_cny"])
    seats = {}
    for seat in drawn["seats"]:
        seats.setdefault(seat["roadshow_id"], set()).add(seat["institution_id"])
    for show in drawn["roadshows"]:
        assert show["seats_taken"] == len(seats.get(show["id"], ())) <= show["capacity"]
        assert show["status"] == ("held" if show["held_on"] < AS_OF else "open")
    accepted = {(p["roadshow_id"], p["equity_need_id"]) for p in drawn["pitches"] if p["status"] == "accepted"}
    for interest in drawn["interests"]:
        if interest["roadshow_id"] is not None:
            assert (interest["roadshow_id"], interest["equity_need_id"]) in accepted
            assert interest["institution_id"] in seats[interest["roadshow_id"]]
