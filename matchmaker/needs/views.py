"""A firm's needs: its list, publishing, changing and withdrawing one. (A need's page with its matches is
matching's.)"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from models import Role

from ..auth.current import current_user, pages_of
from ..filters import wan
from ..views import confirmation, submit
from . import services
from .forms import FORM_NAMES, NeedForm

bp = pages_of(Role.ENTERPRISE, "needs", __name__, url_prefix="/enterprise/needs")


@bp.route("")
def index():
    items, total = services.get_all(actor=current_user(), limit=100)
    return render_template("needs/list.html", needs=items, total=total)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = NeedForm()
    if not form.is_submitted():  # what the profile says the firm owns, until the owner says otherwise
        form.collateral_offered.data = current_user().enterprise.has_collateral
    sent = submit(form, lambda: services.create(actor=current_user(), values=form.values()),
                  done=_("融资需求已发布，以下是为您匹配的产品"), names=FORM_NAMES)
    if sent.done:
        return redirect(url_for("matches.need", need_id=sent.value.id))
    return render_template("needs/form.html", form=form, need=None), sent.status


@bp.route("/<int:need_id>/edit", methods=["GET", "POST"])
def edit(need_id: int):
    need = services.get(actor=current_user(), need_id=need_id)
    form = NeedForm()
    if not form.is_submitted():
        form.fill(need)
    sent = submit(form, lambda: services.update(actor=current_user(), need_id=need_id, values=form.values()),
                  done=_("融资需求已更新"), names=FORM_NAMES)
    if sent.done:
        return redirect(url_for("matches.need", need_id=need_id))
    return render_template("needs/form.html", form=form, need=need), sent.status


@bp.route("/<int:need_id>/withdraw", methods=["POST"])
def withdraw(need_id: int):
    need = services.get(actor=current_user(), need_id=need_id)
    live = [a for a in need.applications if a.status.value in ("submitted", "approved")]
    sentence = _("撤回后，这笔 %(amount)s 的融资需求不再向机构展示，也不能再修改。", amount=wan(need.amount_cny))
    if live:
        sentence += " " + _("它的 %(n)s 个进行中的申请将一并撤回，受理机构会在申请记录中看到撤回原因。此操作不能撤销。", n=len(live))
    else:
        sentence += " " + _("此操作不能撤销。")
    page = confirmation(title=_("确认撤回融资需求？"), sentence=sentence, button=_("确认撤回需求"),
                        back=url_for("matches.need", need_id=need_id))
    if page is not None:
        return page
    services.withdraw(actor=current_user(), need_id=need_id)
    flash(_("融资需求已撤回，相关申请已一并撤回"), "info")
    return redirect(url_for("needs.index"))
