"""Writing the audit trail. One row per act; the caller's transaction commits it."""
from __future__ import annotations

from flask import g, has_request_context, request

from models import AuditEvent, db


def client_ip() -> str | None:
    if not has_request_context():
        return None
    return request.remote_addr


def record(action: str, *, actor_id: int | None = None, target_type: str | None = None,
           target_id: int | None = None, detail: dict | None = None) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        target_type=target_type,
        target_id=target_id,
        ip=client_ip(),
        request_id=g.get("request_id") if has_request_context() else None,
        detail=detail or {},
    )
    db.session.add(event)
    return event
