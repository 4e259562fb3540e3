"""Products' pages: an institution's own (its list, publishing and changing one with how many open needs
a draft would fit, pausing and retiring) and the public catalogue anyone browses (金融超市), each product
with its terms, its institution's service figures and, for a signed-in firm, whether it fits its needs."""
from __future__ import annotations

import math

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import MAX_MONEY_CNY, MAX_RATE_PCT, MAX_TERM_MONTHS, Industry, ProductKind, Role

from ..applications import figures
from ..applications import services as application_services
from ..auth.current import current_user, pages_of
from ..documents import services as documents
from ..forms import attach_problems
from ..institution import services as institution_services
from ..matching import listing, reach
from ..needs import services as need_services
from ..views import submit
from . import services
from .forms import FORM_NAMES, ProductForm

bp = pages_of(Role.INSTITUTION, "products", __name__, url_prefix="/institution/products")


@bp.route("")
def index():
    items, _total = services.get_all(actor=current_user(), limit=None, offset=0)
    return render_template("products/list.html", products=items)


def _form_page(product=None):
    form = ProductForm()
    if product is not None and not form.is_submitted():
        form.fill(product)
    if form.is_submitted() and request.form.get("preview"):
        # 预览: how many open needs the draft would fit, without saving it.
        fit_count, status = None, 422
        if form.validate():
            problems = services.check(form.values())
            attach_problems(form, problems, names=FORM_NAMES)
            fit_count = None if problems else reach.open_needs_fitting(form.values())
            status = 200  # a preview is an answer, its problems shown beside the fields
        return render_template("products/form.html", form=form, product=product, fit_count=fit_count), status

    def save():
        if product is None:
            return services.create(actor=current_user(), values=form.values())
        return services.update(actor=current_user(), product_id=product.id, values=form.values())

    sent = submit(form, save, done=_("产品已保存"), names=FORM_NAMES)
    if sent.done:
        return redirect(url_for("products.index"))
    return render_template("products/form.html", form=form, product=product, fit_count=None), sent.status


@bp.route("/new", methods=["GET", "POST"])
def new():
    return _form_page()


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
def edit(product_id: int):
    return _form_page(services.get(actor=current_user(), product_id=product_id))


@bp.route("/<int:product_id>/status", methods=["POST"])
def status(product_id: int):
    services.update(actor=current_user(), product_id=product_id, values={"status": request.form.get("status", "")})
    flash(_("产品状态已更新"), "success")
    return redirect(url_for("products.index"))


# ---------------------------------------------------------------- the public catalogue (金融超市)

market = Blueprint("market", __name__, url_prefix="/market")
PER_PAGE = 12
MAX_PAGE = 100_000  # a page number beyond any shelf shows an empty page, never an offset the database refuses
MARKET_SORTS = {"kind": _l("按产品类型"), "rate": _l("利率/费率最低"), "amount": _l("额度最高"),
                "term": _l("期限最长"), "newest": _l("最新上架")}


def _box(name: str, kind: type, low: float, high: float, message: str):
    """One filter box of the catalogue: (what was typed, the value or None, a message naming the box)."""
    typed = (request.args.get(name) or "").strip()
    if not typed:
        return typed, None, None
    try:
        value = kind(typed)
    except ValueError:
        return typed, None, message
    if not (math.isfinite(value) and low <= value <= high):
        return typed, None, message
    return typed, value, None


def catalogue_filters() -> tuple[dict, dict, dict]:
    """The catalogue's query string as (service arguments, what was typed, a message per bad box);
    a bad box is left out of the search and named, what was typed stays in it."""
    args, typed, problems = {}, {}, {}
    boxes = (("amount", float, 0.01, MAX_MONEY_CNY / 10_000, _("金额须为 0.01 到 1,000,000 之间的万元数（如 300）")),
             ("term", int, 1, MAX_TERM_MONTHS, _("期限须为 1 到 %(n)s 之间的整月数", n=MAX_TERM_MONTHS)),
             ("rate", float, 0, MAX_RATE_PCT, _("利率须为 0 到 %(n)s 之间的数字（如 4.5）", n=MAX_RATE_PCT)))
    for name, kind, low, high, message in boxes:
        typed[name], value, problem = _box(name, kind, low, high, message)
        if problem:
            problems[name] = problem
        elif value is not None:
            key = {"amount": "amount_cny", "term": "term_months", "rate": "max_rate_pct"}[name]
            args[key] = round(value * 10_000) if name == "amount" else value
    typed["q"] = (request.args.get("q") or "").strip()[:60]
    if typed["q"]:
        args["q"] = typed["q"]
    for name, codes in (("kind", ProductKind.values()), ("industry", Industry.values())):
        typed[name] = request.args.get(name) if request.args.get(name) in codes else ""
        if typed[name]:
            args[name] = typed[name]
    institution = request.args.get("institution", type=int)
    if institution is not None and 0 < institution < 2**31:
        typed["institution"] = args["institution_id"] = institution
    typed["collateral"] = request.args.get("collateral") == "no"
    if typed["collateral"]:
        args["collateral_required"] = False
    typed["sort"] = request.args.get("sort") if request.args.get("sort") in MARKET_SORTS else "kind"
    args["sort"] = typed["sort"]
    return args, typed, problems


@market.route("")
def catalogue():
    args, typed, problems = catalogue_filters()
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    items, total = services.catalogue(**args, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    hours = listing.median_response_hours()
    # An institution's shelf (its name heads the list); an unknown one is 404, not an empty shelf.
    institution = (institution_services.get(institution_id=typed["institution"]) if typed.get("institution")
                   else None)
    return render_template("products/market.html", items=items, total=total, typed=typed, problems=problems,
                           institution=institution,
                           page=page, pages=max(math.ceil(total / PER_PAGE), 1), sorts=MARKET_SORTS,
                           kinds=list(ProductKind), industries=list(Industry), hours=hours)


@market.route("/products/<int:product_id>")
def product(product_id: int):
    item = services.get_public(product_id=product_id)
    actor = current_user()
    fits = []  # a signed-in firm's open needs, each with whether this product fits it and why
    papers = []  # its documents, any of which it may share as it applies
    if actor is not None and actor.role is Role.ENTERPRISE:
        papers = documents.get_all(actor=actor)
        needs, _total = need_services.get_all(actor=actor, status="open", limit=20)
        applied = {a.need_id for a in application_services.get_all(actor=actor, limit=100)[0]
                   if a.product_id == item.id}
        for need in needs:
            match = listing.get_all(need_id=need.id, actor=actor, limit=None, include_ineligible=True,
                                    product_ids={item.id})["items"]
            fits.append({"need": need, "match": match[0] if match else None, "applied": need.id in applied})
    return render_template("products/show.html", product=item, service=figures.institution_service(
        institution_id=item.institution_id), fits=fits, actor=actor, documents=papers)
