from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField

from models import Certification, CreditRating, Industry, ProductKind

from ..auth.forms import DISTRICTS
from ..forms import ChoiceField, DayField, IntField, MultiChoiceField, NumberField, WanYuanField, required


class ProfileForm(FlaskForm):
    name = StringField(_l("企业名称"), [required(_l("请填写企业名称"))])
    industry = ChoiceField(_l("所属行业"), choices=Industry.choices())
    founded_on = DayField(_l("成立日期"), [required(_l("请填写成立日期"))])
    employees = IntField(_l("员工人数"), [required(_l("请填写员工人数"))])
    annual_revenue = WanYuanField(_l("上年营业收入（万元）"), [required(_l("请填写营业收入"))])
    rd_ratio_pct = NumberField(_l("研发投入占营收比例（%）"), [required(_l("请填写研发投入占比"))])
    ip_count = IntField(_l("有效知识产权数量（专利、商标、软著）"), [required(_l("请填写知识产权数量"))])
    certifications = MultiChoiceField(_l("资质认定"), choices=Certification.choices())
    credit_rating = ChoiceField(_l("信用评级"), choices=CreditRating.choices())
    district = ChoiceField(_l("所在区县"), choices=[(d, d) for d in DISTRICTS])
    has_collateral = BooleanField(_l("有可用于抵押的资产"))
    share_in_leads = BooleanField(_l("同意在金融机构的潜在客户推荐中展示本企业（不含联系方式，可随时关闭）"))

    def values(self) -> dict:
        return {
            "name": self.name.data, "industry": self.industry.data, "founded_on": self.founded_on.data,
            "employees": self.employees.data, "annual_revenue_cny": self.annual_revenue.yuan,
            "rd_ratio_pct": float(self.rd_ratio_pct.data) if self.rd_ratio_pct.data is not None else None,
            "ip_count": self.ip_count.data, "certifications": self.certifications.data or [],
            "credit_rating": self.credit_rating.data, "district": self.district.data,
            "has_collateral": self.has_collateral.data, "share_in_leads": self.share_in_leads.data,
        }

    def fill(self, enterprise) -> None:
        for name in ("name", "founded_on", "employees", "ip_count", "district", "has_collateral", "share_in_leads"):
            getattr(self, name).data = getattr(enterprise, name)
        self.industry.data = enterprise.industry.value
        self.credit_rating.data = enterprise.credit_rating.value
        self.annual_revenue.set_yuan(enterprise.annual_revenue_cny)
        self.rd_ratio_pct.data = enterprise.rd_ratio_pct
        self.certifications.data = list(enterprise.certifications or [])


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


FORM_NAMES = {"annual_revenue_cny": "annual_revenue", "amount_cny": "amount"}
