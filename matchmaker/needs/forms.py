from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField

from models import ProductKind

from ..forms import IntField, MultiChoiceField, NumberField, WanYuanField, required

# The service's field names where the form's differ (its messages are shown next to these).
FORM_NAMES = {"amount_cny": "amount"}


class NeedForm(FlaskForm):
    amount = WanYuanField(_l("融资金额（万元）"), [required(_l("请填写融资金额"))])
    term_months = IntField(_l("期限（月）"), [required(_l("请填写融资期限"))])
    purpose = TextAreaField(_l("资金用途"))
    preferred_kinds = MultiChoiceField(_l("偏好的产品类型（不选则不限）"), choices=ProductKind.choices())
    max_rate_pct = NumberField(_l("可接受的最高年利率（%，可不填）"))
    collateral_offered = BooleanField(_l("可提供抵押物"))

    def values(self) -> dict:
        return {
            "amount_cny": self.amount.yuan, "term_months": self.term_months.data, "purpose": self.purpose.data or "",
            "preferred_kinds": self.preferred_kinds.data or [],
            "max_rate_pct": float(self.max_rate_pct.data) if self.max_rate_pct.data is not None else None,
            "collateral_offered": self.collateral_offered.data,
        }

    def fill(self, need) -> None:
        self.amount.set_yuan(need.amount_cny)
        self.term_months.data = need.term_months
        self.purpose.data = need.purpose
        self.preferred_kinds.data = list(need.preferred_kinds or [])
        self.max_rate_pct.data = need.max_rate_pct
        self.collateral_offered.data = need.collateral_offered
