"""Loading the engine's frames from the database with a few set-based queries."""
from __future__ import annotations

import datetime as dt
import itertools
from typing import NamedTuple

import numpy as np
import pandas as pd
import sqlalchemy as sa

from models import (
    Application, ApplicationStatus, Enterprise, FinancingNeed, Institution, IpAsset, Loan, LoanStatus, NeedStatus,
    Product, ProductStatus, RankerModel, db,
)

from ..credit import ip as ip_register
from ..credit import services as credit
from ..ranking.frames import Needs, Products
from ..ranking.training import Outcomes


def _value(x):
    return getattr(x, "value", x)


def product_frame(*, active_only: bool = True, product_ids=None) -> pd.DataFrame:
    query = sa.select(
        Product.id.label("product_id"), Product.name.label("product_name"), Product.kind, Product.min_amount_cny,
        Product.max_amount_cny, Product.min_term_months, Product.max_term_months, Product.rate_min_pct,
        Product.rate_max_pct, Product.industries, Product.min_years, Product.min_annual_revenue_cny,
        Product.min_ip_count, Product.required_certifications, Product.min_credit_rating,
        Product.collateral_required, Product.min_credit_grade, Product.pledge_ratio_pct, Product.institution_id,
        Institution.name.label("institution_name"), Product.status,
    ).join(Institution, Institution.id == Product.institution_id).order_by(Product.id)
    if active_only:
        query = query.where(Product.status == ProductStatus.ACTIVE)
    if product_ids is not None:
        query = query.where(Product.id.in_(list(product_ids)))
    frame = pd.DataFrame(db.session.execute(query).mappings().all(),
                         columns=[c.name for c in query.selected_columns])
    for column in ("kind", "min_credit_rating", "min_credit_grade", "status"):
        frame[column] = frame[column].map(_value).astype(object)
    for column in ("min_credit_rating", "min_credit_grade"):
        frame[column] = frame[column].where(frame[column].notna(), None)
    return frame


def need_frame(*, where=None, at: dt.date | None = None) -> pd.DataFrame:
    """Needs with their firm's facts; ``years`` to ``at`` (today) or, when ``at`` is None, to the need's date."""
    query = sa.select(
        FinancingNeed.id.label("need_id"), FinancingNeed.amount_cny, FinancingNeed.term_months,
        FinancingNeed.preferred_kinds, FinancingNeed.max_rate_pct, FinancingNeed.collateral_offered,
        FinancingNeed.created_at, FinancingNeed.status, Enterprise.id.label("enterprise_id"),
        Enterprise.name.label("enterprise_name"), Enterprise.founded_on, Enterprise.employees,
        Enterprise.annual_revenue_cny, Enterprise.rd_ratio_pct, Enterprise.ip_count, Enterprise.certifications,
        Enterprise.credit_rating, Enterprise.industry, Enterprise.share_in_leads, Enterprise.rd_staff,
        Enterprise.tech_talent, Enterprise.innovative_products, Enterprise.awards,
    ).join(Enterprise, Enterprise.id == FinancingNeed.enterprise_id).order_by(FinancingNeed.id)
    if where is not None:
        query = query.where(*where) if isinstance(where, (list, tuple)) else query.where(where)
    frame = pd.DataFrame(db.session.execute(query).mappings().all(),
                         columns=[c.name for c in query.selected_columns])
    for column in ("credit_rating", "industry", "status"):
        frame[column] = frame[column].map(_value).astype(object)
    if frame.empty:
        for column in ("years", "pledgeable_ip_value_cny", "pledgeable_ip_count"):
            frame[column] = pd.Series(dtype=float)
        frame["credit_grade"] = pd.Series(dtype=object)
        return frame
    reference = (pd.Series([at] * len(frame)) if at is not None
                 else frame["created_at"].map(lambda t: t.date()))
    frame["years"] = [(r - f).days / 365.25 for r, f in zip(reference, frame["founded_on"])]
    frame["credit_grade"] = grades(frame)
    frame["pledgeable_ip_value_cny"], frame["pledgeable_ip_count"] = _registers(frame, reference)
    return frame


def grades(frame: pd.DataFrame) -> list:
    """The knowledge-value grade (None without one) of each row's firm (``enterprise_id`` with the firm's
    facts beside it), scored once per firm."""
    rules = credit.table()
    # pandas reads a missing count as NaN; the evaluation reads it as not given (None).
    firms = frame.drop_duplicates("enterprise_id").astype(object)
    firms = firms.where(firms.notna(), None)
    grade = {firm.enterprise_id: credit.standing_of(firm, rules)[0] for firm in firms.itertuples(index=False)}
    return [grade[e] for e in frame["enterprise_id"]]


def _registers(frame: pd.DataFrame, reference: pd.Series) -> tuple[list, list]:
    """What each need's firm could pledge on the need's reference date, from the assets granted by then:
    the pledgeable value and the number of pledgeable assets; NaN for a firm without a register."""
    firms = frame["enterprise_id"].unique().tolist()
    query = sa.select(IpAsset.enterprise_id, IpAsset.kind, IpAsset.granted_on, IpAsset.expires_on, IpAsset.pledged)
    if len(firms) <= 1_000:  # a few firms: by id; a market's worth: every register, in one pass
        query = query.where(IpAsset.enterprise_id.in_(firms))
    registers: dict[int, list] = {}
    for asset in db.session.execute(query):
        registers.setdefault(asset.enterprise_id, []).append(asset)
    values, counts = [], []
    for firm, industry, day in zip(frame["enterprise_id"], frame["industry"], reference):
        held = [a for a in registers.get(firm, ()) if a.granted_on <= day]
        if not held:
            values.append(np.nan)
            counts.append(np.nan)
            continue
        lows = [ip_register.pledge_value(a, industry=industry, today=day)["low"] for a in held]
        values.append(float(sum(lows)))
        counts.append(float(sum(1 for a in held if not a.pledged and a.expires_on > day)))
    return values, counts


def open_needs_frame(*, at: dt.date, shared_only: bool = False) -> pd.DataFrame:
    where = [FinancingNeed.status == NeedStatus.OPEN]
    if shared_only:
        where.append(Enterprise.share_in_leads.is_(True))
    return need_frame(where=where, at=at)


# Per process: the active catalogue as arrays, rebuilt when a product changes.
_catalogue: dict = {}
_generations = itertools.count(1)


def catalogue_stamp() -> tuple:
    count, changed = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(Product.updated_at)).where(Product.status == ProductStatus.ACTIVE)
    ).one()
    return str(db.engine.url), count, changed


class Freshness(NamedTuple):
    """What a need's kept ranking depends on, and who owns the need, read in one round trip."""

    enterprise_id: int  # the need's owner, for the tenancy check (scoping.may_see_need)
    need: tuple  # the need's and its firm's last change
    amount_cny: int  # what a match would cost depends on these two (listing)
    term_months: int
    catalogue: tuple  # as catalogue_stamp
    model_version: str | None  # the active ranker's version, None when the rules score applies


def _freshness_statement() -> sa.Select:
    active = Product.status == ProductStatus.ACTIVE
    return sa.select(
        FinancingNeed.enterprise_id, FinancingNeed.updated_at, Enterprise.updated_at, FinancingNeed.amount_cny,
        FinancingNeed.term_months,
        sa.select(sa.func.count()).select_from(Product).where(active).scalar_subquery(),
        sa.select(sa.func.max(Product.updated_at)).where(active).scalar_subquery(),
        sa.select(RankerModel.version).where(RankerModel.is_active).scalar_subquery(),
    ).join(Enterprise, Enterprise.id == FinancingNeed.enterprise_id).where(FinancingNeed.id == sa.bindparam("need_id"))


# One statement, built once: on the hot path of the matches endpoint each round trip to the database,
# and building the expression, cost more than serving the ranking from the cache.
_FRESHNESS = _freshness_statement()


def freshness(*, need_id: int) -> Freshness | None:
    """None when the need does not exist."""
    row = db.session.execute(_FRESHNESS, {"need_id": need_id}).first()
    if row is None:
        return None
    enterprise_id, need_changed, firm_changed, amount, term, count, changed, version = row
    return Freshness(enterprise_id=enterprise_id, need=(need_changed, firm_changed), amount_cny=amount, term_months=term,
                     catalogue=(str(db.engine.url), count, changed), model_version=version)


def active_products(stamp: tuple | None = None) -> Products:
    """The active products as engine arrays, from the process cache when nothing changed since
    ``stamp`` (read now when not given)."""
    stamp = stamp or catalogue_stamp()
    cached = _catalogue.get("entry")
    if cached is None or cached[0] != stamp:
        products = Products(product_frame(active_only=True))
        # Rankings computed from a catalogue are kept under its generation (matching.services).
        products.generation = next(_generations)
        cached = (stamp, products)
        _catalogue["entry"] = cached
    return cached[1]


def forget_catalogue() -> None:
    _catalogue.clear()


DECIDED = (ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED, ApplicationStatus.REJECTED,
           ApplicationStatus.WITHDRAWN)


def outcomes() -> Outcomes:
    """Every decided application: approved or disbursed = 1, rejected = 0."""
    rows = db.session.execute(
        sa.select(Application.need_id, Application.product_id, Application.decided_at,
                  Application.approved_amount_cny.is_not(None).label("approved"))
        .where(Application.status.in_(DECIDED), Application.decided_at.is_not(None))
        .order_by(Application.id)
    ).all()
    if not rows:
        empty = np.array([], dtype=int)
        return Outcomes(Needs(need_frame(where=sa.false())), Products(product_frame(active_only=False)), empty,
                        empty, empty, empty.astype(float), empty.astype(float))
    need_ids = sorted({r.need_id for r in rows})
    needs = need_frame(where=FinancingNeed.id.in_(need_ids))
    products = product_frame(active_only=False)
    need_row = {n: k for k, n in enumerate(needs["need_id"])}
    product_row = {p: k for k, p in enumerate(products["product_id"])}
    return Outcomes(
        needs=Needs(needs), products=Products(products),
        need_row=np.array([need_row[r.need_id] for r in rows]),
        product_row=np.array([product_row[r.product_id] for r in rows]),
        label=np.array([int(r.approved) for r in rows]),
        need_created=needs["created_at"].map(lambda t: t.timestamp()).to_numpy(dtype=float),
        decided_at=np.array([r.decided_at.timestamp() for r in rows]),
    )


class LoanOutcomes(NamedTuple):
    """Loans that have run long enough: loan k was need row ``need_row[k]`` lent by product row ``product_row[k]``
    on these terms; ``bad``: overdue now or written off. ``grade`` is the firm's grade when it asked."""

    needs: Needs
    products: Products
    need_row: np.ndarray
    product_row: np.ndarray
    amount: np.ndarray
    term: np.ndarray
    rate: np.ndarray
    bad: np.ndarray
    disbursed: np.ndarray  # local days as ordinals: the hold-out is the latest
    grade: list


def loan_outcomes(*, lent_before: dt.date) -> LoanOutcomes:
    rows = db.session.execute(
        sa.select(Application.need_id, Loan.product_id, Loan.principal_cny, Loan.term_months, Loan.rate_pct,
                  Loan.status, Loan.disbursed_on)
        .join(Application, Application.id == Loan.application_id)
        .where(Loan.disbursed_on <= lent_before).order_by(Loan.id)).all()
    needs = need_frame(where=FinancingNeed.id.in_(sorted({r.need_id for r in rows})) if rows else sa.false())
    products = product_frame(active_only=False)
    need_row = {n: k for k, n in enumerate(needs["need_id"])}
    product_row = {p: k for k, p in enumerate(products["product_id"])}
    rows = [r for r in rows if r.product_id in product_row]
    frame_needs = Needs(needs)
    i = np.array([need_row[r.need_id] for r in rows], dtype=int)
    return LoanOutcomes(
        needs=frame_needs, products=Products(products), need_row=i,
        product_row=np.array([product_row[r.product_id] for r in rows], dtype=int),
        amount=np.array([r.principal_cny for r in rows], dtype=float),
        term=np.array([r.term_months for r in rows], dtype=float),
        rate=np.array([r.rate_pct for r in rows], dtype=float),
        bad=np.array([int(r.status in (LoanStatus.OVERDUE, LoanStatus.WRITTEN_OFF)) for r in rows], dtype=int),
        disbursed=np.array([r.disbursed_on.toordinal() for r in rows], dtype=int),
        grade=[frame_needs.grade_code[k] for k in i],
    )
