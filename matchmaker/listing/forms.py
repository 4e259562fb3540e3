from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from models import ListingStage, ReserveTier

from ..forms import ChoiceField, DayField, IntField, NumberField, WanYuanField, required


class ListingFactsForm(FlaskForm):
    expected_market_value_cny = WanYuanField(_l("预计市值（万元）"))
    share_capital_cny = WanYuanField(_l("股本总额（万元）"))
    revenue_prev_cny = WanYuanField(_l("前一年营业收入（万元）"))
    revenue_prev2_cny = WanYuanField(_l("前两年营业收入（万元）"))
    rd_expense_cny = WanYuanField(_l("最近一年研发投入（万元）"))
    rd_expense_prev_cny = WanYuanField(_l("前一年研发投入（万元）"))
    rd_expense_prev2_cny = WanYuanField(_l("前两年研发投入（万元）"))
    operating_cash_flow_cny = WanYuanField(_l("最近一年经营活动现金流量净额（万元）"))
    operating_cash_flow_3y_cny = WanYuanField(_l("最近三年经营活动现金流量净额合计（万元）"))
    roe_pct = NumberField(_l("最近一年加权平均净资产收益率（%）"))
    roe_prev_pct = NumberField(_l("前一年加权平均净资产收益率（%）"))
    neeq_innovation_months = IntField(_l("新三板创新层挂牌月数"))
    national_main_product = BooleanField(_l("主要产品经国家有关部门批准"))


class StageForm(FlaskForm):
    uscc = StringField(_l("统一社会信用代码"))
    stage = ChoiceField(_l("上市进程阶段"), choices=ListingStage.choices())
    tier = ChoiceField(_l("后备层级"), choices=[("", "—"), *ReserveTier.choices()])
    changed_on = DayField(_l("变更日期"), [required()])
