"""Enterprise profiles: the one place where a firm's facts are checked and stored."""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from models import (
    MAX_EMPLOYEES, MAX_IP_COUNT, MAX_MONEY_CNY, Certification, CreditRating, Enterprise, Industry, db, uscc,
)

from .. import text
from ..errors import Conflict, InvalidInput
from ..wording import N_

FACT_FIELDS = (
    "name", "uscc", "industry", "founded_on", "employees", "annual_revenue_cny", "rd_ratio_pct",
    "ip_count", "certifications", "credit_rating", "district", "has_collateral",
)
# Who the firm is and its balance sheet: optional (a field left out or empty is "not given").
OPTIONAL_FIELDS = ("contact_name", "contact_phone", "legal_representative", "total_assets_cny",
                   "total_liabilities_cny", "net_profit_cny", "net_profit_prev_cny")
# What the knowledge-value credit evaluation reads besides IP and R&D (matchmaker/credit), optional too.
INNOVATION_FIELDS = ("rd_staff", "tech_talent", "innovative_products", "awards")
EDITABLE_FIELDS = (tuple(f for f in FACT_FIELDS if f != "uscc") + OPTIONAL_FIELDS + INNOVATION_FIELDS
                   + ("share_in_leads",))
MOBILE = re.compile(r"1[3-9][0-9]{9}")  # ASCII digits only (\d would also take other scripts' digits)
EARLIEST_FOUNDING = dt.date(1949, 10, 1)


def check_facts(facts: Mapping[str, Any], *, required: tuple[str, ...] = FACT_FIELDS,
                today: dt.date | None = None, employees_now: int | None = None) -> dict[str, list[str]]:
    """Problems with ``facts``, per field, in Chinese. Empty when everything is acceptable.
    ``employees_now``: the stored head count, when a change leaves it as it is."""
    today = today or dt.date.today()
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    for field in required:
        if facts.get(field) is None or facts.get(field) == "":
            add(field, "此项为必填项")
    # Only what was given is checked further: a missing value has its one message already.
    facts = {k: v for k, v in facts.items() if v is not None and v != ""}
    if (name := facts.get("name")) is not None and (problem := text.name_problem(name, label="企业名称")):
        add("name", problem)
    if (code := facts.get("uscc")) is not None:
        if (problem := uscc.problem(uscc.normalize(str(code)))) is not None:
            add("uscc", problem)
    if (industry := facts.get("industry")) is not None and industry not in Industry.values():
        add("industry", N_("未知的行业代码：%(industry)s", industry=industry))
    if (founded := facts.get("founded_on")) is not None:
        if not isinstance(founded, dt.date):
            add("founded_on", "成立日期格式应为 YYYY-MM-DD")
        elif founded > today:
            add("founded_on", "成立日期不能晚于今天")
        elif founded < EARLIEST_FOUNDING:
            add("founded_on", "成立日期过早，请检查")
    _check_range(facts, "employees", 0, MAX_EMPLOYEES, "员工人数", add)
    _check_range(facts, "annual_revenue_cny", 0, MAX_MONEY_CNY, "年营业收入", add)
    _check_range(facts, "rd_ratio_pct", 0, 100, "研发投入占比", add)
    _check_range(facts, "ip_count", 0, MAX_IP_COUNT, "知识产权数量", add)
    if (certs := facts.get("certifications")) is not None:
        unknown = [c for c in certs if c not in Certification.values()]
        if unknown:
            add("certifications", N_("未知的资质代码：%(value)s", value="、".join(map(str, unknown))))
    if (rating := facts.get("credit_rating")) is not None and rating not in CreditRating.values():
        add("credit_rating", N_("未知的信用评级：%(rating)s", rating=rating))
    if (district := facts.get("district")) is not None \
            and (problem := text.name_problem(district, label="所在区县", low=1, high=40)):
        add("district", problem)
    for field, label in (("contact_name", "联系人"), ("legal_representative", "法定代表人")):
        if (person := facts.get(field)) is not None \
                and (problem := text.name_problem(person, label=label, low=2, high=40)):
            add(field, problem)
    if (phone := facts.get("contact_phone")) is not None and mobile_number(phone) is None:
        add("contact_phone", "手机号码应为 11 位中国大陆手机号（如 138 0000 0000）")
    _check_range(facts, "total_assets_cny", 0, MAX_MONEY_CNY, "资产总额", add)
    _check_range(facts, "total_liabilities_cny", 0, MAX_MONEY_CNY, "负债总额", add)
    _check_range(facts, "net_profit_cny", -MAX_MONEY_CNY, MAX_MONEY_CNY, "上年净利润", add)
    _check_range(facts, "net_profit_prev_cny", -MAX_MONEY_CNY, MAX_MONEY_CNY, "前年净利润", add)
    _check_range(facts, "rd_staff", 0, MAX_EMPLOYEES, "研发人员数", add)
    _check_range(facts, "tech_talent", 0, MAX_EMPLOYEES, "科技人才数", add)
    _check_range(facts, "innovative_products", 0, MAX_IP_COUNT, "创新产品数", add)
    _check_range(facts, "awards", 0, MAX_IP_COUNT, "科技奖励数", add)
    staff, employees = facts.get("rd_staff"), facts.get("employees", employees_now)
    if "rd_staff" not in problems and isinstance(staff, int) and isinstance(employees, int) and staff > employees:
        add("rd_staff", N_("研发人员数不能多于员工人数（%(employees)s 人）", employees=employees))
    return problems


def mobile_number(text_value) -> str | None:
    """A mainland mobile number as 11 digits, from the ways people type it (spaces, dashes, +86), or None."""
    if not isinstance(text_value, str):
        return None
    digits = re.sub(r"[\s\-()（）]", "", text_value)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix):]
    return digits if MOBILE.fullmatch(digits) else None


def _optional(field: str, value):
    """An optional fact as stored: names trimmed, the mobile number as 11 digits, empty as None."""
    if value is None or value == "":
        return None
    if field == "contact_phone":
        return mobile_number(value)
    if field in ("contact_name", "legal_representative"):
        return value.strip()
    return int(value)


def _check_range(facts, field, low, high, label, add) -> None:
    value = facts.get(field)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        add(field, N_("%(label)s应为数字", label=label))
    elif not math.isfinite(value):
        add(field, N_("%(label)s应为有限的数字", label=label))
    elif value < low:
        add(field, N_("%(label)s不能为负数", label=label) if low == 0
            else N_("%(label)s超出合理范围（最小 %(low)s）", label=label, low=f"{low:,}"))
    elif value > high:
        add(field, N_("%(label)s超出合理范围（最大 %(high)s）", label=label, high=f"{high:,}"))


def create(*, facts: Mapping[str, Any]) -> Enterprise:
    problems = check_facts(facts)
    if problems:
        raise InvalidInput("企业信息有误", problems)
    code = uscc.normalize(facts["uscc"])
    if db.session.scalar(sa.select(Enterprise.id).where(Enterprise.uscc == code)) is not None:
        raise Conflict("该统一社会信用代码已注册；如为贵司代码被占用，请联系管理员认领",
                       {"uscc": ["该统一社会信用代码已注册"]})
    enterprise = Enterprise(
        name=facts["name"].strip(),
        uscc=code,
        industry=Industry(facts["industry"]),
        founded_on=facts["founded_on"],
        employees=facts["employees"],
        annual_revenue_cny=int(facts["annual_revenue_cny"]),
        rd_ratio_pct=float(facts["rd_ratio_pct"]),
        ip_count=facts["ip_count"],
        certifications=sorted(set(facts.get("certifications") or [])),
        credit_rating=CreditRating(facts["credit_rating"]),
        district=facts["district"].strip(),
        has_collateral=bool(facts["has_collateral"]),
        share_in_leads=bool(facts.get("share_in_leads")),
        **{field: _optional(field, facts.get(field)) for field in OPTIONAL_FIELDS + INNOVATION_FIELDS},
    )
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def update(*, actor, values: Mapping[str, Any]) -> Enterprise:
    """Change the acting firm's own facts (not its credit code). A change of the leads consent is
    recorded as a consent act and in the audit trail."""
    from models import Consent, Role

    from .. import audit
    from ..errors import Forbidden

    if actor.role is not Role.ENTERPRISE:
        raise Forbidden("只有企业可以修改企业画像")
    if "uscc" in values:
        raise InvalidInput("统一社会信用代码不能修改", {"uscc": ["统一社会信用代码不能修改，如有误请联系管理员"]})
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput("包含不能修改的字段", {field: ["不能修改此字段"] for field in sorted(unknown)})
    # A field sent empty is a field cleared, and every fact is required.
    problems = check_facts(values, required=tuple(field for field in values if field in FACT_FIELDS),
                           employees_now=actor.enterprise.employees)
    if problems:
        raise InvalidInput("企业信息有误", problems)
    enterprise = actor.enterprise
    for field, value in values.items():
        if field == "industry":
            value = Industry(value)
        elif field == "credit_rating":
            value = CreditRating(value)
        elif field == "certifications":
            value = sorted(set(value or []))
        elif field in ("name", "district"):
            value = value.strip()
        elif field in OPTIONAL_FIELDS + INNOVATION_FIELDS:
            value = _optional(field, value)
        elif field in ("share_in_leads", "has_collateral"):
            value = bool(value)
        if field == "share_in_leads" and value != enterprise.share_in_leads:
            db.session.add(Consent(enterprise_id=enterprise.id, scope="leads", granted=value, actor_id=actor.id))
            audit.record("consent.change", actor_id=actor.id, target_type="enterprise", target_id=enterprise.id,
                         detail={"scope": "leads", "granted": value})
        setattr(enterprise, field, value)
    db.session.flush()
    return enterprise


def profile_viewers(*, enterprise_id: int, limit: int = 200) -> list[tuple]:
    """(time, institution name, the document's title or None for the profile) of every time an
    institution opened this firm's profile or one of its documents, newest first."""
    from models import AuditEvent, Document, Institution, User

    def looks(what, *where):
        return db.session.execute(
            sa.select(AuditEvent.at, Institution.name, what)
            .join(User, User.id == AuditEvent.actor_id).join(Institution, Institution.id == User.institution_id)
            .where(*where).order_by(AuditEvent.at.desc()).limit(limit)).all()

    profile = looks(sa.null(), AuditEvent.action == "profile.view", AuditEvent.target_type == "enterprise",
                    AuditEvent.target_id == enterprise_id)
    papers = looks(Document.title, AuditEvent.action == "document.view", AuditEvent.target_type == "document",
                   AuditEvent.target_id == Document.id, Document.enterprise_id == enterprise_id)
    return sorted(profile + papers, key=lambda row: row[0], reverse=True)[:limit]
