"""Risk early warning (风险预警): a risk score per borrowing firm from what the platform sees, five colour bands,
and from the warning band up a task for the officers of every institution lending to it, on which they record
what they did.

What the platform sees (RISK_SCORE, each part capped): a loan overdue anywhere on the platform (not only at the
officer's bank) and for how long, a loan written off lately, the knowledge-value grade fallen since a live loan
was disbursed, leverage from the firm's balance sheet, and needs piling up unserved. Scores are computed for the
firms with a live loan (the others have no lender to warn) by a daily task and again for a firm as soon as one
of its loans is reported overdue.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm
from celery import shared_task
from flask import current_app

from models import (
    Application, Enterprise, FinancingNeed, Loan, LoanStatus, NeedStatus, RiskBand, RiskWarning, Role, User,
    WarningStatus, db, now_utc,
)

from .. import audit, scoping, text
from ..credit import services as credit
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..sql import LOCAL
from ..wording import N_

GRADES = "ABCDE"
LIVE = (LoanStatus.CURRENT, LoanStatus.OVERDUE)


def band_of(score: int) -> RiskBand:
    return RiskBand(next(name for low, name in current_app.config["RISK_BANDS"] if score >= low))


def score(*, loans: list[Loan], grade: str | None, assets: int | None, liabilities: int | None,
          waiting_needs: int, today: dt.date) -> tuple[int, list[str]]:
    """A firm's score and its reasons (one sentence per part that counted) from the facts given."""
    rules = current_app.config["RISK_SCORE"]
    reasons, total = [], 0
    late = [loan for loan in loans if loan.status is LoanStatus.OVERDUE]
    overdue = 0
    if late:
        days = max(((today - loan.overdue_since).days for loan in late if loan.overdue_since), default=0)
        overdue += rules["overdue"] + (rules["overdue_90_days"] if days > 90 else 0)
        reasons.append(N_("平台上有 %(count)s 笔贷款逾期，最长 %(days)s 天", count=len(late), days=days))
    recent = today - dt.timedelta(days=3 * 365)
    written = [loan for loan in loans if loan.status is LoanStatus.WRITTEN_OFF and loan.updated_at
               and loan.updated_at.astimezone(LOCAL).date() >= recent]
    if written:
        overdue += rules["written_off"]
        reasons.append(N_("近三年有 %(count)s 笔贷款核销", count=len(written)))
    total += min(overdue, rules["overdue_max"])
    then = [loan.credit_grade.value for loan in loans if loan.status in LIVE and loan.credit_grade is not None]
    if then:
        best_then = min(GRADES.index(g) for g in then)
        now_index = GRADES.index(grade) if grade else len(GRADES)  # no grade now: below E
        if now_index > best_then:
            total += min(rules["grade_step"] * (now_index - best_then), rules["grade_max"])
            reasons.append(N_("知识价值信用评级由放款时的 %(before)s 降至 %(after)s", before=GRADES[best_then],
                              after=grade or "未评级"))
    if assets and liabilities is not None:
        ratio = 100 * liabilities / assets
        points = next((p for threshold, p in rules["leverage"] if ratio >= threshold), 0)
        if points:
            total += points
            reasons.append(N_("资产负债率 %(value)s%%", value=f"{ratio:.0f}"))
    if waiting_needs > 1:
        total += min(rules["unserved_need"] * (waiting_needs - 1), rules["unserved_max"])
        reasons.append(N_("%(count)s 笔融资需求超过 %(days)s 天未获批", count=waiting_needs, days=rules["unserved_days"]))
    return min(total, 100), reasons


def _waiting_needs(firm_ids: list[int], today: dt.date) -> dict[int, int]:
    cutoff = dt.datetime.combine(today - dt.timedelta(days=current_app.config["RISK_SCORE"]["unserved_days"]),
                                 dt.time(), LOCAL)
    approved = sa.select(Application.id).where(Application.need_id == FinancingNeed.id,
                                               Application.approved_amount_cny.is_not(None))
    query = (sa.select(FinancingNeed.enterprise_id, sa.func.count(FinancingNeed.id))
             .where(FinancingNeed.enterprise_id.in_(firm_ids), FinancingNeed.status == NeedStatus.OPEN,
                    FinancingNeed.created_at < cutoff, ~sa.exists(approved))
             .group_by(FinancingNeed.enterprise_id))
    return dict(db.session.execute(query).all())


def scan(*, enterprise_ids: list[int] | None = None, today: dt.date | None = None) -> int:
    """Score the firms with a live loan (or those named) and open or update their warnings; returns how many
    warnings are open for them afterwards."""
    today = today or now_utc().astimezone(LOCAL).date()
    borrowers = sa.select(Loan.enterprise_id).where(Loan.status.in_(LIVE)).distinct()
    if enterprise_ids is not None:
        borrowers = borrowers.where(Loan.enterprise_id.in_(enterprise_ids))
    firm_ids = list(db.session.scalars(borrowers))
    if not firm_ids:
        return 0
    loans: dict[int, list[Loan]] = {}
    for loan in db.session.scalars(sa.select(Loan).where(Loan.enterprise_id.in_(firm_ids))):
        loans.setdefault(loan.enterprise_id, []).append(loan)
    waiting = _waiting_needs(firm_ids, today)
    rules = credit.table()
    threshold = [name for _, name in current_app.config["RISK_BANDS"]].index(current_app.config["RISK_WARNING_BAND"])
    bands = [name for _, name in current_app.config["RISK_BANDS"]]
    open_now = {(w.enterprise_id, w.institution_id): w for w in db.session.scalars(
        sa.select(RiskWarning).where(RiskWarning.enterprise_id.in_(firm_ids), RiskWarning.status == WarningStatus.OPEN))}
    count = 0
    for firm in db.session.scalars(sa.select(Enterprise).where(Enterprise.id.in_(firm_ids))):
        grade, _line = credit.standing_of(firm, rules)
        points, reasons = score(loans=loans[firm.id], grade=grade, assets=firm.total_assets_cny,
                                liabilities=firm.total_liabilities_cny, waiting_needs=waiting.get(firm.id, 0), today=today)
        band = band_of(points)
        lenders = sorted({loan.institution_id for loan in loans[firm.id] if loan.status in LIVE})
        for institution_id in lenders:
            warning = open_now.get((firm.id, institution_id))
            if warning is not None:  # an open task follows the firm's score until an officer handles it
                warning.score, warning.band, warning.reasons = points, band, reasons
                count += 1
            elif bands.index(band.value) <= threshold:
                db.session.add(RiskWarning(enterprise_id=firm.id, institution_id=institution_id, score=points,
                                           band=band, reasons=reasons, status=WarningStatus.OPEN))
                count += 1
    db.session.flush()
    return count


def get_all(*, actor: User, status: str | None = None, band: str | None = None, limit: int = 50,
            offset: int = 0) -> tuple[list[RiskWarning], int]:
    """An officer's tasks (its institution's), the bureau's all; worst first."""
    if actor.role is Role.ENTERPRISE:
        raise Forbidden("风险预警仅向放款机构和管理员开放")
    problems = {}
    if status and status not in WarningStatus.values():
        problems["status"] = [N_("未知的状态：%(value)s", value=status)]
    if band and band not in RiskBand.values():
        problems["band"] = [N_("未知的预警等级：%(value)s", value=band)]
    if problems:
        raise InvalidInput("筛选条件有误", problems)
    query = sa.select(RiskWarning)
    if actor.role is Role.INSTITUTION:
        query = query.where(RiskWarning.institution_id == actor.institution_id)
    if status:
        query = query.where(RiskWarning.status == WarningStatus(status))
    if band:
        query = query.where(RiskWarning.band == RiskBand(band))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.options(sa.orm.selectinload(RiskWarning.enterprise))
                              .order_by(RiskWarning.score.desc(), RiskWarning.id).limit(limit).offset(offset))
    return list(rows), total


def get(*, actor: User, warning_id: int) -> RiskWarning:
    found = db.session.get(RiskWarning, warning_id) if scoping.is_row_id(warning_id) else None
    if found is None or actor.role is Role.ENTERPRISE or (
            actor.role is Role.INSTITUTION and found.institution_id != actor.institution_id):
        raise NotFound("风险预警不存在")
    return found


def handle(*, actor: User, warning_id: int, action: str | None) -> RiskWarning:
    """The lending officer records what was done; the task closes."""
    if actor.role is not Role.INSTITUTION:
        raise Forbidden("只有放款机构的客户经理可以处理风险预警")
    warning = get(actor=actor, warning_id=warning_id)
    action = (action or "").strip()
    if not action:
        raise InvalidInput("处理记录有误", {"action": ["请填写采取的措施"]})
    if (problem := text.free_text_problem(action, label="处理措施", high=1000)) is not None:
        raise InvalidInput("处理记录有误", {"action": [problem]})
    moved = db.session.execute(
        sa.update(RiskWarning).where(RiskWarning.id == warning.id, RiskWarning.status == WarningStatus.OPEN)
        .values(status=WarningStatus.HANDLED, action=action, handled_by=actor.id, handled_at=now_utc())
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict("该预警已处理")
    db.session.expire(warning)
    audit.record("risk_warning.handle", actor_id=actor.id, target_type="risk_warning", target_id=warning.id,
                 detail={"band": warning.band.value, "score": warning.score})
    return warning


def by_band() -> list[dict]:
    """Open and handled warnings per colour, worst first (the bureau's view)."""
    rows = db.session.execute(sa.select(RiskWarning.band, RiskWarning.status, sa.func.count(RiskWarning.id))
                              .group_by(RiskWarning.band, RiskWarning.status)).all()
    counts = {(band, status): n for band, status, n in rows}
    return [{"band": band.value, "label": band.label, "open": int(counts.get((band, WarningStatus.OPEN), 0)),
             "handled": int(counts.get((band, WarningStatus.HANDLED), 0))} for band in RiskBand]


@shared_task(name="matchmaker.loans.scan_risk")
def scan_task() -> int:
    opened = scan()
    db.session.commit()  # the task is its own boundary
    return opened
