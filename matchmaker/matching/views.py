"""Matching's pages: a need with the products that fit it (the firm's), their comparison, and a
product's leads with the firm invited to apply (the officer's)."""
from __future__ import annotations

import math

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import ProductKind, Role

from ..applications import decisions
from ..applications import services as application_services
from ..auth.current import current_user, pages_of
from ..needs import services as need_services
from ..products import services as product_services
from ..views import change
from . import listing, services

firm_pages = pages_of(Role.ENTERPRISE, "matches", __name__, url_prefix="/enterprise/needs")
officer_pages = pages_of(Role.INSTITUTION, "leads", __name__, url_prefix="/institution/products")
COMPARE_AT_MOST = 3
MATCHES_PER_PAGE = 10
SORT_LABELS = {"approval": _l("最可能获批"), "cost": _l("综合成本最低"), "speed": _l("最快答复")}


def _rate_ceiling(text: str | None) -> tuple[float | None, str | None]:
    """The matches page's 最低年利率不高于 box: the ceiling, or a message naming the box."""
    if not text:
        return None, None
    try:
        rate = float(text)
    except ValueError:
        rate = math.nan
    if not math.isfinite(rate) or not 0 <= rate <= 100:
        return None, _("最低年利率须为 0 到 100 之间的数字（如 4.5）")
    return rate, None


@firm_pages.route("/<int:need_id>")
def need(need_id: int):
    actor = current_user()
    need = need_services.get(actor=actor, need_id=need_id)
    sort = request.args.get("sort") if request.args.get("sort") in listing.SORTS else "approval"
    kind = request.args.get("kind") if request.args.get("kind") in ProductKind.values() else ""
    rate_text = (request.args.get("rate") or "").strip()
    rate, rate_error = _rate_ceiling(rate_text)
    show_all = request.args.get("all") == "1"
    page = max(request.args.get("page", 1, type=int), 1)
    listed = listing.get_all(need_id=need.id, actor=actor, sort=sort, offset=(page - 1) * MATCHES_PER_PAGE,
                             limit=MATCHES_PER_PAGE, include_ineligible=show_all, kind=kind or None,
                             max_rate_pct=rate)
    shown = listed["total"] + (listed["ineligible_total"] if show_all else 0)
    applied, _total = application_services.get_all(actor=actor, need_id=need.id, limit=100)
    return render_template(
        "matching/need.html", need=need, items=listed["items"], model_version=listed["model_version"],
        kinds=list(ProductKind), kind=kind, rate_text=rate_text, rate_error=rate_error, show_all=show_all,
        sort=sort, sorts=SORT_LABELS, page=page, pages=max(math.ceil(shown / MATCHES_PER_PAGE), 1),
        offset=listed["offset"], applied={a.product_id: a for a in applied}, eligible_count=listed["total"],
        ineligible_count=listed["ineligible_total"])


@firm_pages.route("/<int:need_id>/compare")
def compare(need_id: int):
    actor = current_user()
    need = need_services.get(actor=actor, need_id=need_id)
    chosen = list(dict.fromkeys(int(p) for p in request.args.getlist("product") if p.isdigit() and len(p) < 10))
    wanted = chosen[:COMPARE_AT_MOST]
    listed = listing.get_all(need_id=need.id, actor=actor, limit=None, include_ineligible=True,
                             product_ids=set(wanted))
    if not listed["items"]:
        flash(_("请至少选择一个产品进行比较（最多 3 个）"), "warning")
        return redirect(url_for("matches.need", need_id=need_id))
    if len(chosen) > COMPARE_AT_MOST:  # without the page's script a fourth tick arrives here
        flash(_("最多同时比较 3 个产品：只比较了先选的 3 个，另外 %(n)s 个没有加入。", n=len(chosen) - COMPARE_AT_MOST),
              "warning")
    items = sorted(listed["items"], key=lambda i: wanted.index(i["product_id"]))
    applied, _total = application_services.get_all(actor=actor, need_id=need.id, limit=100)
    return render_template("matching/compare.html", need=need, items=items,
                           products={i["product_id"]: product_services.get_public(product_id=i["product_id"])
                                     for i in items},
                           applied={a.product_id: a for a in applied})


@officer_pages.route("/<int:product_id>/leads")
def index(product_id: int):
    product = product_services.get(actor=current_user(), product_id=product_id)
    order = request.args.get("order") if request.args.get("order") in services.LEAD_ORDERS else "fit"
    result = services.needs_for_product(product_id=product.id, limit=30, order=order)
    return render_template("matching/leads.html", product=product, items=result["items"], order=order,
                           model_version=result["model_version"],
                           invited=decisions.invited_needs(actor=current_user(), product_id=product.id))


@officer_pages.route("/<int:product_id>/leads/<int:need_id>/invite", methods=["POST"])
def invite(product_id: int, need_id: int):
    change(lambda: decisions.invite(actor=current_user(), product_id=product_id, need_id=need_id),
           done=_("已邀请该企业申请"))
    return redirect(url_for("leads.index", product_id=product_id))
