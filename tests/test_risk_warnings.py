"""Risk early warning (issue 17, point 3): the score's parts on worked examples at their thresholds, the five
bands at their cut-offs (finance-rules.md: red 80–100, orange 60–80, yellow 40–60, blue 20–40, green below), a
warning opened for the lender as soon as a loan is reported overdue, one open task per firm and bank that
follows the score, handled with what was done recorded; another bank's officer gets 404, a firm 403. On both
databases."""
from __future__ import annotations

import datetime as dt

import pytest

from matchmaker.loans import services as loans
from matchmaker.loans import warnings
from models import CreditGrade, Loan, LoanStatus
from tests.test_api import assert_error
from tests.test_risk_fund import bureau, lend, overdue  # noqa: F401  (fixtures and steps shared)

TODAY = dt.date(2026, 6, 1)


def loan(status="current", *, since=None, grade=None, updated=None) -> Loan:
    return Loan(status=LoanStatus(status), overdue_since=since, credit_grade=CreditGrade(grade) if grade else None,
                updated_at=updated)


def scored(app, **facts):
    defaults = {"loans": [loan()], "grade": None, "assets": None, "liabilities": None, "waiting_needs": 0, "today": TODAY}
    with app.app_context():
        return warnings.score(**{**defaults, **facts})


@pytest.mark.parametrize(("score", "band"), [(100, "red"), (80, "red"), (79, "orange"), (60, "orange"), (59, "yellow"),
                                             (40, "yellow"), (39, "blue"), (20, "blue"), (19, "green"), (0, "green")])
def test_the_five_bands_at_their_cut_offs(app, score, band):
    with app.app_context():
        assert warnings.band_of(score).value == band


def test_each_part_of_the_score_on_worked_examples(app):
    rules = app.config["RISK_SCORE"]
    assert scored(app) == (0, [])
    # Overdue anywhere: 40; past 90 days 20 more (90 days exactly is not past 90).
    at_90 = scored(app, loans=[loan("overdue", since=TODAY - dt.timedelta(days=90))])
    assert at_90 == (rules["overdue"], ["平台上有 1 笔贷款逾期，最长 90 天"])
    assert scored(app, loans=[loan("overdue", since=TODAY - dt.timedelta(days=91))])[0] == rules["overdue"] + rules["overdue_90_days"]
    # Written off within three years: 20; the overdue part is capped at 60 together.
    recent = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    assert scored(app, loans=[loan("written_off", updated=recent)]) == (rules["written_off"], ["近三年有 1 笔贷款核销"])
    assert scored(app, loans=[loan("written_off", updated=dt.datetime(2022, 1, 1, tzinfo=dt.timezone.utc))]) == (0, [])
    everything = [loan("overdue", since=TODAY - dt.timedelta(days=400)), loan("written_off", updated=recent)]
    assert scored(app, loans=everything)[0] == rules["overdue_max"] == 60
    # The grade fell since a live loan was disbursed: 10 per step, at most 20; no grade now is below E.
    assert scored(app, loans=[loan(grade="B")], grade="C") == (10, ["知识价值信用评级由放款时的 B 降至 C"])
    assert scored(app, loans=[loan(grade="A")], grade="E")[0] == rules["grade_max"]
    assert scored(app, loans=[loan(grade="E")], grade=None)[0] == rules["grade_step"]
    assert scored(app, loans=[loan(grade="C")], grade="B") == (0, [])
    assert scored(app, loans=[loan("repaid", grade="A")], grade="E") == (0, [])  # a repaid loan is no live exposure
    # Leverage: 85 % → 20, 70 % → 10, just below each the lower step.
    assert scored(app, assets=1_000, liabilities=850) == (20, ["资产负债率 85%"])
    assert scored(app, assets=1_000, liabilities=849)[0] == 10
    assert scored(app, assets=1_000, liabilities=700)[0] == 10
    assert scored(app, assets=1_000, liabilities=699)[0] == 0
    assert scored(app, assets=0, liabilities=10)[0] == 0  # no balance sheet, no ratio
    # Needs piling up: 10 for each waiting need beyond the first, at most 20.
    assert scored(app, waiting_needs=1)[0] == 0
    assert scored(app, waiting_needs=2) == (10, ["2 笔融资需求超过 30 天未获批"])
    assert scored(app, waiting_needs=9)[0] == rules["unserved_max"]
    # Everything at once is capped at 100.
    worst = scored(app, loans=[*everything, loan(grade="A")], grade=None, assets=100, liabilities=99, waiting_needs=9)
    assert worst[0] == 100 and len(worst[1]) == 5


def test_an_overdue_report_warns_the_lender_who_records_what_was_done(client, bureau, app):  # noqa: F811
    made = lend(client, bureau)
    bank, other, firm, admin = bureau["bank"], bureau["other"], bureau["firm"], bureau["admin"]
    assert client.get("/api/v1/risk-warnings", headers=bank).json == {"items": [], "total": 0}
    overdue(client, bureau, made, 100_000)
    listed = client.get("/api/v1/risk-warnings", headers=bank).json
    assert listed["total"] == 1
    (warning,) = listed["items"]
    assert set(warning) >= {"id", "enterprise_id", "enterprise_name", "institution_id", "score", "band", "reasons",
                            "status", "action", "handled_at", "created_at"}
    assert (warning["enterprise_id"], warning["score"], warning["band"], warning["status"]) == (
        made["enterprise_id"], app.config["RISK_SCORE"]["overdue"], "yellow", "open")
    assert warning["reasons"] == ["平台上有 1 笔贷款逾期，最长 0 天"]
    # Another report, another scan: the open task follows the score instead of doubling.
    later = (loans.today() - dt.timedelta(days=120)).isoformat()
    assert client.post(f"/api/v1/loans/{made['id']}/overdue", headers=bank,
                       json={"since": loans.today().isoformat(), "overdue_principal_cny": 200_000}).status_code == 200
    assert client.get("/api/v1/risk-warnings", headers=bank).json["total"] == 1
    assert client.get("/api/v1/risk-warnings", headers=other).json["total"] == 0
    assert_error(client.get("/api/v1/risk-warnings", headers=firm), 403)
    assert client.get("/api/v1/risk-warnings?band=yellow", headers=admin).json["total"] == 1
    assert client.get("/api/v1/risk-warnings?band=red", headers=admin).json["total"] == 0
    assert_error(client.get("/api/v1/risk-warnings?band=purple", headers=admin), 422, fields=["band"])
    url = f"/api/v1/risk-warnings/{warning['id']}/handle"
    assert_error(client.post(url, headers=other, json={"action": "看过了"}), 404)
    assert_error(client.post(url, headers=firm, json={"action": "看过了"}), 403)
    assert_error(client.post(url, headers=bank, json={"action": "   "}), 422, fields=["action"])
    done = client.post(url, headers=bank, json={"action": "已上门核查，企业承诺下月补还"})
    assert done.status_code == 200
    assert (done.json["status"], done.json["action"]) == ("handled", "已上门核查，企业承诺下月补还")
    assert done.json["handled_at"] is not None
    assert_error(client.post(url, headers=bank, json={"action": "again"}), 409)
    with app.app_context():
        from models import db
        # The firm is still overdue; with its task handled, the next scan opens a new one (120 days: orange).
        db.session.execute(db.update(Loan).where(Loan.id == made["id"]).values(overdue_since=dt.date.fromisoformat(later)))
        assert warnings.scan() == 1
        db.session.commit()
    fresh = client.get("/api/v1/risk-warnings?status=open", headers=bank).json["items"]
    assert [(w["score"], w["band"]) for w in fresh] == [(60, "orange")]


def test_the_officer_handles_a_warning_on_the_page(client, bureau):  # noqa: F811
    from tests.conftest import csrf_token
    from tests.test_auth_pages import field_errors, submit

    made = lend(client, bureau)
    overdue(client, bureau, made, 100_000)
    (warning,) = client.get("/api/v1/risk-warnings", headers=bureau["bank"]).json["items"]
    officer = bureau["people"]["bank"]
    assert submit(client, "/auth/login", {"email": officer.email, "password": officer.password}).status_code == 302
    page = client.get("/institution/risk-warnings").get_data(as_text=True)
    assert "平台上有 1 笔贷款逾期" in page and "黄色" in page
    token, url = csrf_token(page), f"/institution/risk-warnings/{warning['id']}/handle"
    field = f"w{warning['id']}-action"
    empty = client.post(url, data={field: "  ", "csrf_token": token})
    assert empty.status_code == 422 and field_errors(empty.get_data(as_text=True))[field] == "请填写采取的措施"
    long = "上门核查" * 300  # 1,200 characters: beyond the 1,000 a record holds, and kept as typed
    refused = client.post(url, data={field: long, "csrf_token": token})
    assert refused.status_code == 422 and field in field_errors(refused.get_data(as_text=True))
    assert long in refused.get_data(as_text=True)
    done = client.post(url, data={field: "已电话联系法人", "csrf_token": token})
    assert done.status_code == 302
    handled = client.get("/institution/risk-warnings?status=handled").get_data(as_text=True)
    assert "已电话联系法人" in handled
    assert "暂无预警" in client.get("/institution/risk-warnings").get_data(as_text=True)
