"""What the platform already knows of each firm, in the condition language's names: its facts (``enterprise.*``) and
its platform deals (``loan.*``: the loans it was lent, and the guarantees and tech insurance it was granted, whose
fees and premiums the subsidies pay a share of). Loaded in a few set-based queries, for one firm or the market."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from models import (
    Application, ApplicationStatus, Enterprise, Institution, ListingStageChange, Loan, LoanRepayment, LoanStatus,
    Product, ProductKind, db,
)

from models.loan_schedule import months_after

from ..credit import services as credit

DEALS_NOT_LOANS = (ProductKind.GUARANTEE, ProductKind.TECH_INSURANCE)


def firms(enterprise_ids: list[int] | None = None) -> dict[int, dict]:
    """enterprise id → its facts."""
    query = sa.select(Enterprise)
    if enterprise_ids is not None:
        query = query.where(Enterprise.id.in_(enterprise_ids))
    rules = credit.table()
    latest = (sa.select(ListingStageChange.enterprise_id, sa.func.max(ListingStageChange.id).label("last"))
              .group_by(ListingStageChange.enterprise_id).subquery())
    stages = dict(db.session.execute(sa.select(ListingStageChange.enterprise_id, ListingStageChange.stage)
                                     .join(latest, latest.c.last == ListingStageChange.id)).all())
    out = {}
    for firm in db.session.scalars(query):
        stage = stages.get(firm.id)
        out[firm.id] = {
            "enterprise.industry": firm.industry.value, "enterprise.certifications": list(firm.certifications or []),
            "enterprise.ip_count": firm.ip_count, "enterprise.rd_ratio_pct": firm.rd_ratio_pct,
            "enterprise.employees": firm.employees, "enterprise.annual_revenue_cny": firm.annual_revenue_cny,
            "enterprise.founded_on": firm.founded_on, "enterprise.credit_grade": credit.standing_of(firm, rules)[0],
            "enterprise.listing_stage": stage.value if stage is not None else None,
        }
    return out


def deals(enterprise_ids: list[int] | None = None) -> dict[int, list[dict]]:
    """enterprise id → its platform loans and its guarantees and tech insurance, each a dict of ``loan.*`` facts
    with what the arithmetic needs (balance, dates, the fee or premium)."""
    out: dict[int, list[dict]] = {}
    last_paid = (sa.select(LoanRepayment.loan_id, sa.func.max(LoanRepayment.paid_on).label("last"))
                 .group_by(LoanRepayment.loan_id).subquery())
    query = (sa.select(Loan, Product.kind, Product.name, Institution.kind, last_paid.c.last)
             .join(Product, Product.id == Loan.product_id).join(Institution, Institution.id == Loan.institution_id)
             .outerjoin(last_paid, last_paid.c.loan_id == Loan.id).order_by(Loan.id))
    if enterprise_ids is not None:
        query = query.where(Loan.enterprise_id.in_(enterprise_ids))
    for loan, kind, name, institution_kind, last in db.session.execute(query):
        ends = months_after(loan.disbursed_on, loan.term_months)
        if loan.status in (LoanStatus.REPAID, LoanStatus.WRITTEN_OFF) and last is not None:
            ends = min(ends, last)
        out.setdefault(loan.enterprise_id, []).append({
            "loan.kind": kind.value, "loan.principal_cny": loan.principal_cny, "loan.rate_pct": loan.rate_pct,
            "loan.disbursed_on": loan.disbursed_on, "loan.institution_kind": institution_kind.value,
            "name": name, "balance_cny": loan.outstanding_cny if loan.status is not LoanStatus.WRITTEN_OFF else 0,
            "disbursed_on": loan.disbursed_on, "ends_on": ends, "id": f"loan-{loan.id}"})
    query = (sa.select(Application, Product.kind, Product.name, Institution.kind)
             .join(Product, Product.id == Application.product_id)
             .join(Institution, Institution.id == Application.institution_id)
             .where(Application.status == ApplicationStatus.DISBURSED, Product.kind.in_(DEALS_NOT_LOANS))
             .order_by(Application.id))
    if enterprise_ids is not None:
        query = query.where(Application.enterprise_id.in_(enterprise_ids))
    for application, kind, name, institution_kind in db.session.execute(query):
        amount = application.disbursed_amount_cny or application.approved_amount_cny or 0
        day = application.disbursed_at.date() if application.disbursed_at else None
        # A guarantee's yearly fee, an insurance's premium: the amount at the approved yearly rate.
        charge = int(amount * (application.rate_pct or 0) / 100)
        out.setdefault(application.enterprise_id, []).append({
            "loan.kind": kind.value, "loan.principal_cny": amount, "loan.rate_pct": application.rate_pct,
            "loan.disbursed_on": day, "loan.institution_kind": institution_kind.value, "name": name,
            "amount_cny": amount, "charge_cny": charge, "disbursed_on": day, "id": f"application-{application.id}"})
    return out
