"""Financial institutions and their officers."""
from __future__ import annotations

import sqlalchemy as sa

from models import Institution, InstitutionKind, Role, User, db

from .. import audit, text
from ..auth import services as auth_services
from ..errors import Conflict, InvalidInput, NotFound
from ..wording import N_


def create_with_officer(*, name: str, kind: str, officer_email: str, officer_password: str,
                        actor: User, service_target_days: int = 3) -> tuple[Institution, User]:
    """Onboard an institution together with its first officer account."""
    name = (name or "").strip()
    email = auth_services.normalize_email(officer_email)
    problems: dict[str, list[str]] = {}
    if (problem := text.name_problem(name, label="机构名称")) is not None:
        problems["name"] = [problem]
    if kind not in InstitutionKind.values():
        problems["kind"] = [N_("未知的机构类型：%(kind)s（可选：%(value)s）", kind=kind, value="、".join(InstitutionKind.values()))]
    if not 1 <= service_target_days <= 60:
        problems["service_target_days"] = ["服务承诺应为 1 到 60 个工作日"]
    problems.update(_officer_problems(email, officer_password))
    if problems:
        raise InvalidInput("机构信息有误", problems)
    if db.session.scalar(sa.select(Institution.id).where(Institution.name == name)) is not None:
        raise Conflict("同名机构已存在", {"name": ["同名机构已存在"]})
    auth_services.refuse_taken(email, field="officer_email")
    institution = Institution(name=name, kind=InstitutionKind(kind), service_target_days=service_target_days)
    db.session.add(institution)
    officer = auth_services.new_account(email=email, password=officer_password, role=Role.INSTITUTION,
                                        institution=institution)
    db.session.flush()
    audit.record("institution.create", actor_id=actor.id, target_type="institution", target_id=institution.id,
                 detail={"name": name, "kind": kind, "officer_id": officer.id})
    return institution, officer


def _officer_problems(email: str, password: str) -> dict[str, list[str]]:
    return auth_services.check_credentials(email=email, password=password, email_field="officer_email",
                                           password_field="officer_password")


def get(*, institution_id: int) -> Institution:
    institution = db.session.get(Institution, institution_id)
    if institution is None:
        raise NotFound("机构不存在")
    return institution


def add_officer(*, actor: User, institution_id: int, officer_email: str, officer_password: str) -> User:
    """Another officer account for an institution; it sees that institution's work only."""
    institution = get(institution_id=institution_id)
    email = auth_services.normalize_email(officer_email)
    problems = _officer_problems(email, officer_password)
    if problems:
        raise InvalidInput("账户信息有误", problems)
    auth_services.refuse_taken(email, field="officer_email")
    officer = auth_services.new_account(email=email, password=officer_password, role=Role.INSTITUTION,
                                        institution=institution)
    db.session.flush()
    audit.record("user.create", actor_id=actor.id, target_type="user", target_id=officer.id,
                 detail={"institution_id": institution.id, "role": "institution"})
    return officer
