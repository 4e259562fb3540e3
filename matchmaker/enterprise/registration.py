"""Registration: a firm and its first account, made together (the firm's facts are checked by the
enterprise's service, the e-mail and password by the accounts' rules)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

from models import Consent, Role, User, db

from .. import audit
from ..auth import services as accounts
from ..errors import Conflict, InvalidInput
from . import services


def check(*, email: str, password: str, facts: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every problem with a registration, per field (enterprise facts under ``enterprise.``)."""
    problems = accounts.check_credentials(email=accounts.normalize_email(email), password=password)
    for field, messages in services.check_facts(facts).items():
        problems[f"enterprise.{field}"] = messages
    return problems


def create(*, email: str, password: str, facts: Mapping[str, Any], language: str) -> User:
    """Create an enterprise and its first user (e-mails in ``language``, the one the person registered
    in, when the site speaks it; Chinese otherwise). Problems with any field are reported together."""
    email = accounts.normalize_email(email)
    problems = check(email=email, password=password, facts=facts)
    if problems:
        raise InvalidInput("注册信息有误，请检查标出的字段", problems)
    accounts.refuse_taken(email)
    try:
        enterprise = services.create(facts=facts)
    except Conflict as conflict:
        raise Conflict(conflict.message, {"enterprise.uscc": conflict.fields["uscc"]}) from None
    user = accounts.new_account(email=email, password=password, role=Role.ENTERPRISE, enterprise=enterprise,
                                language=language if language in current_app.config["LANGUAGES"] else "zh")
    db.session.flush()
    audit.record("auth.register", actor_id=user.id, target_type="enterprise", target_id=enterprise.id)
    # Registering is agreeing to the service agreement and privacy policy in force: which text, kept.
    version = current_app.config["PRIVACY_POLICY_VERSION"]
    db.session.add(Consent(enterprise_id=enterprise.id, scope="privacy_policy", version=version, granted=True,
                           actor_id=user.id))
    audit.record("consent.change", actor_id=user.id, target_type="enterprise", target_id=enterprise.id,
                 detail={"scope": "privacy_policy", "version": version, "granted": True})
    return user
