"""Applications' pages: the firm applying and following its applications; the officer's inbox with its
clock, the decision and the disbursement."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import Role, db, now_utc

from ..auth.current import current_user, pages_of
from ..credit import services as credit
from ..documents import services as documents
from ..errors import DomainError
from ..matching import services as matching
from ..needs import services as need_services
from ..views import change, confirmation, writes_on_get
from . import decisions, services
from .clock import clock
from .forms import FORM_NAMES, ApproveForm, DisburseForm, RejectForm

firm_pages = pages_of(Role.ENTERPRISE, "applications", __name__, url_prefix="/enterprise")
officer_pages = pages_of(Role.INSTITUTION, "decisions", __name__, url_prefix="/institution")


# ---------------------------------------------------------------- the firm

@firm_pages.route("/needs/<int:need_id>/apply", methods=["POST"])
def apply(need_id: int):
    need_services.get(actor=current_user(), need_id=need_id)  # another firm's need: 404 before anything else
    product_id = request.form.get("product_id", type=int)
    if product_id is None:
        abort(400)
    chosen = [int(i) for i in request.form.getlist("document") if i.isdigit() and len(i) < 10]
    try:
        application = services.create(actor=current_user(), need_id=need_id, product_id=product_id)
        if chosen:
            documents.share(actor=current_user(), application_id=application.id, document_ids=chosen)
    except DomainError as error:
        if error.status != 409:
            raise  # another firm's need or an unknown product: 404
        db.session.rollback()
        flash(error.message, "warning")
        return redirect(url_for("matches.need", need_id=need_id))
    flash(_("申请已提交，企业画像和所选 %(n)s 份材料仅共享给该机构", n=len(set(chosen))) if chosen
          else _("申请已提交，企业画像仅共享给该机构。可在本页选择提供给机构的材料。"), "success")
    return redirect(url_for("applications.show", application_id=application.id))


@firm_pages.route("/applications")
def index():
    items, total = services.get_all(actor=current_user(), limit=100)
    return render_template("applications/list.html", applications=items, total=total)


@firm_pages.route("/applications/<int:application_id>")
def show(application_id: int):
    item = services.get(actor=current_user(), application_id=application_id)
    advice = services.ADVICE.get(item.reject_reason_code.value) if item.reject_reason_code else None
    actor = current_user()
    return render_template("applications/firm.html", application=item, advice=advice,
                           steps=services.timeline(item), documents=documents.get_all(actor=actor),
                           shared_ids={d.id for d in documents.shared(actor=actor, application_id=item.id)})


@firm_pages.route("/applications/<int:application_id>/withdraw", methods=["POST"])
def withdraw(application_id: int):
    application = services.get(actor=current_user(), application_id=application_id)
    page = confirmation(
        title=_("确认撤回申请？"),
        sentence=_("撤回后，%(institution)s 将停止处理您对「%(product)s」的申请；如需再次申请，须重新提交。此操作不能撤销。",
                   institution=application.product.institution.name, product=application.product.name),
        button=_("确认撤回申请"), back=url_for("applications.show", application_id=application_id))
    if page is not None:
        return page
    change(lambda: services.withdraw(actor=current_user(), application_id=application_id), done=_("申请已撤回"))
    return redirect(url_for("applications.show", application_id=application_id))


# ---------------------------------------------------------------- the officer

@officer_pages.route("/inbox")
def inbox():
    actor = current_user()
    order = "newest" if request.args.get("order") == "newest" else "waiting"
    status = request.args.get("status", "submitted")
    status = status if status in ("submitted", "approved", "all") else "submitted"
    items = decisions.inbox(actor=actor, order=order, status=None if status == "all" else status, limit=200)
    now = now_utc()
    target = actor.institution.service_target_days
    rows = [(a, clock(a.created_at, target, now)) for a in items]
    return render_template("applications/inbox.html", rows=rows, order=order, status=status, target=target,
                           overdue=sum(1 for _a, c in rows if c["overdue"] and _a.status.value == "submitted"))


@officer_pages.route("/applications/<int:application_id>")
@writes_on_get
def application(application_id: int):
    item = decisions.open_application(actor=current_user(), application_id=application_id)
    return _decision_page(item, ApproveForm(), RejectForm(), DisburseForm())


def _decision_page(item, approve, reject, disburse, status=200):
    if request.method == "GET":
        approve.approved_amount.set_yuan(item.amount_cny)
        approve.term_months.data = item.term_months
        approve.rate_pct.data = item.product.rate_min_pct
        if item.approved_amount_cny:
            disburse.amount.set_yuan(item.approved_amount_cny)
        if item.product.repayment_methods:  # the product's own way first
            disburse.repayment.data = item.product.repayment_methods[0]
    target = current_user().institution.service_target_days
    return render_template("applications/officer.html", application=item, enterprise=item.need.enterprise,
                           documents=documents.shared(actor=current_user(), application_id=item.id),
                           approve=approve, reject=reject, disburse=disburse,
                           match=matching.match_of(need_id=item.need_id, product_id=item.product_id),
                           grade=credit.of_enterprise(item.need.enterprise),
                           clock=clock(item.created_at, target, now_utc())), status


@officer_pages.route("/applications/<int:application_id>/decision", methods=["POST"])
def decide(application_id: int):
    # Two forms on one page: the button pressed says which one was sent. A conflict (someone decided
    # first) is flashed and the page shows what is now true; invalid values stay in their form.
    actor = current_user()
    approve, reject, disburse = ApproveForm(), RejectForm(), DisburseForm()
    if request.form.get("decision") == "approve":
        form = approve

        def action():
            decisions.decide(actor=actor, application_id=application_id, decision="approve",
                             approved_amount_cny=approve.approved_amount.yuan,
                             rate_pct=float(approve.rate_pct.data), term_months=approve.term_months.data)
    else:
        form = reject

        def action():
            decisions.decide(actor=actor, application_id=application_id, decision="reject",
                             reason_code=reject.reason_code.data, reason=reject.reason.data)
    if form.validate_on_submit() and (change(action, done=_("审批结果已保存，企业已收到通知"), form=form,
                                             names=FORM_NAMES) or not form.errors):
        return redirect(url_for("decisions.application", application_id=application_id))
    item = decisions.open_application(actor=actor, application_id=application_id)
    return _decision_page(item, approve, reject, disburse, status=422)


@officer_pages.route("/applications/<int:application_id>/disbursement", methods=["POST"])
def disburse(application_id: int):
    actor = current_user()
    form = DisburseForm()
    if form.validate_on_submit() and (change(
            lambda: decisions.disburse(actor=actor, application_id=application_id, amount_cny=form.amount.yuan,
                                       repayment=form.repayment.data),
            done=_("放款已记录"), form=form, names=FORM_NAMES) or not form.errors):
        return redirect(url_for("decisions.application", application_id=application_id))
    item = decisions.open_application(actor=actor, application_id=application_id)
    return _decision_page(item, ApproveForm(), RejectForm(), form, status=422)
