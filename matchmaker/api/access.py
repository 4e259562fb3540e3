"""One decorator for an endpoint's access and its documentation, instead of four on each."""
from __future__ import annotations

from flask_smorest import Blueprint

from models import Role

from ..auth.current import api_roles

BEARER = [{"bearerAuth": []}]


def access(blueprint: Blueprint, *roles: Role):
    """The bearer token (401) and, where only some roles may call, the role (403): checked before the
    body is parsed (401/403 before 422) and written into the OpenAPI document, in one place. Goes right
    under ``@bp.route``."""

    def decorator(view):
        view = blueprint.alt_response(401, response="UNAUTHORIZED")(view)
        if roles and set(roles) != set(Role):
            view = blueprint.alt_response(403, response="FORBIDDEN")(view)
        view = blueprint.doc(security=BEARER)(view)
        return api_roles(*roles)(view)

    return decorator
