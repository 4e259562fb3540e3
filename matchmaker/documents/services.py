"""A firm's documents: uploaded once (PDF, JPEG or PNG, the type read from the bytes), shared per
application with that application's institution (each change a consent naming the set), opened by
the firm itself or by the institution they were shared with, every opening audited."""
from __future__ import annotations

import hashlib
import unicodedata

import sqlalchemy as sa
from flask import current_app

from models import (
    Application, Consent, Document, DocumentKind, Role, SharedDocument, User, db, now_utc,
)

from .. import audit, scoping, text
from ..applications import services as applications
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..wording import N_
from . import storage

# (type, the bytes a file of that type begins with). What a name or a browser claims is not asked.
SIGNATURES = (("application/pdf", b"%PDF-"), ("image/jpeg", b"\xff\xd8\xff"), ("image/png", b"\x89PNG\r\n\x1a\n"))
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def sniff(data: bytes) -> str | None:
    """The file's type from its content, or None when it is none of PDF, JPEG and PNG. A PDF must also
    end as one (a cut-off upload is refused rather than stored broken)."""
    for content_type, magic in SIGNATURES:
        if data.startswith(magic):
            if content_type == "application/pdf" and b"%%EOF" not in data[-2048:]:
                return None
            return content_type
    return None


def _safe_filename(name: str | None, content_type: str) -> str:
    """The name the firm's file had, for people to read: path parts and control characters dropped,
    the extension made to match the content."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").split("/")[-1])
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    stem = base.rsplit(".", 1)[0]
    return (stem[:150] or "document") + EXTENSIONS[content_type]


def _own(actor: User) -> None:
    if actor.role is not Role.ENTERPRISE:
        raise Forbidden("只有企业可以管理自己的材料")


def _kept(actor: User):
    return sa.select(Document).where(Document.enterprise_id == actor.enterprise_id, Document.deleted_at.is_(None))


def create(*, actor: User, kind: str | None, title: str | None, filename: str | None, data: bytes | None) -> Document:
    _own(actor)
    problems: dict[str, list[str]] = {}
    if kind not in DocumentKind.values():
        problems["kind"] = [N_("请选择材料类型（可选：%(value)s）", value="、".join(DocumentKind.values())) if not kind
                            else N_("未知的材料类型：%(kind)s", kind=kind)]
    title = (title or "").strip()
    if title and (problem := text.name_problem(title, label="材料名称")) is not None:
        problems["title"] = [problem]
    limit = current_app.config["DOCUMENT_MAX_BYTES"]
    if not data:
        problems["file"] = ["请选择要上传的文件"]
    elif len(data) > limit:
        problems["file"] = [N_("文件超过 %(value)s MB（%(value2)s 字节），请压缩或拆分后再上传", value=limit // 1_000_000,
                                value2=f"{len(data):,}")]
    elif (content_type := sniff(data)) is None:
        problems["file"] = ["只接受 PDF、JPEG 或 PNG 文件（按文件内容判断，与文件名无关）"]
    if problems:
        raise InvalidInput("材料未上传，请检查标出的字段", problems)
    kept = db.session.scalar(sa.select(sa.func.count()).select_from(_kept(actor).subquery()))
    if kept >= current_app.config["DOCUMENTS_PER_ENTERPRISE"]:
        raise Conflict(N_("最多保存 %(kept)s 份材料，请先删除不再需要的材料", kept=kept), {"file": ["材料数量已达上限"]})
    document = Document(enterprise_id=actor.enterprise_id, kind=DocumentKind(kind),
                        title=title or DocumentKind(kind).label,
                        filename=_safe_filename(filename, content_type), content_type=content_type,
                        size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
                        storage_key=storage.new_key(), uploaded_by=actor.id)
    storage.store().put(document.storage_key, data, content_type)
    db.session.add(document)
    db.session.flush()
    audit.record("document.upload", actor_id=actor.id, target_type="document", target_id=document.id,
                 detail={"kind": kind, "size_bytes": len(data), "content_type": content_type})
    return document


def get(*, actor: User, document_id: int) -> Document:
    """One of the firm's own documents; anyone else's, or a deleted one, is 404."""
    _own(actor)
    document = db.session.scalar(_kept(actor).where(Document.id == document_id)) \
        if scoping.is_row_id(document_id) else None
    if document is None:
        raise NotFound("材料不存在")
    return document


def get_all(*, actor: User) -> list[Document]:
    _own(actor)
    return list(db.session.scalars(_kept(actor).order_by(Document.created_at.desc(), Document.id.desc())))


def _record_share(*, actor: User, application: Application, document_ids: list[int]) -> None:
    db.session.add(Consent(enterprise_id=application.enterprise_id, scope="documents",
                           institution_id=application.institution_id, application_id=application.id,
                           document_ids=document_ids, granted=bool(document_ids), actor_id=actor.id))
    audit.record("consent.change", actor_id=actor.id, target_type="application", target_id=application.id,
                 detail={"scope": "documents", "institution_id": application.institution_id,
                         "document_ids": document_ids})


def delete(*, actor: User, document_id: int) -> Document:
    """The bytes go; the row stays marked deleted so the consents that named it still read. Every
    application it was shared with stops showing it, each such change a consent of its own."""
    document = get(actor=actor, document_id=document_id)
    document.deleted_at = now_utc()
    shares = db.session.scalars(sa.select(SharedDocument).where(SharedDocument.document_id == document.id)).all()
    for share in shares:
        application = db.session.get(Application, share.application_id)
        db.session.delete(share)
        db.session.flush()
        _record_share(actor=actor, application=application, document_ids=_shared_ids(application.id))
    storage.store().delete(document.storage_key)
    db.session.flush()
    audit.record("document.delete", actor_id=actor.id, target_type="document", target_id=document.id)
    return document


def _shared_ids(application_id: int) -> list[int]:
    return sorted(db.session.scalars(sa.select(SharedDocument.document_id)
                                     .where(SharedDocument.application_id == application_id)))


def share(*, actor: User, application_id: int, document_ids: list[int]) -> list[Document]:
    """The firm sets which of its documents the application's institution may see (the whole set; an
    empty set withdraws them all). Recorded as a consent naming them."""
    _own(actor)
    application = applications.get(actor=actor, application_id=application_id)
    wanted = sorted(set(document_ids))
    owned = {d.id: d for d in db.session.scalars(_kept(actor).where(Document.id.in_(wanted)))}
    unknown = [i for i in wanted if i not in owned]
    if unknown:
        raise InvalidInput("材料不存在", {"document_ids": [N_("没有这些材料：%(value)s", value="、".join(map(str, unknown)))]})
    if wanted == _shared_ids(application.id):
        return [owned[i] for i in wanted]
    db.session.execute(sa.delete(SharedDocument).where(SharedDocument.application_id == application.id))
    db.session.add_all(SharedDocument(application_id=application.id, document_id=i) for i in wanted)
    db.session.flush()
    _record_share(actor=actor, application=application, document_ids=wanted)
    return [owned[i] for i in wanted]


def shared(*, actor: User, application_id: int) -> list[Document]:
    """The documents an application shares, for its firm and its institution (others: 404)."""
    if actor.role is Role.ADMIN:  # the bureau sees applications, not the firms' papers
        raise NotFound("申请不存在")
    application = applications.get(actor=actor, application_id=application_id)
    return list(db.session.scalars(
        sa.select(Document).join(SharedDocument, SharedDocument.document_id == Document.id)
        .where(SharedDocument.application_id == application.id, Document.deleted_at.is_(None))
        .order_by(Document.kind, Document.id)))


def open_file(*, actor: User, document_id: int, application_id: int | None = None) -> tuple[Document, bytes]:
    """The bytes of a document: the firm's own, or one shared with the officer's institution through
    ``application_id``. Anything else is 404. Every opening is audited."""
    if application_id is None:
        document = get(actor=actor, document_id=document_id)
    else:
        document = next((d for d in shared(actor=actor, application_id=application_id) if d.id == document_id), None)
        if document is None:
            raise NotFound("材料不存在")
    audit.record("document.view", actor_id=actor.id, target_type="document", target_id=document.id,
                 detail={"application_id": application_id, "enterprise_id": document.enterprise_id})
    return document, storage.store().get(document.storage_key)
