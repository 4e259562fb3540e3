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
