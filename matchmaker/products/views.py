"""An institution's products: its list, publishing and changing one (with how many open needs a draft
would fit), pausing and retiring."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import Role

from ..auth.current import current_user, pages_of
from ..forms import attach_problems
from ..matching import reach
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
