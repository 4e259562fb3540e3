from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField

from models import Certification, CreditGrade, CreditRating, Industry, ProductKind, RepaymentMethod

from ..forms import ChoiceField, IntField, MultiChoiceField, NumberField, WanYuanField, required

# The service's field names where the form's differ (its messages are shown next to these).
FORM_NAMES = {"min_amount_cny": "min_amount", "max_amount_cny": "max_amount", "min_annual_revenue_cny": "min_revenue"}


class ProductForm(FlaskForm):
    name = StringField(_l("产品名称"), [required(_l("请填写产品名称"))])
    # Equity investment is published as an investor profile, no longer as a product.
    kind = ChoiceField(_l("产品类型"), choices=[c for c in ProductKind.choices() if c[0] != "equity_investment"])
    min_amount = WanYuanField(_l("最低金额（万元）"), [required()])
    max_amount = WanYuanField(_l("最高金额（万元）"), [required()])
    min_term_months = IntField(_l("最短期限（月）"), [required()])
    max_term_months = IntField(_l("最长期限（月）"), [required()])
    rate_min_pct = NumberField(_l("最低年利率（%）"), [required()])
    rate_max_pct = NumberField(_l("最高年利率（%）"), [required()])
    repayment_methods = MultiChoiceField(_l("还款方式（担保、保险、股权投资可不选）"), choices=RepaymentMethod.choices())
    pledge_ratio_pct = NumberField(_l("质押率（%，仅知识产权质押贷款）"))
    description = TextAreaField(_l("产品说明"))
    industries = MultiChoiceField(_l("支持的行业（不选则不限）"), choices=Industry.choices())
    min_years = NumberField(_l("最低经营年限（年）"))
    min_revenue = WanYuanField(_l("最低年营业收入（万元）"))
    min_ip_count = IntField(_l("最少知识产权数量"))
    required_certifications = MultiChoiceField(_l("必须具备的资质"), choices=Certification.choices())
    min_credit_rating = ChoiceField(_l("最低信用评级"), choices=[("", "—")] + CreditRating.choices())
    min_credit_grade = ChoiceField(_l("最低知识价值信用评级"), choices=[("", "—")] + CreditGrade.choices(), default="")
    collateral_required = BooleanField(_l("需要抵押物"))

    def values(self) -> dict:
        def number(field):
            return float(field.data) if field.data is not None else None

        return {
            "name": self.name.data, "kind": self.kind.data, "min_amount_cny": self.min_amount.yuan,
            "max_amount_cny": self.max_amount.yuan, "min_term_months": self.min_term_months.data,
            "max_term_months": self.max_term_months.data, "rate_min_pct": number(self.rate_min_pct),
            "rate_max_pct": number(self.rate_max_pct), "description": self.description.data or "",
            "repayment_methods": self.repayment_methods.data or [],
            "pledge_ratio_pct": number(self.pledge_ratio_pct),
            "industries": self.industries.data or [], "min_years": number(self.min_years) or 0,
            "min_annual_revenue_cny": self.min_revenue.yuan or 0, "min_ip_count": self.min_ip_count.data or 0,
            "required_certifications": self.required_certifications.data or [],
            "min_credit_rating": self.min_credit_rating.data or None,
            "min_credit_grade": self.min_credit_grade.data or None,
            "collateral_required": self.collateral_required.data,
        }

    def fill(self, product) -> None:
        self.name.data, self.kind.data = product.name, product.kind.value
        self.min_amount.set_yuan(product.min_amount_cny)
        self.max_amount.set_yuan(product.max_amount_cny)
        self.min_term_months.data, self.max_term_months.data = product.min_term_months, product.max_term_months
        self.rate_min_pct.data, self.rate_max_pct.data = product.rate_min_pct, product.rate_max_pct
        self.description.data = product.description
        self.repayment_methods.data = list(product.repayment_methods or [])
        self.industries.data = list(product.industries or [])
        self.min_years.data = product.min_years
        self.min_revenue.set_yuan(product.min_annual_revenue_cny)
        self.min_ip_count.data = product.min_ip_count
        self.required_certifications.data = list(product.required_certifications or [])
        self.min_credit_rating.data = product.min_credit_rating.value if product.min_credit_rating else ""
        self.min_credit_grade.data = product.min_credit_grade.value if product.min_credit_grade else ""
        self.pledge_ratio_pct.data = product.pledge_ratio_pct
        self.collateral_required.data = product.collateral_required
