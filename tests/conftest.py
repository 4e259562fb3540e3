"""Fixtures in the flaskr style: ``app``, ``client``, ``runner``, plus a fresh database per run.

MATCHMAKER_TEST_DB=postgresql runs the suite on a PostgreSQL database created for this run and
dropped after it; otherwise a SQLite file in a temporary folder. Either way the schema is built by
the migrations, as in production.
"""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
import uuid
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from celery.signals import setup_logging
from flask_migrate import upgrade

from matchmaker import create_app
from matchmaker.matching import listing, scorer
from models import Enterprise, Institution, Role, User, db

BACKEND = os.environ.get("MATCHMAKER_TEST_DB", "sqlite")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if BACKEND != "postgresql":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "matchmaker-test.sqlite3")
        return
    admin_url = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    admin_url = admin_url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"matchmaker_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


INSTANCE = tempfile.mkdtemp(prefix="matchmaker-instance-")


def make_app(database_url: str, **overrides):
    # A throwaway instance folder: tests must never touch the developer's demo logins or database.
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": INSTANCE, **overrides})


@pytest.fixture(scope="session")
def migrated(database_url):
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


@pytest.fixture
def app(migrated, tmp_path):
    # Each worker process caches the active model, the catalogue and the institutions' speed figures:
    # no test may see another's. Each test keeps its documents' bytes in a folder of its own.
    scorer.forget()
    listing.forget()
    app = make_app(migrated, DOCUMENT_DIR=str(tmp_path / "documents"))
    yield app
    with app.app_context():
        db.session.remove()
        _empty_tables()
        db.engine.dispose()
    scorer.forget()
    listing.forget()


@pytest.fixture
def other_app(migrated):
    """Build further apps on the test database (to add a route, say); their pools are closed after."""
    apps = []

    def make(**overrides):
        made = make_app(migrated, **overrides)
        apps.append(made)
        return made

    yield make
    for made in apps:
        with made.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An application context for tests that work with the database directly.

    Kept out of ``app`` on purpose: a request made inside a pushed app context would share ``g``
    with the test and with the requests before it.
    """
    with app.app_context():
        yield app
        db.session.remove()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(sa.text(f"DELETE FROM {table}"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ---------------------------------------------------------------- helpers shared by the tests

def valid_uscc(first17: str = "91500107MA5U8XGK7") -> str:
    from models.uscc import check_character

    return first17 + check_character(first17)


def enterprise_facts(**overrides) -> dict:
    import datetime as dt

    facts = {
        "name": "重庆云启智能科技有限公司",
        "uscc": valid_uscc(),
        "industry": "next_gen_it",
        "founded_on": dt.date(2016, 5, 20),
        "employees": 86,
        "annual_revenue_cny": 32_000_000,
        "rd_ratio_pct": 8.5,
        "ip_count": 14,
        "certifications": ["high_tech_enterprise", "tech_sme"],
        "credit_rating": "A",
        "district": "九龙坡区",
        "has_collateral": True,
    }
    facts.update(overrides)
    return facts


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "the page carries no CSRF token"
    return match.group(1)


@pytest.fixture
def make_user(app):
    """Create a user of any role (with its tenant) directly in the database."""

    def make(role: str = "enterprise", email: str | None = None, password: str = "correct-horse-42",
             **facts) -> SimpleNamespace:
        email = email or f"{role}-{uuid.uuid4().hex[:8]}@example.cn"
        user = User(email=email, role=Role(role))
        if role == "enterprise":
            data = enterprise_facts(uscc=valid_uscc("915001" + uuid.uuid4().hex[:11].upper()), **facts)
            data["certifications"] = list(data["certifications"])
            user.enterprise = Enterprise(**data)
        elif role == "institution":
            user.institution = Institution(name=f"测试银行{uuid.uuid4().hex[:6]}支行", kind="bank")
        user.set_password(password)
        with app.app_context():
            db.session.add(user)
            db.session.commit()
            return SimpleNamespace(id=user.id, email=user.email, password=password, role=role,
                                   enterprise_id=user.enterprise_id, institution_id=user.institution_id)

    return make


@setup_logging.connect
def _leave_logging_alone(**_kwargs):
    """Connected, this tells Celery's test workers not to set up logging: it would take the log records
    the tests read (caplog) away from them for the rest of the run."""


@contextlib.contextmanager
def worker_of(flask_app):
    """A real Celery worker, in a thread of the test process, on the in-memory broker, running the
    tasks of ``flask_app`` (which must be the last app made: a worker thread runs the default app's)."""
    import celery.contrib.testing.tasks  # noqa: F401  (the ping the worker answers when it is up)
    from celery.contrib.testing.worker import start_worker

    celery = flask_app.extensions["celery"]
    celery.set_default()
    with celery.connection_for_write() as connection:  # what earlier tests queued with no worker to run it
        connection.default_channel.queue_purge(flask_app.config["CELERY_QUEUE"])
    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture
def celery_worker(app):
    """Jobs queued by a request run beside it, as on a server."""
    with worker_of(app) as worker:
        yield worker


class Inbox:
    """An SMTP server's handler that keeps what it is sent (aiosmtpd)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port; ``.inbox.messages`` are the parsed e-mails it received."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    yield SimpleNamespace(port=port, inbox=controller.handler)
    controller.stop()
