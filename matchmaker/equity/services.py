"""Equity financing (股权融资): what a fund manager invests in, published by its officers as an investor profile
(stages, industries, ticket range, fund size, whether it takes deal flow), and the rounds firms raise (equity
needs: round, amount, pre-money valuation, use of funds, highlights), which matching reads."""
from __future__ import annotations

import sqlalchemy as sa

from models import (
    MAX_MONEY_CNY, EquityNeed, EquityNeedStatus, EquityStage, Industry, Institution, InstitutionKind, InvestorProfile,
    Role, User, db, now_utc,
)

from .. import audit, scoping, text
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..wording import N_

MAX_FUND_SIZE_CNY = 10**12  # 1 万亿: a fund may be larger than any single amount the platform otherwise takes


def _fund(actor: User) -> Institution:
    """The caller's institution, when it is a fund manager (股权投资机构)."""
    institution = db.session.get(Institution, actor.institution_id) if actor.role is Role.INSTITUTION else None
    if institution is None or institution.kind is not InstitutionKind.FUND:
        raise Forbidden("只有基金管理人可以发布投资偏好")
    return institution


def get(*, actor: User) -> InvestorProfile:
    fund = _fund(actor)
    profile = db.session.scalar(sa.select(InvestorProfile).where(InvestorProfile.institution_id == fund.id))
    if profile is None:
        raise NotFound("尚未发布投资偏好")
    return profile


def get_or_none(*, actor: User) -> InvestorProfile | None:
    fund = _fund(actor)
    return db.session.scalar(sa.select(InvestorProfile).where(InvestorProfile.institution_id == fund.id))


def _money(value, label: str, high: int) -> str | None:
    if value is None:
        return "此项为必填项"
    if isinstance(value, bool) or not isinstance(value, int):
        return N_("%(label)s应为整数（元）", label=label)
    if not 0 < value <= high:
        return N_("%(label)s应大于 0 且不超过 %(value)s 元", label=label, value=f"{high:,}")
    return None


def put(*, actor: User, stages: list | None, industries: list | None, min_ticket_cny: int | None,
        max_ticket_cny: int | None, fund_size_cny: int | None, accepts_deal_flow: bool = True) -> InvestorProfile:
    """Create or replace the fund's profile; a bad value is 422 naming its field."""
    fund = _fund(actor)
    problems = {}
    stages, industries = list(stages or []), list(industries or [])
    if not stages:
        problems["stages"] = ["请至少选择一个投资阶段"]
    elif unknown := [s for s in stages if s not in EquityStage.values()]:
        problems["stages"] = [N_("未知的投资阶段：%(value)s", value="、".join(map(str, unknown)))]
    if unknown := [i for i in industries if i not in Industry.values()]:
        problems["industries"] = [N_("未知的行业：%(value)s", value="、".join(map(str, unknown)))]
    for field, value, label, high in (("min_ticket_cny", min_ticket_cny, "单笔投资下限", MAX_MONEY_CNY),
                                      ("max_ticket_cny", max_ticket_cny, "单笔投资上限", MAX_MONEY_CNY),
                                      ("fund_size_cny", fund_size_cny, "基金规模", MAX_FUND_SIZE_CNY)):
        if (problem := _money(value, label, high)) is not None:
            problems[field] = [problem]
    if "min_ticket_cny" not in problems and "max_ticket_cny" not in problems and max_ticket_cny < min_ticket_cny:
        problems["max_ticket_cny"] = ["单笔投资上限不能低于下限"]
    if not problems.keys() & {"max_ticket_cny", "fund_size_cny"} and fund_size_cny < max_ticket_cny:
        problems["fund_size_cny"] = ["基金规模不能小于单笔投资上限"]
    if problems:
        raise InvalidInput("投资偏好有误，请检查标出的字段", problems)
    profile = db.session.scalar(sa.select(InvestorProfile).where(InvestorProfile.institution_id == fund.id))
    if profile is None:
        profile = InvestorProfile(institution_id=fund.id)
        db.session.add(profile)
    # Kept in the codes' own order, each once, whatever order they came in.
    profile.stages = [s for s in EquityStage.values() if s in stages]
    profile.industries = [i for i in Industry.values() if i in industries]
    profile.min_ticket_cny, profile.max_ticket_cny = min_ticket_cny, max_ticket_cny
    profile.fund_size_cny, profile.accepts_deal_flow = fund_size_cny, bool(accepts_deal_flow)
    db.session.flush()
    audit.record("investor_profile.put", actor_id=actor.id, target_type="institution", target_id=fund.id)
    return profile


# ---------------------------------------------------------------- a firm's equity rounds

MAX_VALUATION_CNY = 10**12


def _firm(actor: User) -> int:
    if actor.role is not Role.ENTERPRISE:
        raise Forbidden("只有企业可以发布股权融资需求")
    return actor.enterprise_id


def create_need(*, actor: User, round: str | None, amount_cny: int | None, pre_money_valuation_cny: int | None,
                use_of_funds: str | None, highlights: str | None = None) -> EquityNeed:
    enterprise_id = _firm(actor)
    problems = {}
    if round not in EquityStage.values():
        problems["round"] = ["请选择融资轮次"]
    for field, value, label, high in (("amount_cny", amount_cny, "融资金额", MAX_MONEY_CNY),
                                      ("pre_money_valuation_cny", pre_money_valuation_cny, "投前估值", MAX_VALUATION_CNY)):
        if (problem := _money(value, label, high)) is not None:
            problems[field] = [problem]
    use_of_funds, highlights = (use_of_funds or "").strip(), (highlights or "").strip()
    if not use_of_funds:
        problems["use_of_funds"] = ["此项为必填项"]
    elif (problem := text.free_text_problem(use_of_funds, label="资金用途", high=1000)) is not None:
        problems["use_of_funds"] = [problem]
    if highlights and (problem := text.free_text_problem(highlights, label="项目亮点", high=2000)) is not None:
        problems["highlights"] = [problem]
    if problems:
        raise InvalidInput("股权融资需求有误，请检查标出的字段", problems)
    need = EquityNeed(enterprise_id=enterprise_id, round=EquityStage(round), amount_cny=amount_cny,
                      pre_money_valuation_cny=pre_money_valuation_cny, use_of_funds=use_of_funds,
                      highlights=highlights or None, status=EquityNeedStatus.OPEN)
    db.session.add(need)
    db.session.flush()
    audit.record("equity_need.create", actor_id=actor.id, target_type="equity_need", target_id=need.id)
    return need


def get_needs(*, actor: User) -> list[EquityNeed]:
    enterprise_id = _firm(actor)
    return list(db.session.scalars(sa.select(EquityNeed).where(EquityNeed.enterprise_id == enterprise_id)
                                   .order_by(EquityNeed.created_at.desc(), EquityNeed.id.desc())))


def get_need(*, actor: User, need_id: int) -> EquityNeed:
    """The firm's own round; another firm's, or none, answers 404."""
    enterprise_id = _firm(actor)
    need = db.session.get(EquityNeed, need_id) if scoping.is_row_id(need_id) else None
    if need is None or need.enterprise_id != enterprise_id:
        raise NotFound("股权融资需求不存在")
    return need


def withdraw_need(*, actor: User, need_id: int) -> EquityNeed:
    need = get_need(actor=actor, need_id=need_id)
    moved = db.session.execute(sa.update(EquityNeed).where(EquityNeed.id == need.id,
                                                           EquityNeed.status == EquityNeedStatus.OPEN)
                               .values(status=EquityNeedStatus.WITHDRAWN, updated_at=now_utc())
                               .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(N_("该需求%(status)s，不能撤回", status=need.status.label))
    db.session.expire(need)
    audit.record("equity_need.withdraw", actor_id=actor.id, target_type="equity_need", target_id=need.id)
    return need
