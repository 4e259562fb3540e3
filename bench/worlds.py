"""Markets nobody wrote features for: a family of approval laws drawn at random.

The seeded demo market follows one law (``seed/approval_law.py``), and the ranker's features were
written knowing it. Here each world keeps the seed's firms, needs, catalogue and which products each
firm applied to, and redraws every decision from a law of its own:

- for each product kind, a random subset of two to five firm facts (rating, years, revenue,
  headcount, R&D share, IP, each certification, collateral offered, term asked, one favoured
  industry), each with a random sign, weight and shape (linear, saturating or a threshold);
- each product's own appetite, N(0, σ) with σ between 0.8 and 1.2 in log-odds;
- the amount each product likes best (near the middle of its published range, in log terms) and how
  much it minds a request far from it;
- a leverage penalty (asking for more than a share of revenue), the firm's hidden quality, and the
  products' published rules (failing one costs 2.5 in log-odds, as in the seed).

The intercept is set so about half of the applications are approved, as in the seed and in the
reports of real platforms. A world is a pure function of its number.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from matchmaker.config import Config
from matchmaker.credit import services as credit
from matchmaker.ranking.training import Outcomes
from matchmaker.ranking.frames import Needs, Products
from seed.market import KINDS, Market, NeedTable, ProductTable, draw_market, failed_rules

AS_OF = dt.date(2026, 11, 1)
# The knowledge-value points table by default, for the grade the ranker reads.
KNOWLEDGE_VALUE = credit.rules_from({k: getattr(Config, k) for k in dir(Config) if k.startswith("KNOWLEDGE_VALUE_")})
FACTS = ("rating", "years", "revenue", "employees", "rd_ratio", "ip", "high_tech", "specialized", "tech_sme",
         "collateral", "term", "industry")
SHAPES = ("linear", "saturating", "threshold")
TARGET_APPROVAL = 0.49


@dataclass
class Law:
    """One world's approval law over (need row, product row) pairs of a NeedTable and a ProductTable."""

    terms: dict[str, list[tuple[str, str, float, float]]]  # kind -> [(fact, shape, weight, cut)]
    favoured: dict[str, int]  # kind -> favoured industry index (used when "industry" is among its facts)
    appetite: np.ndarray
    liked_log_amount: np.ndarray
    amount_care: np.ndarray
    leverage_weight: float
    leverage_free: float
    intercept: float = 0.0

    def logit(self, needs: NeedTable, i: np.ndarray, products: ProductTable, j: np.ndarray,
              failed: np.ndarray) -> np.ndarray:
        facts = _standard_facts(needs)
        z = np.full(len(i), self.intercept, dtype=float)
        kinds = np.asarray(KINDS)[products.kind[j]]
        for kind, terms in self.terms.items():
            mine = kinds == kind
            if not mine.any():
                continue
            rows = i[mine]
            for fact, shape, weight, cut in terms:
                if fact == "industry":
                    value = (needs.industry[rows] == self.favoured[kind]).astype(float)
                else:
                    value = _shaped(facts[fact][rows], shape, cut)
                z[mine] += weight * value
        half_span = np.maximum(np.log(products.max_amount[j] / products.min_amount[j]) / 2, 0.35)
        distance = (np.log(needs.amount[i]) - self.liked_log_amount[j]) / half_span
        z -= self.amount_care[j] * distance ** 2
        leverage = needs.amount[i] / np.maximum(needs.revenue[i], 1e5)
        z -= self.leverage_weight * np.maximum(0.0, leverage - self.leverage_free)
        z += self.appetite[j] + 0.3 * needs.quality[i] - 2.5 * failed
        return z

    def probability(self, *args) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(*args)))


def _standard_facts(needs: NeedTable) -> dict[str, np.ndarray]:
    """Each fact on a common scale: centred and divided by its spread over these needs."""
    raw = {
        "rating": needs.rating.astype(float), "years": np.log1p(np.maximum(needs.years, 0)),
        "revenue": np.log10(np.maximum(needs.revenue, 1e5)), "employees": np.log10(np.maximum(needs.employees, 1)), "rd_ratio": needs.rd_ratio, "ip": np.log1p(needs.ip.astype(float)),
        "high_tech": needs.certs[:, 0].astype(float), "specialized": needs.certs[:, 1].astype(float),
        "tech_sme": needs.certs[:, 2].astype(float), "collateral": needs.collateral.astype(float),
        "term": needs.term.astype(float),
    }
    return {k: (v - v.mean()) / (v.std() or 1.0) for k, v in raw.items()}


def _shaped(z: np.ndarray, shape: str, cut: float) -> np.ndarray:
    if shape == "linear":
        return z
    if shape == "saturating":
        return np.tanh(z - cut)
    return (z > cut).astype(float)


def draw_law(number: int, needs: NeedTable, products: ProductTable, pairs: tuple[np.ndarray, np.ndarray],
             failed: np.ndarray) -> Law:
    rng = np.random.default_rng(10_000 + number)
    terms, favoured = {}, {}
    for kind in KINDS:
        chosen = rng.choice(len(FACTS), size=int(rng.integers(2, 6)), replace=False)
        terms[kind] = [(FACTS[f], str(rng.choice(SHAPES)), float(rng.choice([-1, 1]) * rng.uniform(0.3, 1.0)),
                        float(rng.uniform(-0.8, 0.8))) for f in chosen]
        favoured[kind] = int(rng.integers(5))
    count = len(products.kind)
    low, high = np.log(products.min_amount), np.log(products.max_amount)
    law = Law(terms=terms, favoured=favoured,
              appetite=rng.normal(0, rng.uniform(0.8, 1.2), count),
              liked_log_amount=(low + high) / 2 + rng.normal(0, 0.2, count) * (high - low),
              amount_care=rng.uniform(0.3, 1.5, count),
              leverage_weight=float(rng.uniform(0.5, 2.5)), leverage_free=float(rng.uniform(0.2, 1.0)))
    i, j = pairs
    base = law.logit(needs, i, products, j, failed)
    law.intercept = brentq(lambda b: np.mean(1 / (1 + np.exp(-(base + b)))) - TARGET_APPROVAL, -20, 20)
    return law


@dataclass
class World:
    """A market and its law: the decided history as the platform would hold it, and the truth."""

    name: str
    outcomes: Outcomes
    truth: object  # (need rows, product rows) -> P(approved)


def seed_market(seed: int, enterprises: int = 5_928) -> Market:
    return draw_market(enterprises=enterprises, seed=seed, as_of=AS_OF)


def _frames(market: Market) -> tuple[pd.DataFrame, pd.DataFrame]:
    firms = {f["id"]: f for f in market.enterprises}
    grades = {f["id"]: credit.standing_of(SimpleNamespace(**f), KNOWLEDGE_VALUE)[0] for f in market.enterprises}
    needs = pd.DataFrame([{
        "need_id": n["id"], "amount_cny": n["amount_cny"], "term_months": n["term_months"],
        "preferred_kinds": n["preferred_kinds"], "max_rate_pct": n["max_rate_pct"],
        "collateral_offered": n["collateral_offered"],
        "years": (n["created_at"].date() - firms[n["enterprise_id"]]["founded_on"]).days / 365.25,
        **{k: firms[n["enterprise_id"]][k] for k in ("employees", "annual_revenue_cny", "rd_ratio_pct", "ip_count",
                                                     "certifications", "credit_rating", "industry")},
        "created_at": n["created_at"],
        "credit_grade": grades[n["enterprise_id"]],
        # The seed's firms keep no IP register: only the IP they declare is known.
        "pledgeable_ip_value_cny": np.nan, "pledgeable_ip_count": np.nan,
    } for n in market.needs])
    products = pd.DataFrame(market.products)
    products = products.rename(columns={"id": "product_id"})
    return needs, products


def world(market: Market, number: int | None) -> World:
    """World ``number`` drawn over the seed market's history; ``None`` keeps the seed's own law."""
    from seed.market import approval_probability

    need_frame, product_frame = _frames(market)
    nt = NeedTable(market.needs, market.enterprises, market.quality)
    # The seed's own law needs neither; the family's laws read them too.
    nt.rd_ratio = need_frame["rd_ratio_pct"].to_numpy(dtype=float)
    nt.employees = need_frame["employees"].to_numpy(dtype=float)
    pt = ProductTable(market.products, market.appetite)
    decided = [a for a in market.applications if a["decided_at"] is not None]
    need_index = {n["id"]: k for k, n in enumerate(market.needs)}
    product_index = {p["id"]: k for k, p in enumerate(market.products)}
    i = np.array([need_index[a["need_id"]] for a in decided])
    j = np.array([product_index[a["product_id"]] for a in decided])
    all_failed = failed_rules(nt, pt)
    failed = all_failed[i, j]
    if number is None:
        name = "seed law"
        label = np.array([a["approved_amount_cny"] is not None for a in decided], dtype=int)

        def truth(ri, rj):
            return approval_probability(nt, ri, pt, rj, all_failed[ri, rj])
    else:
        name = f"world {number:02d}"
        law = draw_law(number, nt, pt, (i, j), failed)
        rng = np.random.default_rng(20_000 + number)
        label = (rng.random(len(i)) < law.probability(nt, i, pt, j, failed)).astype(int)

        def truth(ri, rj):
            return law.probability(nt, ri, pt, rj, all_failed[ri, rj])
    outcomes = Outcomes(
        needs=Needs(need_frame), products=Products(product_frame), need_row=i, product_row=j, label=label,
        need_created=need_frame["created_at"].map(lambda t: t.timestamp()).to_numpy(dtype=float),
        decided_at=np.array([a["decided_at"].timestamp() for a in decided]),
    )
    return World(name=name, outcomes=outcomes, truth=truth)
