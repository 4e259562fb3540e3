from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from models import RejectReason, RepaymentMethod

from ..forms import ChoiceField, IntField, NumberField, WanYuanField, required

# The service's field names where the forms' differ (its messages are shown next to these).
FORM_NAMES = {"approved_amount_cny": "approved_amount", "amount_cny": "amount", "reason": "reason_code"}


class ApproveForm(FlaskForm):
    approved_amount = WanYuanField(_l("批准金额（万元）"), [required()])
    rate_pct = NumberField(_l("年利率（%）"), [required()])
    term_months = IntField(_l("期限（月）"), [required()])


class RejectForm(FlaskForm):
    reason_code = ChoiceField(_l("拒绝原因"), choices=RejectReason.choices())
    reason = StringField(_l("补充说明（可告诉企业怎样改善）"))


class DisburseForm(FlaskForm):
    amount = WanYuanField(_l("放款金额（万元）"), [required()])
    repayment = ChoiceField(_l("还款方式"), choices=RepaymentMethod.choices(), default="equal_installment")
