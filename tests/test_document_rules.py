"""The documents' rules one by one, through the service (tests/test_documents.py walks them through the
API and the pages): the name a file keeps, what a share records, what a deletion undoes, who reads what,
and the order and scope of every list. Written to kill the mutants of matchmaker/documents/services.py."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from matchmaker.documents import services, storage
from matchmaker.errors import Conflict, Forbidden, InvalidInput, NotFound
from models import AuditEvent, Consent, Document, SharedDocument, User, db
from tests.rule_helpers import use_cheap_argon2
from tests.test_documents import JPEG, PDF, PNG
from tests.test_institution import market_of


@pytest.fixture
def market(client, make_user, monkeypatch):
    use_cheap_argon2(monkeypatch)
    return market_of(client, make_user("institution"), make_user("enterprise"))


@pytest.fixture
def ctx(app, market):
    with app.app_context():
        yield {"firm": db.session.get(User, market["firm"].id), "officer": db.session.get(User, market["officer"].id),
               "application": market["application"]["id"]}


def _upload(firm, data=PDF, name="报表.pdf", kind="business_license", title=None):
    document = services.create(actor=firm, kind=kind, title=title, filename=name, data=data)
    db.session.flush()
    return document


def _last(action: str) -> AuditEvent:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id.desc())).first()


@pytest.mark.parametrize(("name", "content_type", "kept"), [
    ("C:\\Users\\王\\财务报表.exe", "application/pdf", "财务报表.pdf"),
    ("../../etc/passwd", "image/png", "passwd.png"),
    ("a/b/c.tar.gz", "image/jpeg", "c.tar.jpg"),
    ("  .报表.  ", "application/pdf", "报表.pdf"),
    ("报\u202e表\u200b.pdf", "application/pdf", "报表.pdf"),
    ("e\u0301.pdf", "application/pdf", "\u00e9.pdf"),  # composed, as every other name
    ("", "image/png", "document.png"),
    (None, "image/png", "document.png"),
    ("...", "application/pdf", "document.pdf"),
    ("x" * 200 + ".pdf", "application/pdf", "x" * 150 + ".pdf"),
    ("noextension", "image/jpeg", "noextension.jpg"),
    ("Xerox 扫描件.pdf", "application/pdf", "Xerox 扫描件.pdf"),
    ("a\\b/c\\d/报表", "image/png", "报表.png"),
])
def test_a_file_keeps_a_readable_name_with_the_extension_of_its_content(name, content_type, kept):
    assert services._safe_filename(name, content_type) == kept


@pytest.mark.parametrize(("data", "expected"), [
    (PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"),
    (PDF[:-7], None),  # cut off before its end marker
    (b"%PDF-1.4\n%%EOF\n" + b"x" * 2040, "application/pdf"),  # the marker within the last 2,048 bytes
    (b"%PDF-1.4\n%%EOF\n" + b"x" * 2048, None),  # ... and just outside them
    (b"%PDF-1.4\n%%EOF" + b"x" * 2043, "application/pdf"),  # its first byte the 2,048th from the end
    (b"%PDF-1.4\n%%EOF" + b"x" * 2044, None),  # the 2,049th
    (b"GIF89a" + b"\x00" * 20, None), (b"", None),
])
def test_the_type_is_read_from_the_bytes(data, expected):
    assert services.sniff(data) == expected


def test_an_upload_is_recorded_with_its_facts_and_audited(ctx):
    document = _upload(ctx["firm"], PNG, name="专利证书.png", kind="patent_certificate", title="  发明专利  ")
    assert (document.enterprise_id, document.kind.value, document.title, document.filename) == (
        ctx["firm"].enterprise_id, "patent_certificate", "发明专利", "专利证书.png")
    assert (document.content_type, document.size_bytes, document.uploaded_by) == ("image/png", len(PNG), ctx["firm"].id)
    assert storage.store().get(document.storage_key) == PNG
    event = _last("document.upload")
    assert (event.actor_id, event.target_type, event.target_id) == (ctx["firm"].id, "document", document.id)
    assert event.detail == {"kind": "patent_certificate", "size_bytes": len(PNG), "content_type": "image/png"}
    untitled = _upload(ctx["firm"], kind="tax_certificate")
    assert untitled.title == "纳税证明"  # the kind's name when none is given


KINDS = "、".join(("business_license", "financial_statements", "tax_certificate", "audit_report", "patent_certificate",
                   "qualification_certificate", "bank_statement", "other"))


@pytest.mark.parametrize(("fields", "named", "message"), [
    ({"kind": None}, "kind", f"请选择材料类型（可选：{KINDS}）"), ({"kind": ""}, "kind", f"请选择材料类型（可选：{KINDS}）"),
    ({"kind": "diploma"}, "kind", "未知的材料类型：diploma"), ({"data": b""}, "file", "请选择要上传的文件"),
    ({"data": None}, "file", "请选择要上传的文件"),
    ({"data": b"MZ" + b"\x00" * 30}, "file", "只接受 PDF、JPEG 或 PNG 文件（按文件内容判断，与文件名无关）"),
    ({"title": "报表\u202e"}, "title", "材料名称包含不可见或控制字符（U+202E），请删除后重试"),
])
def test_a_bad_upload_names_its_field_and_stores_nothing(ctx, fields, named, message):
    values = {"kind": "business_license", "title": None, "filename": "a.pdf", "data": PDF} | fields
    with pytest.raises(InvalidInput) as refused:
        services.create(actor=ctx["firm"], **values)
    assert refused.value.fields == {named: [message]}
    assert refused.value.message == "材料未上传，请检查标出的字段"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


def test_the_bureau_reads_applications_not_the_firms_papers(make_admin, ctx):
    with pytest.raises(NotFound) as hidden:
        services.shared(actor=db.session.get(User, make_admin), application_id=ctx["application"])
    assert hidden.value.message == "申请不存在"


@pytest.fixture
def make_admin(make_user):
    return make_user("admin").id


def test_only_firms_handle_documents(ctx):
    for call in (lambda: services.get_all(actor=ctx["officer"]), lambda: services.get(actor=ctx["officer"], document_id=1),
                 lambda: _upload(ctx["officer"]),
                 lambda: services.share(actor=ctx["officer"], application_id=ctx["application"], document_ids=[])):
        with pytest.raises(Forbidden) as refused:
            call()
        assert refused.value.message == "只有企业可以管理自己的材料"


def test_the_list_is_newest_first_without_deleted_ones(ctx):
    first, second, third, fourth = (_upload(ctx["firm"], name=f"{n}.pdf") for n in "abcd")
    start = first.created_at
    second.created_at = start + dt.timedelta(seconds=10)  # uploaded last, whatever its id says
    third.created_at = fourth.created_at = start + dt.timedelta(seconds=5)  # a tie: the higher id first
    db.session.flush()
    assert [d.id for d in services.get_all(actor=ctx["firm"])] == [second.id, fourth.id, third.id, first.id]
    services.delete(actor=ctx["firm"], document_id=first.id)
    assert [d.id for d in services.get_all(actor=ctx["firm"])] == [second.id, fourth.id, third.id]
    with pytest.raises(NotFound) as gone:
        services.get(actor=ctx["firm"], document_id=first.id)
    assert gone.value.message == "材料不存在"
    asked = []

    def ask(*_args):
        asked.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", ask)
    try:
        with pytest.raises(NotFound):  # an id no row can have is answered without asking the database
            services.get(actor=ctx["firm"], document_id=2**40)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", ask)
    assert asked == []
    assert services.get(actor=ctx["firm"], document_id=second.id) is second


def test_a_share_records_a_consent_naming_the_documents(ctx):
    a, b = _upload(ctx["firm"], name="a.pdf"), _upload(ctx["firm"], name="b.pdf")
    application = ctx["application"]
    shared = services.share(actor=ctx["firm"], application_id=application, document_ids=[b.id, a.id, b.id])
    assert [d.id for d in shared] == sorted([a.id, b.id])
    consent = db.session.scalars(sa.select(Consent).where(Consent.scope == "documents")).one()
    assert (consent.enterprise_id, consent.institution_id, consent.application_id, consent.document_ids,
            consent.granted, consent.actor_id) == (ctx["firm"].enterprise_id, ctx["officer"].institution_id,
                                                   application, sorted([a.id, b.id]), True, ctx["firm"].id)
    event = _last("consent.change")
    assert (event.actor_id, event.target_type, event.target_id) == (ctx["firm"].id, "application", application)
    assert event.detail == {"scope": "documents", "institution_id": ctx["officer"].institution_id,
                            "document_ids": sorted([a.id, b.id])}
    # The same set again changes nothing and records nothing.
    again = services.share(actor=ctx["firm"], application_id=application, document_ids=[a.id, b.id])
    assert [d.id for d in again] == sorted([a.id, b.id])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent).where(Consent.scope == "documents")) == 1
    # Withdrawing them all is a consent too, not granted.
    assert services.share(actor=ctx["firm"], application_id=application, document_ids=[]) == []
    withdrawn = db.session.scalars(sa.select(Consent).where(Consent.scope == "documents")
                                   .order_by(Consent.id.desc())).first()
    assert (withdrawn.document_ids, withdrawn.granted) == ([], False)
    assert services.shared(actor=ctx["officer"], application_id=application) == []


@pytest.fixture
def stranger(make_user):
    return make_user("enterprise").id


def test_sharing_what_the_firm_does_not_hold_names_the_ids(stranger, ctx):
    mine = _upload(ctx["firm"])
    other = db.session.get(User, stranger)
    theirs = _upload(other)
    with pytest.raises(InvalidInput) as refused:
        services.share(actor=ctx["firm"], application_id=ctx["application"], document_ids=[mine.id, theirs.id, 999])
    assert refused.value.message == "材料不存在"
    assert refused.value.fields == {"document_ids": [f"没有这些材料：{theirs.id}、999"]}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SharedDocument)) == 0


def test_a_deletion_takes_the_document_out_of_every_share(ctx):
    a, b = _upload(ctx["firm"], name="a.pdf"), _upload(ctx["firm"], name="b.pdf")
    services.share(actor=ctx["firm"], application_id=ctx["application"], document_ids=[a.id, b.id])
    key = a.storage_key
    deleted = services.delete(actor=ctx["firm"], document_id=a.id)
    assert deleted is a and a.deleted_at is not None
    assert [d.id for d in services.shared(actor=ctx["officer"], application_id=ctx["application"])] == [b.id]
    consent = db.session.scalars(sa.select(Consent).where(Consent.scope == "documents")
                                 .order_by(Consent.id.desc())).first()
    assert (consent.document_ids, consent.granted, consent.application_id) == ([b.id], True, ctx["application"])
    event = _last("document.delete")
    assert (event.actor_id, event.target_type, event.target_id) == (ctx["firm"].id, "document", a.id)
    with pytest.raises(Exception):  # noqa: B017  (either store says it in its own words)
        storage.store().get(key)
    assert storage.store().get(b.storage_key) == PDF
    # The last one withdrawn: the consent says nothing is shared any more.
    services.delete(actor=ctx["firm"], document_id=b.id)
    last = db.session.scalars(sa.select(Consent).where(Consent.scope == "documents").order_by(Consent.id.desc())).first()
    assert (last.document_ids, last.granted) == ([], False)


def test_opening_a_file_is_audited_and_reaches_only_what_was_shared(ctx):
    a, b = _upload(ctx["firm"], PNG, name="a.png"), _upload(ctx["firm"], name="b.pdf")
    services.share(actor=ctx["firm"], application_id=ctx["application"], document_ids=[a.id])
    document, data = services.open_file(actor=ctx["officer"], document_id=a.id, application_id=ctx["application"])
    assert (document.id, data) == (a.id, PNG)
    event = _last("document.view")
    assert (event.actor_id, event.target_type, event.target_id) == (ctx["officer"].id, "document", a.id)
    assert event.detail == {"application_id": ctx["application"], "enterprise_id": ctx["firm"].enterprise_id}
    with pytest.raises(NotFound) as hidden:  # not shared with this application
        services.open_file(actor=ctx["officer"], document_id=b.id, application_id=ctx["application"])
    assert hidden.value.message == "材料不存在"
    own, data = services.open_file(actor=ctx["firm"], document_id=b.id)
    assert (own.id, data) == (b.id, PDF)
    assert _last("document.view").detail == {"application_id": None, "enterprise_id": ctx["firm"].enterprise_id}


def test_the_limit_counts_only_kept_documents(ctx, app):
    app.config["DOCUMENTS_PER_ENTERPRISE"] = 2
    first = _upload(ctx["firm"])
    _upload(ctx["firm"])
    with pytest.raises(Conflict) as refused:
        _upload(ctx["firm"])
    assert refused.value.fields == {"file": ["材料数量已达上限"]}
    assert refused.value.message == "最多保存 2 份材料，请先删除不再需要的材料"
    services.delete(actor=ctx["firm"], document_id=first.id)
    assert _upload(ctx["firm"]).id  # room again


def test_a_file_over_the_limit_says_the_limit_and_its_size(ctx, app):
    app.config["DOCUMENT_MAX_BYTES"] = 2_000_000
    assert _upload(ctx["firm"], PDF[:-7] + b"x" * (2_000_000 - len(PDF)) + PDF[-7:]).size_bytes == 2_000_000
    with pytest.raises(InvalidInput) as refused:
        _upload(ctx["firm"], PDF + b"x" * (2_000_001 - len(PDF)))
    assert refused.value.fields == {"file": ["文件超过 2 MB（2,000,001 字节），请压缩或拆分后再上传"]}


def test_each_application_shows_what_was_shared_with_it_by_kind(client, market, app):
    second_need = client.post("/api/v1/needs", json={"amount_cny": 900_000, "term_months": 6},
                              headers=market["owner"]).json
    second = client.post("/api/v1/applications", headers=market["owner"], json={
        "need_id": second_need["id"], "product_id": market["product"]["id"]}).json["id"]
    with app.app_context():
        firm, officer = db.session.get(User, market["firm"].id), db.session.get(User, market["officer"].id)
        tax = _upload(firm, kind="tax_certificate")
        licence = _upload(firm, kind="business_license")  # a later id, a kind that sorts first
        statement = _upload(firm, kind="bank_statement")
        first = market["application"]["id"]
        services.share(actor=firm, application_id=first, document_ids=[tax.id, licence.id])
        services.share(actor=firm, application_id=second, document_ids=[statement.id])
        assert [d.id for d in services.shared(actor=officer, application_id=first)] == [licence.id, tax.id]
        assert [d.id for d in services.shared(actor=officer, application_id=second)] == [statement.id]
        assert [d.id for d in services.shared(actor=firm, application_id=second)] == [statement.id]
