"""The administrator's operations: who may enter, onboarding, disabling, history import, ranker, audit."""
import datetime as dt
import io
import json
import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from matchmaker.matching import data
from models import (Application, AuditEvent, Enterprise, FinancingNeed, Institution, Job, Product, RankerModel, User, db,
                    now_utc)
from seed import load_market
from tests.conftest import csrf_token, valid_uscc, worker_of
from tests.test_api import assert_error, registration, token_for
from tests.test_auth_pages import field_errors, submit

AS_OF = dt.date(2026, 11, 1)
HEADER = ("uscc,enterprise_name,industry,founded_on,employees,annual_revenue_cny,rd_ratio_pct,ip_count,"
          "certifications,credit_rating,has_collateral,product_id,amount_cny,term_months,decision,"
          "approved_amount_cny,rate_pct,decided_on")


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def sign_in(client, user):
    response = submit(client, "/auth/login", {"email": user.email, "password": user.password})
    assert response.status_code == 302
    return client


def admin_rules(app):
    """Every administrator route the application serves, as (method, path) with ids filled in."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not (rule.rule.startswith("/admin") or rule.rule.startswith("/api/v1/admin")):
            continue
        path = re.sub(r"<(?:int:)?\w+>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, path))
    return routes


def test_enterprises_and_officers_are_refused_everywhere_in_the_admin_area(app, client, make_user):
    routes = admin_rules(app)
    assert len(routes) >= 25  # the walk covers what is served, not a list kept by hand
    for role in ("enterprise", "institution"):
        user = make_user(role)
        headers = token_for(client, user.email, user.password)
        pages = app.test_client()
        sign_in(pages, user)
        token = csrf_token(pages.get("/account").get_data(as_text=True))
        for method, path in routes:
            if path.startswith("/api/"):
                response = client.open(path, method=method, headers=headers, json={})
                assert_error(response, 403, "forbidden")
            else:
                response = pages.open(path, method=method, data={"csrf_token": token})
                assert response.status_code == 403, (role, method, path)
    anonymous = app.test_client()
    for method, path in routes:
        response = anonymous.open(path, method=method, json={} if path.startswith("/api/") else None)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path)
        elif method == "GET":
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], path


def test_onboarding_page_creates_an_institution_whose_officer_can_sign_in(client, admin, app):
    sign_in(client, admin)
    bad = submit(client, "/admin/institutions", {"name": "重庆银行科技支行", "kind": "bank", "service_target_days": "0",
                                                  "officer_email": "not-an-email", "officer_password": "short"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert {"service_target_days", "officer_email", "officer_password"} <= set(field_errors(html))
    assert 'value="重庆银行科技支行"' in html  # what was typed stays
    good = submit(client, "/admin/institutions", {"name": "重庆银行科技支行", "kind": "bank", "service_target_days": "2",
                                                   "officer_email": "loans@cqbank.cn", "officer_password": "officer-pass-2026"})
    assert good.status_code == 302
    with app.app_context():
        institution = db.session.scalar(sa.select(Institution).where(Institution.name == "重庆银行科技支行"))
        assert institution.service_target_days == 2
        institution_id = institution.id
    page = client.get(f"/admin/institutions/{institution_id}").get_data(as_text=True)
    assert "loans@cqbank.cn" in page
    added = submit(client, f"/admin/institutions/{institution_id}", {"officer_email": "second@cqbank.cn",
                                                                      "officer_password": "second-pass-2026"})
    assert added.status_code == 302
    officer = app.test_client()
    for email, password in (("loans@cqbank.cn", "officer-pass-2026"), ("second@cqbank.cn", "second-pass-2026")):
        assert token_for(officer, email, password)
    taken = submit(client, "/admin/institutions", {"name": "重庆银行科技支行", "kind": "bank", "service_target_days": "3",
                                                    "officer_email": "third@cqbank.cn", "officer_password": "third-pass-2026"})
    assert taken.status_code == 409 and "同名机构已存在" in taken.get_data(as_text=True)


def test_disabling_a_user_ends_their_sessions_and_tokens_at_once(client, admin, make_user, app):
    firm = make_user("enterprise")
    their_pages = app.test_client()
    sign_in(their_pages, firm)
    their_token = token_for(app.test_client(), firm.email, firm.password)
    assert their_pages.get("/account").status_code == 200
    assert client.get("/api/v1/me", headers=their_token).status_code == 200
    sign_in(client, admin)
    listing = client.get("/admin/users?q=" + firm.email).get_data(as_text=True)
    assert firm.email in listing
    asked = client.post(f"/admin/users/{firm.id}/active", data={"active": "0", "csrf_token": csrf_token(listing)})
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "确认停用账户？" in question and firm.email in question
    assert their_pages.get("/account").status_code == 200  # asking changed nothing
    response = client.post(f"/admin/users/{firm.id}/active",
                           data={"active": "0", "confirm": "yes", "csrf_token": csrf_token(question)})
    assert response.status_code == 302
    assert their_pages.get("/account").status_code == 302  # back to the login page
    assert_error(client.get("/api/v1/me", headers=their_token), 401)
    # Told the account is disabled, since the right password was given (a wrong one hears 401).
    assert_error(app.test_client().post("/api/v1/auth/token", json={"email": firm.email, "password": firm.password}), 403)
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.disable"))
        assert event.target_id == firm.id and event.detail["sessions_ended"] == 2
    client.post(f"/admin/users/{firm.id}/active", data={"active": "1", "csrf_token": csrf_token(listing)})
    assert token_for(app.test_client(), firm.email, firm.password)
    # The API calls the same service: disabling there ends the sessions just the same.
    api = token_for(app.test_client(), admin.email, admin.password)
    found = client.get(f"/api/v1/admin/users?search={firm.email}", headers=api).json
    assert found["total"] == 1 and found["items"][0]["is_active"] is True
    their_token = token_for(app.test_client(), firm.email, firm.password)
    off = client.patch(f"/api/v1/admin/users/{firm.id}", headers=api, json={"is_active": False})
    assert off.status_code == 200 and off.json["is_active"] is False
    assert_error(client.get("/api/v1/me", headers=their_token), 401)
    assert_error(client.patch(f"/api/v1/admin/users/{firm.id}", headers=api, json={"is_active": False}), 409)
    assert_error(client.patch("/api/v1/admin/users/999999", headers=api, json={"is_active": True}), 404)
    self_disable = client.post(f"/admin/users/{admin.id}/active",
                               data={"active": "0", "confirm": "yes", "csrf_token": csrf_token(listing)},
                               follow_redirects=True)
    assert "不能停用自己的账户" in self_disable.get_data(as_text=True)


def _rows(product_id: int, firm_uscc: str) -> str:
    good_firm = f"{firm_uscc},重庆历史数据科技有限公司,next_gen_it,2015-03-01,50,20000000,8.5,12,high_tech_enterprise;tech_sme,A,false"
    lines = [
        HEADER,
        f"{good_firm},{product_id},2000000,12,approved,1500000,4.2,2021-06-01",  # 2: good
        f"{firm_uscc[:-1]}{'1' if firm_uscc[-1] != '1' else '2'},坏代码企业,next_gen_it,2015-03-01,50,20000000,8.5,12,,A,false,{product_id},2000000,12,rejected,,,2021-06-01",  # 3
        f"{good_firm},999999,2000000,12,rejected,,,2021-06-02",  # 4: unknown product
        f"{good_firm},{product_id},2000000,12,rejected,,,2099-06-02",  # 5: in the future
        f"{good_firm},{product_id},2000000,12,disbursed,2000000,5.5,2021-07-02",  # 6: good
        f"{good_firm},{product_id},2000000,12,approved,,4.0,2014-01-01",  # 7: no amount, before founding
        f"{good_firm},{product_id},-5,12,maybe,,,2021-07-03",  # 8: bad amount and decision
        f'"{firm_uscc}","重庆历史数据科技有限公司",next_gen_it,2015-03-01,50,20000000,8.5,12,,A,true,{product_id},300000,6,rejected,,,2021-08-01',  # 9: good
        "only,three,columns",  # 10
    ]
    return "\r\n".join(lines) + "\r\n"


def a_product(app, officer) -> int:
    with app.app_context():
        product = Product(institution_id=officer.institution_id, name="科创贷", kind="credit_loan",
                          min_amount_cny=100_000, max_amount_cny=5_000_000, min_term_months=1, max_term_months=36,
                          rate_min_pct=3.0, rate_max_pct=6.0)
        db.session.add(product)
        db.session.commit()
        return product.id


def _import(client, headers, text: str, name="history.csv"):
    return client.post("/api/v1/admin/outcomes/import", headers=headers,
                       data={"file": (io.BytesIO(text.encode("utf-8-sig")), name)}, content_type="multipart/form-data")


def test_a_large_file_is_imported_by_a_job_the_page_follows(other_app, make_user, app):
    product_id = a_product(app, make_user("institution"))
    admin = make_user("admin")
    web = other_app(HISTORY_IMPORT_INLINE_BYTES=200)  # every file of these rows counts as large
    client = sign_in(web.test_client(), admin)
    page = client.get("/admin/import").get_data(as_text=True)
    text = _rows(product_id, valid_uscc("91500107MA61HXT70"))
    bad_header = client.post("/admin/import", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "file": (io.BytesIO(("x,y\n" + "1,2\n" * 100).encode()), "h.csv")})
    assert bad_header.status_code == 422 and "表头缺少列" in bad_header.get_data(as_text=True)  # told at once
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0  # and no job for it
    # While another import runs, a large file is refused and the page says why above the form.
    with app.app_context():
        db.session.add(Job(kind="outcomes.import", status="running", progress=0.5, params={}, attempts=1,
                           heartbeat_at=now_utc()))
        db.session.commit()
    busy = client.post("/admin/import", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "file": (io.BytesIO(text.encode("utf-8-sig")), "again.csv")})
    assert busy.status_code == 409 and "已有一次历史数据导入正在进行" in busy.get_data(as_text=True)
    with app.app_context():
        db.session.execute(sa.delete(Job))
        db.session.commit()
    with worker_of(web):
        started = client.post("/admin/import", content_type="multipart/form-data", data={
            "csrf_token": csrf_token(page), "file": (io.BytesIO(text.encode("utf-8-sig")), "银行导出.csv")})
        assert started.status_code == 302 and "/admin/import?job=" in started.headers["Location"]
        shown = client.get(started.headers["Location"]).get_data(as_text=True)
        assert "已交给后台进程导入" in shown

        job_url = f"/admin/jobs/{started.headers['Location'].rsplit('=', 1)[1]}"
        follow_job(client, {}, job_url)
    html = client.get(started.headers["Location"]).get_data(as_text=True)
    assert 'id="job-progress"' not in html and 'id="import-result"' in html
    # The same answer as an import within the request: three rows in, six refused with their lines.
    assert re.search(r"已导入 3 行；未导入 6 行", html)
    assert [int(line) for line in re.findall(r"<tr><td>(\d+)</td>", html)] == [3, 4, 5, 7, 8, 10]
    with app.app_context():
        job = db.session.scalar(sa.select(Job))
        assert (job.kind, job.status, job.result["imported"], job.params["filename"]) == (
            "outcomes.import", "succeeded", 3, "银行导出.csv")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 3
    assert not list((Path(web.instance_path) / "imports").glob(job.params["file"]))  # the upload is gone


def test_import_keeps_good_rows_and_reports_bad_ones_by_line(client, admin, make_user, app):
    product_id = a_product(app, make_user("institution"))
    code = valid_uscc("91500107MA61HXT70")
    headers = token_for(client, admin.email, admin.password)
    response = _import(client, headers, _rows(product_id, code))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["imported"] == 3
    rejected = {r["line"]: r["error"] for r in body["rejected_rows"]}
    assert sorted(rejected) == [3, 4, 5, 7, 8, 10]
    assert "uscc" in rejected[3] and "product_id" in rejected[4] and "decided_on" in rejected[5]
    assert "approved_amount_cny" in rejected[7] and "decided_on" in rejected[7]
    assert "amount_cny" in rejected[8] and "decision" in rejected[8]
    with app.app_context():
        firm = db.session.scalar(sa.select(Enterprise).where(Enterprise.uscc == code))
        assert firm.imported and firm.name == "重庆历史数据科技有限公司"
        applications = db.session.scalars(sa.select(Application).where(Application.enterprise_id == firm.id)
                                          .order_by(Application.decided_at)).all()
        # No half-written row: one need per application, each in its final state, dated decided_on.
        assert [a.status.value for a in applications] == ["approved", "disbursed", "rejected"]
        assert db.session.scalar(sa.select(sa.func.count(FinancingNeed.id))
                                 .where(FinancingNeed.enterprise_id == firm.id)) == 3
        assert applications[1].disbursed_amount_cny == 2_000_000 and all(a.imported for a in applications)
        # The ranker learns from them: approved and disbursed are positives, the rejection a negative.
        outcomes = data.outcomes()
        assert len(outcomes) == 3 and sorted(outcomes.label.tolist()) == [0, 1, 1]
        assert db.session.scalar(sa.select(AuditEvent.detail).where(AuditEvent.action == "outcomes.import")) == {
            "imported": 3, "rejected": 6, "bytes": len(_rows(product_id, code).encode("utf-8-sig"))}
    again = _import(client, headers, _rows(product_id, code)).json
    assert again["imported"] == 0 and "已导入过" in {r["line"]: r["error"] for r in again["rejected_rows"]}[2]
    # The firm is claimed through the administrator, never by whoever knows its public code.
    claim = registration(enterprise={**registration()["enterprise"], "uscc": code})
    assert_error(client.post("/api/v1/auth/register", json=claim), 409, fields=["enterprise.uscc"])


def test_import_refuses_a_bad_file_as_a_whole(client, admin):
    headers = token_for(client, admin.email, admin.password)
    assert_error(_import(client, headers, "uscc,enterprise_name\n1,2\n"), 422, fields=["file"])
    latin = client.post("/api/v1/admin/outcomes/import", headers=headers, content_type="multipart/form-data",
                        data={"file": (io.BytesIO(HEADER.encode() + b"\n\xff\xfe"), "h.csv")})
    assert_error(latin, 422, fields=["file"])
    assert_error(client.post("/api/v1/admin/outcomes/import", headers=headers, data={},
                             content_type="multipart/form-data"), 422, fields=["file"])
    # Built by hand: the test client spools large generated bodies to a temporary file it never closes.
    boundary = "matchmaker-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n{HEADER}\r\n").encode() + b"x" * (17 * 1024 * 1024) + \
        f"\r\n--{boundary}--\r\n".encode()
    response = client.post("/api/v1/admin/outcomes/import", headers=headers, data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert_error(response, 413)


def test_import_page_shows_the_rejected_lines(client, admin):
    sign_in(client, admin)
    page = client.get("/admin/import").get_data(as_text=True)
    missing = client.post("/admin/import", data={"csrf_token": csrf_token(page)})
    assert missing.status_code == 422 and "请选择要上传的 CSV 文件" in missing.get_data(as_text=True)
    text = HEADER + "\n" + "91500107MA61HIST00,x,next_gen_it,2015-03-01,1,1,1,1,,A,false,1,2000000,12,rejected,,,2021-06-01\n"
    response = client.post("/admin/import", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "file": (io.BytesIO(text.encode()), "h.csv")})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="rejected-rows"' in html
    assert re.search(r"<tr><td>2</td><td>[^<]*product_id", html)


@pytest.fixture
def market(app):
    with app.app_context():
        load_market(enterprises=700, seed=5, progress=False, as_of=AS_OF)
    return app


def follow_job(client, headers, location, timeout=180):
    """Read the job at ``location`` until it is finished; every state seen, in order."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(location, headers=headers)
        assert response.status_code == 200, response.json
        seen.append(response.json)
        if response.json["status"] in ("succeeded", "failed"):
            return seen
        time.sleep(0.2)
    raise AssertionError(f"job not finished in {timeout} s: {seen[-1]}")


def test_train_then_roll_back_through_the_api(market, client, make_user, celery_worker):
    admin = make_user("admin")
    headers = token_for(client, admin.email, admin.password)
    assert client.get("/api/v1/admin/ranker", headers=headers).json["model_version"] == "rules"
    first = client.post("/api/v1/admin/ranker/train", headers=headers)
    assert first.status_code == 202, first.json
    started = first.json["job"]
    assert started["kind"] == "ranker.train" and started["status"] == "queued"
    assert first.headers["Location"] == f"/api/v1/admin/jobs/{started['id']}"
    # One training at a time: a second is refused while the first is queued or running.
    assert_error(client.post("/api/v1/admin/ranker/train", headers=headers), 409)
    seen = follow_job(client, headers, first.headers["Location"])
    job = seen[-1]
    assert set(job) >= {"id", "kind", "status", "progress", "created_at", "started_at", "finished_at", "result",
                        "error"}
    assert job["status"] == "succeeded" and job["error"] is None and job["progress"] == 1
    assert job["created_at"] <= job["started_at"] <= job["finished_at"]
    progress = [state["progress"] for state in seen]
    assert progress == sorted(progress) and 0 <= progress[0] <= 1
    body = job["result"]
    assert set(body) >= {"model_version", "activated", "metrics", "baselines", "trained_rows"}
    assert body["activated"] and body["trained_rows"] > 200 and {"ndcg_at_5", "auc", "brier"} <= set(body["metrics"])
    assert {"rules", "random"} <= set(body["baselines"])
    with market.app_context():
        # Every application an institution decided (some withdrawn by the firm afterwards).
        decided = db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
            Application.decided_at.is_not(None)))
    assert body["trained_rows"] == decided
    listed = client.get("/api/v1/admin/jobs", headers=headers).json
    assert listed["total"] == 1 and listed["items"][0]["id"] == started["id"]
    assert_error(client.get(f"/api/v1/admin/jobs/{started['id'] + 1}", headers=headers), 404)
    state = client.get("/api/v1/admin/ranker", headers=headers).json
    assert state["model_version"] == body["model_version"] and state["trained_rows"] == body["trained_rows"]
    assert {"rules", "random", "oracle"} <= set(state["baseline_metrics"])
    with market.app_context():
        # A second version, made active directly, stands in for a newer model that misbehaves.
        old = db.session.scalar(sa.select(RankerModel))
        newer = RankerModel(version="hgb-newer", blob=old.blob, sha256=old.sha256, sklearn_version=old.sklearn_version,
                            features=old.features, training_data_hash=old.training_data_hash, trained_rows=1,
                            metrics={}, baseline_metrics={})
        old.is_active = False
        db.session.flush()
        newer.is_active = True
        db.session.add(newer)
        db.session.commit()
    rolled = client.post("/api/v1/admin/ranker/activate", headers=headers, json={"version": body["model_version"]})
    assert rolled.status_code == 200 and rolled.json["model_version"] == body["model_version"]
    assert [v["version"] for v in rolled.json["history"] if v["is_active"]] == [body["model_version"]]
    assert client.get("/healthz").json["model_version"] == body["model_version"]
    assert_error(client.post("/api/v1/admin/ranker/activate", headers=headers,
                             json={"version": body["model_version"]}), 409)
    assert_error(client.post("/api/v1/admin/ranker/activate", headers=headers, json={"version": "nope"}), 404)
    with market.app_context():
        db.session.add(Job(kind="ranker.train", status="running", progress=0.3, params={}, attempts=1,
                           heartbeat_at=now_utc()))
        db.session.commit()
    busy = client.post("/api/v1/admin/ranker/train", headers=headers)
    assert_error(busy, 409)
    assert "正在进行" in busy.json["error"]["message"]
    audit = client.get("/api/v1/admin/audit?action=ranker", headers=headers).json
    assert [i["action"] for i in audit["items"]][:2] == ["ranker.activate", "ranker.activate"]
    assert audit["items"][0]["actor_id"] == admin.id


def test_ranker_page_trains_and_shows_metrics_and_history(market, client, make_user, celery_worker):
    sign_in(client, make_user("admin"))
    page = client.get("/admin/ranker").get_data(as_text=True)
    assert "rules" in page and 'id="train-form"' in page
    started = client.post("/admin/ranker/train", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    html = started.get_data(as_text=True)
    assert "训练已开始" in html
    # While the job is on: the progress bar follows it and the button is gone; once done, the outcome.
    follow = re.search(r'data-job-url="([^"]+)"', html)
    if follow:
        assert 'id="train-form"' not in html
        follow_job(client, {}, follow.group(1))
    html = client.get("/admin/ranker").get_data(as_text=True)
    assert "已训练并启用" in html and 'data-chart="metrics"' in html and 'id="history"' in html
    assert 'id="train-form"' in html and 'id="train-progress"' not in html
    # The calibration table: one row per band of predicted probability, its applications adding up to the
    # held-out decided applications.
    table = html[html.index('id="reliability"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr><td>(\d+)%–(\d+)%</td><td class=\"text-end\">(\d+)</td>", table)
    assert rows and all(int(high) - int(low) == 10 for low, high, _n in rows)
    with market.app_context():
        stored = db.session.scalar(sa.select(RankerModel).where(RankerModel.is_active))
        held_out = stored.baseline_metrics["_heldout"]["applications"]
    assert sum(int(n) for _low, _high, n in rows) == held_out
    # The chart draws the same bands: (mean prediction, approval rate) for each.
    data = json.loads(re.search(r'id="chart-data">(.*?)</script>', html, re.S).group(1))
    assert 'data-chart="reliability"' in html
    assert [point[2] for point in data["reliability"]["points"]] == [int(n) for _low, _high, n in rows]
    assert all(0 <= p <= 1 and 0 <= o <= 1 for p, o, _n in data["reliability"]["points"])


def test_audit_trail_filters_by_actor_action_and_date(client, admin, make_user, app):
    firm = make_user("enterprise")
    token_for(client, firm.email, firm.password)
    headers = token_for(client, admin.email, admin.password)
    items = client.get("/api/v1/admin/audit?limit=100", headers=headers).json
    assert items["total"] >= 2 and set(items["items"][0]) >= {"id", "at", "actor_id", "action", "target_type",
                                                              "target_id", "ip", "detail"}
    mine = client.get(f"/api/v1/admin/audit?actor_id={firm.id}", headers=headers).json["items"]
    assert mine and {i["actor_id"] for i in mine} == {firm.id} and {i["action"] for i in mine} == {"auth.login"}
    assert {i["actor_email"] for i in mine} == {firm.email} and all(type(i["detail"]) is dict for i in mine)
    today = dt.date.today()
    assert client.get(f"/api/v1/admin/audit?action=auth&to={today - dt.timedelta(days=2)}",
                      headers=headers).json["total"] == 0
    assert client.get(f"/api/v1/admin/audit?action=auth.login&from={today - dt.timedelta(days=1)}",
                      headers=headers).json["total"] == 2
    assert_error(client.get("/api/v1/admin/audit?from=31/12/2021", headers=headers), 422, fields=["from"])
    sign_in(client, admin)
    html = client.get(f"/admin/audit?actor={firm.email}").get_data(as_text=True)
    assert html.count('<code class="small">auth.login</code>') == 1 and f"<strong>{firm.email}</strong> 登录" in html


def test_a_row_the_database_refuses_is_reported_and_the_rest_of_its_chunk_kept(client, admin, make_user, app,
                                                                              monkeypatch):
    """The chunked writer's fallback: a constraint the checks did not foresee fails one row, not the chunk."""
    from matchmaker.admin import outcomes

    product_id = a_product(app, make_user("institution"))
    checked = outcomes.parse_row

    def slipping(row, **kwargs):
        values = checked(row, **kwargs)
        if row["amount_cny"] == "300000":
            values["need"]["term_months"] = 0  # violates the database's CHECK (term_months > 0)
        return values

    monkeypatch.setattr(outcomes, "parse_row", slipping)
    body = _import(client, token_for(client, admin.email, admin.password),
                   _rows(product_id, valid_uscc("91500107MA61HXT70"))).json
    assert body["imported"] == 2
    refused = {r["line"]: r["error"] for r in body["rejected_rows"]}
    assert sorted(refused) == [3, 4, 5, 7, 8, 9, 10] and "数据库拒绝了该行" in refused[9]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 2
        assert db.session.scalar(sa.select(sa.func.count(FinancingNeed.id))) == 2  # nothing half-written
