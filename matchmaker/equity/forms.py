from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField

from models import EquityStage, Industry

from ..forms import ChoiceField, DayField, IntField, MultiChoiceField, WanYuanField, required


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


class RoundPlanForm(FlaskForm):
    """Which of the firm's documents is the round's business plan (its choices are the firm's documents)."""
    document_id = ChoiceField(_l("商业计划书（从企业材料中选择）"), choices=[])


class PitchForm(FlaskForm):
    roadshow_id = ChoiceField(_l("申请路演"), choices=[])


class InterestMoveForm(FlaskForm):
    stage = ChoiceField(_l("推进到"), choices=[])
    amount_cny = WanYuanField(_l("投资金额（万元，已投资时填写）"))
    reason = TextAreaField(_l("放弃原因（放弃时填写）"))


class RoadshowForm(FlaskForm):
    title = StringField(_l("路演主题"), [required()])
    held_on = DayField(_l("举办日期"), [required()])
    industries = MultiChoiceField(_l("主题行业（不选即不限）"), choices=Industry.choices())
    capacity = IntField(_l("投资机构席位数"), [required()])
