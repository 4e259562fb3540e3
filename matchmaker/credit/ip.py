"""Technology valuation (技术评估): a firm's IP register, each asset given an indicative pledge value range by
the documented method (``IP_*`` in configuration), and the firm's pledgeable total.

value = base value of its kind × its industry's factor × (share of statutory life left) ** IP_VALUE_DECAY,
given as value × (1 ± IP_VALUE_SPREAD), rounded to the thousand yuan; an asset already pledged, or expired,
can be pledged at nothing. The pledgeable total is the sum of the lows of the unexpired, unpledged assets.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from models import Enterprise, IpAsset, IpKind, Role, User, db, now_utc

from .. import audit, scoping, text
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..wording import N_


def _own(actor: User) -> None:
    if actor.role is not Role.ENTERPRISE:
        raise Forbidden("只有企业可以管理自己的知识产权")


def _register_changed(actor: User) -> None:
    """What the firm can pledge changed: its matches are ranked again (they are kept until the firm or the
    need changes; matching.services.kept_ranking)."""
    actor.enterprise.updated_at = now_utc()


def pledge_value(asset: IpAsset, *, industry: str, today: dt.date | None = None) -> dict:
    """The indicative pledge value range of one asset, in yuan: ``{"low", "high"}``."""
    today = today or dt.date.today()
    if asset.pledged or asset.expires_on <= today:
        return {"low": 0, "high": 0}
    config = current_app.config
    kind = IpKind(asset.kind).value
    life = dt.timedelta(days=365.25 * config["IP_STATUTORY_YEARS"][kind])
    share = min(1.0, (asset.expires_on - today) / life)
    value = (config["IP_BASE_VALUE_CNY"][kind] * config["IP_INDUSTRY_FACTOR"].get(industry, 1.0)
             * share ** config["IP_VALUE_DECAY"])
    spread = config["IP_VALUE_SPREAD"]
    return {"low": int(round(value * (1 - spread), -3)), "high": int(round(value * (1 + spread), -3))}


def pledgeable_value(enterprise: Enterprise, *, today: dt.date | None = None) -> int:
    """What the firm's register can be pledged for at least: the lows of its unexpired, unpledged assets."""
    assets = db.session.scalars(sa.select(IpAsset).where(IpAsset.enterprise_id == enterprise.id))
    industry = enterprise.industry.value
    return sum(pledge_value(asset, industry=industry, today=today)["low"] for asset in assets)


def get_all(*, actor: User) -> list[IpAsset]:
    _own(actor)
    return list(db.session.scalars(sa.select(IpAsset).where(IpAsset.enterprise_id == actor.enterprise_id)
                                   .order_by(IpAsset.granted_on.desc(), IpAsset.id.desc())))


def get(*, actor: User, asset_id: int) -> IpAsset:
    """One of the firm's own assets; anyone else's is 404."""
    _own(actor)
    asset = db.session.scalar(sa.select(IpAsset).where(
        IpAsset.id == asset_id, IpAsset.enterprise_id == actor.enterprise_id)) if scoping.is_row_id(asset_id) else None
    if asset is None:
        raise NotFound("知识产权不存在")
    return asset


def check(values: dict, *, today: dt.date) -> dict[str, list[str]]:
    """Problems with an asset as typed, per field."""
    problems: dict[str, list[str]] = {}
    for field in ("kind", "number", "title", "granted_on", "expires_on"):
        if values.get(field) in (None, ""):
            problems[field] = ["此项为必填项"]
    if values.get("kind") not in (None, "") and values["kind"] not in IpKind.values():
        problems["kind"] = [N_("未知的知识产权类型：%(kind)s（可选：%(value)s）", kind=values["kind"],
                               value="、".join(IpKind.values()))]
    for field, label, high in (("number", "编号", 40), ("title", "名称", 120)):
        if field not in problems and (problem := text.name_problem(values[field], label=label, low=1, high=high)):
            problems[field] = [problem]
    granted, expires = values.get("granted_on"), values.get("expires_on")
    if "granted_on" not in problems and granted > today:
        problems["granted_on"] = ["授权日期不能晚于今天"]
    if "expires_on" not in problems:
        if "granted_on" not in problems and expires <= granted:
            problems["expires_on"] = ["到期日期应晚于授权日期"]
        elif expires <= today:
            problems["expires_on"] = ["该知识产权已到期，不能登记为可质押资产"]
    return problems


def create(*, actor: User, kind: str | None, number: str | None, title: str | None, granted_on: dt.date | None,
           expires_on: dt.date | None, pledged: bool = False) -> IpAsset:
    _own(actor)
    values = {"kind": kind, "number": (number or "").strip(), "title": (title or "").strip(),
              "granted_on": granted_on, "expires_on": expires_on}
    problems = check(values, today=dt.date.today())
    if problems:
        raise InvalidInput("知识产权信息有误，请检查标出的字段", problems)
    kept = db.session.scalar(sa.select(sa.func.count()).select_from(IpAsset)
                             .where(IpAsset.enterprise_id == actor.enterprise_id))
    if kept >= current_app.config["IP_ASSETS_PER_ENTERPRISE"]:
        raise Conflict(N_("最多登记 %(kept)s 项知识产权", kept=kept), {"number": ["知识产权数量已达上限"]})
    asset = IpAsset(enterprise_id=actor.enterprise_id, kind=IpKind(kind), number=values["number"],
                    title=values["title"], granted_on=granted_on, expires_on=expires_on, pledged=bool(pledged))
    try:
        with db.session.begin_nested():  # the same number twice, also from two requests at once
            db.session.add(asset)
    except sa.exc.IntegrityError:
        raise Conflict("该编号已登记", {"number": ["该编号已登记"]}) from None
    _register_changed(actor)
    audit.record("ip_asset.create", actor_id=actor.id, target_type="ip_asset", target_id=asset.id,
                 detail={"kind": kind, "number": values["number"]})
    return asset


def delete(*, actor: User, asset_id: int) -> None:
    asset = get(actor=actor, asset_id=asset_id)
    db.session.delete(asset)
    _register_changed(actor)
    db.session.flush()
    audit.record("ip_asset.delete", actor_id=actor.id, target_type="ip_asset", target_id=asset_id,
                 detail={"number": asset.number})
