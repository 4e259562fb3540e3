from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from ..forms import DayField, IntField, required


class RepaymentForm(FlaskForm):
    paid_on = DayField(_l("还款日期"), [required()])
    principal_cny = IntField(_l("还款本金（元）"))
    interest_cny = IntField(_l("还款利息（元）"))


class OverdueForm(FlaskForm):
    since = DayField(_l("逾期起始日"), [required()])
    overdue_principal_cny = IntField(_l("逾期本金（元）"), [required()])
