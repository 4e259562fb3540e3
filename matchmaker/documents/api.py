"""Documents through the API: a firm's own (upload, list, read, delete), the set an application shares,
and its institution reading them."""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from ..auth.current import current_user
from ..views import writes_on_get
from . import services
from .download import file_response
from .schemas import DocumentFileSchema, DocumentFormSchema, DocumentListSchema, DocumentSchema, ShareSchema

bp = Blueprint("api_documents", __name__, url_prefix="/api/v1", description="Documents")


@bp.route("/enterprise/documents", methods=["GET"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, DocumentListSchema)
def list_documents():
    """The firm's documents, newest first"""
    items = services.get_all(actor=current_user())
    return {"items": items, "total": len(items)}


@bp.route("/enterprise/documents", methods=["POST"])
@access(bp, Role.ENTERPRISE)
@bp.arguments(DocumentFormSchema, location="form")
@bp.arguments(DocumentFileSchema, location="files")
@bp.response(201, DocumentSchema)
@bp.alt_response(409, response="CONFLICT")
def upload_document(form, files):
    """Upload a document (multipart: file, kind, title): PDF, JPEG or PNG by content, at most 10 MB"""
    upload = files["file"]
    return services.create(actor=current_user(), kind=form["kind"], title=form["title"], filename=upload.filename,
                           data=upload.stream.read(current_app.config["DOCUMENT_MAX_BYTES"] + 1))


@bp.route("/enterprise/documents/<int:document_id>", methods=["GET"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, DocumentSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_document(document_id):
    """One of the firm's documents (another firm's answers 404)"""
    return services.get(actor=current_user(), document_id=document_id)


@bp.route("/enterprise/documents/<int:document_id>/file", methods=["GET"])
@access(bp, Role.ENTERPRISE)
@writes_on_get  # every opening is audited
@bp.response(200, None, **{"content_type": "application/octet-stream"})
@bp.alt_response(404, response="NOT_FOUND")
def read_document(document_id):
    """The document's bytes (audited)"""
    return file_response(*services.open_file(actor=current_user(), document_id=document_id))


@bp.route("/enterprise/documents/<int:document_id>", methods=["DELETE"])
@access(bp, Role.ENTERPRISE)
@bp.response(204)
@bp.alt_response(404, response="NOT_FOUND")
def delete_document(document_id):
    """Delete a document: its bytes go, and no application shows it any more"""
    services.delete(actor=current_user(), document_id=document_id)


@bp.route("/applications/<int:application_id>/documents", methods=["GET"])
@access(bp, Role.ENTERPRISE, Role.INSTITUTION)
@bp.response(200, DocumentListSchema)
@bp.alt_response(404, response="NOT_FOUND")
def list_shared(application_id):
    """The documents the application shares with its institution (its firm and that institution only)"""
    items = services.shared(actor=current_user(), application_id=application_id)
    return {"items": items, "total": len(items)}


@bp.route("/applications/<int:application_id>/documents", methods=["PUT"])
@access(bp, Role.ENTERPRISE)
@bp.arguments(ShareSchema)
@bp.response(200, DocumentListSchema)
@bp.alt_response(404, response="NOT_FOUND")
def share_documents(body, application_id):
    """Set which of the firm's documents the application's institution may see (recorded as consent)"""
    items = services.share(actor=current_user(), application_id=application_id, document_ids=body["document_ids"])
    return {"items": items, "total": len(items)}


@bp.route("/applications/<int:application_id>/documents/<int:document_id>/file", methods=["GET"])
@access(bp, Role.ENTERPRISE, Role.INSTITUTION)
@writes_on_get  # every opening is audited
@bp.response(200, None, **{"content_type": "application/octet-stream"})
@bp.alt_response(404, response="NOT_FOUND")
def read_shared(application_id, document_id):
    """A shared document's bytes, for the application's institution (audited; not shared: 404)"""
    return file_response(*services.open_file(actor=current_user(), document_id=document_id,
                                             application_id=application_id))
