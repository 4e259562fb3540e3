from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from ..forms import DayField, IntField, required


class RepaymentForm(FlaskForm):
    paid_on = DayField(_l("还款日期"), [required()])
    principal_cny = IntField(_l("还款本金（元）"))
    interest_cny = IntField(_l("还款利息（元）"))


class OverdueForm(FlaskForm):
    since = DayField(_l("逾期起始日"), [required()])
    overdue_principal_cny = IntField(_l("逾期本金（元）"), [required()])


class ClaimForm(FlaskForm):
    loss_cny = IntField(_l("损失金额（元，不超过逾期本金）"), [required()])


class RecoveryForm(FlaskForm):
    amount_cny = IntField(_l("追偿回收金额（元）"), [required()])
    recovered_on = DayField(_l("回收日期"), [required()])


class WarningActionForm(FlaskForm):
    action = TextAreaField(_l("采取的措施"), [required()])


class ContributionForm(FlaskForm):
    city_cny = IntField(_l("市级出资（元）"), [required()])
    district_cny = IntField(_l("区级出资（元）"), [required()])
    received_on = DayField(_l("到账日期"), [required()])


class ClaimDecisionForm(FlaskForm):
    reason = StringField(_l("驳回理由"))
