"""The institution officer's pages: products, the inbox with its clock, decisions, leads."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import Role, db, now_utc

from ..applications import decisions
from ..applications.clock import clock
from ..auth.current import current_user, role_required
from ..errors import DomainError
from ..forms import attach_problems
from ..matching import services as matching_services
from ..matching import reach
from ..products import services as product_services
from ..views import change, writes_on_get
from .forms import FORM_NAMES, ApproveForm, DisburseForm, ProductForm, RejectForm

bp = Blueprint("institution", __name__, url_prefix="/institution")


@bp.before_request
@role_required(Role.INSTITUTION)
def only_officers():
    return None


@bp.route("/products")
def products():
    actor = current_user()
    items = sorted(actor.institution.products, key=lambda p: (p.status.value != "active", p.id))
    return render_template("institution/products.html", products=items)


def _product_form(product=None):
    actor = current_user()
    form = ProductForm()
    status, fit_count = 200, None
    if request.method == "GET" and product is not None:
        form.fill(product)
    elif request.method == "POST" and form.validate_on_submit():
        values = form.values()
        if request.form.get("preview"):
            problems = product_services.check(values)
            attach_problems(form, problems, names=FORM_NAMES)
            fit_count = reach.open_needs_fitting(values) if not problems else None
        else:
            try:
                if product is None:
                    product = product_services.create(actor=actor, values=values)
                else:
                    product_services.update(actor=actor, product_id=product.id, values=values)
            except DomainError as error:
                attach_problems(form, error.fields, names=FORM_NAMES)
                status = error.status
            else:
                flash(_("产品已保存"), "success")
                return redirect(url_for("institution.products"))
    elif request.method == "POST":
        status = 422
    return render_template("institution/product_form.html", form=form, product=product, fit_count=fit_count), status


@bp.route("/products/new", methods=["GET", "POST"])
def new_product():
    return _product_form()


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
def edit_product(product_id: int):
    return _product_form(product_services.get(actor=current_user(), product_id=product_id))


@bp.route("/products/<int:product_id>/status", methods=["POST"])
def product_status(product_id: int):
    product_services.update(actor=current_user(), product_id=product_id,
                            values={"status": request.form.get("status", "")})
    flash(_("产品状态已更新"), "success")
    return redirect(url_for("institution.products"))


@bp.route("/inbox")
def inbox():
    actor = current_user()
    order = "newest" if request.args.get("order") == "newest" else "waiting"
    status = request.args.get("status", "submitted")
    status = status if status in ("submitted", "approved", "all") else "submitted"
    items = decisions.inbox(actor=actor, order=order, status=None if status == "all" else status, limit=200)
    now = now_utc()
    target = actor.institution.service_target_days
    rows = [(a, clock(a.created_at, target, now)) for a in items]
    return render_template("institution/inbox.html", rows=rows, order=order, status=status, target=target,
                           overdue=sum(1 for _a, c in rows if c["overdue"] and _a.status.value == "submitted"))


@bp.route("/applications/<int:application_id>")
@writes_on_get
def application(application_id: int):
    item = decisions.open_application(actor=current_user(), application_id=application_id)
    return _application_page(item, ApproveForm(), RejectForm(), DisburseForm())


def _application_page(item, approve, reject, disburse, status=200):
    if request.method == "GET":
        approve.approved_amount.set_yuan(item.amount_cny)
        approve.term_months.data = item.term_months
        approve.rate_pct.data = item.product.rate_min_pct
        if item.approved_amount_cny:
            disburse.amount.set_yuan(item.approved_amount_cny)
    target = current_user().institution.service_target_days
    return render_template("institution/application.html", application=item, enterprise=item.need.enterprise,
                           approve=approve, reject=reject, disburse=disburse,
                           clock=clock(item.created_at, target, now_utc())), status


@bp.route("/applications/<int:application_id>/decision", methods=["POST"])
def decide(application_id: int):
    actor = current_user()
    approve, reject, disburse = ApproveForm(), RejectForm(), DisburseForm()
    decision = request.form.get("decision")
    form = approve if decision == "approve" else reject
    if decision == "approve":
        def action():
            decisions.decide(actor=actor, application_id=application_id, decision="approve",
                             approved_amount_cny=approve.approved_amount.yuan,
                             rate_pct=float(approve.rate_pct.data), term_months=approve.term_months.data)
    else:
        def action():
            decisions.decide(actor=actor, application_id=application_id, decision="reject",
                             reason_code=reject.reason_code.data, reason=reject.reason.data)
    if form.validate_on_submit() and (change(action, done=_("审批结果已保存，企业已收到通知"), form=form,
                                             names=FORM_NAMES) or not form.errors):
        return redirect(url_for("institution.application", application_id=application_id))
    item = decisions.open_application(actor=actor, application_id=application_id)
    return _application_page(item, approve, reject, disburse, status=422)


@bp.route("/applications/<int:application_id>/disbursement", methods=["POST"])
def disburse(application_id: int):
    actor = current_user()
    form = DisburseForm()
    if form.validate_on_submit() and (change(
            lambda: decisions.disburse(actor=actor, application_id=application_id, amount_cny=form.amount.yuan),
            done=_("放款已记录"), form=form, names=FORM_NAMES) or not form.errors):
        return redirect(url_for("institution.application", application_id=application_id))
    item = decisions.open_application(actor=actor, application_id=application_id)
    return _application_page(item, ApproveForm(), RejectForm(), form, status=422)


@bp.route("/products/<int:product_id>/leads")
def leads(product_id: int):
    product = product_services.get(actor=current_user(), product_id=product_id)
    result = matching_services.needs_for_product(product_id=product.id, limit=30)
    return render_template("institution/leads.html", product=product, items=result["items"],
                           model_version=result["model_version"],
                           invited=decisions.invited_needs(actor=current_user(), product_id=product.id))


@bp.route("/products/<int:product_id>/leads/<int:need_id>/invite", methods=["POST"])
def invite(product_id: int, need_id: int):
    change(lambda: decisions.invite(actor=current_user(), product_id=product_id, need_id=need_id),
           done=_("已邀请该企业申请"))
    return redirect(url_for("institution.leads", product_id=product_id))
