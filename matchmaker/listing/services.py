"""Listing readiness (上市辅导): a firm's listing facts, each board's standards checked on them with the gaps in
numbers, and the zone's listing pipeline: the bureau records each firm's stage (reserve pool with its tier, then
股改 … listed), every change a dated row that a listing reward can read; the bureau sees the pipeline against the
plan's target of listed firms."""
from __future__ import annotations

import datetime as dt
import math

import sqlalchemy as sa
from flask import current_app

from models import (
    MAX_MONEY_CNY, Enterprise, ListingFacts, ListingStage, ListingStageChange, ReserveTier, Role, User, db, now_utc,
)

from .. import audit, scoping, signals
from ..errors import Forbidden, InvalidInput, NotFound
from ..sql import LOCAL
from ..wording import N_
from . import standards

MAX_MARKET_VALUE_CNY = 10**12  # 1 万亿: a market value may pass the platform's ceiling for other money
# field → (label, low, high, integer)
FIELDS = {
    "expected_market_value_cny": ("预计市值", 0, MAX_MARKET_VALUE_CNY, True),
    "share_capital_cny": ("股本总额", 0, MAX_MONEY_CNY, True),
    "revenue_prev_cny": ("前一年营业收入", 0, MAX_MONEY_CNY, True),
    "revenue_prev2_cny": ("前两年营业收入", 0, MAX_MONEY_CNY, True),
    "rd_expense_cny": ("最近一年研发投入", 0, MAX_MONEY_CNY, True),
    "rd_expense_prev_cny": ("前一年研发投入", 0, MAX_MONEY_CNY, True),
    "rd_expense_prev2_cny": ("前两年研发投入", 0, MAX_MONEY_CNY, True),
    "operating_cash_flow_cny": ("最近一年经营活动现金流量净额", -MAX_MONEY_CNY, MAX_MONEY_CNY, True),
    "operating_cash_flow_3y_cny": ("最近三年经营活动现金流量净额合计", -MAX_MONEY_CNY, MAX_MONEY_CNY, True),
    "roe_pct": ("最近一年加权平均净资产收益率", -1000, 1000, False),
    "roe_prev_pct": ("前一年加权平均净资产收益率", -1000, 1000, False),
    "neeq_innovation_months": ("新三板创新层挂牌月数", 0, 600, True),
}


def _firm(actor: User) -> Enterprise:
    if actor.role is not Role.ENTERPRISE:
        raise Forbidden("上市辅导信息仅向企业本身开放")
    return db.session.get(Enterprise, actor.enterprise_id)


def get_facts(*, actor: User) -> ListingFacts:
    """The firm's listing facts (an empty, unsaved row before it gave any: a read writes nothing)."""
    firm = _firm(actor)
    return (db.session.scalar(sa.select(ListingFacts).where(ListingFacts.enterprise_id == firm.id))
            or ListingFacts(enterprise_id=firm.id, national_main_product=False))


def update_facts(*, actor: User, facts: dict) -> ListingFacts:
    """Replace the firm's listing facts with ``facts`` (None clears one); out of range → 422 naming the field."""
    firm = _firm(actor)
    problems = {}
    for field, (label, low, high, integer) in FIELDS.items():
        value = facts.get(field)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not float(value).is_integer()):
            problems[field] = [N_("%(label)s应为整数", label=label) if integer else N_("%(label)s应为数字", label=label)]
        elif not math.isfinite(value) or not low <= value <= high:
            problems[field] = [N_("%(label)s超出合理范围（%(low)s 至 %(high)s）", label=label, low=f"{low:,}",
                                  high=f"{high:,}")]
    if problems:
        raise InvalidInput("上市辅导信息有误，请检查标出的字段", problems)
    row = db.session.scalar(sa.select(ListingFacts).where(ListingFacts.enterprise_id == firm.id))
    if row is None:
        row = ListingFacts(enterprise_id=firm.id)
        db.session.add(row)
    for field, (_label, _low, _high, integer) in FIELDS.items():
        value = facts.get(field)
        setattr(row, field, None if value is None else (int(value) if integer else float(value)))
    row.national_main_product = bool(facts.get("national_main_product"))
    db.session.flush()
    audit.record("listing.facts", actor_id=actor.id, target_type="enterprise", target_id=firm.id)
    return row


def facts_for_standards(firm: Enterprise, row: ListingFacts) -> dict:
    """The standards' facts: the listing row's beside the firm's own (revenue, net profit, assets)."""
    net_assets = (firm.total_assets_cny - firm.total_liabilities_cny
                  if firm.total_assets_cny is not None and firm.total_liabilities_cny is not None else None)
    return {"market_value": row.expected_market_value_cny, "share_capital": row.share_capital_cny,
            "revenue": firm.annual_revenue_cny, "revenue_prev": row.revenue_prev_cny,
            "revenue_prev2": row.revenue_prev2_cny, "rd_expense": row.rd_expense_cny,
            "rd_expense_prev": row.rd_expense_prev_cny, "rd_expense_prev2": row.rd_expense_prev2_cny,
            "net_profit": firm.net_profit_cny, "net_profit_prev": firm.net_profit_prev_cny,
            "ocf": row.operating_cash_flow_cny, "ocf_3y": row.operating_cash_flow_3y_cny, "roe": row.roe_pct,
            "roe_prev": row.roe_prev_pct, "neeq_months": row.neeq_innovation_months, "net_assets": net_assets,
            "national_main_product": row.national_main_product}


def stage_of(enterprise_id: int) -> ListingStageChange | None:
    return db.session.scalar(sa.select(ListingStageChange).where(ListingStageChange.enterprise_id == enterprise_id)
                             .order_by(ListingStageChange.changed_on.desc(), ListingStageChange.id.desc()).limit(1))


def readiness(*, actor: User) -> dict:
    """Each board's standards on the firm's facts, met or with their gaps, and its stage in the pipeline."""
    firm = _firm(actor)
    rules = current_app.config["LISTING_STANDARDS"]
    checks = standards.check(facts_for_standards(firm, get_facts(actor=actor)), rules)
    current = stage_of(firm.id)
    return {"items": [{"board": c.board, "standard": c.standard, "met": c.met, "gaps": c.gaps} for c in checks],
            "stage": current.stage.value if current else None,
            "tier": current.tier.value if current and current.tier else None,
            "as_of": rules["as_of"], "source": rules["source"]}


def _admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise Forbidden("只有管理员可以管理上市后备企业")


def set_stage(*, actor: User, enterprise_id: int | None = None, uscc: str | None = None, stage: str | None,
              tier: str | None = None, changed_on: dt.date | None = None) -> ListingStageChange:
    """The bureau records a firm's new stage (by id, or by its credit code when it adds one to the pool)."""
    _admin(actor)
    if enterprise_id is not None:
        firm = db.session.get(Enterprise, enterprise_id) if scoping.is_row_id(enterprise_id) else None
        if firm is None:
            raise NotFound("企业不存在")
    else:
        code = (uscc or "").strip().upper()
        firm = db.session.scalar(sa.select(Enterprise).where(Enterprise.uscc == code)) if code else None
        if firm is None:
            raise InvalidInput("上市进程信息有误，请检查标出的字段", {"uscc": [
                N_("平台上没有统一社会信用代码为 %(value)s 的企业", value=code) if code else "此项为必填项"]})
    problems = {}
    if stage not in ListingStage.values():
        problems["stage"] = ["请选择上市进程阶段"]
    if tier not in (None, "", *ReserveTier.values()):
        problems["tier"] = [N_("未知的后备层级：%(value)s", value=tier)]
    elif stage == ListingStage.RESERVE.value and not tier:
        problems["tier"] = ["进入后备库时请选择后备层级"]
    today = now_utc().astimezone(LOCAL).date()
    previous = stage_of(firm.id)
    if changed_on is None:
        problems["changed_on"] = ["此项为必填项"]
    elif changed_on > today:
        problems["changed_on"] = ["日期不能晚于今天"]
    elif previous is not None and changed_on < previous.changed_on:
        problems["changed_on"] = [N_("日期不能早于上一次变更（%(value)s）", value=previous.changed_on.isoformat())]
    if problems:
        raise InvalidInput("上市进程信息有误，请检查标出的字段", problems)
    kept_tier = ReserveTier(tier) if tier else (previous.tier if previous else None)
    change = ListingStageChange(enterprise_id=firm.id, stage=ListingStage(stage), tier=kept_tier,
                                changed_on=changed_on, recorded_by=actor.id)
    db.session.add(change)
    db.session.flush()
    audit.record("listing.stage", actor_id=actor.id, target_type="enterprise", target_id=firm.id,
                 detail={"stage": stage, "tier": kept_tier.value if kept_tier else None,
                         "changed_on": changed_on.isoformat()})
    signals.firm_facts_changed.send(enterprise_id=firm.id)  # a stage a listing reward is paid on
    return change


def current_stages() -> list[tuple[ListingStageChange, str]]:
    """Each firm in the pipeline at the stage it stands at now (its latest change), with its name, latest first."""
    latest = (sa.select(ListingStageChange.enterprise_id, sa.func.max(ListingStageChange.id).label("last"))
              .group_by(ListingStageChange.enterprise_id).subquery())
    return list(db.session.execute(
        sa.select(ListingStageChange, Enterprise.name)
        .join(latest, latest.c.last == ListingStageChange.id)
        .join(Enterprise, Enterprise.id == ListingStageChange.enterprise_id)
        .order_by(ListingStageChange.changed_on.desc(), ListingStageChange.id.desc())).all())


def by_stage() -> list[dict]:
    """How many firms stand at each stage now (the statistics and the plan's listed firms read it)."""
    counts = {s.value: 0 for s in ListingStage}
    for change, _name in current_stages():
        counts[change.stage.value] += 1
    return [{"stage": s.value, "label": s.label, "enterprises": counts[s.value]} for s in ListingStage]


def pipeline(*, actor: User) -> dict:
    """Firms by the stage each stands at now, and by the reserve tier it entered at, against the plan's target of
    listed firms."""
    _admin(actor)
    items = [{"enterprise_id": c.enterprise_id, "enterprise_name": name, "stage": c.stage.value,
              "tier": c.tier.value if c.tier else None, "since": c.changed_on} for c, name in current_stages()]
    by_stage = {s.value: 0 for s in ListingStage}
    by_tier = {t.value: 0 for t in ReserveTier}
    for item in items:
        by_stage[item["stage"]] += 1
        if item["tier"]:  # the tier a firm was reserved at stays with it along the pipeline
            by_tier[item["tier"]] += 1
    return {"by_stage": [{"stage": s.value, "label": s.label, "enterprises": by_stage[s.value]} for s in ListingStage],
            "by_tier": [{"tier": t.value, "label": t.label, "enterprises": by_tier[t.value]} for t in ReserveTier],
            "listed": by_stage[ListingStage.LISTED.value],
            "target_listed": current_app.config["LISTING_TARGET_LISTED"], "items": items}
