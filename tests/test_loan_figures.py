"""The loan book and the fund in the bureau's statistics (issue 17, point 6): the API's figures equal what the
loans themselves say, read one by one through GET /loans; the claims paid follow the period; the CSV carries
the same figures. On both databases."""
from __future__ import annotations

import csv
import datetime as dt
import io

from matchmaker.loans import services as loans
from tests.test_risk_fund import bureau, lend, overdue  # noqa: F401  (fixtures and steps shared)


def expected(items: list[dict], kinds: dict[int, str]) -> dict:
    def figures(rows):
        live = [r for r in rows if r["status"] in ("current", "overdue")]
        late = [r for r in rows if r["status"] == "overdue"]
        outstanding, owed = sum(r["outstanding_cny"] for r in live), sum(r["outstanding_cny"] for r in late)
        lent = sum(r["principal_cny"] for r in rows)
        bad = sum(r["principal_cny"] for r in rows if r["status"] in ("overdue", "written_off"))
        return {"loans": len(live), "outstanding_cny": outstanding, "overdue_loans": len(late), "overdue_cny": owed,
                "overdue_ratio": round(owed / outstanding, 6) if outstanding else None, "lent_cny": lent,
                "defaulted_cny": bad, "default_rate": round(bad / lent, 6) if lent else None}
    by_kind = {}
    for r in items:
        by_kind.setdefault(kinds[r["product_id"]], []).append(r)
    return {"book": {**figures(items), "written_off": sum(r["status"] == "written_off" for r in items)},
            "kinds": {kind: figures(rows) for kind, rows in by_kind.items()}}


def test_the_loan_book_in_the_statistics_is_the_loans_added_up(client, bureau):  # noqa: F811
    admin = bureau["admin"]
    made = [lend(client, bureau, amount=amount, kind=kind) for amount, kind in
            ((1_000_000, "knowledge_value"), (600_000, "knowledge_value"), (2_000_000, "credit_loan"), (300_000, "credit_loan"))]
    overdue(client, bureau, made[0], 400_000)
    overdue(client, bureau, made[2], 150_000)
    assert client.post(f"/api/v1/loans/{made[3]['id']}/repayments", headers=bureau["bank"], json={
        "paid_on": loans.today().isoformat(), "principal_cny": 300_000, "interest_cny": 0}).status_code == 201
    claim = client.post(f"/api/v1/loans/{made[0]['id']}/compensation-claims", headers=bureau["bank"],
                        json={"loss_cny": 400_000}).json
    client.post("/api/v1/admin/risk-fund/contributions", headers=admin,
                json={"city_cny": 400_000, "district_cny": 600_000, "received_on": loans.today().isoformat()})
    before = client.get("/api/v1/admin/stats", headers=admin).json["risk_fund"]
    assert (before["claims_pending"], before["claims_paid"]) == (1, 0)
    assert client.post(f"/api/v1/admin/compensation-claims/{claim['id']}/decision", headers=admin,
                       json={"decision": "approve"}).status_code == 200

    items = client.get("/api/v1/loans?limit=100", headers=admin).json["items"]
    kinds = {p["id"]: p["kind"] for p in client.get("/api/v1/products?mine=true&limit=100", headers=bureau["bank"]).json["items"]}
    want = expected(items, kinds)
    stats = client.get("/api/v1/admin/stats", headers=admin).json
    assert stats["loan_book"] == want["book"]
    assert want["book"]["written_off"] == 1 and want["book"]["overdue_loans"] == 1  # the world is what it says
    assert {r["kind"]: {k: v for k, v in r.items() if k not in ("kind", "label")} for r in stats["loans_by_kind"]} == want["kinds"]
    (bank,) = stats["loans_by_institution"]
    assert {k: bank[k] for k in want["book"] if k != "written_off"} == {k: v for k, v in want["book"].items() if k != "written_off"}
    assert set(bank) >= {"institution_id", "institution_name"}
    pool = client.get("/api/v1/admin/risk-fund", headers=admin).json
    assert stats["risk_fund"] == {"balance_cny": pool["balance_cny"], "paid_cny": pool["paid_cny"],
                                  "returned_cny": pool["returned_cny"], "claims_paid": 1,
                                  "claims_paid_cny": claim["covered_cny"], "claims_pending": 0}
    # The claims paid follow the period (decided today); the book is a state and does not.
    earlier = (loans.today() - dt.timedelta(days=30)).isoformat(), (loans.today() - dt.timedelta(days=1)).isoformat()
    past = client.get(f"/api/v1/admin/stats?from={earlier[0]}&to={earlier[1]}", headers=admin).json
    assert (past["risk_fund"]["claims_paid"], past["risk_fund"]["claims_paid_cny"]) == (0, 0)
    nothing_lent = {"lent_cny": 0, "defaulted_cny": 0, "default_rate": None}  # the loans were lent today
    assert past["loan_book"] == {**stats["loan_book"], **nothing_lent}
    rows = list(csv.reader(io.StringIO(client.get("/api/v1/admin/stats.csv", headers=admin).get_data(as_text=True)
                                       .lstrip("\ufeff"), newline="")))
    assert ["逾期贷款余额（元）", "loan_book.overdue_cny", str(want["book"]["overdue_cny"])] in rows
    assert ["风险补偿资金池余额（元）", "risk_fund.balance_cny", str(pool["balance_cny"])] in rows
    assert [str(bank["institution_id"]), bank["institution_name"], *(str(bank[k]) for k in
            ("loans", "outstanding_cny", "overdue_loans", "overdue_cny", "overdue_ratio", "lent_cny",
             "defaulted_cny", "default_rate"))] in rows
