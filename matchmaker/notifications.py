"""Telling an enterprise what happened: one row per event, shown in the page with an unread count."""
from __future__ import annotations

import sqlalchemy as sa

from models import Notification, db, now_utc


def notify(*, enterprise_id: int, kind: str, message: str, link: str | None = None) -> Notification:
    note = Notification(enterprise_id=enterprise_id, kind=kind, message=message, link=link)
    db.session.add(note)
    return note


def get_all(*, enterprise_id: int, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.enterprise_id == enterprise_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def unread_count(*, enterprise_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.enterprise_id == enterprise_id, Notification.read_at.is_(None)))


def mark_all_read(*, enterprise_id: int) -> None:
    db.session.execute(sa.update(Notification).where(
        Notification.enterprise_id == enterprise_id, Notification.read_at.is_(None)).values(read_at=now_utc()))
