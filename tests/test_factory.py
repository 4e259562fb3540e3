"""The application factory, its configurations and the per-request plumbing."""
import pytest

from matchmaker import create_app
from matchmaker.config import database_url_from_env


def test_testing_config_is_applied(app):
    assert app.testing
    assert app.config["ENV_NAME"] == "testing"


def test_development_is_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv("MATCHMAKER_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/dev.sqlite3")
    app = create_app()
    assert app.config["ENV_NAME"] == "development"
    assert not app.testing
    # A development key is generated once and kept, so every worker signs cookies alike.
    assert app.config["SECRET_KEY"] == create_app().config["SECRET_KEY"]


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite3")
    monkeypatch.setattr("matchmaker.config.ProductionConfig.SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_the_environment_variable_chooses_the_configuration(monkeypatch, tmp_path):
    monkeypatch.setenv("MATCHMAKER_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite3")
    monkeypatch.setattr("matchmaker.config.ProductionConfig.SECRET_KEY", "s" * 64)
    assert create_app().config["ENV_NAME"] == "production"
    monkeypatch.setattr("matchmaker.config.ProductionConfig.SECRET_KEY", None)
    with pytest.raises(RuntimeError) as refused:
        create_app()
    assert str(refused.value) == "SECRET_KEY must be set in production"


def test_production_with_secret_key_uses_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite3")
    monkeypatch.setattr("matchmaker.config.ProductionConfig.SECRET_KEY", "s" * 64)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SECRET_KEY"] == "s" * 64


@pytest.mark.parametrize("given, expected", [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////tmp/x.sqlite3", "sqlite:////tmp/x.sqlite3"),
])
def test_database_url_names_the_psycopg_driver(monkeypatch, given, expected):
    monkeypatch.setenv("DATABASE_URL", given)
    assert database_url_from_env("sqlite://") == expected


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/matchmaker.sqlite3"


def test_healthz_reports_database_and_model(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "model_version": "rules"}


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}}})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_security_headers_on_pages_and_api(client):
    page = client.get("/")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Referrer-Policy"] == "same-origin"
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
    api = client.get("/api/v1/me")
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    assert api.headers["X-Request-ID"]


def test_request_id_is_echoed_when_well_formed(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-123"}).headers["X-Request-ID"] == "lb-123"
    assert client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"


def test_session_cookie_flags(client, make_user):
    from tests.conftest import csrf_token

    make_user("admin", email="boss@example.cn")
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login", data={"email": "boss@example.cn", "password": "correct-horse-42",
                                                 "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # Plain HTTP (development, tests): no __Host- prefix, which browsers would refuse without Secure.
    assert cookie.startswith("mm_session=")


def test_chinese_by_default_english_on_request(client):
    assert "平台实时数据" in client.get("/").get_data(as_text=True)
    response = client.get("/lang/en?next=/", follow_redirects=True)
    assert "Live market figures" in response.get_data(as_text=True)
    client.get("/lang/zh")
    assert "平台实时数据" in client.get("/").get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.get("/lang/en", query_string={"next": target})
        assert response.headers["Location"] == "/"


def test_gunicorn_workers_freeze_the_loaded_app():
    """gunicorn.conf.py's post_worker_init takes what a worker loaded out of the collector's sight
    (the reason is written there; its effect on the slowest requests is in make bench)."""
    import gc
    import runpy
    from pathlib import Path

    settings = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    assert gc.get_freeze_count() == 0
    try:
        settings["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000  # Flask, SQLAlchemy, pandas, scikit-learn are loaded here
    finally:
        gc.unfreeze()


def test_json_answers_carry_chinese_as_is(client):
    # The contract prefers readable UTF-8 to \u escapes: a bank's log shows 企业, not \u4f01\u4e1a.
    body = client.post("/api/v1/auth/token", json={"email": "nobody@example.cn", "password": "wrong-password-1"}).data
    assert "邮箱或密码".encode() in body and b"\\u" not in body


@pytest.mark.parametrize("row_id, found", [(1, True), (2**31 - 1, True), (2**31, False), (10**30, False)])
def test_ids_in_addresses_stop_where_the_database_column_does(app, row_id, found):
    from werkzeug.exceptions import NotFound

    urls = app.url_map.bind("localhost")
    if found:
        assert urls.match(f"/enterprise/needs/{row_id}", method="GET")[1] == {"need_id": row_id}
    else:
        with pytest.raises(NotFound):
            urls.match(f"/enterprise/needs/{row_id}", method="GET")


def test_without_a_configured_key_one_is_made_once_per_instance_folder_for_its_owner_only(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": None})
    kept = tmp_path / "secret_key"
    assert kept.stat().st_mode & 0o777 == 0o600  # the key signs sessions: nobody else on the host reads it
    assert app.config["SECRET_KEY"] == kept.read_text() and len(kept.read_text()) == 64
    int(kept.read_text(), 16)  # 32 random bytes in hex
    assert create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": None}).config["SECRET_KEY"] == kept.read_text()
    other = tmp_path / "elsewhere"
    assert create_app({"INSTANCE_PATH": str(other), "SECRET_KEY": ""}).config["SECRET_KEY"] != kept.read_text()


def test_a_request_without_an_id_gets_a_fresh_one(client):
    first, second = (client.get("/healthz").headers["X-Request-ID"] for _ in range(2))
    assert len(first) == 32 and int(first, 16) >= 0 and first != second


def test_the_browsers_language_is_followed_until_the_person_chooses(client):
    assert "Live market figures" in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(
        as_text=True)
    assert "平台实时数据" in client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    client.get("/lang/zh")
    assert "平台实时数据" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_the_migrations_are_found_from_any_folder_and_read_the_apps_database(app, monkeypatch, tmp_path):
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from models import db

    monkeypatch.chdir(tmp_path)  # gunicorn or cron may start elsewhere than the checkout
    with app.app_context():
        settings = app.extensions["migrate"]
        head = ScriptDirectory.from_config(settings.migrate.get_config()).get_current_head()
        assert settings.db is db
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head
