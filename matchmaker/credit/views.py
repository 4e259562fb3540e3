"""The firm's 信用评价 page: its grade, line and points, the table they come from, and what would raise it."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _

from models import Role

from ..auth.current import current_user, pages_of
from ..views import change, confirmation, submit
from . import ip, services
from .forms import IpAssetForm

firm_pages = pages_of(Role.ENTERPRISE, "credit", __name__, url_prefix="/enterprise")


@firm_pages.route("/credit-grade")
def grade():
    units = {"ip_count": _(" 项"), "rd_ratio_pct": "%", "rd_staff_pct": _("% 员工"), "tech_talent": _(" 人"),
             "innovative_products": _(" 项")}
    return render_template("credit/grade.html", evaluation=services.get(actor=current_user()),
                           table=services.table(), labels=services.LABELS, units=units)


@firm_pages.route("/ip-assets", methods=["GET", "POST"])
def ip_assets():
    form = IpAssetForm()
    sent = submit(form, lambda: ip.create(actor=current_user(), kind=form.kind.data, number=form.number.data,
                                          title=form.title.data, granted_on=form.granted_on.data,
                                          expires_on=form.expires_on.data, pledged=form.pledged.data),
                  done=_("知识产权已登记"))
    if sent.done:
        return redirect(url_for("credit.ip_assets"))
    actor = current_user()
    assets = ip.get_all(actor=actor)
    industry = actor.enterprise.industry.value
    return render_template("credit/ip_assets.html", form=form, assets=assets,
                           values={a.id: ip.pledge_value(a, industry=industry) for a in assets},
                           total=ip.pledgeable_value(actor.enterprise)), sent.status


@firm_pages.route("/ip-assets/<int:asset_id>/delete", methods=["POST"])
def delete_ip_asset(asset_id: int):
    asset = ip.get(actor=current_user(), asset_id=asset_id)
    page = confirmation(title=_("确认删除这项知识产权？"),
                        sentence=_("「%(title)s」（%(number)s）将从知识产权登记中删除，可质押价值随之减少。",
                                   title=asset.title, number=asset.number),
                        button=_("确认删除"), back=url_for("credit.ip_assets"))
    if page is not None:
        return page
    change(lambda: ip.delete(actor=current_user(), asset_id=asset_id), done=_("已删除"))
    return redirect(url_for("credit.ip_assets"))
