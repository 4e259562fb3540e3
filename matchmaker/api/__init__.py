"""JSON API v1 (../shared/api-contract.md): thin handlers over the services."""
from __future__ import annotations

from flask import Flask


from ..extensions import api, csrf


def init_app(app: Flask) -> None:
    from . import admin, admin_market, auth, enterprise, institution

    api.init_app(app)
    for blueprint in (auth.bp, enterprise.bp, institution.bp, admin.bp, admin_market.bp):
        # Bearer-token calls carry no cookie authority, so CSRF tokens do not apply.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
