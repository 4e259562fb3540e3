"""The schema's own guarantees: constraints hold in the database, whatever Python does."""
import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from models import (
    Application, Enterprise, FinancingNeed, Institution, Product, RankerModel, User, db, now_utc,
)
from tests.conftest import enterprise_facts, valid_uscc


def _institution():
    institution = Institution(name="测试银行高新支行", kind="bank")
    db.session.add(institution)
    db.session.flush()
    return institution


def _product(institution, **overrides):
    values = dict(institution_id=institution.id, name="科创信用贷", kind="credit_loan", min_amount_cny=100_000,
                  max_amount_cny=5_000_000, min_term_months=6, max_term_months=36, rate_min_pct=3.65,
                  rate_max_pct=5.5)
    values.update(overrides)
    return Product(**values)


def _enterprise(**overrides):
    enterprise = Enterprise(**enterprise_facts(**overrides))
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def _refused(obj):
    db.session.add(obj)
    with pytest.raises((IntegrityError, StatementError)):
        db.session.flush()
    db.session.rollback()


def test_email_is_unique(ctx):
    for _ in range(2):
        db.session.add(User(email="same@example.cn", role="admin", password_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_uscc_is_unique(ctx):
    _enterprise()
    _refused(Enterprise(**enterprise_facts(name="另一家公司")))


def test_user_tenant_must_match_role(ctx):
    _refused(User(email="orphan@example.cn", role="enterprise", password_hash="x"))
    institution = _institution()
    _refused(User(email="mixed@example.cn", role="admin", password_hash="x", institution_id=institution.id))


def test_one_application_per_need_and_product(ctx):
    institution = _institution()
    product = _product(institution)
    enterprise = _enterprise()
    need = FinancingNeed(enterprise=enterprise, amount_cny=1_000_000, term_months=12)
    db.session.add_all([product, need])
    db.session.flush()
    fields = dict(need_id=need.id, product_id=product.id, enterprise_id=enterprise.id,
                  institution_id=institution.id, amount_cny=1_000_000, term_months=12)
    db.session.add(Application(**fields))
    db.session.flush()
    _refused(Application(**fields))


@pytest.mark.parametrize("overrides", [
    {"min_amount_cny": -1},
    {"min_amount_cny": 0},
    {"min_amount_cny": 6_000_000},  # above the maximum
    {"min_term_months": 48},
    {"rate_min_pct": 9.0},
    {"rate_min_pct": -0.5},
    {"rate_max_pct": 99.0},
])
def test_product_ranges_are_checked_by_the_database(ctx, overrides):
    _refused(_product(_institution(), **overrides))


@pytest.mark.parametrize("overrides", [
    {"employees": -3}, {"annual_revenue_cny": -1}, {"rd_ratio_pct": 120.0}, {"ip_count": -1},
    {"uscc": "123"},
])
def test_enterprise_facts_are_checked_by_the_database(ctx, overrides):
    _refused(Enterprise(**enterprise_facts(**{"uscc": valid_uscc("91500107MA5U9AB12"), **overrides})))


def test_need_amount_must_be_positive(ctx):
    _refused(FinancingNeed(enterprise=_enterprise(), amount_cny=0, term_months=12))


def test_unknown_codes_are_refused_even_in_raw_sql(ctx):
    institution = _institution()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.text(
            "INSERT INTO products (institution_id, name, kind, min_amount_cny, max_amount_cny, "
            "min_term_months, max_term_months, rate_min_pct, rate_max_pct, description, status, industries, "
            "min_years, min_annual_revenue_cny, min_ip_count, required_certifications, collateral_required, "
            "created_at, updated_at) VALUES (:i, 'x', 'magic_loan', 1, 2, 1, 2, 1, 2, '', 'active', '[]', 0, 0, "
            "0, '[]', false, :t, :t)"), {"i": institution.id, "t": now_utc()})


def test_disbursement_cannot_exceed_approval(ctx):
    institution = _institution()
    product = _product(institution)
    enterprise = _enterprise()
    need = FinancingNeed(enterprise=enterprise, amount_cny=1_000_000, term_months=12)
    db.session.add_all([product, need])
    db.session.flush()
    _refused(Application(need_id=need.id, product_id=product.id, enterprise_id=enterprise.id,
                         institution_id=institution.id, amount_cny=1_000_000, term_months=12, status="disbursed",
                         approved_amount_cny=500_000, disbursed_amount_cny=600_000))


def test_only_one_ranker_model_is_active(ctx):
    def model(version):
        return RankerModel(version=version, is_active=True, blob=b"x", sha256="0" * 64, sklearn_version="1",
                           features=[], training_data_hash="0" * 64, trained_rows=0)

    db.session.add(model("v1"))
    db.session.flush()
    _refused(model("v2"))


def test_datetimes_come_back_aware_in_utc(ctx):
    enterprise = _enterprise()
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Enterprise, enterprise.id).created_at
    assert stored.tzinfo is not None and stored.utcoffset() == dt.timedelta(0)
    assert abs(now_utc() - stored) < dt.timedelta(minutes=1)


def test_naive_datetimes_are_refused(ctx):
    enterprise = _enterprise()
    enterprise.created_at = dt.datetime(2024, 1, 1)
    with pytest.raises(StatementError):
        db.session.flush()
