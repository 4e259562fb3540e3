"""Drawing the demo market: firms, their 2019-2021 financing history and today's open needs.

Everything is drawn from one seeded generator, so a seed always gives the same market (dates of
today's open needs are counted back from ``as_of``). Decisions follow ``approval_law``.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import numpy as np

from models import uscc

from . import approval_law, names
from . import products as catalogue

W = 10_000
HISTORY_START = dt.date(2019, 1, 1)
HISTORY_END = dt.date(2021, 12, 20)
# The real platform brokered 13.34 亿元 in 2019-2021 for its 5,928 firms; the demo scales with size.
DISBURSED_TARGET_CNY = 1_334_000_000
REAL_ENTERPRISES = 5_928
HISTORY_NEEDS_PER_FIRM = 1.20
OPEN_NEEDS_PER_FIRM = 0.25
INDUSTRY_SHARES = (("next_gen_it", .30), ("life_health", .18), ("green_smart_manufacturing", .27),
                   ("high_tech_services", .17), ("other", .08))
RATINGS = ("AAA", "AA", "A", "BBB", "BB", "B", "C")
RATING_SHARES = (.05, .12, .23, .27, .18, .10, .05)
RD_BASE = {"next_gen_it": 9, "life_health": 11, "green_smart_manufacturing": 6, "high_tech_services": 7, "other": 3}
PURPOSES = ("研发投入", "采购原材料", "扩大产能", "购置科研设备", "补充流动资金", "技术改造", "市场拓展",
            "新产品试制", "偿还到期贷款", "建设生产线")
TERMS = (6, 12, 12, 24, 36, 36, 60)


@dataclass
class Market:
    institutions: list[dict]
    products: list[dict]
    enterprises: list[dict]
    needs: list[dict] = field(default_factory=list)
    applications: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    quality: np.ndarray | None = None
    appetite: np.ndarray | None = None


def utc(day: dt.date, seconds: float = 0.0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.timezone.utc) + dt.timedelta(seconds=float(seconds))


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def make_uscc(prng: random.Random, district: str, taken: set[str]) -> str:
    """A valid code: 9 (market regulator) 1 (enterprise), division, GB 11714 org code, GB 32100 check."""
    while True:
        body = "".join(prng.choice(uscc.ALPHABET) for _ in range(8))
        weights = (3, 7, 9, 10, 5, 8, 4, 2)
        total = sum(int(ch, 36) * w for ch, w in zip(body, weights))
        check = 11 - total % 11
        org = body + {10: "X", 11: "0"}.get(check, str(check))
        first17 = "91" + names.DIVISION_CODES[district] + org
        code = first17 + uscc.check_character(first17)
        if code not in taken:
            taken.add(code)
            return code


def draw_enterprises(n: int, rng: np.random.Generator, prng: random.Random) -> tuple[list[dict], np.ndarray]:
    industries = rng.choice([c for c, _ in INDUSTRY_SHARES], size=n, p=[s for _, s in INDUSTRY_SHARES])
    age_years = np.clip(rng.gamma(2.2, 3.2, size=n) + 0.3, 0.3, 30)  # at the start of 2022
    founded = [dt.date(2022, 1, 1) - dt.timedelta(days=int(a * 365.25)) for a in age_years]
    quality = rng.normal(size=n)
    employees = np.clip(np.round(rng.lognormal(np.log(35), 0.9, size=n) * (1 + 0.08 * age_years)), 3, 5000)
    revenue = employees * rng.lognormal(np.log(6e5), 0.5, size=n) * np.exp(0.15 * quality)
    revenue = np.round(revenue / 1000) * 1000
    rd_base = np.array([RD_BASE[i] for i in industries])
    rd = np.clip(np.round(rng.gamma(2.0, rd_base / 2.0), 1), 0, 60)
    ip = rng.poisson(1 + rd * 0.6 + age_years * 0.3)
    high_tech = (rng.random(n) < _sigmoid(-2.2 + 0.15 * rd + 0.1 * ip)) & (age_years >= 1)
    specialized = rng.random(n) < _sigmoid(-3.2 + 0.05 * rd + 0.05 * ip + 0.3 * np.log10(revenue / 1e7))
    tech_sme = rng.random(n) < np.where(rd >= 3, 0.55, 0.1)
    score = 0.8 * quality + 0.3 * np.log10(revenue / 1e6) + 0.15 * np.log1p(age_years) + rng.normal(0, 0.5, n)
    cuts = np.quantile(score, np.cumsum(RATING_SHARES[::-1])[:-1])  # from the worst rating up
    rating_index = len(RATINGS) - 1 - np.searchsorted(cuts, score, side="right")
    collateral = rng.random(n) < _sigmoid(-1 + 0.3 * np.log10(revenue / 1e6) + 0.05 * age_years)
    share = rng.random(n) < 0.35
    span = (HISTORY_END - HISTORY_START).days
    registered_offset = rng.integers(0, span, size=n)

    rows, taken_names, taken_codes = [], set(), set()
    # Who answers the bank's call: drawn apart from the market's own draws, so the market stays the same.
    people = random.Random(f"people-{n}")
    innovation = random.Random(f"innovation-{n}")  # the knowledge-value facts, apart likewise
    for i in range(n):
        district = names.weighted(prng, names.DISTRICTS)
        registered = max(HISTORY_START + dt.timedelta(days=int(registered_offset[i])),
                         founded[i] + dt.timedelta(days=30))
        certs = [c for c, has in (("high_tech_enterprise", high_tech[i]),
                                  ("specialized_innovative", specialized[i]), ("tech_sme", tech_sme[i])) if has]
        rows.append({
            "id": i + 1,
            "name": names.firm_name(prng, str(industries[i]), taken_names),
            "uscc": make_uscc(prng, district, taken_codes),
            "industry": str(industries[i]),
            "founded_on": founded[i],
            "employees": int(employees[i]),
            "annual_revenue_cny": int(revenue[i]),
            "rd_ratio_pct": float(rd[i]),
            "ip_count": int(ip[i]),
            "certifications": certs,
            "credit_rating": RATINGS[int(rating_index[i])],
            "district": district,
            "has_collateral": bool(collateral[i]),
            "share_in_leads": bool(share[i]),
            "contact_name": names.person(people),
            "contact_phone": names.mobile(people),
            "legal_representative": names.person(people),
            **_innovation(innovation, employees=int(employees[i]), rd_pct=float(rd[i]), ip=int(ip[i])),
            "imported": False,
            "created_at": utc(registered, rng.integers(8 * 3600, 20 * 3600)),
            "updated_at": utc(registered, 20 * 3600),
        })
    return rows, quality


def _innovation(draw: random.Random, *, employees: int, rd_pct: float, ip: int) -> dict:
    """R&D staff, tech talent, innovative products and awards, following the firm's R&D and IP; about a
    third of the firms have not filled them in."""
    if draw.random() < 0.3:
        return {"rd_staff": None, "tech_talent": None, "innovative_products": None, "awards": None}
    staff = min(employees, round(employees * min(0.6, max(0.0, rd_pct / 40 + draw.uniform(-0.05, 0.1)))))
    return {"rd_staff": staff, "tech_talent": round(staff * draw.uniform(0.1, 0.7)),
            "innovative_products": min(20, ip // 3 + draw.randint(0, 2)),
            "awards": draw.choices((0, 1, 2, 3), weights=(80, 12, 6, 2))[0]}


KINDS = tuple(catalogue.TERMS)
INDUSTRY_CODES = tuple(c for c, _ in INDUSTRY_SHARES)
CERT_CODES = ("high_tech_enterprise", "specialized_innovative", "tech_sme")


class ProductTable:
    """The catalogue as arrays, one entry per product, for rule checks over many needs at once."""

    def __init__(self, rows: list[dict], appetite: np.ndarray):
        self.rows = rows
        self.kind = np.array([KINDS.index(r["kind"]) for r in rows])
        self.min_amount = np.array([r["min_amount_cny"] for r in rows], dtype=float)
        self.max_amount = np.array([r["max_amount_cny"] for r in rows], dtype=float)
        self.min_term = np.array([r["min_term_months"] for r in rows])
        self.max_term = np.array([r["max_term_months"] for r in rows])
        self.rate_min = np.array([r["rate_min_pct"] for r in rows])
        self.rate_max = np.array([r["rate_max_pct"] for r in rows])
        self.industry_ok = np.array([[not r["industries"] or c in r["industries"] for c in INDUSTRY_CODES]
                                     for r in rows])
        self.focused = np.array([bool(r["industries"]) for r in rows])
        self.min_years = np.array([r["min_years"] for r in rows], dtype=float)
        self.min_revenue = np.array([r["min_annual_revenue_cny"] for r in rows], dtype=float)
        self.min_ip = np.array([r["min_ip_count"] for r in rows])
        self.required = np.array([[c in r["required_certifications"] for c in CERT_CODES] for r in rows])
        self.min_rating = np.array([approval_law.RATING_RANK.get(r["min_credit_rating"], 0) for r in rows])
        self.collateral_required = np.array([r["collateral_required"] for r in rows])
        self.ip_based = np.array([r["kind"] in approval_law.IP_BASED_KINDS for r in rows], dtype=float)
        self.secured = np.array([r["kind"] in approval_law.SECURED_KINDS for r in rows], dtype=float)
        self.lending = np.array([r["kind"] not in approval_law.NON_LENDING_KINDS for r in rows], dtype=float)
        self.institution = np.array([r["institution_id"] for r in rows])
        self.appetite = appetite


class NeedTable:
    """Needs with their firm's facts at the time of the need, as arrays."""

    def __init__(self, needs: list[dict], firms: list[dict], quality: np.ndarray):
        idx = np.array([n["enterprise_id"] - 1 for n in needs])
        self.firm_index = idx
        self.amount = np.array([n["amount_cny"] for n in needs], dtype=float)
        self.term = np.array([n["term_months"] for n in needs])
        day = [n["created_at"].date() for n in needs]
        self.years = np.array([(d - firms[i]["founded_on"]).days / 365.25 for d, i in zip(day, idx)])
        self.revenue = np.array([firms[i]["annual_revenue_cny"] for i in idx], dtype=float)
        self.ip = np.array([firms[i]["ip_count"] for i in idx])
        self.certs = np.array([[c in firms[i]["certifications"] for c in CERT_CODES] for i in idx])
        self.rating = np.array([approval_law.RATING_RANK[firms[i]["credit_rating"]] for i in idx])
        self.industry = np.array([INDUSTRY_CODES.index(firms[i]["industry"]) for i in idx])
        self.collateral = np.array([n["collateral_offered"] for n in needs])
        self.quality = quality[idx]
        self.preferred = np.array([[not n["preferred_kinds"] or k in n["preferred_kinds"] for k in KINDS]
                                   for n in needs])
        self.max_rate = np.array([n["max_rate_pct"] if n["max_rate_pct"] is not None else np.inf
                                  for n in needs])


def failed_rules(needs: NeedTable, products: ProductTable) -> np.ndarray:
    """How many of each product's rules each need's firm fails (needs × products)."""
    a = needs.amount[:, None]
    t = needs.term[:, None]
    failed = (a < products.min_amount).astype(int) + (a > products.max_amount)
    failed += (t < products.min_term) + (t > products.max_term)
    failed += ~products.industry_ok.T[needs.industry]
    failed += needs.years[:, None] < products.min_years
    failed += needs.revenue[:, None] < products.min_revenue
    failed += needs.ip[:, None] < products.min_ip
    failed += (products.required[None, :, :] & ~needs.certs[:, None, :]).any(axis=2)
    failed += needs.rating[:, None] < products.min_rating
    failed += products.collateral_required & ~needs.collateral[:, None]
    return failed


def approval_probability(needs: NeedTable, n_idx: np.ndarray, products: ProductTable, p_idx: np.ndarray,
                         failed: np.ndarray) -> np.ndarray:
    return approval_law.approval_probability(
        rating_rank=needs.rating[n_idx], years=needs.years[n_idx], revenue_cny=needs.revenue[n_idx],
        amount_cny=needs.amount[n_idx], high_tech=needs.certs[n_idx, 0].astype(float),
        specialized=needs.certs[n_idx, 1].astype(float), tech_sme=needs.certs[n_idx, 2].astype(float),
        ip_count=needs.ip[n_idx], collateral=needs.collateral[n_idx].astype(float),
        ip_based=products.ip_based[p_idx], secured=products.secured[p_idx],
        industry_focus=(products.focused[p_idx] & products.industry_ok[p_idx, needs.industry[n_idx]]).astype(float),
        rate_min_pct=products.rate_min[p_idx], lending=products.lending[p_idx],
        appetite=products.appetite[p_idx], quality=needs.quality[n_idx], failed_rules=failed,
    )


def draw_need(rng: np.random.Generator, prng: random.Random, firm: dict, need_id: int,
              created: dt.datetime) -> dict:
    amount = firm["annual_revenue_cny"] * rng.lognormal(np.log(0.007), 0.7)
    amount = int(np.clip(round(amount / W), 10, 5000)) * W
    if rng.random() < 0.6:
        preferred = []
    else:
        preferred = sorted(prng.sample(KINDS[:10], prng.choice([1, 2, 3])))
    max_rate = None if rng.random() < 0.5 else float(prng.choice([5, 6, 8]))
    return {
        "id": need_id, "enterprise_id": firm["id"], "amount_cny": amount,
        "term_months": int(prng.choice(TERMS)), "purpose": prng.choice(PURPOSES),
        "preferred_kinds": preferred, "max_rate_pct": max_rate,
        "collateral_offered": bool(firm["has_collateral"] and rng.random() < 0.7),
        "status": "open", "created_at": created, "updated_at": created,
    }


def draw_market(*, enterprises: int, seed: int, as_of: dt.date) -> Market:
    rng = np.random.default_rng(seed)
    prng = random.Random(seed)
    institution_rows = catalogue.institutions()
    product_rows = catalogue.products(institution_rows, prng)
    # The institutions and their products were on the platform from the start of the history, so
    # statistics for any past period count them.
    for row in (*institution_rows, *product_rows):
        row["created_at"] = utc(HISTORY_START, 3600)
    appetite = rng.normal(0, 0.15, len(product_rows))
    firms, quality = draw_enterprises(enterprises, rng, prng)
    market = Market(institution_rows, product_rows, firms, quality=quality, appetite=appetite)
    table = ProductTable(product_rows, appetite)
    # Each institution answers at its own pace: the median hours to a decision.
    speed = {r["id"]: float(rng.uniform(12, 120)) for r in institution_rows}
    target = DISBURSED_TARGET_CNY * enterprises / REAL_ENTERPRISES
    _draw_history(market, table, rng, prng, speed, target)
    _draw_open_needs(market, table, rng, prng, speed, as_of)
    return market


def _history_needs(market: Market, rng, prng) -> list[dict]:
    firms = market.enterprises
    needs = []
    for _ in range(round(HISTORY_NEEDS_PER_FIRM * len(firms))):
        firm = firms[int(rng.integers(len(firms)))]
        start = max(HISTORY_START, firm["created_at"].date(), firm["founded_on"] + dt.timedelta(days=90))
        if start >= HISTORY_END:
            continue
        day = start + dt.timedelta(days=int(rng.integers((HISTORY_END - start).days)))
        needs.append(draw_need(rng, prng, firm, 0, utc(day, rng.integers(8 * 3600, 20 * 3600))))
    needs.sort(key=lambda n: n["created_at"])
    for i, need in enumerate(needs):
        need["id"] = i + 1
    return needs


def _choose_products(needs: NeedTable, table: ProductTable, failed: np.ndarray, rng, prng,
                     share: float = 1.0) -> list[tuple[int, int]]:
    """Which products each need's firm applied to: mostly ones it qualifies for, as firms do."""
    pairs = []
    for i in range(len(needs.amount)):
        if share < 1.0 and rng.random() >= share:
            continue
        wanted = needs.preferred[i, table.kind] & (table.rate_min <= needs.max_rate[i])
        eligible = np.flatnonzero(wanted & (failed[i] == 0))
        others = np.flatnonzero(wanted & (failed[i] > 0))
        chosen: list[int] = []
        if eligible.size:
            count = min(eligible.size, prng.choice([1, 2, 2, 3, 3, 4]))
            chosen = [int(p) for p in rng.choice(eligible, size=count, replace=False)]
            if others.size and rng.random() < 0.12:
                chosen.append(int(rng.choice(others)))
        elif others.size and rng.random() < 0.5:
            chosen = [int(rng.choice(others))]
        pairs.extend((i, p) for p in chosen)
    return pairs


def _reject_reason(needs: NeedTable, i: int, table: ProductTable, p: int, prng) -> tuple[str, str]:
    if needs.rating[i] < table.min_rating[p]:
        return "insufficient_rating", "企业信用评级低于本产品要求"
    if needs.years[i] < table.min_years[p]:
        return "insufficient_years", "企业经营年限不足"
    if table.collateral_required[p] and not needs.collateral[i]:
        return "insufficient_collateral", "本产品需提供抵押物"
    if not table.industry_ok[p, needs.industry[i]]:
        return "industry_mismatch", "企业所属行业不在本产品支持范围内"
    if needs.amount[i] > 0.5 * needs.revenue[i]:
        return "high_leverage", "申请金额相对营业收入过高，偿债能力不足"
    if needs.rating[i] <= 3:
        return "insufficient_rating", "综合信用状况未达到审批要求"
    code = prng.choice(["incomplete_documents", "quota_full", "other"])
    return code, {"incomplete_documents": "财务资料不完整", "quota_full": "本期授信额度已满",
                  "other": "综合评估未通过"}[code]


def _decide(market: Market, needs: list[dict], nt: NeedTable, table: ProductTable, pairs, rng, prng,
            speed, *, decide_before: dt.datetime | None = None) -> list[dict]:
    """Applications for ``pairs`` with decisions drawn from the approval law."""
    if not pairs:
        return []
    n_idx = np.array([i for i, _ in pairs])
    p_idx = np.array([p for _, p in pairs])
    failed = failed_rules(nt, table)[n_idx, p_idx]
    approved = rng.random(len(pairs)) < approval_probability(nt, n_idx, table, p_idx, failed)
    rows = []
    for k, (i, p) in enumerate(pairs):
        need, product = needs[i], market.products[p]
        created = need["created_at"] + dt.timedelta(seconds=float(rng.uniform(600, 5 * 86400)))
        hours = speed[product["institution_id"]] * float(rng.lognormal(0, 0.6))
        decided = created + dt.timedelta(hours=hours)
        row = {
            "need_id": need["id"], "product_id": product["id"], "enterprise_id": need["enterprise_id"],
            "institution_id": product["institution_id"], "amount_cny": need["amount_cny"],
            "term_months": need["term_months"], "created_at": created, "status": "submitted",
            "viewed_at": None, "decided_at": None, "approved_amount_cny": None, "rate_pct": None,
            "approved_term_months": None, "reject_reason_code": None, "reject_reason": None,
            "disbursed_amount_cny": None, "disbursed_at": None, "withdrawn_at": None,
        }
        if decide_before is not None and (decided >= decide_before or rng.random() < 0.4):
            if created + dt.timedelta(hours=hours * 0.3) < decide_before and rng.random() < 0.5:
                row["viewed_at"] = created + dt.timedelta(hours=hours * 0.3)
            if created >= decide_before:
                continue
            rows.append(row)
            continue
        row["viewed_at"] = created + dt.timedelta(hours=hours * float(rng.uniform(0.1, 0.7)))
        row["decided_at"] = decided
        if approved[k]:
            amount = round(need["amount_cny"] * float(rng.uniform(0.6, 1.0)) / W) * W
            row.update(
                status="approved",
                approved_amount_cny=int(np.clip(amount, product["min_amount_cny"], product["max_amount_cny"])),
                rate_pct=round(float(rng.uniform(product["rate_min_pct"], product["rate_max_pct"])), 2),
                approved_term_months=int(np.clip(need["term_months"], product["min_term_months"],
                                                 product["max_term_months"])),
            )
        else:
            code, text = _reject_reason(nt, i, table, p, prng)
            row.update(status="rejected", reject_reason_code=code, reject_reason=text)
        rows.append(row)
    return rows


def _draw_history(market: Market, table: ProductTable, rng, prng, speed, target: float) -> None:
    needs = _history_needs(market, rng, prng)
    nt = NeedTable(needs, market.enterprises, market.quality)
    pairs = _choose_products(nt, table, failed_rules(nt, table), rng, prng)
    apps = _decide(market, needs, nt, table, pairs, rng, prng, speed)

    # A firm takes the cheapest of its approvals for a need and turns the others down.
    taken: dict[int, dict] = {}
    for app in apps:
        if app["status"] == "approved":
            best = taken.get(app["need_id"])
            if best is None or app["rate_pct"] < best["rate_pct"]:
                taken[app["need_id"]] = app
    # Loans are drawn until the period's brokered total is reached (13.34 亿元 at full scale);
    # approvals beyond it were declined by the firm, as happens when cheaper money turns up.
    disbursed = 0
    for need_id in rng.permutation(sorted(taken)):
        app = taken[int(need_id)]
        if disbursed + app["approved_amount_cny"] <= target * 1.002:
            disbursed += app["approved_amount_cny"]
            app["status"] = "disbursed"
            app["disbursed_amount_cny"] = app["approved_amount_cny"]
            app["disbursed_at"] = app["decided_at"] + dt.timedelta(days=float(rng.uniform(1, 10)))
    for app in apps:
        if app["status"] == "approved":
            app["status"] = "withdrawn"
            app["withdrawn_at"] = app["decided_at"] + dt.timedelta(days=float(rng.uniform(1, 7)))

    outcome_by_need: dict[int, set[str]] = {}
    for app in apps:
        outcome_by_need.setdefault(app["need_id"], set()).add(app["status"])
    for need in needs:
        statuses = outcome_by_need.get(need["id"])
        need["status"] = "withdrawn" if not statuses else "closed"
        need["updated_at"] = need["created_at"]
    market.needs.extend(needs)
    _add_applications(market, apps)


def _draw_open_needs(market: Market, table: ProductTable, rng, prng, speed, as_of: dt.date) -> None:
    firms = market.enterprises
    now = utc(as_of)
    count = min(round(OPEN_NEEDS_PER_FIRM * len(firms)), len(firms))
    needs = []
    for index in sorted(int(i) for i in rng.choice(len(firms), size=count, replace=False)):
        firm = firms[index]
        created = now - dt.timedelta(days=float(rng.uniform(1, 60)))
        created = max(created, firm["created_at"] + dt.timedelta(days=1))
        if created >= now:
            continue
        needs.append(draw_need(rng, prng, firm, 0, created))
    needs.sort(key=lambda n: n["created_at"])
    first_id = len(market.needs) + 1
    for i, need in enumerate(needs):
        need["id"] = first_id + i
    nt = NeedTable(needs, firms, market.quality)
    pairs = _choose_products(nt, table, failed_rules(nt, table), rng, prng, share=0.3)
    apps = _decide(market, needs, nt, table, pairs, rng, prng, speed, decide_before=now)
    market.needs.extend(needs)
    _add_applications(market, apps)


def _add_applications(market: Market, apps: list[dict]) -> None:
    apps.sort(key=lambda a: a["created_at"])
    for app in apps:
        app["id"] = len(market.applications) + 1
        market.applications.append(app)
        market.events.append(_event(app, None, "submitted", app["created_at"], "企业提交申请"))
        if app["decided_at"] is not None:
            decided = "approved" if app["approved_amount_cny"] is not None else "rejected"
            # The notes the platform's own decisions write (matchmaker/applications), so pages say them in
            # the reader's language like every other.
            note = ("批准 %(wan)s 万元，年利率 %(rate)s%%" % {"wan": _wan(app["approved_amount_cny"]),
                                                          "rate": f"{app['rate_pct']:g}"}
                    if decided == "approved" else app["reject_reason"])
            market.events.append(_event(app, "submitted", decided, app["decided_at"], note))
        if app["status"] == "disbursed":
            market.events.append(_event(app, "approved", "disbursed", app["disbursed_at"],
                                        "放款 %(wan)s 万元" % {"wan": _wan(app["disbursed_amount_cny"])}))
        if app["status"] == "withdrawn":
            market.events.append(_event(app, "approved", "withdrawn", app["withdrawn_at"], "企业撤回申请"))


def _wan(amount_cny: int) -> str:
    return f"{amount_cny / 10_000:g}"


def _event(app: dict, from_status: str | None, to_status: str, at: dt.datetime, note: str) -> dict:
    return {"application_id": app["id"], "from_status": from_status, "to_status": to_status, "at": at,
            "actor_id": None, "note": note}
