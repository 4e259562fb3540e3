"""Equity financing's pages: a fund manager's 投资偏好, 项目推荐 (deal flow) and 投资进度 (its pipeline, one deal a
page); a firm's 股权融资 (its rounds) and each round's page (ranked investors with reasons, the interests and their
steps, contacts shown on acceptance, the business plan shared by consent, roadshow applications); the zone's
roadshows (路演推介, anyone may read them; firms pitch from their round's page, funds reserve seats and record
interests from the room) and the bureau's roadshow desk."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import Role

from ..auth.current import current_user, pages_of
from ..documents import services as documents
from ..documents.download import file_response
from ..documents.storage import store
from ..forms import select_choices
from ..views import change, submit
from . import fit, pipeline, plans, roadshows, services
from .forms import EquityNeedForm, InterestMoveForm, InvestorProfileForm, PitchForm, RoadshowForm, RoundPlanForm

fund_pages = pages_of(Role.INSTITUTION, "investor", __name__, url_prefix="/institution")
firm_pages = pages_of(Role.ENTERPRISE, "equity", __name__, url_prefix="/enterprise/equity")
admin_pages = pages_of(Role.ADMIN, "roadshow_desk", __name__, url_prefix="/admin/roadshows")
public_pages = Blueprint("roadshows", __name__, url_prefix="/roadshows")


# ---------------------------------------------------------------- the fund manager

@fund_pages.route("/investor-profile", methods=["GET", "POST"])
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


@fund_pages.route("/deals")
def deals():
    actor = current_user()
    deals_ = pipeline.get_all(actor=actor)
    stale = {d.id for d in pipeline.stale(institution_id=actor.institution_id).get(actor.institution_id, [])}
    return render_template("equity/deals.html", flow=fit.deal_flow(actor=actor, limit=20), deals=deals_, stale=stale,
                           profile=services.get_or_none(actor=actor))


@fund_pages.route("/deals/rounds/<int:equity_need_id>/interest", methods=["POST"])
def express(equity_need_id: int):
    roadshow_id = request.form.get("roadshow_id", type=int)
    change(lambda: pipeline.express(actor=current_user(), need_id=equity_need_id, roadshow_id=roadshow_id),
           done=_("已表达投资意向，企业会看到贵机构的关注"))
    return redirect(request.form.get("back") == "roadshows" and url_for("roadshows.index") or url_for("investor.deals"))


@fund_pages.route("/deals/<int:interest_id>", methods=["GET", "POST"])
def deal(interest_id: int):
    actor = current_user()
    interest = pipeline.get(actor=actor, interest_id=interest_id)
    form = InterestMoveForm()
    form.stage.choices = select_choices((s.value, s.label) for s in pipeline.next_stages(interest.stage))
    sent = submit(form, lambda: pipeline.move(actor=actor, interest_id=interest.id, stage=form.stage.data,
                                              amount_cny=form.amount_cny.yuan, reason=form.reason.data),
                  done=_("投资进度已更新"))
    if sent.done:
        return redirect(url_for("investor.deal", interest_id=interest.id))
    interest = pipeline.get(actor=actor, interest_id=interest_id)  # as it stands after a refused move
    return render_template("equity/deal.html", interest=interest, form=form, steps=pipeline.steps_of(interest),
                           contact=pipeline.contact_of(interest), has_plan=interest.institution_id in
                           plans.shared_with(interest.need) and interest.need.plan_document_id is not None), sent.status


@fund_pages.route("/deals/<int:interest_id>/plan")
def plan(interest_id: int):
    document = plans.open_for_fund(actor=current_user(), interest_id=interest_id)
    return file_response(document, store().get(document.storage_key))


@fund_pages.route("/roadshows/<int:roadshow_id>/seat", methods=["POST"])
def seat(roadshow_id: int):
    change(lambda: roadshows.reserve(actor=current_user(), roadshow_id=roadshow_id), done=_("席位已预约"))
    return redirect(url_for("roadshows.index"))


# ---------------------------------------------------------------- the firm

@firm_pages.route("", methods=["GET", "POST"])
def rounds():
    form = EquityNeedForm()
    sent = submit(form, lambda: services.create_need(
        actor=current_user(), round=form.round.data, amount_cny=form.amount_cny.yuan,
        pre_money_valuation_cny=form.pre_money_valuation_cny.yuan, use_of_funds=form.use_of_funds.data,
        highlights=form.highlights.data), done=_("股权融资需求已发布"))
    if sent.done:
        return redirect(url_for("equity.round_page", equity_need_id=sent.value.id))
    return render_template("equity/rounds.html", form=form, needs=services.get_needs(actor=current_user())), sent.status


def _round_forms(actor, need, pitches):
    plan_form, pitch_form = RoundPlanForm(prefix="plan"), PitchForm(prefix="pitch")
    plan_form.document_id.choices = select_choices((str(d.id), d.title) for d in documents.get_all(actor=actor))
    if request.method == "GET" and need.plan_document_id:
        plan_form.document_id.data = str(need.plan_document_id)
    pitched = {p.roadshow_id for p in pitches}
    pitch_form.roadshow_id.choices = select_choices(
        (str(r.id), f"{r.held_on.isoformat()} {r.title}") for r in roadshows.get_all(status="open") if r.id not in pitched)
    return plan_form, pitch_form


@firm_pages.route("/<int:equity_need_id>", methods=["GET", "POST"])
def round_page(equity_need_id: int):
    actor = current_user()
    need = services.get_need(actor=actor, need_id=equity_need_id)
    pitches = [p for p in roadshows.pitches_of_firm(actor=actor) if p.equity_need_id == need.id]
    plan_form, pitch_form = _round_forms(actor, need, pitches)
    status = 200
    if request.form.get("plan-document_id") is not None:
        sent = submit(plan_form, lambda: plans.set_plan(actor=actor, need_id=need.id,
                                                        document_id=int(plan_form.document_id.data)),
                      done=_("商业计划书已选定"), prefix="plan")
        status = sent.status
    elif request.form.get("pitch-roadshow_id") is not None:
        sent = submit(pitch_form, lambda: roadshows.pitch(actor=actor, roadshow_id=int(pitch_form.roadshow_id.data),
                                                          equity_need_id=need.id),
                      done=_("路演申请已提交，等待管理员审核"))
        status = sent.status
    else:
        sent = None
    if sent is not None and sent.done:
        return redirect(url_for("equity.round_page", equity_need_id=need.id))
    need = services.get_need(actor=actor, need_id=equity_need_id)
    return render_template(
        "equity/round.html", need=need, investors=fit.investors_for(actor=actor, need_id=need.id),
        steps={i.id: pipeline.steps_of(i) for i in need.interests}, shared=plans.shared_with(need),
        plan_form=plan_form, pitch_form=pitch_form,
        pitches=pitches), status


@firm_pages.route("/<int:equity_need_id>/interests/<int:interest_id>/accept", methods=["POST"])
def accept(equity_need_id: int, interest_id: int):
    change(lambda: pipeline.accept(actor=current_user(), need_id=equity_need_id, interest_id=interest_id),
           done=_("已向该机构展示联系方式"))
    return redirect(url_for("equity.round_page", equity_need_id=equity_need_id))


@firm_pages.route("/<int:equity_need_id>/interests/<int:interest_id>/plan", methods=["POST"])
def share_plan(equity_need_id: int, interest_id: int):
    granted = request.form.get("granted") == "yes"
    change(lambda: plans.share(actor=current_user(), need_id=equity_need_id, interest_id=interest_id,
                               granted=granted),
           done=_("已向该机构提供商业计划书") if granted else _("已停止向该机构提供商业计划书"))
    return redirect(url_for("equity.round_page", equity_need_id=equity_need_id))


@firm_pages.route("/<int:equity_need_id>/withdraw", methods=["POST"])
def withdraw(equity_need_id: int):
    services.get_need(actor=current_user(), need_id=equity_need_id)  # another firm's round: 404
    change(lambda: services.withdraw_need(actor=current_user(), need_id=equity_need_id), done=_("已撤回"))
    return redirect(url_for("equity.rounds"))


# ---------------------------------------------------------------- roadshows

@public_pages.route("")
def index():
    actor = current_user()
    shows = roadshows.get_all()
    fund = actor is not None and actor.role is Role.INSTITUTION and actor.institution.kind.value == "fund"
    seated = roadshows.seated(actor=actor) if fund else set()
    room = {r.id: [p for p in roadshows.pitches_of(r) if p.status.value == "accepted"]
            for r in shows if r.id in seated and r.status.value == "held"}
    followed = {i.equity_need_id for i in pipeline.get_all(actor=actor)} if fund else set()
    return render_template("equity/roadshows.html", shows=shows, fund=fund, seated=seated, room=room,
                           followed=followed)


@admin_pages.route("", methods=["GET", "POST"])
def desk():
    form = RoadshowForm()
    sent = submit(form, lambda: roadshows.create(actor=current_user(), title=form.title.data,
                                                 held_on=form.held_on.data, industries=form.industries.data,
                                                 capacity=form.capacity.data), done=_("路演已发布"))
    if sent.done:
        return redirect(url_for("roadshow_desk.desk"))
    shows = roadshows.get_all()
    return render_template("equity/desk.html", form=form, shows=shows,
                           pitches={r.id: roadshows.pitches_of(r) for r in shows},
                           seats={r.id: roadshows.seats_of(r) for r in shows}), sent.status


@admin_pages.route("/pitches/<int:pitch_id>/decision", methods=["POST"])
def decide(pitch_id: int):
    change(lambda: roadshows.decide(actor=current_user(), pitch_id=pitch_id, decision=request.form.get("decision"),
                                    reason=request.form.get("reason")), done=_("已记录审核结果"))
    return redirect(url_for("roadshow_desk.desk"))


@admin_pages.route("/<int:roadshow_id>/held", methods=["POST"])
def held(roadshow_id: int):
    change(lambda: roadshows.mark_held(actor=current_user(), roadshow_id=roadshow_id), done=_("路演已标记为已举办"))
    return redirect(url_for("roadshow_desk.desk"))

