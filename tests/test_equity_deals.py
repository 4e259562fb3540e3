"""Two-way equity matching, the deal pipeline and roadshows (issue 18, points 3–5), through the contract: every
field and status it fixes; fund-only endpoints refuse banks (403), another fund's deal is 404, a seat is never
taken beyond capacity, also under ten reservations at once. On both databases."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from models import EquityInterest, Institution, InstitutionKind, OutgoingMail, Roadshow, RoadshowSeat, User, db
from tests.test_api import assert_error, token_for

ROUND = {"round": "a", "amount_cny": 30_000_000, "pre_money_valuation_cny": 240_000_000,
         "use_of_funds": "扩建产线", "highlights": "五项发明专利"}
PROFILE = {"stages": ["pre_a", "a"], "industries": ["next_gen_it"], "min_ticket_cny": 10_000_000,
           "max_ticket_cny": 50_000_000, "fund_size_cny": 2_000_000_000, "accepts_deal_flow": True}
FAR = {"stages": ["pre_ipo"], "industries": ["life_health"], "min_ticket_cny": 100_000_000,
       "max_ticket_cny": 300_000_000, "fund_size_cny": 5_000_000_000, "accepts_deal_flow": True}


def as_fund(app, officer):
    with app.app_context():
        institution = db.session.get(Institution, db.session.get(User, officer.id).institution_id)
        institution.kind = InstitutionKind.FUND
        db.session.commit()
    return officer


@pytest.fixture
def market(client, app, make_user):
    people = {"firm": make_user("enterprise", share_in_leads=True), "shy": make_user("enterprise"),
              "fund": as_fund(app, make_user("institution")), "far": as_fund(app, make_user("institution")),
              "bank": make_user("institution"), "admin": make_user("admin")}
    tokens = {k: token_for(client, who.email, who.password) for k, who in people.items()}
    client.put("/api/v1/investor-profile", headers=tokens["fund"], json=PROFILE)
    client.put("/api/v1/investor-profile", headers=tokens["far"], json=FAR)
    round_ = client.post("/api/v1/equity-needs", headers=tokens["firm"], json=ROUND).json
    return tokens | {"people": people, "round": round_}


def institution_id(app, officer) -> int:
    with app.app_context():
        return db.session.get(User, officer.id).institution_id


def test_investors_are_ranked_for_a_round_with_reasons(client, app, market):
    url = f"/api/v1/equity-needs/{market['round']['id']}/investors?limit=10"
    got = client.get(url, headers=market["firm"])
    assert got.status_code == 200
    items = got.json["items"]
    assert [set(i) for i in items] == [{"institution_id", "institution_name", "score", "reasons"}] * 2
    fund, far = institution_id(app, market["people"]["fund"]), institution_id(app, market["people"]["far"])
    assert [i["institution_id"] for i in items] == [fund, far]  # the fund whose profile fits comes first
    assert items[0]["score"] == 1.0 and 0 <= items[1]["score"] < 0.5
    assert "投资阶段包含A 轮" in items[0]["reasons"] and "关注新一代信息技术行业" in items[0]["reasons"]
    assert any("不含A 轮" in r for r in items[1]["reasons"])
    assert len(client.get(url.replace("10", "1"), headers=market["firm"]).json["items"]) == 1
    assert_error(client.get(url, headers=market["shy"]), 404)
    assert_error(client.get(url, headers=market["fund"]), 403)
    assert_error(client.get(url.replace("10", "0"), headers=market["firm"]), 422, fields=["limit"])


def test_deal_flow_shows_consenting_firms_to_funds_only_without_contacts(client, market):
    client.post("/api/v1/equity-needs", headers=market["shy"], json=ROUND)  # its firm did not agree to be shown
    flow = client.get("/api/v1/deal-flow?limit=10", headers=market["fund"])
    assert flow.status_code == 200
    assert [set(i) for i in flow.json["items"]] == [
        {"equity_need_id", "enterprise_name", "industry", "round", "amount_cny", "score", "reasons"}]
    item = flow.json["items"][0]
    assert (item["equity_need_id"], item["round"], item["amount_cny"], item["industry"]) == (
        market["round"]["id"], "a", 30_000_000, "next_gen_it")
    assert_error(client.get("/api/v1/deal-flow", headers=market["bank"]), 403)
    assert_error(client.get("/api/v1/deal-flow", headers=market["firm"]), 403)
    client.put("/api/v1/investor-profile", headers=market["fund"], json={**PROFILE, "accepts_deal_flow": False})
    assert client.get("/api/v1/deal-flow", headers=market["fund"]).json["items"] == []


def test_a_deal_moves_stage_by_stage_and_the_firm_sees_each(client, app, market):
    need_id = market["round"]["id"]
    made = client.post(f"/api/v1/equity-needs/{need_id}/interests", headers=market["fund"], json={})
    assert made.status_code == 201 and made.json["stage"] == "interested" and isinstance(made.json["id"], int)
    assert_error(client.post(f"/api/v1/equity-needs/{need_id}/interests", headers=market["fund"], json={}), 409)
    assert_error(client.post(f"/api/v1/equity-needs/{need_id}/interests", headers=market["bank"], json={}), 403)
    # The deal flow no longer offers what the fund follows.
    assert client.get("/api/v1/deal-flow", headers=market["fund"]).json["items"] == []
    url = f"/api/v1/interests/{made.json['id']}"
    assert_error(client.patch(url, headers=market["fund"], json={"stage": "term_sheet"}), 409)  # skipping
    assert_error(client.patch(url, headers=market["far"], json={"stage": "meeting"}), 404)  # another fund's
    assert_error(client.patch(url, headers=market["bank"], json={"stage": "meeting"}), 403)
    assert_error(client.patch(url, headers=market["fund"], json={"stage": "won"}), 422, fields=["stage"])
    for stage in ("meeting", "due_diligence", "term_sheet"):
        moved = client.patch(url, headers=market["fund"], json={"stage": stage})
        assert (moved.status_code, moved.json["stage"]) == (200, stage)
        seen = client.get(f"/api/v1/equity-needs/{need_id}", headers=market["firm"]).json["interests"]
        assert [set(i) for i in seen] == [{"id", "institution_id", "institution_name", "stage", "amount_cny"}]
        assert (seen[0]["stage"], seen[0]["amount_cny"]) == (stage, None)
    assert_error(client.patch(url, headers=market["fund"], json={"stage": "invested"}), 422, fields=["amount_cny"])
    done = client.patch(url, headers=market["fund"], json={"stage": "invested", "amount_cny": 30_000_000})
    assert (done.status_code, done.json["stage"], done.json["amount_cny"]) == (200, "invested", 30_000_000)
    assert_error(client.patch(url, headers=market["fund"], json={"stage": "passed"}), 409)  # it has ended
    seen = client.get(f"/api/v1/equity-needs/{need_id}", headers=market["firm"]).json
    assert seen["interests"][0]["amount_cny"] == 30_000_000 and seen["status"] == "closed"  # fully raised
    pipeline = client.get("/api/v1/interests", headers=market["fund"]).json
    assert [i["id"] for i in pipeline] == [made.json["id"]]
    assert client.get("/api/v1/interests", headers=market["far"]).json == []


def test_passed_from_any_open_stage_with_a_reason(client, market):
    need_id = market["round"]["id"]
    interest = client.post(f"/api/v1/equity-needs/{need_id}/interests", headers=market["fund"], json={}).json
    url = f"/api/v1/interests/{interest['id']}"
    client.patch(url, headers=market["fund"], json={"stage": "meeting"})
    passed = client.patch(url, headers=market["fund"], json={"stage": "passed", "reason": "估值偏高"})
    assert (passed.status_code, passed.json["stage"], passed.json["pass_reason"]) == (200, "passed", "估值偏高")
    assert_error(client.patch(url, headers=market["fund"], json={"stage": "meeting"}), 409)


def test_contacts_only_after_the_firm_accepts(client, app, market):
    from matchmaker.equity import pipeline

    need_id = market["round"]["id"]
    interest = client.post(f"/api/v1/equity-needs/{need_id}/interests", headers=market["fund"], json={}).json
    firm = market["people"]["firm"]
    with app.test_request_context(), app.app_context():
        row = db.session.get(EquityInterest, interest["id"])
        assert pipeline.contact_of(row) is None
        pipeline.accept(actor=db.session.get(User, firm.id), need_id=need_id, interest_id=row.id)
        contact = pipeline.contact_of(row)
        assert set(contact) == {"contact_name", "contact_phone"}
        with pytest.raises(Exception, match="已向该机构展示联系方式"):
            pipeline.accept(actor=db.session.get(User, firm.id), need_id=need_id, interest_id=row.id)


def test_stale_deals_are_mailed_to_the_funds_officers_once_a_day(client, app, market):
    from matchmaker.equity import pipeline

    need_id = market["round"]["id"]
    interest = client.post(f"/api/v1/equity-needs/{need_id}/interests", headers=market["fund"], json={}).json
    with app.test_request_context(), app.app_context():
        assert pipeline.remind_stale() == 0  # just moved
        days = app.config["EQUITY_STALE_DAYS"]
        row = db.session.get(EquityInterest, interest["id"])
        row.moved_at = row.moved_at - dt.timedelta(days=days, minutes=1)
        db.session.commit()
        assert pipeline.remind_stale() == 1
        db.session.commit()
        assert pipeline.remind_stale() == 0  # not twice in a day
        mail = db.session.scalar(sa.select(OutgoingMail).where(OutgoingMail.kind == pipeline.STALE_KIND))
        assert mail.user_id == market["people"]["fund"].id and "1" in mail.subject


def roadshow(client, market, **changes):
    body = {"title": "生物医药专场路演", "held_on": (dt.date.today() + dt.timedelta(days=10)).isoformat(),
            "industries": ["life_health"], "capacity": 2} | changes
    return client.post("/api/v1/admin/roadshows", headers=market["admin"], json=body)


def test_a_roadshow_with_pitches_and_seats(client, app, market):
    made = roadshow(client, market)
    assert made.status_code == 201
    assert set(made.json) >= {"id", "title", "held_on", "industries", "capacity", "status"}
    assert (made.json["status"], made.json["capacity"], made.json["industries"]) == ("open", 2, ["life_health"])
    listed = client.get("/api/v1/roadshows")  # anyone, signed in or not
    assert listed.status_code == 200 and [r["id"] for r in listed.json["items"]] == [made.json["id"]]
    assert_error(roadshow(client, market, capacity=0), 422, fields=["capacity"])
    assert_error(roadshow(client, market, held_on="2020-01-01"), 422, fields=["held_on"])
    assert_error(roadshow(client, market, industries=["mining"]), 422, fields=["industries"])
    assert_error(client.post("/api/v1/admin/roadshows", headers=market["firm"], json={}), 403)
    rid = made.json["id"]
    pitch = client.post(f"/api/v1/roadshows/{rid}/pitches", headers=market["firm"],
                        json={"equity_need_id": market["round"]["id"]})
    assert pitch.status_code == 201 and pitch.json["status"] == "pending"
    assert_error(client.post(f"/api/v1/roadshows/{rid}/pitches", headers=market["firm"],
                             json={"equity_need_id": market["round"]["id"]}), 409)
    assert_error(client.post(f"/api/v1/roadshows/{rid}/pitches", headers=market["shy"],
                             json={"equity_need_id": market["round"]["id"]}), 404)  # another firm's round
    assert_error(client.post(f"/api/v1/roadshows/{rid}/pitches", headers=market["fund"],
                             json={"equity_need_id": market["round"]["id"]}), 403)
    decision = f"/api/v1/admin/pitches/{pitch.json['id']}/decision"
    assert_error(client.post(decision, headers=market["admin"], json={"decision": "maybe"}), 422, fields=["decision"])
    decided = client.post(decision, headers=market["admin"], json={"decision": "accept"})
    assert (decided.status_code, decided.json["status"]) == (200, "accepted")
    assert_error(client.post(decision, headers=market["admin"], json={"decision": "decline"}), 409)
    seat = client.post(f"/api/v1/roadshows/{rid}/seats", headers=market["fund"])
    assert seat.status_code == 201 and seat.json["roadshow_id"] == rid
    assert_error(client.post(f"/api/v1/roadshows/{rid}/seats", headers=market["fund"]), 409)  # one per fund
    assert_error(client.post(f"/api/v1/roadshows/{rid}/seats", headers=market["bank"]), 403)
    assert_error(client.post(f"/api/v1/roadshows/{rid + 1000}/seats", headers=market["fund"]), 404)
    # After the event: a fund that sat in the room records its interest in a round pitched there, even though the
    # firm is not in the deal flow; a fund that was not there cannot claim the room.
    assert_error(client.post(f"/api/v1/admin/roadshows/{rid}/held", headers=market["fund"]), 403)
    assert client.post(f"/api/v1/admin/roadshows/{rid}/held", headers=market["admin"]).json["status"] == "held"
    assert_error(client.post(f"/api/v1/roadshows/{rid}/seats", headers=market["far"]), 409)  # closed
    need_id = market["round"]["id"]
    assert_error(client.post(f"/api/v1/equity-needs/{need_id}/interests", headers=market["far"],
                             json={"roadshow_id": rid}), 422, fields=["roadshow_id"])
    room = client.post(f"/api/v1/equity-needs/{need_id}/interests", headers=market["fund"], json={"roadshow_id": rid})
    assert room.status_code == 201 and room.json["roadshow_id"] == rid


def test_seats_never_exceed_capacity_under_ten_reservations_at_once(client, app, market, make_user):
    import threading

    rid = roadshow(client, market, capacity=3).json["id"]
    funds = [token_for(client, f.email, f.password)
             for f in (as_fund(app, make_user("institution")) for _ in range(10))]
    barrier, responses = threading.Barrier(10), [None] * 10

    def reserve(k):
        own = app.test_client()
        barrier.wait()
        responses[k] = own.post(f"/api/v1/roadshows/{rid}/seats", headers=funds[k])

    threads = [threading.Thread(target=reserve, args=(k,)) for k in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 3 + [409] * 7, [r.get_data(as_text=True)[:100] for r in responses]
    with app.app_context():
        assert db.session.get(Roadshow, rid).seats_taken == 3
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoadshowSeat)
                                 .where(RoadshowSeat.roadshow_id == rid)) == 3


def test_the_statistics_count_what_the_pipeline_and_the_rooms_did(client, app, market):
    """The bureau's figures equal what happened: a round, an investment recorded today, the pipeline by stage,
    a roadshow held with its pitch, seat and the interest from the room; the CSV carries the same numbers."""
    need_id = market["round"]["id"]
    interest = client.post(f"/api/v1/equity-needs/{need_id}/interests", headers=market["fund"], json={}).json
    for stage in ("meeting", "due_diligence", "term_sheet"):
        client.patch(f"/api/v1/interests/{interest['id']}", headers=market["fund"], json={"stage": stage})
    client.patch(f"/api/v1/interests/{interest['id']}", headers=market["fund"],
                 json={"stage": "invested", "amount_cny": 12_000_000})
    other = client.post("/api/v1/equity-needs", headers=market["firm"], json={**ROUND, "round": "b"}).json
    local_today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()  # the platform's day
    rid = roadshow(client, market, held_on=local_today.isoformat()).json["id"]
    pitch = client.post(f"/api/v1/roadshows/{rid}/pitches", headers=market["firm"], json={"equity_need_id": other["id"]})
    client.post(f"/api/v1/admin/pitches/{pitch.json['id']}/decision", headers=market["admin"], json={"decision": "accept"})
    client.post(f"/api/v1/roadshows/{rid}/seats", headers=market["far"])
    client.post(f"/api/v1/admin/roadshows/{rid}/held", headers=market["admin"])
    room = client.post(f"/api/v1/equity-needs/{other['id']}/interests", headers=market["far"], json={"roadshow_id": rid})
    assert room.status_code == 201
    stats = client.get("/api/v1/admin/stats", headers=market["admin"]).json
    assert stats["equity"] == {"rounds": 2, "deals_invested": 1, "raised_cny": 12_000_000, "investors": 2,
                               "investors_active": 2, "roadshows": {
                                   "held": 1, "seats": 1, "pitches": 1, "pitches_accepted": 1, "room_interests": 1,
                                   "room_invested_cny": 0}}
    month = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m")
    assert stats["equity_monthly"] == [{"month": month, "deals_invested": 1, "raised_cny": 12_000_000}]
    assert {r["round"]: (r["rounds"], r["raised_cny"]) for r in stats["equity_by_stage"]} == {
        "a": (1, 12_000_000), "b": (1, 0)}
    assert stats["equity_by_industry"] == [{"industry": "next_gen_it", "label": "新一代信息技术", "rounds": 2,
                                            "raised_cny": 12_000_000}]
    assert {r["stage"]: r["interests"] for r in stats["equity_pipeline"]} == {
        "interested": 1, "meeting": 0, "due_diligence": 0, "term_sheet": 0, "invested": 1, "passed": 0}
    assert [r["enterprises"] for r in stats["listing_by_stage"]] == [0] * 6
    # A period that ended yesterday (the platform's day) saw none of it.
    yesterday = (local_today - dt.timedelta(days=1)).isoformat()
    before = client.get(f"/api/v1/admin/stats?to={yesterday}", headers=market["admin"]).json
    assert (before["equity"]["raised_cny"], before["equity"]["rounds"], before["equity"]["roadshows"]["held"]) == (0, 0, 0)
    csv_text = client.get("/api/v1/admin/stats.csv", headers=market["admin"]).data.decode("utf-8-sig")
    # A second investment (from the room) today, the first moved back two months: the months between are there,
    # as zeros, so a chart never jumps over them.
    for stage in ("meeting", "due_diligence", "term_sheet"):
        client.patch(f"/api/v1/interests/{room.json['id']}", headers=market["far"], json={"stage": stage})
    client.patch(f"/api/v1/interests/{room.json['id']}", headers=market["far"],
                 json={"stage": "invested", "amount_cny": 1_000_000})
    with app.app_context():
        from models import InterestStep
        step = db.session.scalar(sa.select(InterestStep).where(InterestStep.interest_id == interest["id"],
                                                               InterestStep.stage == "invested"))
        step.at = step.at - dt.timedelta(days=62)
        db.session.commit()
        first = (step.at + dt.timedelta(hours=8)).strftime("%Y-%m")
    monthly = client.get("/api/v1/admin/stats", headers=market["admin"]).json["equity_monthly"]
    assert monthly[0] == {"month": first, "deals_invested": 1, "raised_cny": 12_000_000}
    assert monthly[-1] == {"month": month, "deals_invested": 1, "raised_cny": 1_000_000}
    assert len(monthly) in (3, 4) and all(m["deals_invested"] == 0 for m in monthly[1:-1])
    assert [m["month"] for m in monthly] == sorted({m["month"] for m in monthly})
    assert "区间内股权融资额（元）,equity.raised_cny,12000000" in csv_text
    assert "现场意向,equity.roadshows.room_interests,1" in csv_text
