from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField

from models import EquityStage, Industry

from ..forms import ChoiceField, MultiChoiceField, WanYuanField, required


class InvestorProfileForm(FlaskForm):
    stages = MultiChoiceField(_l("投资阶段"), choices=EquityStage.choices())
    industries = MultiChoiceField(_l("关注行业（不选即不限）"), choices=Industry.choices())
    min_ticket_cny = WanYuanField(_l("单笔投资下限（万元）"))
    max_ticket_cny = WanYuanField(_l("单笔投资上限（万元）"))
    fund_size_cny = WanYuanField(_l("基金规模（万元）"))
    accepts_deal_flow = BooleanField(_l("接收项目推荐（企业同意展示的股权融资需求）"), default=True)


class EquityNeedForm(FlaskForm):
    round = ChoiceField(_l("融资轮次"), choices=EquityStage.choices())
    amount_cny = WanYuanField(_l("融资金额（万元）"), [required()])
    pre_money_valuation_cny = WanYuanField(_l("投前估值（万元）"), [required()])
    use_of_funds = TextAreaField(_l("资金用途"), [required()])
    highlights = TextAreaField(_l("项目亮点（技术、团队、市场、已获投资等）"))
