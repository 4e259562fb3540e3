"""What the service-level rule tests (``tests/test_*_rules.py``) share: users made without signing in,
a refusal read as the domain error it must be, the audit trail of one action, and Argon2 at its cheapest
(the rules, not the hashing, are under test there, and ``make mutation`` runs them once per mutant)."""
from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

import models.user
from matchmaker.errors import DomainError
from models import AuditEvent, Enterprise, Institution, Role, User, db
from tests.conftest import enterprise_facts, valid_uscc


def person(role: str, **facts) -> SimpleNamespace:
    """A user of the role with its tenant, without a password: these tests never sign in."""
    user = User(email=f"{role}-{uuid.uuid4().hex[:8]}@example.cn", role=Role(role), password_hash="-")
    if role == "enterprise":
        data = enterprise_facts(uscc=valid_uscc("915001" + uuid.uuid4().hex[:11].upper()), **facts)
        user.enterprise = Enterprise(**{**data, "certifications": list(data["certifications"])})
    else:
        user.institution = Institution(name=f"测试银行{uuid.uuid4().hex[:6]}支行", kind="bank")
    db.session.add(user)
    db.session.commit()
    return SimpleNamespace(id=user.id, enterprise_id=user.enterprise_id, institution_id=user.institution_id)


def user(someone) -> User:
    return db.session.get(User, someone.id)


def refusal(expected: type[DomainError], call, *args, **kwargs) -> DomainError:
    """The domain error ``call`` raises, which must be exactly of the ``expected`` kind."""
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert type(caught.value) is expected
    return caught.value


def audited(action: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)).all()


def use_cheap_argon2(monkeypatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(models.user, "_hasher", cheap)
    monkeypatch.setattr(models.user, "_DUMMY_HASH", cheap.hash("not-a-real-password"))


def administrator() -> User:
    """The bureau's administrator, flushed (no password: these tests never sign in)."""
    admin = User(email="bureau@example.cn", role=Role.ADMIN, password_hash="-")
    db.session.add(admin)
    db.session.flush()
    return admin
