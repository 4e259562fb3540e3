"""A fund manager's officers publish what the fund invests in (投资偏好); a firm publishes its equity rounds
(股权融资)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import Role

from ..auth.current import current_user, pages_of
from ..views import change, submit
from . import services
from .forms import EquityNeedForm, InvestorProfileForm

fund_pages = pages_of(Role.INSTITUTION, "investor", __name__, url_prefix="/institution/investor-profile")
firm_pages = pages_of(Role.ENTERPRISE, "equity", __name__, url_prefix="/enterprise/equity")


@fund_pages.route("", methods=["GET", "POST"])
def profile():
    actor = current_user()
    saved = services.get_or_none(actor=actor)  # a bank's officer is refused here (403)
    form = InvestorProfileForm()
    if request.method == "GET" and saved is not None:
        form.stages.data, form.industries.data = list(saved.stages), list(saved.industries)
        for name in ("min_ticket_cny", "max_ticket_cny", "fund_size_cny"):
            form[name].set_yuan(getattr(saved, name))
        form.accepts_deal_flow.data = saved.accepts_deal_flow
    sent = submit(form, lambda: services.put(actor=actor, stages=form.stages.data, industries=form.industries.data,
                                             min_ticket_cny=form.min_ticket_cny.yuan,
                                             max_ticket_cny=form.max_ticket_cny.yuan,
                                             fund_size_cny=form.fund_size_cny.yuan,
                                             accepts_deal_flow=form.accepts_deal_flow.data),
                  done=_("投资偏好已发布"))
    if sent.done:
        return redirect(url_for("investor.profile"))
    return render_template("equity/profile.html", form=form, saved=saved), sent.status


@firm_pages.route("", methods=["GET", "POST"])
def rounds():
    form = EquityNeedForm()
    sent = submit(form, lambda: services.create_need(
        actor=current_user(), round=form.round.data, amount_cny=form.amount_cny.yuan,
        pre_money_valuation_cny=form.pre_money_valuation_cny.yuan, use_of_funds=form.use_of_funds.data,
        highlights=form.highlights.data), done=_("股权融资需求已发布"))
    if sent.done:
        return redirect(url_for("equity.rounds"))
    return render_template("equity/rounds.html", form=form, needs=services.get_needs(actor=current_user())), sent.status


@firm_pages.route("/<int:equity_need_id>/withdraw", methods=["POST"])
def withdraw(equity_need_id: int):
    services.get_need(actor=current_user(), need_id=equity_need_id)  # another firm's round: 404
    change(lambda: services.withdraw_need(actor=current_user(), need_id=equity_need_id), done=_("已撤回"))
    return redirect(url_for("equity.rounds"))
