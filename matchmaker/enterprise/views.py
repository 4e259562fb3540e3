"""The enterprise's pages: profile and consent, needs, matches, applying, following, notifications."""
from __future__ import annotations

import math

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import ProductKind, Role, db

from .. import notifications
from ..applications import services as application_services
from ..auth.current import current_user, role_required
from ..errors import DomainError
from ..forms import attach_problems
from ..matching import listing
from ..filters import wan
from ..views import change, confirmation
from ..needs import services as need_services
from . import services
from .forms import FORM_NAMES, NeedForm, ProfileForm

bp = Blueprint("enterprise", __name__, url_prefix="/enterprise")
COMPARE_AT_MOST = 3
MATCHES_PER_PAGE = 10
SORT_LABELS = {"approval": _l("最可能获批"), "cost": _l("综合成本最低"), "speed": _l("最快答复")}


@bp.before_request
@role_required(Role.ENTERPRISE)
def only_enterprises():
    return None


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    actor = current_user()
    form = ProfileForm()
    status = 200
    if request.method == "GET":
        form.fill(actor.enterprise)
    elif form.validate_on_submit():
        try:
            services.update(actor=actor, values=form.values())
        except DomainError as error:
            attach_problems(form, error.fields, names=FORM_NAMES)
            status = error.status
        else:
            flash(_("企业画像已保存"), "success")
            return redirect(url_for("enterprise.profile"))
    else:
        status = 422
    return render_template("enterprise/profile.html", form=form, enterprise=actor.enterprise), status


@bp.route("/profile/views")
def profile_views():
    rows = services.profile_viewers(enterprise_id=current_user().enterprise_id)
    return render_template("enterprise/profile_views.html", rows=rows)


@bp.route("/needs")
def needs():
    items, total = need_services.get_all(actor=current_user(), limit=100)
    return render_template("enterprise/needs.html", needs=items, total=total)


@bp.route("/needs/new", methods=["GET", "POST"])
def new_need():
    form = NeedForm()
    status = 200
    if form.validate_on_submit():
        try:
            need = need_services.create(actor=current_user(), values=form.values())
        except DomainError as error:
            attach_problems(form, error.fields, names=FORM_NAMES)
            status = error.status
        else:
            flash(_("融资需求已发布，以下是为您匹配的产品"), "success")
            return redirect(url_for("enterprise.need", need_id=need.id))
    elif request.method == "POST":
        status = 422
    return render_template("enterprise/need_form.html", form=form, need=None), status


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
def edit_need(need_id: int):
    need = need_services.get(actor=current_user(), need_id=need_id)
    form = NeedForm()
    status = 200
    if request.method == "GET":
        form.fill(need)
    elif form.validate_on_submit():
        try:
            need_services.update(actor=current_user(), need_id=need_id, values=form.values())
        except DomainError as error:
            attach_problems(form, error.fields, names=FORM_NAMES)
            if not error.fields:
                form.form_errors.append(error.message)
            status = error.status
        else:
            flash(_("融资需求已更新"), "success")
            return redirect(url_for("enterprise.need", need_id=need_id))
    else:
        status = 422
    return render_template("enterprise/need_form.html", form=form, need=need), status


@bp.route("/needs/<int:need_id>/withdraw", methods=["POST"])
def withdraw_need(need_id: int):
    need = need_services.get(actor=current_user(), need_id=need_id)
    live = [a for a in need.applications if a.status.value in ("submitted", "approved")]
    sentence = _("撤回后，这笔 %(amount)s 的融资需求不再向机构展示，也不能再修改。", amount=wan(need.amount_cny))
    if live:
        sentence += " " + _("它的 %(n)s 个进行中的申请将一并撤回，受理机构会在申请记录中看到撤回原因。此操作不能撤销。", n=len(live))
    else:
        sentence += " " + _("此操作不能撤销。")
    page = confirmation(title=_("确认撤回融资需求？"), sentence=sentence, button=_("确认撤回需求"),
                        back=url_for("enterprise.need", need_id=need_id))
    if page is not None:
        return page
    need_services.withdraw(actor=current_user(), need_id=need_id)
    flash(_("融资需求已撤回，相关申请已一并撤回"), "info")
    return redirect(url_for("enterprise.needs"))


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


@bp.route("/needs/<int:need_id>")
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
        "enterprise/need.html", need=need, items=listed["items"], model_version=listed["model_version"],
        kinds=list(ProductKind), kind=kind, rate_text=rate_text, rate_error=rate_error, show_all=show_all,
        sort=sort, sorts=SORT_LABELS, page=page, pages=max(math.ceil(shown / MATCHES_PER_PAGE), 1),
        offset=listed["offset"], applied={a.product_id: a for a in applied}, eligible_count=listed["total"],
        ineligible_count=listed["ineligible_total"])


@bp.route("/needs/<int:need_id>/compare")
def compare(need_id: int):
    need = need_services.get(actor=current_user(), need_id=need_id)
    wanted = [int(p) for p in request.args.getlist("product") if p.isdigit()][:COMPARE_AT_MOST]
    listed = listing.get_all(need_id=need.id, actor=current_user(), limit=None, include_ineligible=True,
                             product_ids=set(wanted))
    if not listed["items"]:
        flash(_("请至少选择一个产品进行比较（最多 3 个）"), "warning")
        return redirect(url_for("enterprise.need", need_id=need_id))
    return render_template("enterprise/compare.html", need=need, items=listed["items"])


@bp.route("/needs/<int:need_id>/apply", methods=["POST"])
def apply(need_id: int):
    need_services.get(actor=current_user(), need_id=need_id)  # another firm's need: 404 before anything else
    product_id = request.form.get("product_id", type=int)
    if product_id is None:
        abort(400)
    try:
        application = application_services.create(actor=current_user(), need_id=need_id, product_id=product_id)
    except DomainError as error:
        if error.status != 409:
            raise
        db.session.rollback()
        flash(error.message, "warning")
        return redirect(url_for("enterprise.need", need_id=need_id))
    flash(_("申请已提交，企业画像仅共享给该机构"), "success")
    return redirect(url_for("enterprise.application", application_id=application.id))


@bp.route("/applications")
def applications():
    items, total = application_services.get_all(actor=current_user(), limit=100)
    return render_template("enterprise/applications.html", applications=items, total=total)


@bp.route("/applications/<int:application_id>")
def application(application_id: int):
    item = application_services.get(actor=current_user(), application_id=application_id)
    advice = application_services.ADVICE.get(item.reject_reason_code.value) if item.reject_reason_code else None
    return render_template("enterprise/application.html", application=item, advice=advice,
                           steps=application_services.timeline(item))


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
def withdraw_application(application_id: int):
    application = application_services.get(actor=current_user(), application_id=application_id)
    page = confirmation(
        title=_("确认撤回申请？"),
        sentence=_("撤回后，%(institution)s 将停止处理您对「%(product)s」的申请；如需再次申请，须重新提交。此操作不能撤销。",
                   institution=application.product.institution.name, product=application.product.name),
        button=_("确认撤回申请"), back=url_for("enterprise.application", application_id=application_id))
    if page is not None:
        return page
    change(lambda: application_services.withdraw(actor=current_user(), application_id=application_id),
           done=_("申请已撤回"))
    return redirect(url_for("enterprise.application", application_id=application_id))


@bp.route("/notifications")
def notification_list():
    actor = current_user()
    items = notifications.get_all(enterprise_id=actor.enterprise_id)
    unread = {n.id for n in items if n.read_at is None}
    return render_template("enterprise/notifications.html", items=items, unread=unread)


@bp.route("/notifications/read", methods=["POST"])
def notifications_read():
    """Marking read is a write of its own (a page view writes nothing: on SQLite, reads that write
    fought the writers for the lock and lost, 1,627 times in 1,898 loads)."""
    notifications.mark_all_read(enterprise_id=current_user().enterprise_id)
    return redirect(url_for("enterprise.notification_list"))


@bp.app_context_processor
def unread_notifications():
    user = current_user()
    if user is None or user.role is not Role.ENTERPRISE:
        return {}
    return {"unread_notifications": notifications.unread_count(enterprise_id=user.enterprise_id)}
