"""The policies' small declarative language (政策兑现): a condition is ``{"fact", "op", "value"}`` on a fact of the firm
or of one of its platform loans, compared with ``eq``, ``in``, ``contains``, ``gte`` or ``lte``; a benefit is
``{"type", …its parameters}``. Both are checked when a policy is saved (an unknown fact, operator or benefit type is
refused, naming it) and only ever compared, never evaluated as code. Pure: facts in, a verdict with its reasons out.

A condition on ``loan.*`` holds when one loan meets all of the policy's loan conditions; the benefit is then
computed on each qualifying loan (``benefits.py``)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models import Certification, CreditGrade, Industry, InstitutionKind, ListingStage, ProductKind

from ..wording import N_

CODE, CODES, NUMBER, DATE = "code", "codes", "number", "date"
# fact → (its type, the codes it may take, its words)
FACTS = {
    "enterprise.industry": (CODE, Industry, "所属行业"),
    "enterprise.certifications": (CODES, Certification, "资质认定"),
    "enterprise.ip_count": (NUMBER, None, "知识产权数量"),
    "enterprise.rd_ratio_pct": (NUMBER, None, "研发投入占比（%）"),
    "enterprise.employees": (NUMBER, None, "员工人数"),
    "enterprise.annual_revenue_cny": (NUMBER, None, "年营业收入（元）"),
    "enterprise.founded_on": (DATE, None, "成立日期"),
    "enterprise.credit_grade": (CODE, CreditGrade, "知识价值信用评级"),
    "enterprise.listing_stage": (CODE, ListingStage, "上市进程"),
    "loan.kind": (CODE, ProductKind, "贷款类型"),
    "loan.principal_cny": (NUMBER, None, "贷款本金（元）"),
    "loan.rate_pct": (NUMBER, None, "贷款年利率（%）"),
    "loan.disbursed_on": (DATE, None, "放款日期"),
    "loan.institution_kind": (CODE, InstitutionKind, "放款机构类型"),
}
OPS = {CODE: ("eq", "in"), CODES: ("contains",), NUMBER: ("eq", "gte", "lte"), DATE: ("eq", "gte", "lte")}
OP_WORDS = {"eq": "为", "in": "属于", "contains": "包含", "gte": "不低于", "lte": "不高于"}
MAX_CONDITIONS = 20


def check(conditions) -> list[str]:
    """Why these conditions cannot be saved (each problem names the condition by its place), or nothing."""
    if not isinstance(conditions, list):
        return ["条件应为列表"]
    if len(conditions) > MAX_CONDITIONS:
        return [N_("条件最多 %(value)s 条", value=MAX_CONDITIONS)]
    problems = []
    for at, condition in enumerate(conditions, start=1):
        problem = _check_one(condition)
        if problem:
            problems.append(N_("第 %(count)s 条条件：%(value)s", count=at, value=problem))
    return problems


def _check_one(condition) -> str | None:
    if not isinstance(condition, dict) or set(condition) != {"fact", "op", "value"}:
        return "应为 {fact, op, value}"
    fact, op, value = condition["fact"], condition["op"], condition["value"]
    if fact not in FACTS:
        return N_("未知的事实：%(value)s", value=str(fact)[:60])
    kind, codes, _label = FACTS[fact]
    if op not in OPS[kind]:
        return N_("%(fact)s不能用运算符 %(value)s（可用：%(ops)s）", fact=fact, value=str(op)[:20],
                  ops="、".join(OPS[kind]))
    if kind == NUMBER:
        return None if _is_number(value) else "比较值应为数字"
    if kind == DATE:
        return None if _date(value) is not None else "比较值应为日期（YYYY-MM-DD）"
    values = value if op == "in" else [value]
    if op == "in" and (not isinstance(value, list) or not value):
        return "in 的比较值应为非空列表"
    if unknown := [v for v in values if v not in codes.values()]:
        return N_("未知的代码：%(value)s", value="、".join(map(str, unknown))[:80])
    return None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and abs(value) < 1e15


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def holds(condition: dict, actual) -> bool:
    """One condition against the fact's value (None: the platform does not know it, so it does not hold)."""
    op, value = condition["op"], condition["value"]
    kind = FACTS[condition["fact"]][0]
    if actual is None:
        return False
    if kind == DATE:
        actual, value = _date(actual), _date(value)
    if op == "eq":
        return actual == value
    if op == "in":
        return actual in value
    if op == "contains":
        return value in actual
    if op == "gte":
        return actual >= value
    return actual <= value  # lte, the only one left once check() passed


@dataclass
class Verdict:
    met: bool
    basis: list[str] = field(default_factory=list)  # each condition met, in words
    missing: list[str] = field(default_factory=list)  # each condition not met, in words
    loans: list[dict] = field(default_factory=list)  # the loans that meet every loan condition


def said(condition: dict) -> str:
    """A condition in words (codes by their names), as the firm and the bureau read it."""
    _kind, codes, label = FACTS[condition["fact"]]
    value = condition["value"]
    values = value if isinstance(value, list) else [value]
    shown = "、".join(codes(v).label if codes else str(v) for v in values)
    return N_("条件「%(label)s」%(op)s %(value)s", label=label, op=OP_WORDS[condition["op"]], value=shown)


def evaluate(conditions: list[dict], *, firm: dict, loans: list[dict]) -> Verdict:
    """The firm's facts (``enterprise.*`` keys) and its platform loans (``loan.*`` keys, one dict each) against the
    policy's conditions: met when every firm condition holds and, if there are loan conditions, one loan meets all
    of them."""
    verdict = Verdict(met=True)
    on_loans = [c for c in conditions if c["fact"].startswith("loan.")]
    for condition in conditions:
        if condition in on_loans:
            continue
        ok = holds(condition, firm.get(condition["fact"]))
        (verdict.basis if ok else verdict.missing).append(said(condition))
        verdict.met = verdict.met and ok
    if on_loans:
        verdict.loans = [loan for loan in loans if all(holds(c, loan.get(c["fact"])) for c in on_loans)]
        if verdict.loans:
            verdict.basis += [N_("%(count)s 笔平台贷款满足%(value)s", count=len(verdict.loans), value=said(c))
                              for c in on_loans]
        else:
            verdict.missing += ["没有一笔平台贷款同时满足以下条件", *(said(c) for c in on_loans)]
            verdict.met = False
    return verdict
