"""The finance bureau's pages: the market dashboard, service ranking, unserved demand, onboarding and
users, history import, ranker operations and the audit trail. Thin: each calls the same service as
the API."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import Industry, Job, ProductKind, Role

from ..auth.current import current_user, pages_of
from ..errors import DomainError
from ..filters import label
from ..institution import services as institution_services
from ..jobs import services as jobs
from ..jobs.schemas import JobSchema
from ..urls import offset_arg
from ..views import change, confirmation, submit, writes_on_get
from . import export, imports, outcomes, ranker, stats, trail, unserved, users
from .forms import ImportForm, InstitutionForm, OfficerForm
from .targets import plan_targets

bp = pages_of(Role.ADMIN, "admin", __name__, url_prefix="/admin")
PAGE = 50


def _period_from_args():
    """The page's date filter; a bad date is shown next to its input and the page falls back to all time."""
    try:
        return stats.period(start=request.args.get("from"), end=request.args.get("to")), {}
    except DomainError as error:
        return stats.Period(), error.fields


def _wan(amount: int) -> float:
    return round(amount / 10_000, 2)


def _dashboard_charts(figures: dict) -> dict:
    monthly = figures["monthly"]
    top = figures["by_institution"][:15]
    books = sorted((r for r in figures["loans_by_institution"] if r["lent_cny"]), key=lambda r: -r["lent_cny"])[:15]
    return {
        "monthly": {"months": [m["month"] for m in monthly],
                    "series": [{"name": _("融资需求"), "type": "bar", "data": [m["needs"] for m in monthly]},
                               {"name": _("申请"), "type": "bar", "data": [m["applications"] for m in monthly]},
                               {"name": _("促成融资（万元）"), "type": "line", "axis": 1,
                                "data": [_wan(m["disbursed_amount_cny"]) for m in monthly]}]},
        "by_kind": {"labels": [label_of("kind", r["kind"]) for r in figures["by_kind"]],
                    "values": [_wan(r["disbursed_amount_cny"]) for r in figures["by_kind"]],
                    "name": _("促成融资（万元）")},
        "by_industry": {"items": [{"name": label_of("industry", r["industry"]), "value": r["applications"]}
                                  for r in figures["by_industry"]], "name": _("申请")},
        "by_institution": {"labels": [r["name"] for r in reversed(top)],
                           "values": [_wan(r["disbursed_amount_cny"]) for r in reversed(top)],
                           "name": _("促成融资（万元）")},
        "defaults_by_institution": {"labels": [r["institution_name"] for r in reversed(books)],
                                    "values": [round(100 * (r["default_rate"] or 0), 2) for r in reversed(books)],
                                    "name": _("违约率（%）")},
        "equity_monthly": {"months": [m["month"] for m in figures["equity_monthly"]],
                           "series": [{"name": _("投资笔数"), "type": "bar",
                                       "data": [m["deals_invested"] for m in figures["equity_monthly"]]},
                                      {"name": _("股权融资额（万元）"), "type": "line", "axis": 1,
                                       "data": [_wan(m["raised_cny"]) for m in figures["equity_monthly"]]}]},
    }


def label_of(kind: str, code: str) -> str:
    return label({"kind": ProductKind, "industry": Industry}[kind](code))


@bp.route("/")
def dashboard():
    period, problems = _period_from_args()
    figures = stats.market(period=period)
    return render_template("admin/dashboard.html", figures=figures, period=period, problems=problems,
                           charts=_dashboard_charts(figures), targets=plan_targets())


@bp.route("/stats.csv")
@writes_on_get
def stats_export():
    period, problems = _period_from_args()
    if problems:
        flash("；".join(m for ms in problems.values() for m in ms), "danger")
        return redirect(url_for("admin.dashboard"))
    body, name = export.export(actor=current_user(), period=period)
    return export.csv_response(body, name)


@bp.route("/institutions", methods=["GET", "POST"])
def institutions():
    """Institutions ranked by service, and onboarding a new one with its first officer."""
    period, problems = _period_from_args()
    sort = request.args.get("sort", "median_response_hours")
    sort = sort if sort in stats.RANKING_SORTS else "median_response_hours"
    descending = (request.args["dir"] == "desc" if "dir" in request.args
                  else stats.descending_by_default(sort))
    rows = stats.ranking(stats.by_institution(period), sort=sort, descending=descending)
    form = InstitutionForm()
    sent = submit(form, lambda: institution_services.create_with_officer(actor=current_user(), **form.values()),
                  done=_("机构已入驻，经办人账户已开通"))
    if sent.done:
        return redirect(url_for("admin.institutions"))
    return render_template("admin/institutions.html", rows=rows, sort=sort, descending=descending, period=period,
                           problems=problems, form=form, sortable=stats.RANKING_SORTS), sent.status


@bp.route("/institutions/<int:institution_id>", methods=["GET", "POST"])
def institution(institution_id: int):
    item = institution_services.get(institution_id=institution_id)
    form = OfficerForm()
    sent = submit(form, lambda: institution_services.add_officer(
        actor=current_user(), institution_id=item.id, officer_email=form.officer_email.data or "",
        officer_password=form.officer_password.data or ""), done=_("已添加经办人"))
    if sent.done:
        return redirect(url_for("admin.institution", institution_id=item.id))
    return render_template("admin/institution.html", institution=item, form=form), sent.status


@bp.route("/unserved")
def unserved_demand():
    return render_template("admin/unserved.html", report=unserved.report())


@bp.route("/users")
def user_list():
    offset = offset_arg()
    items, total = users.get_all(search=request.args.get("q"), role=request.args.get("role"), limit=PAGE,
                                 offset=offset)
    return render_template("admin/users.html", items=items, total=total, offset=offset, page=PAGE)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def user_active(user_id: int):
    active = request.form.get("active") == "1"
    if not active:
        user = users.get(user_id=user_id)
        page = confirmation(title=_("确认停用账户？"), button=_("确认停用"), back=url_for("admin.user_list"),
                            sentence=_("停用后，%(email)s 将无法登录，其所有登录会话和 API 令牌立即失效；"
                                       "之后可随时重新启用。", email=user.email))
        if page is not None:
            return page
    change(lambda: users.set_active(actor=current_user(), user_id=user_id, active=active),
           done=_("账户已启用") if active else _("账户已停用，其所有登录会话和令牌已失效"))
    return redirect(request.form.get("back") if (request.form.get("back") or "").startswith("/admin/users")
                    else url_for("admin.user_list"))


@bp.route("/import", methods=["GET", "POST"])
def history_import():
    form = ImportForm()
    result = None
    job = imports.get(job_id=request.args.get("job", type=int))
    if job is not None and job.status == "succeeded":
        result = job.result

    def run():
        data = form.file.data.read()
        if imports.runs_as_job(data):
            return imports.start(actor=current_user(), data=data, filename=form.file.data.filename)
        return outcomes.import_csv(actor=current_user(), data=data)

    sent = submit(form, run)
    if sent.done and isinstance(sent.value, Job):
        flash(_("文件较大，已交给后台进程导入；本页显示进度，可以离开稍后回来。"), "info")
        return redirect(url_for("admin.history_import", job=sent.value.id))
    if sent.done:
        result = sent.value
    return render_template("admin/import.html", form=form, result=result, job=job,
                           columns=outcomes.COLUMNS), sent.status


@bp.route("/ranker", methods=["GET"])
def ranker_page():
    state = ranker.status()
    chart = None
    if state["metrics"]:
        strategies = {"model": state["metrics"], **(state["baseline_metrics"] or {})}
        names = [n for n in ("model", "active", "rules", "random", "oracle") if n in strategies]
        metrics = [m for m in ("oracle_ndcg_at_5", "ndcg_at_5", "map_at_5", "recall_at_10", "auc", "ece") if any(
            strategies[n].get(m) is not None for n in names)]
        chart = {"metrics": metrics, "series": [
            {"name": n, "data": [strategies[n].get(m) for m in metrics]} for n in names]}
    bins = (state["metrics"] or {}).get("reliability") or []
    reliability = {"points": [[b["predicted"], b["observed"], b["rows"]] for b in bins],
                   "model": _("模型"), "ideal": _("完全校准"), "x": _("平均预测"), "y": _("实际获批率")} if bins else None
    return render_template("admin/ranker.html", state=state, chart=chart, reliability=reliability,
                           training=jobs.latest(kind=ranker.KIND))


@bp.route("/ranker/train", methods=["POST"])
def ranker_train():
    change(lambda: ranker.train(actor=current_user()),
           done=_("训练已开始，由后台进程完成；可以离开本页，稍后回来查看结果。"))
    return redirect(url_for("admin.ranker_page"))


@bp.route("/jobs/<int:job_id>")
def job_state(job_id: int):
    """What the progress bar follows (the API's GET /admin/jobs/{id}, for a signed-in page)."""
    return jsonify(JobSchema().dump(jobs.get_or_404(job_id=job_id)))


@bp.route("/ranker/activate", methods=["POST"])
def ranker_activate():
    version = request.form.get("version", "")
    change(lambda: ranker.activate(actor=current_user(), version=version),
           done=_("已启用模型 %(version)s", version=version))
    return redirect(url_for("admin.ranker_page"))


@bp.route("/audit")
def audit_page():
    period, problems = _period_from_args()
    offset = offset_arg()
    items, total = trail.get_all(period=period, actor_email=request.args.get("actor"),
                                 action=request.args.get("action") or None, limit=PAGE, offset=offset)
    return render_template("admin/audit.html", items=items, total=total, offset=offset, page=PAGE,
                           actions=trail.actions(), period=period, problems=problems)
