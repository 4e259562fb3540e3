"""The loan book and the fund as the bureau's statistics read them.

A balance is a state, not a flow: the book (live loans, their outstanding and overdue principal) and the fund's
balance are as they stand now, whatever the period; the claims the fund paid are counted by the day the bureau
decided them, within the period. A loan's overdue balance is all it still owes once it is overdue (逾期贷款余额),
and the overdue ratio is that over the outstanding principal of the live loans (current and overdue; a
written-off loan has left the book).

A book of old loans is mostly repaid, and its overdue ratio then says little about how the lending went; the
default rate does: of the principal lent within the period (by disbursement day), the share lent on loans that
went bad (overdue now, or written off).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from models import ClaimStatus, CompensationClaim, Institution, Loan, LoanStatus, Product, ProductKind, RiskFund, db

LIVE = (LoanStatus.CURRENT, LoanStatus.OVERDUE)


def _book_columns(start: dt.date | None = None, end: dt.date | None = None) -> list:
    live = Loan.status.in_(LIVE)
    overdue = Loan.status == LoanStatus.OVERDUE
    lent = sa.and_(Loan.disbursed_on >= start if start else sa.true(), Loan.disbursed_on <= end if end else sa.true())
    bad = sa.and_(lent, Loan.status.in_((LoanStatus.OVERDUE, LoanStatus.WRITTEN_OFF)))
    return [
        sa.func.coalesce(sa.func.sum(sa.case((lent, Loan.principal_cny), else_=0)), 0).label("lent_cny"),
        sa.func.coalesce(sa.func.sum(sa.case((bad, Loan.principal_cny), else_=0)), 0).label("defaulted_cny"),
        sa.func.coalesce(sa.func.sum(sa.case((live, 1), else_=0)), 0).label("loans"),
        sa.func.coalesce(sa.func.sum(sa.case((live, Loan.outstanding_cny), else_=0)), 0).label("outstanding_cny"),
        sa.func.coalesce(sa.func.sum(sa.case((overdue, 1), else_=0)), 0).label("overdue_loans"),
        sa.func.coalesce(sa.func.sum(sa.case((overdue, Loan.outstanding_cny), else_=0)), 0).label("overdue_cny"),
    ]


def _figures(row) -> dict:
    out = {k: int(v) for k, v in row.items()}  # PostgreSQL sums BIGINT as NUMERIC
    out["overdue_ratio"] = round(out["overdue_cny"] / out["outstanding_cny"], 6) if out["outstanding_cny"] else None
    out["default_rate"] = round(out["defaulted_cny"] / out["lent_cny"], 6) if out["lent_cny"] else None
    return out


def book(start: dt.date | None = None, end: dt.date | None = None) -> dict:
    """The whole book: live loans, outstanding, overdue (count, balance, ratio), what was written off, and the
    default rate of what was lent in the period."""
    row = db.session.execute(sa.select(
        *_book_columns(start, end),
        sa.func.coalesce(sa.func.sum(sa.case((Loan.status == LoanStatus.WRITTEN_OFF, 1), else_=0)), 0).label("written_off"),
    )).mappings().one()
    return _figures(row)


def by_institution(start: dt.date | None = None, end: dt.date | None = None) -> list[dict]:
    rows = db.session.execute(
        sa.select(Loan.institution_id, Institution.name.label("institution_name"), *_book_columns(start, end))
        .join(Institution, Institution.id == Loan.institution_id).group_by(Loan.institution_id, Institution.name)
    ).mappings().all()
    out = [{"institution_id": r["institution_id"], "institution_name": r["institution_name"],
            **_figures({k: v for k, v in r.items() if k not in ("institution_id", "institution_name")})} for r in rows]
    return sorted(out, key=lambda r: (-r["outstanding_cny"], r["institution_id"]))


def by_kind(start: dt.date | None = None, end: dt.date | None = None) -> list[dict]:
    rows = db.session.execute(
        sa.select(Product.kind, *_book_columns(start, end)).join(Product, Product.id == Loan.product_id).group_by(Product.kind)
    ).mappings().all()
    out = [{"kind": r["kind"].value, "label": ProductKind(r["kind"]).label,
            **_figures({k: v for k, v in r.items() if k != "kind"})} for r in rows]
    return sorted(out, key=lambda r: (-r["outstanding_cny"], r["kind"]))


def fund(*, start: dt.datetime | None = None, end: dt.datetime | None = None) -> dict:
    """The fund now (balance, all it ever paid and got back) and the claims it paid within [start, end)."""
    row = db.session.get(RiskFund, 1)
    paid = [CompensationClaim.status == ClaimStatus.APPROVED]
    if start is not None:
        paid.append(CompensationClaim.decided_at >= start)
    if end is not None:
        paid.append(CompensationClaim.decided_at < end)
    claims, amount = db.session.execute(
        sa.select(sa.func.count(CompensationClaim.id), sa.func.coalesce(sa.func.sum(CompensationClaim.covered_cny), 0))
        .where(*paid)).one()
    pending = db.session.scalar(sa.select(sa.func.count(CompensationClaim.id))
                                .where(CompensationClaim.status == ClaimStatus.SUBMITTED))
    return {"balance_cny": row.balance_cny if row else 0, "paid_cny": row.paid_cny if row else 0,
            "returned_cny": row.returned_cny if row else 0, "claims_paid": int(claims), "claims_paid_cny": int(amount),
            "claims_pending": int(pending)}


def market(*, first_day: dt.date | None = None, last_day: dt.date | None = None,
           start: dt.datetime | None = None, end: dt.datetime | None = None) -> dict:
    """Local days bound what was lent (disbursement days), instants the claims paid (decision times)."""
    return {"loan_book": book(first_day, last_day), "loans_by_institution": by_institution(first_day, last_day),
            "loans_by_kind": by_kind(first_day, last_day), "risk_fund": fund(start=start, end=end)}
