from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, validators

from models import Certification, CreditRating, Industry

from ..forms import ChoiceField, DayField, IntField, MultiChoiceField, NumberField, WanYuanField, required
from .services import INNOVATION_FIELDS

DISTRICTS = (
    "九龙坡区", "沙坪坝区", "北碚区", "璧山区", "江津区", "渝北区", "江北区", "南岸区",
    "渝中区", "大渡口区", "巴南区", "两江新区",
)
# The service's field names where the form's differ (its messages are shown next to these).
FORM_NAMES = {"annual_revenue_cny": "annual_revenue", "total_assets_cny": "total_assets",
              "total_liabilities_cny": "total_liabilities", "net_profit_cny": "net_profit",
              "net_profit_prev_cny": "net_profit_prev"}
MONEY_FIELDS = (("total_assets", "total_assets_cny"), ("total_liabilities", "total_liabilities_cny"),
                ("net_profit", "net_profit_cny"), ("net_profit_prev", "net_profit_prev_cny"))


class FirmFactsForm(FlaskForm):
    """A firm's facts, the same on its registration and its profile (templates/enterprise/_facts.html)."""

    name = StringField(_l("企业名称"), [required(_l("请填写企业名称"))])
    industry = ChoiceField(_l("所属行业"), choices=[("", "—")] + Industry.choices())
    founded_on = DayField(_l("成立日期"), [required(_l("请填写成立日期"))])
    employees = IntField(_l("员工人数"), [required(_l("请填写员工人数"))])
    annual_revenue = WanYuanField(_l("上年营业收入（万元）"), [required(_l("请填写营业收入"))])
    rd_ratio_pct = NumberField(_l("研发投入占营收比例（%）"), [required(_l("请填写研发投入占比"))])
    ip_count = IntField(_l("有效知识产权数量（专利、商标、软著）"), [required(_l("请填写知识产权数量"))])
    certifications = MultiChoiceField(_l("资质认定"), choices=Certification.choices())
    credit_rating = ChoiceField(_l("信用评级"), choices=[("", "—")] + CreditRating.choices())
    district = ChoiceField(_l("所在区县"), choices=[("", "—")] + [(d, _l(d)) for d in DISTRICTS])
    has_collateral = BooleanField(_l("有可用于抵押的资产"))
    share_in_leads = BooleanField(_l("同意在金融机构的潜在客户推荐中展示本企业（不含联系方式，可随时关闭）"))
    contact_name = StringField(_l("联系人"))
    contact_phone = StringField(_l("联系人手机号"))
    legal_representative = StringField(_l("法定代表人"))
    total_assets = WanYuanField(_l("资产总额（万元）"))
    total_liabilities = WanYuanField(_l("负债总额（万元）"))
    net_profit = WanYuanField(_l("上年净利润（万元，亏损填负数）"))
    net_profit_prev = WanYuanField(_l("前年净利润（万元）"))
    rd_staff = IntField(_l("研发人员数"))
    tech_talent = IntField(_l("科技人才数（硕士、博士或高级职称）"))
    innovative_products = IntField(_l("创新产品数（新产品、高新技术产品）"))
    awards = IntField(_l("科技奖励数"))

    def values(self) -> dict:
        return {
            "contact_name": self.contact_name.data or None, "contact_phone": self.contact_phone.data or None,
            "legal_representative": self.legal_representative.data or None,
            **{name: getattr(self, name).data for name in INNOVATION_FIELDS},
            **{name: getattr(self, field).yuan for field, name in MONEY_FIELDS},
            "name": self.name.data, "industry": self.industry.data, "founded_on": self.founded_on.data,
            "employees": self.employees.data, "annual_revenue_cny": self.annual_revenue.yuan,
            "rd_ratio_pct": float(self.rd_ratio_pct.data) if self.rd_ratio_pct.data is not None else None,
            "ip_count": self.ip_count.data, "certifications": self.certifications.data or [],
            "credit_rating": self.credit_rating.data, "district": self.district.data,
            "has_collateral": self.has_collateral.data, "share_in_leads": self.share_in_leads.data,
        }


class ProfileForm(FirmFactsForm):
    def fill(self, enterprise) -> None:
        for name in ("name", "founded_on", "employees", "ip_count", "district", "has_collateral", "share_in_leads",
                     "contact_name", "contact_phone", "legal_representative", *INNOVATION_FIELDS):
            getattr(self, name).data = getattr(enterprise, name)
        for field, name in MONEY_FIELDS:
            getattr(self, field).set_yuan(getattr(enterprise, name))
        self.industry.data = enterprise.industry.value
        self.credit_rating.data = enterprise.credit_rating.value
        self.annual_revenue.set_yuan(enterprise.annual_revenue_cny)
        self.rd_ratio_pct.data = enterprise.rd_ratio_pct
        self.certifications.data = list(enterprise.certifications or [])


class RegisterForm(FirmFactsForm):
    # The bank calls someone: asked of every firm that registers on the page.
    contact_name = StringField(_l("联系人"), [required(_l("请填写联系人"))])
    contact_phone = StringField(_l("联系人手机号"), [required(_l("请填写联系人手机号"))])
    email = EmailField(_l("登录邮箱"), [required(_l("请填写邮箱"))])
    password = PasswordField(_l("密码（至少 10 个字符）"), [required(_l("请填写密码"))])
    password_confirm = PasswordField(
        _l("确认密码"),
        [required(_l("请再次输入密码")), validators.EqualTo("password", _l("两次输入的密码不一致"))],
    )
    uscc = StringField(_l("统一社会信用代码"), [required(_l("请填写统一社会信用代码"))])
    accept_terms = BooleanField(_l("我已阅读并同意平台服务协议与隐私政策"),
                                [validators.InputRequired(_l("请阅读并同意服务协议"))])

    def facts(self) -> dict:
        return {**self.values(), "uscc": self.uscc.data}
