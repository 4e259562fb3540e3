"""Financial institutions and their officers."""
from __future__ import annotations

import sqlalchemy as sa

from models import Institution, InstitutionKind, Role, User, db

from .. import audit
from ..auth import services as auth_services
from ..errors import Conflict, InvalidInput


def create_with_officer(*, name: str, kind: str, officer_email: str, officer_password: str,
                        actor: User) -> tuple[Institution, User]:
    """Onboard an institution together with its first officer account."""
    name = (name or "").strip()
    email = auth_services.normalize_email(officer_email)
    problems: dict[str, list[str]] = {}
    if not 2 <= len(name) <= 120:
        problems["name"] = ["机构名称应为 2 到 120 个字符"]
    if kind not in InstitutionKind.values():
        problems["kind"] = [f"未知的机构类型：{kind}（可选：{'、'.join(InstitutionKind.values())}）"]
    if (problem := auth_services.check_email(email)) is not None:
        problems["officer_email"] = [problem]
    if (problem := auth_services.check_password(officer_password)) is not None:
        problems["officer_password"] = [problem]
    if problems:
        raise InvalidInput("机构信息有误", problems)
    if db.session.scalar(sa.select(Institution.id).where(Institution.name == name)) is not None:
        raise Conflict("同名机构已存在", {"name": ["同名机构已存在"]})
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise Conflict("该邮箱已注册", {"officer_email": ["该邮箱已注册"]})
    institution = Institution(name=name, kind=InstitutionKind(kind))
    officer = User(email=email, role=Role.INSTITUTION, institution=institution)
    officer.set_password(officer_password)
    db.session.add_all([institution, officer])
    db.session.flush()
    audit.record("institution.create", actor_id=actor.id, target_type="institution", target_id=institution.id,
                 detail={"name": name, "kind": kind, "officer_id": officer.id})
    return institution, officer


def as_dict(institution: Institution) -> dict:
    return {"id": institution.id, "name": institution.name, "kind": institution.kind.value,
            "service_target_days": institution.service_target_days}
