"""The knowledge-value credit evaluation (知识价值信用评价): a tech firm's innovation (IP, R&D investment and
staff, talent, products, certifications and awards) scored by a points table into a grade A–E with an
indicative pure-credit line, and what would raise it, each step a change of one fact with its points.

The table, the cut-offs and the lines are configuration (``KNOWLEDGE_VALUE_*``): Chongqing published the
lines, not the weights, so the platform shows its own table to every firm it grades.
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping

import sqlalchemy as sa
from flask import current_app

from models import Certification, Enterprise, IpAsset, Role, User, db, now_utc

from ..errors import Forbidden
from ..wording import N_
from . import ip

LABELS = {"ip": "知识产权", "rd_investment": "研发投入", "rd_staff": "研发人员", "talent": "科技人才",
          "products": "创新产品", "status": "资质与奖项"}
# How a fact's value reads in a sentence ("3 项", "5.0%").
UNITS = {"ip_count": "%(value)s 项", "rd_ratio_pct": "%(value)s%%", "rd_staff_pct": "%(value)s%%",
         "tech_talent": "%(value)s 人", "innovative_products": "%(value)s 项"}


@dataclasses.dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    value: float
    points: int
    max_points: int


@dataclasses.dataclass(frozen=True)
class Improvement:
    """One change of the firm's facts (``changes``) and the points it adds; ``sentence`` says it."""

    changes: dict
    points: int
    sentence: str


@dataclasses.dataclass(frozen=True)
class Evaluation:
    grade: str | None
    score: int
    indicative_line_cny: int | None
    indicators: list[Indicator]
    improvements: list[Improvement]
    evaluated_at: object = None
    pledgeable_ip_value_cny: int = 0


def table() -> dict:
    """The points table as configured: what the firm is shown beside its grade."""
    return rules_from(current_app.config)


def rules_from(config: Mapping) -> dict:
    """The points table of a configuration (the app's, or the defaults outside an app: the benchmarks)."""
    return {"indicators": config["KNOWLEDGE_VALUE_INDICATORS"], "status": config["KNOWLEDGE_VALUE_STATUS_POINTS"],
            "status_max": config["KNOWLEDGE_VALUE_STATUS_MAX"], "grades": config["KNOWLEDGE_VALUE_GRADES"],
            "min_rd_pct": config["KNOWLEDGE_VALUE_MIN_RD_PCT"]}


def facts_of(enterprise: Enterprise) -> dict:
    """The facts the table reads; a fact the firm has not given counts as none."""
    return changed({"ip_count": enterprise.ip_count, "rd_ratio_pct": enterprise.rd_ratio_pct,
                    "employees": enterprise.employees, "rd_staff": enterprise.rd_staff or 0,
                    "tech_talent": enterprise.tech_talent or 0,
                    "innovative_products": enterprise.innovative_products or 0,
                    "certifications": list(enterprise.certifications or []), "awards": enterprise.awards or 0}, {})


def changed(facts: Mapping, changes: Mapping) -> dict:
    """The facts with ``changes`` made, the R&D staff's share of the head count following them."""
    out = {**facts, **changes}
    out["rd_staff_pct"] = 100 * out["rd_staff"] / out["employees"] if out["employees"] else 0.0
    return out


def _points(value: float, steps) -> int:
    return max((points for threshold, points in steps if value >= threshold), default=0)


def _status_points(facts: Mapping, rules: dict) -> int:
    held = sum(rules["status"].get(code, 0) for code in set(facts["certifications"]))
    return min(held + rules["status"]["award"] * facts["awards"], rules["status_max"])


def indicators(facts: Mapping, rules: dict) -> list[Indicator]:
    found = [Indicator(code, LABELS[code], facts[fact], _points(facts[fact], steps), max(p for _t, p in steps))
             for code, (fact, steps) in rules["indicators"].items()]
    status = len(facts["certifications"]) + facts["awards"]
    return found + [Indicator("status", LABELS["status"], status, _status_points(facts, rules), rules["status_max"])]


def qualifies(facts: Mapping, rules: dict) -> bool:
    """Who is evaluated: a firm with a tech certification, or whose R&D reaches the configured share."""
    tech = {c.value for c in Certification}
    return bool(tech & set(facts["certifications"])) or facts["rd_ratio_pct"] >= rules["min_rd_pct"]


def grade_of(score: int, rules: dict) -> tuple[str | None, int | None]:
    return next(((grade, line) for grade, low, line in rules["grades"] if score >= low), (None, None))


def standing(facts: Mapping, score: int, rules: dict) -> tuple[str | None, int | None]:
    """The grade and line a score earns, for a firm that qualifies; (None, None) otherwise."""
    return grade_of(score, rules) if qualifies(facts, rules) else (None, None)


def standing_of(enterprise: Enterprise, rules: dict | None = None) -> tuple[str | None, int | None]:
    """A firm's grade and line alone (what a list, an application's record or the ranker reads), without
    the improvements and the IP register that the firm's own page reads. ``enterprise``: the row, or any
    object with its facts as attributes."""
    rules = rules or table()
    facts = facts_of(enterprise)
    return standing(facts, sum(i.points for i in indicators(facts, rules)), rules)


def evaluate(facts: Mapping, rules: dict) -> Evaluation:
    found = indicators(facts, rules)
    score = sum(i.points for i in found)
    grade, line = standing(facts, score, rules)
    return Evaluation(grade=grade, score=score, indicative_line_cny=line, indicators=found,
                      improvements=improvements(facts, rules))


def _reads(fact: str, value: float) -> str:
    shown = f"{value:.1f}" if fact == "rd_ratio_pct" else f"{value:g}"
    return N_(UNITS[fact], value=shown)


def improvements(facts: Mapping, rules: dict) -> list[Improvement]:
    """The next step of every indicator not at its maximum, the biggest gain first; each names the change,
    its points and, when it crosses a cut-off, the grade it reaches."""
    score = sum(i.points for i in indicators(facts, rules))
    steps = []
    for code, (fact, table_steps) in rules["indicators"].items():
        reached = _points(facts[fact], table_steps)
        higher = [threshold for threshold, points in table_steps if points > reached]
        if not higher:
            continue
        threshold = min(higher)
        if fact == "rd_staff_pct":
            if not facts["employees"]:
                continue
            needed = math.ceil(threshold * facts["employees"] / 100)
            changes = {"rd_staff": needed}
            said = N_("研发人员从 %(now)s 人增至 %(then)s 人（占员工 %(pct)s%%）", now=facts["rd_staff"],
                      then=needed, pct=f"{threshold:g}")
        else:
            changes = {fact: threshold}
            said = N_("%(label)s从 %(now)s 提高到 %(then)s", label=LABELS[code], now=_reads(fact, facts[fact]),
                      then=_reads(fact, threshold))
        steps.append((changes, said))
    status = _status_points(facts, rules)
    if status < rules["status_max"]:
        missing = [(points, code) for code, points in rules["status"].items()
                   if code != "award" and code not in facts["certifications"]]
        if missing:
            code = max(missing)[1]  # the certification worth most
            steps.append(({"certifications": sorted([*facts["certifications"], code])},
                          N_("取得%(certification)s认定", certification=Certification(code).label)))
        else:
            steps.append(({"awards": facts["awards"] + 1}, N_("再获得 1 项科技奖励")))
    out = []
    grade_now = standing(facts, score, rules)[0]
    # Each change scored on the changed facts: a step can reach beyond the next threshold (one more R&D
    # employee in a small firm is a large share).
    scored = [(changes, sum(i.points for i in indicators(changed(facts, changes), rules)) - score, said)
              for changes, said in steps]
    for changes, gained, said in sorted(scored, key=lambda s: -s[1]):
        grade_then = standing(changed(facts, changes), score + gained, rules)[0]
        if grade_then is not None and grade_then != grade_now:
            sentence = N_("%(step)s：加 %(points)s 分，总分 %(score)s → %(then)s，评级升至 %(grade)s", step=said,
                          points=gained, score=score, then=score + gained, grade=grade_then)
        else:
            sentence = N_("%(step)s：加 %(points)s 分，总分 %(score)s → %(then)s", step=said, points=gained,
                          score=score, then=score + gained)
        out.append(Improvement(changes=changes, points=gained, sentence=sentence))
    if not qualifies(facts, rules):
        out.insert(0, Improvement(changes={}, points=0, sentence=N_(
            "取得高新技术企业、专精特新或科技型中小企业认定，或研发投入达到营收的 %(pct)s%%，即可参加评价",
            pct=f"{rules['min_rd_pct']:g}")))
    return out


def of_enterprise(enterprise: Enterprise) -> Evaluation:
    return dataclasses.replace(evaluate(facts_of(enterprise), table()), evaluated_at=now_utc(),
                               pledgeable_ip_value_cny=ip.pledgeable_value(enterprise))


def get(*, actor: User) -> Evaluation:
    """The firm's own evaluation, as of now."""
    if actor.role is not Role.ENTERPRISE:
        raise Forbidden("只有企业可以查看自己的信用评价")
    return of_enterprise(actor.enterprise)


def market() -> dict:
    """The bureau's view of knowledge value now (not bound to a period: a grade is a firm's standing):
    firms and indicative lines per grade (``grade`` null: not graded), and per industry the firms with
    registered IP, their assets and pledgeable value."""
    rules = table()
    grades = {grade: {"grade": grade, "label": grade, "enterprises": 0, "indicative_line_cny": 0}
              for grade, _low, _line in rules["grades"]}
    grades[None] = {"grade": None, "label": "未评级", "enterprises": 0, "indicative_line_cny": 0}
    industries = {}
    registers: dict[int, list[IpAsset]] = {}
    for asset in db.session.scalars(sa.select(IpAsset)):
        registers.setdefault(asset.enterprise_id, []).append(asset)
    today = now_utc().date()
    # The facts alone, as plain rows (a province of firms, not a province of ORM objects), and the score
    # alone: the bureau's table needs no improvements.
    columns = (Enterprise.id, Enterprise.industry, Enterprise.ip_count, Enterprise.rd_ratio_pct, Enterprise.employees,
               Enterprise.rd_staff, Enterprise.tech_talent, Enterprise.innovative_products,
               Enterprise.certifications, Enterprise.awards)
    for firm in db.session.execute(sa.select(*columns)):
        grade, line = standing_of(firm, rules)
        row = grades[grade]
        row["enterprises"] += 1
        row["indicative_line_cny"] += line or 0
        assets = registers.get(firm.id)
        if assets:
            industry = firm.industry.value
            ip_row = industries.setdefault(industry, {"industry": industry, "enterprises": 0, "assets": 0,
                                                      "pledgeable_ip_value_cny": 0})
            ip_row["enterprises"] += 1
            ip_row["assets"] += len(assets)
            ip_row["pledgeable_ip_value_cny"] += sum(
                ip.pledge_value(asset, industry=industry, today=today)["low"] for asset in assets)
    return {"credit_grades": list(grades.values()),
            "ip_value_by_industry": sorted(industries.values(), key=lambda r: (-r["pledgeable_ip_value_cny"],
                                                                              r["industry"]))}
