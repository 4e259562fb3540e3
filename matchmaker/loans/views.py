"""Loan pages: the firm's loans with their schedules and what is due next; the lending officer's loans, where
repayments and overdue events are recorded (the same services as the banks' API)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import LoanStatus, Role

from ..auth.current import current_user, pages_of
from ..views import submit
from . import services
from .forms import OverdueForm, RepaymentForm

firm_pages = pages_of(Role.ENTERPRISE, "loans", __name__, url_prefix="/enterprise/loans")
officer_pages = pages_of(Role.INSTITUTION, "officer_loans", __name__, url_prefix="/institution/loans")
PER_PAGE = 20


def _list(endpoint: str, template: str):
    status = request.args.get("status") or None
    status = status if status in LoanStatus.values() else None
    page = max(1, request.args.get("page", 1, type=int) or 1)
    items, total = services.get_all(actor=current_user(), status=status, limit=PER_PAGE,
                                    offset=min(page - 1, 100_000) * PER_PAGE)
    return render_template(template, loans=items, total=total, page=page, per_page=PER_PAGE, status=status,
                           endpoint=endpoint, services=services)


def _show(loan_id: int, *, repayment=None, overdue=None, status: int = 200):
    loan = services.get(actor=current_user(), loan_id=loan_id)
    return render_template("loans/show.html", loan=loan, services=services, schedule=services.instalments(loan),
                           repayment=repayment or RepaymentForm(), overdue=overdue or OverdueForm()), status


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
