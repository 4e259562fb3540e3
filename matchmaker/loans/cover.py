"""Which new loans the risk-compensation fund covers: the kinds in RISK_FUND_KINDS, of institutions whose fuse
has not tripped. The fuse reads each institution's approved losses over its covered principal; the loans feature
asks it at disbursement, the fund shows it, so it stands apart from both."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from models import ClaimStatus, CompensationClaim, Loan, db


def losses_by_institution(institution_id: int | None = None) -> dict[int, dict]:
    """Per institution (or for the one named): covered principal (every covered loan it lent) and approved
    losses, the loss rate, the warning and the fuse."""
    covered_query = (sa.select(Loan.institution_id, sa.func.sum(Loan.principal_cny))
                     .where(Loan.risk_fund_covered.is_(True)).group_by(Loan.institution_id))
    lost_query = (sa.select(CompensationClaim.institution_id, sa.func.sum(CompensationClaim.loss_cny))
                  .where(CompensationClaim.status == ClaimStatus.APPROVED).group_by(CompensationClaim.institution_id))
    if institution_id is not None:  # a disbursement or an officer's page asks about one institution only
        covered_query = covered_query.where(Loan.institution_id == institution_id)
        lost_query = lost_query.where(CompensationClaim.institution_id == institution_id)
    covered = dict(db.session.execute(covered_query).all())
    lost = dict(db.session.execute(lost_query).all())
    out = {}
    for institution in sorted(set(covered) | set(lost)):
        principal, loss = int(covered.get(institution) or 0), int(lost.get(institution) or 0)
        rate = loss / principal if principal else 0.0
        out[institution] = {"institution_id": institution, "covered_principal_cny": principal, "loss_cny": loss,
                            "loss_rate": round(rate, 6), "warning": rate * 100 >= current_app.config["RISK_FUND_WARNING_PCT"],
                            "fuse_tripped": rate * 100 >= current_app.config["RISK_FUND_FUSE_PCT"]}
    return out


def fuse_tripped(institution_id: int) -> bool:
    return losses_by_institution(institution_id).get(institution_id, {}).get("fuse_tripped", False)


def covers(*, kind: str, institution_id: int) -> bool:
    """Whether a loan of this kind made today by this institution is covered."""
    return kind in current_app.config["RISK_FUND_KINDS"] and not fuse_tripped(institution_id)
