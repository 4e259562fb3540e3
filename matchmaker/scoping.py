"""Tenancy in one place: what an acting user may see. Out of scope is answered 404, as if absent."""
from __future__ import annotations

import sqlalchemy as sa

from models import Application, FinancingNeed, Loan, Product, Role, User, db

from .errors import NotFound


def needs(actor: User) -> sa.Select:
    query = sa.select(FinancingNeed)
    if actor.role is Role.ENTERPRISE:
        return query.where(FinancingNeed.enterprise_id == actor.enterprise_id)
    if actor.role is Role.ADMIN:
        return query
    return query.where(sa.false())  # institutions see needs only through applications and leads


def may_see_need(actor: User, *, enterprise_id: int) -> bool:
    """The rule of ``needs`` for one need whose owner is already read (the matches hot path);
    tests/test_scoping.py holds the two equal for every role."""
    if actor.role is Role.ENTERPRISE:
        return actor.enterprise_id == enterprise_id
    return actor.role is Role.ADMIN


def applications(actor: User) -> sa.Select:
    query = sa.select(Application)
    if actor.role is Role.ENTERPRISE:
        return query.where(Application.enterprise_id == actor.enterprise_id)
    if actor.role is Role.INSTITUTION:
        return query.where(Application.institution_id == actor.institution_id)
    return query


def loans(actor: User) -> sa.Select:
    """A firm its own loans, an institution those it lent, the bureau all."""
    query = sa.select(Loan)
    if actor.role is Role.ENTERPRISE:
        return query.where(Loan.enterprise_id == actor.enterprise_id)
    if actor.role is Role.INSTITUTION:
        return query.where(Loan.institution_id == actor.institution_id)
    return query


def products(actor: User) -> sa.Select:
    query = sa.select(Product)
    if actor.role is Role.INSTITUTION:
        return query.where(Product.institution_id == actor.institution_id)
    if actor.role is Role.ADMIN:
        return query
    return query.where(sa.false())


MAX_ROW_ID = 2**31 - 1  # PostgreSQL INTEGER: a larger id names nothing (and would overflow the driver)


def is_row_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ROW_ID


def get_or_404(query: sa.Select, model, object_id: int, message: str = "资源不存在"):
    if not is_row_id(object_id):
        raise NotFound(message)
    found = db.session.scalar(query.where(model.id == object_id))
    if found is None:
        raise NotFound(message)
    return found
