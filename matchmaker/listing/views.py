"""The firm's 上市辅导 page (its facts, each board's standards with the gaps, its stage) and the bureau's listing
pipeline (firms by stage and tier against the plan's target; recording a firm's new stage)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import Role

from ..auth.current import current_user, pages_of
from ..forms import WanYuanField
from ..views import submit
from . import services
from .forms import ListingFactsForm, StageForm

firm_pages = pages_of(Role.ENTERPRISE, "listing", __name__, url_prefix="/enterprise/listing")
admin_pages = pages_of(Role.ADMIN, "pipeline", __name__, url_prefix="/admin/listing")


@firm_pages.route("", methods=["GET", "POST"])
def readiness():
    actor = current_user()
    form = ListingFactsForm()
    if request.method == "GET":  # amounts are stored in yuan and typed in 万元
        saved = services.get_facts(actor=actor)
        for name, field in form._fields.items():
            if isinstance(field, WanYuanField):
                field.set_yuan(getattr(saved, name))
            elif name != "csrf_token":
                field.data = getattr(saved, name)
    sent = submit(form, lambda: services.update_facts(actor=actor, facts=_typed(form)), done=_("上市辅导信息已保存"))
    if sent.done:
        return redirect(url_for("listing.readiness"))
    saved = services.get_facts(actor=actor)
    return render_template("listing/readiness.html", form=form, result=services.readiness(actor=actor),
                           entered=saved.id is not None), sent.status


def _typed(form: ListingFactsForm) -> dict:
    facts = {}
    for name, field in form._fields.items():
        if isinstance(field, WanYuanField):
            facts[name] = field.yuan
        elif name.endswith("_pct"):
            facts[name] = None if field.data is None else float(field.data)
        elif name != "csrf_token":
            facts[name] = field.data
    return facts


@admin_pages.route("", methods=["GET", "POST"])
def pipeline():
    form = StageForm()
    sent = submit(form, lambda: services.set_stage(actor=current_user(), uscc=form.uscc.data, stage=form.stage.data,
                                                   tier=form.tier.data or None, changed_on=form.changed_on.data),
                  done=_("上市进程已记录"))
    if sent.done:
        return redirect(url_for("pipeline.pipeline"))
    return render_template("listing/pipeline.html", form=form, board=services.pipeline(actor=current_user())), sent.status
