"""Financial products: what an institution publishes, with its eligibility rules."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm

from models import (
    MAX_IP_COUNT, MAX_MONEY_CNY, MAX_RATE_PCT, MAX_TERM_MONTHS, Certification, CreditGrade, CreditRating, Industry, Institution,
    Product, ProductKind, ProductStatus, RepaymentMethod, Role, User, db,
)

from .. import audit, scoping, text
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..wording import N_

TERMS = ("name", "kind", "min_amount_cny", "max_amount_cny", "min_term_months", "max_term_months", "rate_min_pct",
         "rate_max_pct", "repayment_methods", "pledge_ratio_pct", "description")
RULES = ("industries", "min_years", "min_annual_revenue_cny", "min_ip_count", "required_certifications",
         "min_credit_rating", "min_credit_grade", "collateral_required")
MAX_MIN_YEARS = 100


def check(values: Mapping[str, Any], *, current: Product | None = None) -> dict[str, list[str]]:
    """Problems per field; with ``current``, ranges are checked against the values kept."""
    problems: dict[str, list[str]] = {}

    def add(field, message):
        problems.setdefault(field, []).append(message)

    def value(field):
        return values[field] if field in values else getattr(current, field, None)

    if current is None:
        for field in ("name", "kind", "min_amount_cny", "max_amount_cny", "min_term_months", "max_term_months",
                      "rate_min_pct", "rate_max_pct"):
            if values.get(field) is None:
                add(field, "此项为必填项")
    if "name" in values and values["name"] is not None \
            and (problem := text.name_problem(values["name"], label="产品名称")) is not None:
        add("name", problem)
    if values.get("description") is not None and (problem := text.free_text_problem(
            values["description"], label="产品介绍", high=text.DESCRIPTION_MAX)) is not None:
        add("description", problem)
    if values.get("kind") is not None and values["kind"] not in ProductKind.values():
        add("kind", N_("未知的产品类型：%(value)s", value=values["kind"]))
    elif values.get("kind") == ProductKind.EQUITY_INVESTMENT.value:
        # Equity investment is an investor profile (投资偏好), matched to rounds, not a loan-shaped product.
        add("kind", "股权投资不再作为产品发布，请在「投资偏好」中发布")
    for field, label in (("min_amount_cny", "最低金额"), ("max_amount_cny", "最高金额")):
        amount = values.get(field)
        if amount is not None and not (0 < amount <= MAX_MONEY_CNY):
            add(field, N_("%(label)s应大于 0 且不超过 100 亿元", label=label))
    for field, label in (("min_term_months", "最短期限"), ("max_term_months", "最长期限")):
        term = values.get(field)
        if term is not None and not (0 < term <= MAX_TERM_MONTHS):
            add(field, N_("%(label)s应在 1 到 %(value)s 个月之间", label=label, value=MAX_TERM_MONTHS))
    for field, label in (("rate_min_pct", "最低年利率"), ("rate_max_pct", "最高年利率")):
        rate = values.get(field)
        if rate is not None and not (0 <= rate <= MAX_RATE_PCT):
            add(field, N_("%(label)s应在 0 到 %(value)s%% 之间", label=label, value=MAX_RATE_PCT))
    pairs = (("min_amount_cny", "max_amount_cny", "最低金额不能高于最高金额"),
             ("min_term_months", "max_term_months", "最短期限不能长于最长期限"),
             ("rate_min_pct", "rate_max_pct", "最低利率不能高于最高利率"))
    for low, high, message in pairs:
        if low not in problems and high not in problems and value(low) is not None and value(high) is not None \
                and value(low) > value(high):
            add(low, message)
    if (industries := values.get("industries")) is not None:
        unknown = [c for c in industries if c not in Industry.values()]
        if unknown:
            add("industries", N_("未知的行业代码：%(value)s", value="、".join(map(str, unknown))))
    if (certs := values.get("required_certifications")) is not None:
        unknown = [c for c in certs if c not in Certification.values()]
        if unknown:
            add("required_certifications", N_("未知的资质代码：%(value)s", value="、".join(map(str, unknown))))
    if (methods := values.get("repayment_methods")) is not None:
        unknown = [c for c in methods if c not in RepaymentMethod.values()]
        if unknown:
            add("repayment_methods", N_("未知的还款方式：%(value)s", value="、".join(map(str, unknown))))
    if values.get("min_credit_rating") is not None and values["min_credit_rating"] not in CreditRating.values():
        add("min_credit_rating", N_("未知的信用评级：%(value)s", value=values["min_credit_rating"]))
    if values.get("min_credit_grade") is not None and values["min_credit_grade"] not in CreditGrade.values():
        add("min_credit_grade", N_("未知的知识价值信用评级：%(value)s（可选：A、B、C、D、E）", value=values["min_credit_grade"]))
    if values.get("pledge_ratio_pct") is not None and not 0 < values["pledge_ratio_pct"] <= 100:
        add("pledge_ratio_pct", "质押率应大于 0 且不超过 100%")
    elif value("pledge_ratio_pct") is not None and value("kind") not in (None, ProductKind.IP_PLEDGE.value):
        # A pledge ratio says what the pledged IP is worth to the loan: other kinds lend on other grounds.
        add("pledge_ratio_pct", "只有知识产权质押贷款可以设置质押率")
    for field, label, high in (("min_years", "经营年限要求", MAX_MIN_YEARS),
                               ("min_annual_revenue_cny", "营业收入要求", MAX_MONEY_CNY),
                               ("min_ip_count", "知识产权数量要求", MAX_IP_COUNT)):
        if values.get(field) is None:
            continue
        if values[field] < 0:
            add(field, N_("%(label)s不能为负数", label=label))
        elif values[field] > high:
            add(field, N_("%(label)s超出合理范围（最大 %(high)s）", label=label, high=f"{high:,}"))
    if values.get("status") is not None and values["status"] not in ProductStatus.values():
        add("status", N_("未知的状态：%(value)s（可选：active、paused、retired）", value=values["status"]))
    return problems


def _officer(actor: User) -> None:
    if actor.role is not Role.INSTITUTION:
        raise Forbidden("只有金融机构可以发布和管理产品")


def _apply(product: Product, values: Mapping[str, Any]) -> None:
    for field, value in values.items():
        if field == "kind":
            value = ProductKind(value)
        elif field == "status":
            value = ProductStatus(value)
        elif field == "min_credit_rating":
            value = CreditRating(value) if value else None
        elif field == "min_credit_grade":
            value = CreditGrade(value) if value else None
        elif field in ("industries", "required_certifications", "repayment_methods"):
            value = sorted(set(value or []))
        elif field in ("name", "description"):
            value = (value or "").strip()
        setattr(product, field, value)


def create(*, actor: User, values: Mapping[str, Any]) -> Product:
    _officer(actor)
    problems = check(values)
    if problems:
        raise InvalidInput("产品信息有误，请检查标出的字段", problems)
    # Active, no description and no eligibility rule unless given: the columns' defaults.
    product = Product(institution_id=actor.institution_id)
    _apply(product, {k: v for k, v in values.items() if k in TERMS + RULES})
    db.session.add(product)
    db.session.flush()
    audit.record("product.create", actor_id=actor.id, target_type="product", target_id=product.id,
                 detail={"name": product.name, "kind": product.kind.value})
    return product


def get(*, actor: User, product_id: int) -> Product:
    return scoping.get_or_404(scoping.products(actor), Product, product_id, "产品不存在")


def get_all(*, actor: User, limit: int | None, offset: int) -> tuple[list[Product], int]:
    """An institution's own products, every status: the active ones first, then by id (paused and retired
    ones stay listed, so they can be put back)."""
    _officer(actor)
    query = scoping.products(actor)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by((Product.status != ProductStatus.ACTIVE), Product.id)
                               .limit(limit).offset(offset)).all()
    return list(items), total


def update(*, actor: User, product_id: int, values: Mapping[str, Any]) -> Product:
    _officer(actor)
    product = get(actor=actor, product_id=product_id)
    problems = check(values, current=product)
    if problems:
        raise InvalidInput("产品信息有误，请检查标出的字段", problems)
    if product.status is ProductStatus.RETIRED and values.get("status", "retired") != "retired":
        raise Conflict("产品已下架（retired），不能再上架或暂停；请发布新产品", {"status": ["已下架的产品不能再改变状态"]})
    _apply(product, {k: v for k, v in values.items() if k in TERMS + RULES + ("status",)})
    db.session.flush()
    audit.record("product.update", actor_id=actor.id, target_type="product", target_id=product.id,
                 detail={"fields": sorted(values)})
    return product


# The catalogue's orders: each a tuple of columns, the id last so that pages never overlap.
CATALOGUE_SORTS = {
    "id": lambda: (Product.id,),  # the order of publication: the API's default, as it always was
    "kind": lambda: (sa.case({k.value: n for n, k in enumerate(ProductKind)}, value=Product.kind),
                     Product.rate_min_pct, Product.id),
    "rate": lambda: (Product.rate_min_pct, Product.rate_max_pct, Product.id),
    "amount": lambda: (Product.max_amount_cny.desc(), Product.id),
    "term": lambda: (Product.max_term_months.desc(), Product.id),
    "newest": lambda: (Product.created_at.desc(), Product.id.desc()),
}


def _lists_code(column, code: str):
    """A code list column holding ``code``. Both databases keep the list as JSON text with the codes
    quoted, and the codes are the market's own (checked before), so a text match is exact."""
    return sa.cast(column, sa.Text).contains(f'"{code}"', autoescape=True)


def catalogue(*, q: str | None = None, kind: str | None = None, institution_id: int | None = None,
              amount_cny: int | None = None, term_months: int | None = None, max_rate_pct: float | None = None,
              collateral_required: bool | None = None, industry: str | None = None, sort: str = "id",
              limit: int | None = 20, offset: int = 0) -> tuple[list[Product], int]:
    """The public catalogue (金融超市): active products only, searched by the product's or the
    institution's name, filtered by the terms a firm asks about, in one of ``CATALOGUE_SORTS``."""
    problems = {}
    if kind and kind not in ProductKind.values():
        problems["kind"] = [N_("未知的产品类型：%(kind)s", kind=kind)]
    if industry and industry not in Industry.values():
        problems["industry"] = [N_("未知的行业代码：%(industry)s", industry=industry)]
    if sort not in CATALOGUE_SORTS:
        problems["sort"] = [N_("未知的排序：%(sort)s（可选：%(value)s）", sort=sort, value="、".join(CATALOGUE_SORTS))]
    if problems:
        raise InvalidInput("筛选条件有误", problems)
    query = sa.select(Product).where(Product.status == ProductStatus.ACTIVE)
    if q and q.strip():
        words = q.strip()
        query = query.join(Institution, Institution.id == Product.institution_id).where(sa.or_(
            Product.name.icontains(words, autoescape=True), Institution.name.icontains(words, autoescape=True)))
    if kind:
        query = query.where(Product.kind == ProductKind(kind))
    if institution_id is not None:
        query = query.where(Product.institution_id == institution_id)
    if amount_cny is not None:
        query = query.where(Product.min_amount_cny <= amount_cny, Product.max_amount_cny >= amount_cny)
    if term_months is not None:
        query = query.where(Product.min_term_months <= term_months, Product.max_term_months >= term_months)
    if max_rate_pct is not None:  # the contract's rate ceiling: the product's lowest rate within it
        query = query.where(Product.rate_min_pct <= max_rate_pct)
    if collateral_required is not None:
        query = query.where(Product.collateral_required.is_(collateral_required))
    if industry:  # open to every industry, or naming this one
        query = query.where(sa.or_(sa.cast(Product.industries, sa.Text) == "[]",
                                   _lists_code(Product.industries, industry)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    # The shelf names each product's institution: read them with the page, not one query per card.
    items = db.session.scalars(query.options(sa.orm.selectinload(Product.institution))
                               .order_by(*CATALOGUE_SORTS[sort]()).limit(limit).offset(offset)).all()
    return list(items), total


def get_public(*, product_id: int) -> Product:
    """An active product as anyone may read it; paused, retired or unknown ones are 404."""
    product = db.session.get(Product, product_id)
    if product is None or product.status is not ProductStatus.ACTIVE:
        raise NotFound("产品不存在或已下架")
    return product
