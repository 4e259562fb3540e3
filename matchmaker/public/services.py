"""Figures anyone may see: the size of the market, computed by the database."""
from __future__ import annotations

import sqlalchemy as sa

from models import (
    Application, ApplicationStatus, Enterprise, FinancingNeed, Institution, Product, ProductStatus, db,
)


def market_figures() -> dict[str, int]:
    disbursed = sa.select(sa.func.coalesce(sa.func.sum(Application.disbursed_amount_cny), 0)).where(
        Application.status == ApplicationStatus.DISBURSED
    )
    row = db.session.execute(
        sa.select(
            sa.select(sa.func.count()).select_from(Enterprise).scalar_subquery().label("enterprises"),
            sa.select(sa.func.count()).select_from(Institution).scalar_subquery().label("institutions"),
            sa.select(sa.func.count()).select_from(Product)
            .where(Product.status == ProductStatus.ACTIVE).scalar_subquery().label("products"),
            sa.select(sa.func.count()).select_from(FinancingNeed).scalar_subquery().label("needs"),
            disbursed.scalar_subquery().label("disbursed_amount_cny"),
        )
    ).one()
    return {key: int(value) for key, value in row._mapping.items()}


def database_answers() -> bool:
    try:
        db.session.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return False


def active_model_version() -> str:
    """The active ranker's version, or "rules" while the transparent rules score is in use."""
    from ..matching.scorer import active_version

    return active_version() or "rules"
