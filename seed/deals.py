"""The demo market's equity side in motion: a few hundred rounds raised by the zone's younger tech firms over three
years, the funds' interests in them and how far each went (the deal pipeline, dated step by step), and three
roadshows (two held, with pitches, seats and interests from the room; one open).

Which interests progress follows a law of its own, written here and nowhere in the application: the round's fit to
the fund's profile matters, but so do things no profile says: each fund's own taste for risk, the firm's quality as
investors see it in a meeting, and valuations above ~15× the amount asked putting funds off. A learner that reads
only profiles and facts cannot recover all of it, which is the point. Drawn from a stream of its own."""
from __future__ import annotations

import datetime as dt
import math
import random

from .market import Market

STAGES = ("seed", "angel", "pre_a", "a", "b", "c_plus", "pre_ipo")
# What a round of each stage raises, in 万元 (low, high).
AMOUNT_WAN = {"seed": (100, 300), "angel": (200, 800), "pre_a": (500, 2_000), "a": (2_000, 8_000),
              "b": (5_000, 20_000), "c_plus": (10_000, 50_000), "pre_ipo": (20_000, 80_000)}
PIPELINE = ("interested", "meeting", "due_diligence", "term_sheet", "invested")
USES = ("扩充研发团队，推进下一代产品研发", "建设中试产线，扩大产能", "拓展全国销售渠道", "申请注册证书与临床试验",
        "数字化平台升级与数据中心建设", "并购上游核心部件企业")
HIGHLIGHTS = ("核心团队来自头部企业与高校", "已获多项发明专利", "产品已进入头部客户供应链", "近两年营收复合增长超过 50%",
              "承担国家级科研项目", "已获知名机构前轮投资")
PASS_REASONS = ("估值偏高", "赛道不在本期基金投资范围", "团队尚需补强", "商业化进度低于预期", "已投资同类项目")
W = 10_000
ROUNDS = 320
ROADSHOWS = (("智能制造与新一代信息技术专场路演", -120, ["next_gen_it", "green_smart_manufacturing"], 30),
             ("生物医药专场路演", -40, ["life_health"], 20), ("科技成果转化路演（第三期）", 14, [], 40))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _stage_for(firm: dict, as_of: dt.date, stream: random.Random) -> str:
    years = (as_of - firm["founded_on"]).days / 365.25
    revenue = firm["annual_revenue_cny"]
    at = 0 if years < 2 else 1 if years < 4 else 2 if revenue < 10_000_000 else 3 if revenue < 50_000_000 else 4
    return STAGES[min(max(at + stream.choice((-1, 0, 0, 1)), 0), 6)]


def draw(market: Market, profiles: list[dict], *, seed: int, as_of: dt.date) -> dict[str, list[dict]]:
    stream = random.Random(f"deals-{seed}")
    firms = [f for f in market.enterprises if f["industry"] != "other" and f["ip_count"] > 0]
    firms = stream.sample(firms, min(ROUNDS, len(firms)))
    taste = {p["institution_id"]: stream.gauss(0, 0.8) for p in profiles}
    quality = {f["id"]: stream.gauss(0, 1) for f in firms}
    needs, interests, steps = [], [], []
    first_day = as_of - dt.timedelta(days=3 * 365)
    for firm in firms:
        round_ = _stage_for(firm, as_of, stream)
        low, high = AMOUNT_WAN[round_]
        amount = stream.randint(low, high) * W
        multiple = stream.uniform(4, 22)
        day = max(first_day + dt.timedelta(days=stream.randrange(3 * 365 - 20)), firm["founded_on"] + dt.timedelta(days=60))
        need = {"id": len(needs) + 1, "enterprise_id": firm["id"], "round": round_, "amount_cny": amount,
                "pre_money_valuation_cny": int(amount * multiple), "use_of_funds": stream.choice(USES),
                "highlights": "；".join(stream.sample(HIGHLIGHTS, 2)), "status": "open", "plan_document_id": None,
                "created_at": _at(day), "updated_at": _at(day)}
        needs.append(need)
        raised = 0
        for profile in profiles:
            fit = _fit(profile, firm, round_, amount)
            if stream.random() > _sigmoid(-3.0 + 2.2 * fit + 0.5 * taste[profile["institution_id"]]):
                continue
            interest, moved, raised = _pipeline(stream, profile, firm, need, fit, taste, quality, multiple, raised,
                                                as_of, len(interests) + 1, len(steps))
            interests.append(interest)
            steps.extend(moved)
        age = (as_of - day).days
        if raised >= amount:
            need["status"] = "closed"
        elif age > 270 and stream.random() < 0.6:
            need["status"] = "withdrawn"
        if need["status"] != "open":
            need["updated_at"] = _at(min(day + dt.timedelta(days=200), as_of))
    roadshows, pitches, seats = _roadshows(stream, needs, profiles, interests, steps, as_of)
    return {"needs": needs, "interests": interests, "steps": steps, "roadshows": roadshows, "pitches": pitches,
            "seats": seats}


def _fit(profile: dict, firm: dict, round_: str, amount: int) -> float:
    """How well the round sits in the fund's profile, 0–1 (what a profile can say)."""
    gap = min(abs(STAGES.index(round_) - STAGES.index(s)) for s in profile["stages"])
    industry = not profile["industries"] or firm["industry"] in profile["industries"]
    ticket = profile["min_ticket_cny"] <= amount <= profile["max_ticket_cny"]
    return (1.0 if gap == 0 else 0.4 if gap == 1 else 0.0) * 0.45 + industry * 0.35 + ticket * 0.2


def _pipeline(stream, profile, firm, need, fit, taste, quality, multiple, raised, as_of, interest_id, step_count):
    """One interest and the steps it reached; the chance of each step is the seed's own law."""
    day = need["created_at"].date() + dt.timedelta(days=stream.randint(3, 60))
    day = min(day, as_of)
    fund = profile["institution_id"]
    chance = _sigmoid(-0.2 + 1.4 * fit + 0.9 * quality[firm["id"]] + 0.6 * taste[fund]
                      - (1.2 if multiple > 15 else 0.0) - (0.8 if need["amount_cny"] > 0.05 * profile["fund_size_cny"] else 0))
    stage, moved = "interested", [(0, "interested", day)]
    for nxt in PIPELINE[1:]:
        later = day + dt.timedelta(days=stream.randint(7, 45))
        if later > as_of:
            break  # still in progress today
        if stream.random() > chance:
            if stream.random() < 0.8:
                stage, day = "passed", later
                moved.append((0, "passed", day))
            break
        stage, day = nxt, later
        moved.append((0, nxt, day))
    amount = None
    if stage == "invested":
        left = need["amount_cny"] - raised
        amount = max(min(left, stream.randint(profile["min_ticket_cny"] // W, profile["max_ticket_cny"] // W) * W),
                     W) if left > 0 else need["amount_cny"] // 4
        raised += amount
    interest = {"id": interest_id, "equity_need_id": need["id"], "institution_id": fund, "stage": stage,
                "amount_cny": amount, "pass_reason": stream.choice(PASS_REASONS) if stage == "passed" else None,
                "accepted_at": _at(moved[0][2] + dt.timedelta(days=2)) if len(moved) > 1 else None,
                "roadshow_id": None, "created_at": _at(moved[0][2]), "moved_at": _at(day)}
    rows = [{"id": step_count + k + 1, "interest_id": interest_id, "stage": s, "at": _at(d), "actor_id": None}
            for k, (_, s, d) in enumerate(moved)]
    return interest, rows, raised


def _roadshows(stream, needs, profiles, interests, steps, as_of):
    """Three roadshows: the two held took pitches from rounds open then and seated funds, whose interests in those
    rounds were recorded from the room; the next one is open, with a few pitches waiting and some seats taken."""
    roadshows, pitches, seats = [], [], []
    by_need = {}
    for interest in interests:
        by_need.setdefault(interest["equity_need_id"], []).append(interest)
    for k, (title, offset, industries, capacity) in enumerate(ROADSHOWS, start=1):
        held_on = as_of + dt.timedelta(days=offset)
        held = offset < 0
        candidates = [n for n in needs if n["created_at"].date() < held_on - dt.timedelta(days=14)
                      and (n["status"] == "open" or held) and n["created_at"].date() > held_on - dt.timedelta(days=240)]
        chosen = stream.sample(candidates, min(10 if held else 4, len(candidates)))
        funds = stream.sample(profiles, min(len(profiles), stream.randint(capacity // 3, capacity)))
        seated = {p["institution_id"] for p in funds}
        for rank, need in enumerate(chosen):
            status = "pending" if not held else "declined" if rank >= 8 else "accepted"
            pitches.append({"id": len(pitches) + 1, "roadshow_id": k, "equity_need_id": need["id"], "status": status,
                            "reason": "本期名额已满" if status == "declined" else None,
                            "created_at": _at(held_on - dt.timedelta(days=20)),
                            "decided_at": _at(held_on - dt.timedelta(days=10)) if held else None})
            if status != "accepted":
                continue
            known = {i["institution_id"] for i in by_need.get(need["id"], [])}
            for fund in sorted(seated - known):
                if need["status"] == "open" and stream.random() < 0.25:  # met in the room, still talking
                    interest_id = len(interests) + 1
                    interests.append({"id": interest_id, "equity_need_id": need["id"], "institution_id": fund,
                                      "stage": "interested", "amount_cny": None, "pass_reason": None,
                                      "accepted_at": None, "roadshow_id": k, "created_at": _at(held_on),
                                      "moved_at": _at(held_on)})
                    by_need.setdefault(need["id"], []).append(interests[-1])  # pitched again later: not twice
                    steps.append({"id": len(steps) + 1, "interest_id": interest_id, "stage": "interested",
                                  "at": _at(held_on), "actor_id": None})
        for profile in funds:
            seats.append({"id": len(seats) + 1, "roadshow_id": k, "institution_id": profile["institution_id"],
                          "created_at": _at(held_on - dt.timedelta(days=15))})
        roadshows.append({"id": k, "title": title, "held_on": held_on, "industries": industries, "capacity": capacity,
                          "seats_taken": len(funds), "status": "held" if held else "open",
                          "created_at": _at(held_on - dt.timedelta(days=30))})
    return roadshows, pitches, seats


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(2), dt.timezone.utc)
