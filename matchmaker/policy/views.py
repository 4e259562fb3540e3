"""政策兑现 on the pages: the firm's 政策 page (what it is owed now with the arithmetic, claimed by confirming its
account; the policies it nearly meets and what is missing; what it received) and the bureau's 政策兑现 desk (the
policies with their budgets, the claims queue with each claim's basis, decisions and payments)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import EntitlementStatus, Role, db

from ..auth.current import current_user, pages_of
from ..errors import InvalidInput
from ..views import change, submit, writes_on_get
from . import claims, services
from .forms import ClaimForm, DecisionForm, PaymentForm

firm_pages = pages_of(Role.ENTERPRISE, "policies", __name__, url_prefix="/enterprise/policies")
admin_pages = pages_of(Role.ADMIN, "policy_desk", __name__, url_prefix="/admin/policies")


def _firm_page(forms: dict | None = None, status: int = 200):
    actor = current_user()
    items = claims.get_all_for_firm(actor=actor)
    forms = forms or {}
    for item in items:
        if item.status is EntitlementStatus.AVAILABLE and item.id not in forms:
            forms[item.id] = ClaimForm(prefix=f"e{item.id}", formdata=None)
    return render_template("policy/entitlements.html", items=items, forms=forms,
                           nearly=claims.nearly(actor=actor)), status


@firm_pages.route("")
@writes_on_get  # what the firm is owed is computed when it looks
def index():
    return _firm_page()


@firm_pages.route("/<int:entitlement_id>/claim", methods=["POST"])
def claim(entitlement_id: int):
    claims.get(actor=current_user(), entitlement_id=entitlement_id)  # another firm's: 404, whatever was sent
    form = ClaimForm(prefix=f"e{entitlement_id}")
    sent = submit(form, lambda: claims.claim(actor=current_user(), entitlement_id=entitlement_id,
                                             payee_account_name=form.payee_account_name.data,
                                             payee_account_no=form.payee_account_no.data,
                                             payee_bank=form.payee_bank.data),
                  done=_("已提交申领，等待财政局审核"))
    if sent.done:
        return redirect(url_for("policies.index"))
    return _firm_page({entitlement_id: form}, sent.status)


@admin_pages.route("")
def desk():
    actor = current_user()
    queue = claims.get_claims(actor=actor)
    return render_template("policy/desk.html", policies=services.get_all(everything=True), queue=queue,
                           decision_form=DecisionForm(), payment_form=PaymentForm(),
                           status=request.args.get("status"))


def _on_the_desk(action, done: str):
    """A decision or a payment from the queue: done, or what was wrong said above the queue (each claim's own
    small form has nothing to keep but a reason, which the message quotes)."""
    try:
        change(action, done=done)
    except InvalidInput as error:
        db.session.rollback()
        flash("；".join([error.message, *(p for problems in error.fields.values() for p in problems)]), "danger")
    return redirect(url_for("policy_desk.desk"))


@admin_pages.route("/claims/<int:claim_id>/decision", methods=["POST"])
def decide(claim_id: int):
    form = DecisionForm()
    return _on_the_desk(lambda: claims.decide(actor=current_user(), claim_id=claim_id,
                                              decision=request.form.get("decision"), reason=form.reason.data),
                        _("已记录审核结果"))


@admin_pages.route("/claims/<int:claim_id>/payment", methods=["POST"])
def pay(claim_id: int):
    form = PaymentForm()
    form.validate()
    return _on_the_desk(lambda: claims.pay(actor=current_user(), claim_id=claim_id, paid_on=form.paid_on.data),
                        _("已登记拨付"))
