"""A firm's documents: uploaded once (PDF, JPEG, PNG by content, at most 10 MB), stored outside the web
root (a folder or an S3-compatible store), shared per application with a consent naming them, opened
only by that application's institution, every opening audited."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from models import AuditEvent, Consent, Document, SharedDocument, db
from tests.conftest import csrf_token
from tests.rule_helpers import use_cheap_argon2
from tests.test_admin_ops import sign_in
from tests.test_api import assert_error, token_for
from tests.test_auth_pages import field_errors
from tests.test_institution import market_of

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 40 + b"\xff\xd9"
EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120  # a Linux program
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


@pytest.fixture
def market(client, make_user, monkeypatch):
    use_cheap_argon2(monkeypatch)
    return market_of(client, make_user("institution"), make_user("enterprise"))


def upload(client, token, data, name="营业执照.pdf", kind="business_license", title=""):
    if len(data) < 100_000:
        return client.post("/api/v1/enterprise/documents", headers=token,
                           data={"kind": kind, "title": title, "file": (io.BytesIO(data), name)})
    # Built by hand: the test client spools large generated bodies to a temporary file it never closes.
    boundary = "matchmaker-boundary"
    head = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                   for k, v in (("kind", kind), ("title", title)))
    body = (head + f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post("/api/v1/enterprise/documents", headers=token, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def _audits(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                                  .order_by(AuditEvent.id)).all()


@pytest.mark.parametrize(("data", "kind"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")])
def test_a_document_is_stored_by_its_content_outside_the_web_root(client, market, app, data, kind):
    response = upload(client, market["owner"], data, name="../../etc/报表.exe")
    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) == {"id", "kind", "title", "filename", "content_type", "size_bytes", "sha256", "created_at"}
    assert body["content_type"] == kind and body["size_bytes"] == len(data) and body["title"] == "营业执照"
    assert body["filename"] == "报表" + {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}[kind]
    with app.app_context():
        key = db.session.get(Document, body["id"]).storage_key
    stored = list(Path(app.config["DOCUMENT_DIR"]).rglob(key))
    assert len(stored) == 1 and stored[0].read_bytes() == data
    assert not stored[0].is_relative_to(Path(app.static_folder))
    assert client.get(f"/static/{key}").status_code == 404
    read = client.get(f"/api/v1/enterprise/documents/{body['id']}/file", headers=market["owner"])
    assert read.status_code == 200 and read.data == data and read.mimetype == kind
    assert read.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in read.headers["Cache-Control"]


@pytest.mark.parametrize(("data", "name"), [(EXECUTABLE, "营业执照.pdf"), (WINDOWS_PROGRAM, "scan.png"),
                                            (b"<html><script>alert(1)</script></html>", "a.jpg"),
                                            (PDF[:-7], "cut-off.pdf"), (b"", "empty.pdf")])
def test_a_renamed_program_or_anything_else_is_refused_by_its_content(client, market, app, data, name):
    assert_error(upload(client, market["owner"], data, name=name), 422, fields=["file"])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0
    assert not list(Path(app.config["DOCUMENT_DIR"]).rglob("*?"))


def test_ten_megabytes_pass_and_one_byte_more_is_refused(client, market, app):
    limit = app.config["DOCUMENT_MAX_BYTES"]
    assert limit == 10_000_000
    body = PDF[:-6] + b"\n" * (limit - len(PDF)) + PDF[-6:]
    assert len(body) == limit
    assert upload(client, market["owner"], body).status_code == 201
    bigger = PDF[:-6] + b"\n" * (limit - len(PDF) + 1) + PDF[-6:]
    assert_error(upload(client, market["owner"], bigger), 422, fields=["file"])
    beyond_requests = b"\0" * (17 * 1024 * 1024)
    assert upload(client, market["owner"], beyond_requests).status_code == 413


@pytest.mark.parametrize(("form", "field"), [({"kind": "passport"}, "kind"), ({"kind": ""}, "kind"),
                                             ({"title": "x"}, "title"), ({"title": "报表\u202e"}, "title")])
def test_bad_fields_are_named(client, market, form, field):
    data = {"kind": "business_license", "title": "", **form, "file": (io.BytesIO(PDF), "a.pdf")}
    assert_error(client.post("/api/v1/enterprise/documents", headers=market["owner"], data=data), 422,
                 fields=[field])


def test_sharing_names_the_documents_and_only_that_institution_opens_them(client, market, make_user, app):
    owner, bank = market["owner"], market["bank"]
    application = market["application"]["id"]
    licence = upload(client, owner, PDF).json["id"]
    statements = upload(client, owner, PNG, kind="financial_statements", title="2024-2025 财务报表").json["id"]
    path = f"/api/v1/applications/{application}/documents"
    assert client.get(path, headers=bank).json == {"items": [], "total": 0}
    assert_error(client.get(f"{path}/{licence}/file", headers=bank), 404)  # not shared yet
    shared = client.put(path, headers=owner, json={"document_ids": [statements, licence, licence]})
    assert shared.status_code == 200 and sorted(d["id"] for d in shared.json["items"]) == [licence, statements]
    with app.app_context():
        consent = db.session.scalars(sa.select(Consent).where(Consent.scope == "documents")).one()
        assert consent.document_ids == [licence, statements] and consent.application_id == application
        assert consent.institution_id == market["officer"].institution_id and consent.granted is True
    assert sorted(d["id"] for d in client.get(path, headers=bank).json["items"]) == [licence, statements]
    read = client.get(f"{path}/{licence}/file", headers=bank)
    assert read.status_code == 200 and read.data == PDF
    # another institution's officer, another firm, the bureau: as if nothing were there
    stranger = make_user("institution")
    other_bank = token_for(client, stranger.email, stranger.password)
    other_firm_user = make_user("enterprise")
    other_firm = token_for(client, other_firm_user.email, other_firm_user.password)
    admin_user = make_user("admin")
    admin = token_for(client, admin_user.email, admin_user.password)
    for token in (other_bank, other_firm):
        assert_error(client.get(f"{path}/{licence}/file", headers=token), 404)
        assert_error(client.get(path, headers=token), 404)
    assert_error(client.get(f"{path}/{licence}/file", headers=admin), 403)
    assert_error(client.get(f"/api/v1/enterprise/documents/{licence}/file", headers=other_firm), 404)
    assert_error(client.put(path, headers=other_firm, json={"document_ids": []}), 404)
    # a document of another firm cannot be slipped into a share
    theirs = upload(client, other_firm, PDF).json["id"]
    assert_error(client.put(path, headers=owner, json={"document_ids": [theirs]}), 422, fields=["document_ids"])
    views = _audits(app, "document.view")
    assert [(v.actor_id, v.target_id) for v in views] == [(market["officer"].id, licence)]
    assert views[0].detail["application_id"] == application
    # withdrawn: the institution no longer sees it, and a consent says so
    client.put(path, headers=owner, json={"document_ids": [statements]})
    assert_error(client.get(f"{path}/{licence}/file", headers=bank), 404)
    with app.app_context():
        latest = db.session.scalars(sa.select(Consent).where(Consent.scope == "documents")
                                    .order_by(Consent.id.desc())).first()
        assert latest.document_ids == [statements]


def test_a_deleted_document_is_gone_from_the_store_and_from_every_application(client, market, app):
    owner, bank = market["owner"], market["bank"]
    application = market["application"]["id"]
    licence = upload(client, owner, PDF).json["id"]
    client.put(f"/api/v1/applications/{application}/documents", headers=owner, json={"document_ids": [licence]})
    with app.app_context():
        key = db.session.get(Document, licence).storage_key
    assert client.delete(f"/api/v1/enterprise/documents/{licence}", headers=owner).status_code == 204
    assert not list(Path(app.config["DOCUMENT_DIR"]).rglob(key))
    assert_error(client.get(f"/api/v1/applications/{application}/documents/{licence}/file", headers=bank), 404)
    assert_error(client.get(f"/api/v1/enterprise/documents/{licence}", headers=owner), 404)
    assert client.get("/api/v1/enterprise/documents", headers=owner).json["total"] == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SharedDocument)) == 0
        latest = db.session.scalars(sa.select(Consent).where(Consent.scope == "documents")
                                    .order_by(Consent.id.desc())).first()
        assert latest.document_ids == [] and latest.granted is False


def test_the_store_is_the_instance_folder_unless_the_environment_names_another(migrated, tmp_path):
    from matchmaker.documents import storage
    from tests.conftest import make_app

    default = make_app(migrated, INSTANCE_PATH=str(tmp_path / "instance"))
    with default.app_context():
        assert storage.store().root == tmp_path / "instance" / "documents"
    elsewhere = make_app(migrated, DOCUMENT_DIR=str(tmp_path / "vault"))
    with elsewhere.app_context():
        assert storage.store().root == tmp_path / "vault"
    for wrong in ({"DOCUMENT_STORE": "ftp"}, {"DOCUMENT_STORE": "s3", "DOCUMENT_S3_BUCKET": ""}):
        with make_app(migrated, **wrong).app_context(), pytest.raises(RuntimeError):
            storage.store()


def test_a_firm_keeps_at_most_the_configured_number(client, market, app):
    app.config["DOCUMENTS_PER_ENTERPRISE"] = 2
    for _ in range(2):
        assert upload(client, market["owner"], PDF).status_code == 201
    assert_error(upload(client, market["owner"], PDF), 409)


def test_the_s3_store_holds_the_bytes_when_configured(client, market, app, monkeypatch):
    boto3 = pytest.importorskip("boto3")
    from moto import mock_aws

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="matchmaker-documents")
        app.config.update(DOCUMENT_STORE="s3", DOCUMENT_S3_BUCKET="matchmaker-documents",
                          DOCUMENT_S3_REGION="us-east-1", DOCUMENT_S3_PREFIX="firms/")
        app.extensions.pop("document_store", None)
        created = upload(client, market["owner"], PNG).json
        with app.app_context():
            key = db.session.get(Document, created["id"]).storage_key
        stored = boto3.client("s3", region_name="us-east-1").get_object(Bucket="matchmaker-documents",
                                                                          Key=f"firms/{key}")
        assert stored["Body"].read() == PNG and stored["ContentType"] == "image/png"
        read = client.get(f"/api/v1/enterprise/documents/{created['id']}/file", headers=market["owner"])
        assert read.data == PNG
        client.delete(f"/api/v1/enterprise/documents/{created['id']}", headers=market["owner"])
        listed = boto3.client("s3", region_name="us-east-1").list_objects_v2(Bucket="matchmaker-documents")
        assert listed["KeyCount"] == 0
    app.extensions.pop("document_store", None)


# ---------------------------------------------------------------- the pages


def _upload_page(client, data, name, kind="business_license", title=""):
    token = csrf_token(client.get("/enterprise/documents").get_data(as_text=True))
    return client.post("/enterprise/documents", data={"csrf_token": token, "kind": kind, "title": title,
                                                      "file": (io.BytesIO(data), name)})


def test_the_firm_uploads_shares_and_the_officer_opens_on_the_pages(client, market, app):
    firm, officer = market["firm"], market["officer"]
    sign_in(client, firm)
    refused = _upload_page(client, EXECUTABLE, "营业执照.pdf", title="营业执照正本")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "只接受 PDF、JPEG 或 PNG" in field_errors(html)["file"]
    assert 'value="营业执照正本"' in html  # what was typed stays
    sent = _upload_page(client, PDF, "licence.pdf", title="营业执照正本")
    assert sent.status_code == 302
    listing = client.get("/enterprise/documents").get_data(as_text=True)
    assert "营业执照正本" in listing and "材料已上传" in listing
    with app.app_context():
        document = db.session.scalars(sa.select(Document)).one()
    application = market["application"]["id"]
    page = client.get(f"/enterprise/applications/{application}").get_data(as_text=True)
    assert f'name="document" value="{document.id}"' in page
    shared = client.post(f"/enterprise/applications/{application}/documents",
                         data={"csrf_token": csrf_token(page), "document": [str(document.id)]})
    assert shared.status_code == 302
    assert "checked" in re.search(rf'<input[^>]*value="{document.id}"[^>]*>',
                                  client.get(f"/enterprise/applications/{application}").get_data(as_text=True)).group(0)
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/account").get_data(as_text=True))})
    sign_in(client, officer)
    file_page = client.get(f"/institution/applications/{application}").get_data(as_text=True)
    link = f"/institution/applications/{application}/documents/{document.id}"
    assert link in file_page and "营业执照正本" in file_page
    opened = client.get(link)
    assert opened.status_code == 200 and opened.data == PDF and opened.mimetype == "application/pdf"
    assert len(_audits(app, "document.view")) == 1
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/account").get_data(as_text=True))})
    sign_in(client, firm)
    looks = client.get("/enterprise/profile/views").get_data(as_text=True)
    assert "材料：营业执照正本" in looks


def test_another_institutions_officer_gets_404_for_a_document_page(client, market, make_user):
    owner = market["owner"]
    application = market["application"]["id"]
    licence = upload(client, owner, PDF).json["id"]
    client.put(f"/api/v1/applications/{application}/documents", headers=owner, json={"document_ids": [licence]})
    sign_in(client, make_user("institution"))
    assert client.get(f"/institution/applications/{application}/documents/{licence}").status_code == 404


def test_deleting_on_the_page_asks_first(client, market, app):
    licence = upload(client, market["owner"], PDF).json["id"]
    sign_in(client, market["firm"])
    token = csrf_token(client.get("/enterprise/documents").get_data(as_text=True))
    asked = client.post(f"/enterprise/documents/{licence}/delete", data={"csrf_token": token})
    assert asked.status_code == 200 and "确认删除" in asked.get_data(as_text=True)
    assert client.get("/api/v1/enterprise/documents", headers=market["owner"]).json["total"] == 1
    done = client.post(f"/enterprise/documents/{licence}/delete", data={"csrf_token": token, "confirm": "yes"})
    assert done.status_code == 302
    assert client.get("/api/v1/enterprise/documents", headers=market["owner"]).json["total"] == 0


def test_documents_chosen_as_the_firm_applies_are_shared_with_that_application(client, market, app):
    owner = market["owner"]
    licence = upload(client, owner, PDF).json["id"]
    statements = upload(client, owner, PNG, kind="financial_statements").json["id"]
    need = client.post("/api/v1/needs", json={"amount_cny": 1_000_000, "term_months": 12}, headers=owner).json
    made = client.post("/api/v1/applications", headers=owner, json={
        "need_id": need["id"], "product_id": market["product"]["id"], "document_ids": [statements]})
    assert made.status_code == 201
    listed = client.get(f"/api/v1/applications/{made.json['id']}/documents", headers=market["bank"]).json
    assert [d["id"] for d in listed["items"]] == [statements]
    # on the product page, with the boxes ticked
    sign_in(client, market["firm"])
    other = client.post("/api/v1/needs", json={"amount_cny": 1_500_000, "term_months": 12}, headers=owner).json
    page = client.get(f"/market/products/{market['product']['id']}").get_data(as_text=True)
    assert f'id="doc-{other["id"]}-{licence}"' in page and "和勾选的材料仅共享给" in page
    sent = client.post(f"/enterprise/needs/{other['id']}/apply", data={
        "csrf_token": csrf_token(page), "product_id": market["product"]["id"], "document": [str(licence)]})
    assert sent.status_code == 302
    application = int(sent.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        consent = db.session.scalars(sa.select(Consent).where(Consent.application_id == application)).one()
        assert consent.document_ids == [licence] and consent.scope == "documents"
