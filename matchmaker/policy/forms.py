from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from ..forms import DayField, required


class ClaimForm(FlaskForm):
    payee_account_name = StringField(_l("收款户名"), [required()])
    payee_account_no = StringField(_l("收款账号"), [required()])
    payee_bank = StringField(_l("开户银行"), [required()])


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("理由（驳回时必填）"))


class PaymentForm(FlaskForm):
    paid_on = DayField(_l("拨付日期"), [required()])
