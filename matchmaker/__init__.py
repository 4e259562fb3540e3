"""matchmaker: the 高新金服 SME financing-matching platform."""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, request, session
from werkzeug.routing import IntegerConverter

from .config import CONFIGS, database_url_from_env

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | Mapping[str, Any] | None = None) -> Flask:
    """Build the application.

    ``config`` is an environment name (development, testing, production) or a mapping of settings
    laid over the testing configuration (``INSTANCE_PATH`` moves the instance folder); by default
    ``MATCHMAKER_ENV`` decides (development).
    """
    instance_path = config.get("INSTANCE_PATH") if isinstance(config, Mapping) else None
    app = Flask(__name__, instance_path=instance_path,
                template_folder=str(ROOT / "templates"))
    app.json.ensure_ascii = False  # Chinese text as-is in JSON, as the contract prefers
    app.url_map.converters["int"] = RowId
    configure(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


class RowId(IntegerConverter):
    """``<int:…>`` in URLs: an id the database can hold (PostgreSQL INTEGER), else no such page (404)
    instead of an overflow deep in the driver."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits, min, max, signed)


def configure(app: Flask, config) -> None:
    if isinstance(config, Mapping):
        app.config.from_object(CONFIGS["testing"])
        overrides = dict(config)
    else:
        app.config.from_object(CONFIGS[config or os.environ.get("MATCHMAKER_ENV", "development")])
        overrides = {}
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url_from_env(
        "sqlite:///" + os.path.join(app.instance_path, "matchmaker.sqlite3")
    )
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        if app.config["ENV_NAME"] == "production":
            raise RuntimeError("SECRET_KEY must be set in production")
        app.config["SECRET_KEY"] = _instance_secret(app)
    # Over HTTPS the __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only
    # and for the whole site, so no sibling subdomain can plant or shadow it.
    app.config["SESSION_COOKIE_NAME"] = "__Host-mm_session" if app.config["SESSION_COOKIE_SECURE"] else "mm_session"


def _instance_secret(app: Flask) -> str:
    """A development key kept in the instance folder, so every gunicorn worker signs alike."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def register_extensions(app: Flask) -> None:
    from models import db

    from .extensions import babel, csrf, limiter, migrate

    db.init_app(app)
    limiter.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(ROOT / "matchmaker" / "translations"))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)
            sa.event.listen(db.engine, "begin", _sqlite_begin)
    from . import filters, inputs, jobs, security, views, wording
    from .auth import current

    views.init_app(app)
    jobs.init_app(app)
    from . import mail  # noqa: F401  (its delivery task)
    from .applications import digest  # noqa: F401  (the officers' daily digest task)
    from .loans import reminders  # noqa: F401  (the firms' due-date reminders)
    from .loans import warnings  # noqa: F401  (the daily risk scan)

    security.init_app(app)
    inputs.init_app(app)
    current.init_app(app)
    filters.init_app(app)
    wording.init_app(app)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLAlchemy emits BEGIN itself (below), so SAVEPOINTs and the lock mode behave as written.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # A writer waits for another (a training or an import holds the lock for seconds) rather than fail.
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    """A transaction that may write takes SQLite's write lock when it begins, so writers queue
    (busy_timeout) instead of reading first and then being refused the upgrade at once ("database is
    locked"). Page views read concurrently (WAL); the few that write say so (views.writes_on_get)."""
    from .views import may_write

    connection.exec_driver_sql("BEGIN IMMEDIATE" if may_write() else "BEGIN")


def select_locale() -> str:
    from flask import current_app

    languages = list(current_app.config["LANGUAGES"])
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def register_blueprints(app: Flask) -> None:
    """Pages and the API, folder by folder (each folder's ``views.py`` and ``api.py``)."""
    from .admin import api as admin_api, views as admin_views
    from .applications import api as applications_api, views as applications_views
    from .auth import api as auth_api, views as auth_views
    from .credit import api as credit_api, views as credit_views
    from .documents import api as documents_api, views as documents_views
    from .enterprise import api as enterprise_api, views as enterprise_views
    from .extensions import api, csrf
    from .equity import api as equity_api, views as equity_views
    from .institution import api as institution_api
    from .jobs import api as jobs_api
    from .loans import api as loans_api, views as loans_views
    from .listing import api as listing_api, views as listing_views
    from .matching import api as matching_api, views as matching_views
    from .needs import api as needs_api, views as needs_views
    from .policy import api as policy_api, views as policy_views
    from .products import api as products_api, views as products_views
    from .public import views as public_views

    for blueprint in (public_views.bp, auth_views.bp, enterprise_views.signup, enterprise_views.bp,
                      needs_views.bp, matching_views.firm_pages, applications_views.firm_pages, products_views.market,
                      products_views.bp, documents_views.firm_pages, documents_views.officer_pages, credit_views.firm_pages,
                      matching_views.officer_pages, applications_views.officer_pages, loans_views.firm_pages,
                      loans_views.officer_pages, loans_views.admin_pages, loans_views.warning_pages, listing_views.firm_pages,
                      listing_views.admin_pages, equity_views.fund_pages, equity_views.firm_pages, equity_views.admin_pages, equity_views.public_pages,
                      policy_views.firm_pages, policy_views.admin_pages,
                      admin_views.bp):
        app.register_blueprint(blueprint)
    api.init_app(app)
    for blueprint in (auth_api.bp, enterprise_api.bp, documents_api.bp, needs_api.bp, matching_api.bp, applications_api.bp,
                      products_api.bp, institution_api.bp, admin_api.bp, jobs_api.bp, credit_api.bp, loans_api.bp,
                      listing_api.bp, equity_api.bp, policy_api.bp):
        # Bearer-token calls carry no cookie authority, so CSRF tokens do not apply.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from . import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from . import cli

    cli.init_app(app)
