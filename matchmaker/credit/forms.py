from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from models import IpKind

from ..forms import ChoiceField, DayField, required


class IpAssetForm(FlaskForm):
    kind = ChoiceField(_l("类型"), choices=IpKind.choices())
    number = StringField(_l("专利号或登记号"), [required()])
    title = StringField(_l("名称"), [required()])
    granted_on = DayField(_l("授权日期"), [required()])
    expires_on = DayField(_l("到期日期"), [required()])
    pledged = BooleanField(_l("已质押或已独占许可"))
