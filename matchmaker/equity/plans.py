"""A round's business plan (商业计划书): one of the firm's own documents, shown only to the funds the firm chooses.
Each choice is a consent row (``PlanShare``, given or taken back, audited as ``consent.change``); a fund opens the
plan only while its consent stands, and every opening is audited as ``document.view``."""
from __future__ import annotations

import sqlalchemy as sa

from models import Document, EquityInterest, EquityNeed, PlanShare, User, db

from .. import audit, scoping
from ..errors import InvalidInput, NotFound
from .pipeline import get as get_interest
from .services import get_need


def _own_document(actor: User, document_id) -> Document:
    document = db.session.scalar(sa.select(Document).where(
        Document.id == document_id, Document.enterprise_id == actor.enterprise_id, Document.deleted_at.is_(None))) \
        if scoping.is_row_id(document_id) else None
    if document is None:
        raise InvalidInput("请从本企业的材料中选择商业计划书", {"document_id": ["请从本企业的材料中选择商业计划书"]})
    return document


def set_plan(*, actor: User, need_id: int, document_id) -> EquityNeed:
    """Name the round's business plan (None: no plan); funds it was shown to see the new one."""
    need = get_need(actor=actor, need_id=need_id)
    need.plan_document_id = None if document_id is None else _own_document(actor, document_id).id
    db.session.flush()
    audit.record("equity_need.plan", actor_id=actor.id, target_type="equity_need", target_id=need.id,
                 detail={"document_id": need.plan_document_id})
    return need


def shared_with(need: EquityNeed) -> set[int]:
    return set(db.session.scalars(sa.select(PlanShare.institution_id).where(PlanShare.equity_need_id == need.id)))


def share(*, actor: User, need_id: int, interest_id, granted: bool) -> EquityNeed:
    """Show the plan to the fund behind one of the round's interests, or stop showing it."""
    need = get_need(actor=actor, need_id=need_id)
    interest = db.session.get(EquityInterest, interest_id) if scoping.is_row_id(interest_id) else None
    if interest is None or interest.equity_need_id != need.id:
        raise NotFound("投资意向不存在")
    if granted and need.plan_document_id is None:
        raise InvalidInput("请先选择商业计划书", {"document_id": ["请先选择商业计划书"]})
    existing = db.session.scalar(sa.select(PlanShare).where(PlanShare.equity_need_id == need.id,
                                                            PlanShare.institution_id == interest.institution_id))
    if granted and existing is None:
        db.session.add(PlanShare(equity_need_id=need.id, institution_id=interest.institution_id,
                                 document_id=need.plan_document_id))
    elif not granted and existing is not None:
        db.session.delete(existing)
    db.session.flush()
    audit.record("consent.change", actor_id=actor.id, target_type="equity_need", target_id=need.id,
                 detail={"scope": "business_plan", "institution_id": interest.institution_id, "granted": granted})
    return need


def open_for_fund(*, actor: User, interest_id: int) -> Document:
    """The plan of the round behind the fund's interest, while the firm shows it to this fund (else 404)."""
    interest = get_interest(actor=actor, interest_id=interest_id)
    need = interest.need
    allowed = need.plan_document_id is not None and db.session.scalar(sa.select(PlanShare.id).where(
        PlanShare.equity_need_id == need.id, PlanShare.institution_id == interest.institution_id))
    document = db.session.get(Document, need.plan_document_id) if allowed else None
    if document is None or document.deleted_at is not None:
        raise NotFound("材料不存在")
    audit.record("document.view", actor_id=actor.id, target_type="document", target_id=document.id,
                 detail={"equity_interest_id": interest.id, "enterprise_id": document.enterprise_id})
    return document
