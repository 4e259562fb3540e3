"""Accounts as the administrator sees them: find, disable, enable."""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm

from models import Enterprise, Institution, Role, User, db

from .. import audit
from ..auth import sessions
from ..errors import Conflict, NotFound


def get_all(*, search: str | None = None, role: str | None = None, limit: int = 50, offset: int = 0):
    query = (sa.select(User).options(sa.orm.joinedload(User.enterprise), sa.orm.joinedload(User.institution))
             .outerjoin(Enterprise, Enterprise.id == User.enterprise_id)
             .outerjoin(Institution, Institution.id == User.institution_id))
    if role in Role.values():
        query = query.where(User.role == Role(role))
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(sa.or_(User.email.like(pattern), Enterprise.name.like(f"%{search.strip()}%"),
                                   Institution.name.like(f"%{search.strip()}%")))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(User.id).limit(limit).offset(offset)).unique().all()
    return items, total


def get(*, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    return user


def set_active(*, actor: User, user_id: int, active: bool) -> User:
    """Disable (every session and token of the user ends at once) or enable an account."""
    user = get(user_id=user_id)
    if user.id == actor.id and not active:
        raise Conflict("不能停用自己的账户")
    if user.is_active == active:
        raise Conflict("该账户已是启用状态" if active else "该账户已停用")
    user.is_active = active
    ended = 0 if active else sessions.revoke_all(user=user)
    db.session.flush()
    audit.record("user.enable" if active else "user.disable", actor_id=actor.id, target_type="user",
                 target_id=user.id, detail={"email": user.email, "sessions_ended": ended})
    return user
