"""Documents' pages: the firm's own (upload, open, delete), choosing per application what its
institution may see, and the officer opening what was shared with it."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import Role

from ..applications import services as application_services
from ..auth.current import current_user, pages_of
from ..views import change, confirmation, submit, writes_on_get
from . import services
from .download import file_response
from .forms import ShareForm, UploadForm

firm_pages = pages_of(Role.ENTERPRISE, "documents", __name__, url_prefix="/enterprise")
officer_pages = pages_of(Role.INSTITUTION, "shared_documents", __name__, url_prefix="/institution")


@firm_pages.route("/documents", methods=["GET", "POST"])
def index():
    form = UploadForm()

    def upload():
        upload = form.file.data
        limit = current_app.config["DOCUMENT_MAX_BYTES"]
        return services.create(actor=current_user(), kind=form.kind.data, title=form.title.data,
                               filename=upload.filename, data=upload.stream.read(limit + 1))

    sent = submit(form, upload, done=_("材料已上传"))
    if sent.done:
        return redirect(url_for("documents.index"))
    return render_template("documents/index.html", form=form,
                           documents=services.get_all(actor=current_user())), sent.status


@firm_pages.route("/documents/<int:document_id>")
@writes_on_get  # every opening is audited
def show(document_id: int):
    return file_response(*services.open_file(actor=current_user(), document_id=document_id))


@firm_pages.route("/documents/<int:document_id>/delete", methods=["POST"])
def delete(document_id: int):
    document = services.get(actor=current_user(), document_id=document_id)
    page = confirmation(
        title=_("确认删除材料？"),
        sentence=_("删除后，「%(title)s」的文件将从平台清除，已提供给金融机构的申请也不再显示它。此操作不能撤销。",
                   title=document.title),
        button=_("确认删除"), back=url_for("documents.index"))
    if page is not None:
        return page
    change(lambda: services.delete(actor=current_user(), document_id=document_id), done=_("材料已删除"))
    return redirect(url_for("documents.index"))


@firm_pages.route("/applications/<int:application_id>/documents", methods=["POST"])
def share(application_id: int):
    application_services.get(actor=current_user(), application_id=application_id)  # another firm's: 404 first
    form = ShareForm()
    if form.validate_on_submit():
        chosen = [int(i) for i in request.form.getlist("document") if i.isdigit() and len(i) < 10]
        change(lambda: services.share(actor=current_user(), application_id=application_id, document_ids=chosen),
               done=_("已更新提供给机构的材料"))
    return redirect(url_for("applications.show", application_id=application_id) + "#documents")


@officer_pages.route("/applications/<int:application_id>/documents/<int:document_id>")
@writes_on_get  # every opening is audited
def shared(application_id: int, document_id: int):
    return file_response(*services.open_file(actor=current_user(), document_id=document_id,
                                             application_id=application_id))
