"""Loan pages: the firm's loans with their schedules and what is due next; the lending officer's loans, where
repayments and overdue events are recorded (the same services as the banks' API)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import LoanStatus, Role, db

from ..auth.current import current_user, pages_of
from ..errors import InvalidInput
from ..views import change, submit
from . import cover, fund, services, warnings
from .forms import (
    ClaimDecisionForm, ClaimForm, ContributionForm, OverdueForm, RecoveryForm, RepaymentForm, WarningActionForm,
)

firm_pages = pages_of(Role.ENTERPRISE, "loans", __name__, url_prefix="/enterprise/loans")
officer_pages = pages_of(Role.INSTITUTION, "officer_loans", __name__, url_prefix="/institution/loans")
admin_pages = pages_of(Role.ADMIN, "fund", __name__, url_prefix="/admin/risk-fund")
warning_pages = pages_of(Role.INSTITUTION, "risk_warnings", __name__, url_prefix="/institution/risk-warnings")
PER_PAGE = 20


def _list(endpoint: str, template: str):
    status = request.args.get("status") or None
    status = status if status in LoanStatus.values() else None
    page = max(1, request.args.get("page", 1, type=int) or 1)
    items, total = services.get_all(actor=current_user(), status=status, limit=PER_PAGE,
                                    offset=min(page - 1, 100_000) * PER_PAGE)
    actor = current_user()
    standing = (cover.losses_by_institution(actor.institution_id).get(actor.institution_id)
                if actor.role is Role.INSTITUTION else None)
    return render_template(template, loans=items, total=total, page=page, per_page=PER_PAGE, status=status,
                           endpoint=endpoint, services=services, standing=standing)


def _show(loan_id: int, *, repayment=None, overdue=None, claim=None, recovery=None, status: int = 200):
    loan = services.get(actor=current_user(), loan_id=loan_id)
    filed = fund.claim_of(loan_id=loan.id)
    return render_template("loans/show.html", loan=loan, services=services, schedule=services.instalments(loan),
                           repayment=repayment or RepaymentForm(), overdue=overdue or OverdueForm(),
                           claim_form=claim or ClaimForm(), claim=filed, recovery=recovery or RecoveryForm(),
                           recoveries=fund.recoveries_of(claim_id=filed.id) if filed else []), status


@firm_pages.route("")
def index():
    return _list("loans.index", "loans/list.html")


@firm_pages.route("/<int:loan_id>")
def show(loan_id: int):
    return _show(loan_id)


@officer_pages.route("")
def index_for_officer():
    return _list("officer_loans.index_for_officer", "loans/list.html")


@officer_pages.route("/<int:loan_id>")
def show_for_officer(loan_id: int):
    return _show(loan_id)


@officer_pages.route("/<int:loan_id>/repayments", methods=["POST"])
def record_repayment(loan_id: int):
    form = RepaymentForm()
    sent = submit(form, lambda: services.repay(actor=current_user(), loan_id=loan_id, paid_on=form.paid_on.data,
                                               principal_cny=form.principal_cny.data,
                                               interest_cny=form.interest_cny.data), done=_("还款已登记"))
    if sent.done:
        return redirect(url_for("officer_loans.show_for_officer", loan_id=loan_id))
    return _show(loan_id, repayment=form, status=sent.status)


@officer_pages.route("/<int:loan_id>/overdue", methods=["POST"])
def record_overdue(loan_id: int):
    form = OverdueForm()
    sent = submit(form, lambda: services.overdue(actor=current_user(), loan_id=loan_id, since=form.since.data,
                                                 overdue_principal_cny=form.overdue_principal_cny.data),
                  done=_("逾期已登记，企业已收到通知"))
    if sent.done:
        return redirect(url_for("officer_loans.show_for_officer", loan_id=loan_id))
    return _show(loan_id, overdue=form, status=sent.status)


@officer_pages.route("/<int:loan_id>/claim", methods=["POST"])
def file_claim(loan_id: int):
    form = ClaimForm()
    sent = submit(form, lambda: fund.claim(actor=current_user(), loan_id=loan_id, loss_cny=form.loss_cny.data),
                  done=_("风险补偿申请已提交，等待管理员审核"))
    if sent.done:
        return redirect(url_for("officer_loans.show_for_officer", loan_id=loan_id))
    return _show(loan_id, claim=form, status=sent.status)


@officer_pages.route("/<int:loan_id>/recoveries", methods=["POST"])
def record_recovery(loan_id: int):
    form = RecoveryForm()
    sent = submit(form, lambda: fund.recover(actor=current_user(), loan_id=loan_id, amount_cny=form.amount_cny.data,
                                             recovered_on=form.recovered_on.data),
                  done=_("追偿回收已登记，资金池份额已退回"))
    if sent.done:
        return redirect(url_for("officer_loans.show_for_officer", loan_id=loan_id))
    return _show(loan_id, recovery=form, status=sent.status)


# ---------------------------------------------------------------- the officers' risk warnings


def _warnings_page(forms: dict | None = None, status: int = 200):
    shown = request.args.get("status") or "open"
    shown = shown if shown in ("open", "handled") else "open"
    page = max(1, request.args.get("page", 1, type=int) or 1)
    items, total = warnings.get_all(actor=current_user(), status=shown, limit=PER_PAGE,
                                    offset=min(page - 1, 100_000) * PER_PAGE)
    forms = forms or {}
    return render_template("loans/warnings.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           status=shown, forms={w.id: forms.get(w.id) or WarningActionForm(prefix=f"w{w.id}")
                                                for w in items}), status


@warning_pages.route("")
def warning_list():
    return _warnings_page()


@warning_pages.route("/<int:warning_id>/handle", methods=["POST"])
def handle(warning_id: int):
    warnings.get(actor=current_user(), warning_id=warning_id)  # another bank's warning: 404 before the form
    form = WarningActionForm(prefix=f"w{warning_id}")
    sent = submit(form, lambda: warnings.handle(actor=current_user(), warning_id=warning_id, action=form.action.data),
                  done=_("处理记录已保存"))
    if sent.done:
        return redirect(url_for("risk_warnings.warning_list"))
    return _warnings_page({warning_id: form}, sent.status)


# ---------------------------------------------------------------- the bureau's fund


def _fund_page(contribution=None, status: int = 200):
    actor = current_user()
    return render_template("loans/fund.html", pool=fund.get(actor=actor), bands=warnings.by_band(),
                           claims=fund.get_claims(actor=actor, status="submitted"),
                           decided=fund.get_claims(actor=actor)[-20:], contribution=contribution or ContributionForm(),
                           decision=ClaimDecisionForm()), status


@admin_pages.route("", methods=["GET", "POST"])
def fund_page():
    form = ContributionForm()
    sent = submit(form, lambda: fund.contribute(actor=current_user(), city_cny=form.city_cny.data,
                                                district_cny=form.district_cny.data, received_on=form.received_on.data),
                  done=_("出资已登记"))
    if sent.done:
        return redirect(url_for("fund.fund_page"))
    return _fund_page(form, sent.status)


@admin_pages.route("/claims/<int:claim_id>/<decision>", methods=["POST"])
def decide_claim(claim_id: int, decision: str):
    form = ClaimDecisionForm()
    if form.validate_on_submit():
        try:
            change(lambda: fund.decide(actor=current_user(), claim_id=claim_id, decision=decision,
                                       reason=form.reason.data),
                   done=_("已批准并支付") if decision == "approve" else _("已驳回"))
        except InvalidInput as error:  # a rejection without its reason: said above the queue, nothing kept
            db.session.rollback()
            for message in [error.message, *[m for ms in error.fields.values() for m in ms]]:
                flash(message, "warning")
    return redirect(url_for("fund.fund_page"))
