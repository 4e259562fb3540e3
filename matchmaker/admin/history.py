"""Writing checked history rows: set-based, a chunk per savepoint, one row at a time only on trouble.

Row by row through the ORM a 16 MiB file (some 80,000 rows) would outlast a request; a chunk of
rows costs a handful of statements instead. A chunk the database refuses (a constraint this code did
not foresee) is rolled back and its rows are tried one by one, so the bad one is reported with its
line and the good ones are still kept, and no row is ever half-written.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from models import Application, ApplicationEvent, Enterprise, FinancingNeed, db

from ..sql import LOCAL
from ..wording import N_

CHUNK = 500
IMPORTED_DISTRICT = "未登记"  # the loan export carries no district
REPEATED = "该记录已导入过（同一企业、产品、金额和决定日期）"


def decided_at(day: dt.date) -> dt.datetime:
    # Noon, China time, on the day of the decision: the export has dates, not times.
    return dt.datetime.combine(day, dt.time(12), LOCAL).astimezone(dt.timezone.utc)


def _firms(rows: list[tuple[int, dict]]) -> dict[str, int]:
    """The id of every row's firm by credit code; firms first seen here are created from the row."""
    codes = {values["facts"]["uscc"] for _, values in rows}
    known = dict(db.session.execute(sa.select(Enterprise.uscc, Enterprise.id).where(Enterprise.uscc.in_(codes))).all())
    new = {}
    for _, values in rows:
        facts = values["facts"]
        if facts["uscc"] not in known and facts["uscc"] not in new:
            new[facts["uscc"]] = {**{k: facts[k] for k in (
                "uscc", "industry", "founded_on", "employees", "annual_revenue_cny", "rd_ratio_pct", "ip_count",
                "certifications", "credit_rating", "has_collateral")}, "name": facts["name"],
                "district": IMPORTED_DISTRICT, "imported": True}
    if new:
        created = db.session.execute(sa.insert(Enterprise).returning(Enterprise.uscc, Enterprise.id), list(new.values()))
        known.update(dict(created.all()))
    return known


def _already_imported(keys: set[tuple]) -> set[tuple]:
    """Which of these (firm, product, decided_at, amount) were imported before. Asked for the
    chunk's own keys only, so each chunk costs the same however large the history grows."""
    if not keys:
        return set()
    key = sa.tuple_(Application.enterprise_id, Application.product_id, Application.decided_at, Application.amount_cny)
    rows = db.session.execute(sa.select(*key.clauses).where(Application.imported.is_(True), key.in_(list(keys)))).all()
    return {tuple(r) for r in rows}


def _write(rows: list[tuple[int, dict]], *, actor_id: int) -> list[dict]:
    """Insert ``rows`` (line, checked values); → the rows refused as repeats (of earlier imports, of
    earlier chunks, or of a row above them in the same chunk)."""
    firms = _firms(rows)
    keyed = [(line, values, (firms[values["facts"]["uscc"]], values["product"].id, decided_at(values["decided_on"]),
                             values["need"]["amount_cny"])) for line, values in rows]
    seen = _already_imported({key for _, _, key in keyed})
    fresh, repeated = [], []
    for line, values, key in keyed:
        at = key[2]
        if key in seen:
            repeated.append({"line": line, "error": REPEATED})
            continue
        seen.add(key)
        fresh.append((values, key[0], at))
    if not fresh:
        return repeated
    need_ids = db.session.scalars(
        sa.insert(FinancingNeed).returning(FinancingNeed.id, sort_by_parameter_order=True),
        [{"enterprise_id": firm, "amount_cny": v["need"]["amount_cny"], "term_months": v["need"]["term_months"],
          "purpose": "历史数据导入", "preferred_kinds": [], "status": "closed", "collateral_offered": False,
          "created_at": at, "updated_at": at} for v, firm, at in fresh]).all()
    applications = []
    for (v, firm, at), need_id in zip(fresh, need_ids):
        granted = v["decision"] != "rejected"
        disbursed = v["decision"] == "disbursed"
        applications.append({
            "need_id": need_id, "product_id": v["product"].id, "enterprise_id": firm,
            "institution_id": v["product"].institution_id, "status": v["decision"],
            "amount_cny": v["need"]["amount_cny"], "term_months": v["need"]["term_months"], "created_at": at,
            "decided_at": at, "approved_amount_cny": v["approved_amount_cny"] if granted else None,
            "rate_pct": v["rate_pct"] if granted else None,
            "approved_term_months": v["need"]["term_months"] if granted else None,
            "disbursed_amount_cny": v["approved_amount_cny"] if disbursed else None,
            "disbursed_at": at if disbursed else None, "imported": True})
    application_ids = db.session.scalars(
        sa.insert(Application).returning(Application.id, sort_by_parameter_order=True), applications).all()
    db.session.execute(sa.insert(ApplicationEvent), [
        {"application_id": app_id, "from_status": None, "to_status": app["status"], "at": app["decided_at"],
         "actor_id": actor_id, "note": "历史数据导入"} for app_id, app in zip(application_ids, applications)])
    return repeated


def _one_by_one(chunk: list[tuple[int, dict]], *, actor_id: int) -> tuple[list[dict], list[dict]]:
    repeated, failed = [], []
    for line, values in chunk:
        try:
            with db.session.begin_nested():
                repeated += _write([(line, values)], actor_id=actor_id)
        except sa.exc.IntegrityError as error:
            failed.append({"line": line, "error": N_("数据库拒绝了该行：%(value)s", value=error.orig.__class__.__name__)})
    return repeated, failed


def store(rows: list[tuple[int, dict]], *, actor_id: int,
          progress=lambda done: None) -> tuple[int, list[dict]]:
    """Write checked rows; → (how many were imported, the rows refused with their line and reason)."""
    imported, refused = 0, []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        try:
            with db.session.begin_nested():
                repeated, failed = _write(chunk, actor_id=actor_id), []
        except sa.exc.IntegrityError:
            repeated, failed = _one_by_one(chunk, actor_id=actor_id)
        imported += len(chunk) - len(repeated) - len(failed)
        refused += repeated + failed
        progress(start + len(chunk))
    return imported, refused
