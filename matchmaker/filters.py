"""Template filters: money in 万元, code labels in the reader's language, local times."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from models.codes import (
    Certification, EquityStage, InterestStage, Industry, InstitutionKind, LabelledEnum, ListingStage, LoanStatus, ProductKind,
    RepaymentMethod, ReserveTier, RiskBand,
)


def wan(amount_cny: int | None, digits: int = 2) -> str:
    """Yuan shown in 万元 (or 亿元 when large), the unit people here think in; in English, as English
    readers count money: CNY 850,000, CNY 3.0 million, CNY 1.2 billion."""
    if amount_cny is None:
        return "—"
    if str(get_locale()) == "en":
        return english_money(amount_cny)
    if abs(amount_cny) >= 10**8:
        return _("%(value)s 亿元", value=format(amount_cny / 10**8, f",.{digits}f"))
    value = format(amount_cny / 10**4, f",.{digits}f").rstrip("0").rstrip(".")
    return _("%(value)s 万元", value=value)


def english_money(amount_cny: int) -> str:
    size = abs(amount_cny)
    if size >= 10**9:
        return f"CNY {amount_cny / 10**9:,.{1 if size < 10**11 else 0}f} billion"
    if size >= 10**6:
        millions = f"{amount_cny / 10**6:,.{2 if size < 10**7 else 1}f}"
        return f"CNY {millions[:-1] if millions.endswith('0') and millions[-3] == '.' else millions} million"
    return f"CNY {amount_cny:,}"


def label(member: LabelledEnum | str | None) -> str:
    """A code's label in the reader's language; plain text passes through."""
    if member is None:
        return "—"
    if isinstance(member, LabelledEnum):
        return member.label_in(str(get_locale()))
    return str(member)


def code_label(enum_cls: type[LabelledEnum]):
    """A filter that shows a code stored as plain text (JSON lists, API dicts) by its label."""

    def show(code: str) -> str:
        try:
            return label(enum_cls(code))
        except ValueError:
            return code

    return show


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return "—"
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return value.astimezone(zone).strftime(fmt)


def number(value: int | float | None) -> str:
    return "—" if value is None else f"{value:,}"


def percent(share: float | None, digits: int = 1) -> str:
    """A share (0.486) as a percentage (48.6%)."""
    return "—" if share is None else f"{share * 100:.{digits}f}%"


def hours_span(hours: float | None) -> str:
    """A duration in hours as people say it: "2 天 5 小时", "5 小时" (never "1242.5 小时")."""
    if hours is None:
        return _("暂无记录")
    whole = max(round(hours), 1)
    days, rest = divmod(whole, 24)
    if not days:
        return _("%(h)s 小时", h=rest)
    if not rest:
        return _("%(d)s 天", d=days)
    return _("%(d)s 天 %(h)s 小时", d=days, h=rest)


def file_size(size_bytes: int) -> str:
    """A file's size as people read it: "820 KB", "3.4 MB" (decimal, like the 10 MB limit)."""
    if size_bytes >= 1_000_000:
        return f"{size_bytes / 1_000_000:.1f} MB"
    return f"{max((size_bytes + 999) // 1000, 1)} KB"


def price_terms(kind: str, rate_min_pct: float, rate_max_pct: float) -> str:
    """A product's price in its own terms: a loan's yearly rate, a guarantee's or a policy's yearly fee,
    and no rate at all for an equity investment (never "0.00%")."""
    from .finance import FEE_KINDS, LENDING_FREE

    code = getattr(kind, "value", kind)
    if code in LENDING_FREE:
        return _("股权投资，不计利息")
    span = {"low": f"{rate_min_pct:.2f}", "high": f"{rate_max_pct:.2f}"}
    if code in FEE_KINDS:
        return _("年费率 %(low)s%%–%(high)s%%", **span)
    return _("年利率 %(low)s%%–%(high)s%%", **span)


def init_app(app: Flask) -> None:
    app.add_template_filter(price_terms)
    app.add_template_filter(hours_span)
    app.add_template_filter(file_size)
    app.add_template_filter(wan)
    app.add_template_filter(label)
    app.add_template_filter(local_time)
    app.add_template_filter(code_label(Certification), "cert_label")
    app.add_template_filter(code_label(ProductKind), "kind_label")
    app.add_template_filter(code_label(Industry), "industry_label")
    app.add_template_filter(number)
    app.add_template_filter(percent)
    app.add_template_filter(code_label(InstitutionKind), "institution_kind_label")
    app.add_template_filter(code_label(RepaymentMethod), "repayment_label")
    app.add_template_filter(code_label(LoanStatus), "loan_status_label")
    app.add_template_filter(code_label(RiskBand), "risk_band_label")
    app.add_template_filter(code_label(ListingStage), "listing_stage_label")
    app.add_template_filter(code_label(EquityStage), "equity_stage_label")
    app.add_template_filter(code_label(ReserveTier), "reserve_tier_label")
    app.add_template_filter(code_label(InterestStage), "interest_stage_label")
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
