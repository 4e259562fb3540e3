from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, validators

from models import Certification, CreditRating, Industry

from ..forms import (
    ChoiceField, DayField, IntField, MultiChoiceField, NumberField, WanYuanField, required, select_choices,
)

DISTRICTS = (
    "九龙坡区", "沙坪坝区", "北碚区", "璧山区", "江津区", "渝北区", "江北区", "南岸区",
    "渝中区", "大渡口区", "巴南区", "两江新区",
)


class LoginForm(FlaskForm):
    email = EmailField(_l("邮箱"), [required(_l("请填写邮箱"))])
    password = PasswordField(_l("密码"), [required(_l("请填写密码"))])


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("当前密码"), [required(_l("请填写当前密码"))])
    password = PasswordField(_l("新密码（至少 10 个字符）"), [required(_l("请填写新密码"))])
    password_confirm = PasswordField(
        _l("确认新密码"),
        [required(_l("请再次输入新密码")), validators.EqualTo("password", _l("两次输入的密码不一致"))],
    )


class NotificationsForm(FlaskForm):
    email_notifications = BooleanField(_l("用邮件通知我（审批结果、放款、机构邀请；机构人员：每日超时申请汇总）"))
    language = ChoiceField(_l("邮件语言"), validators=[required(_l("请选择邮件语言"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The site's languages (config LANGUAGES), the same list the service accepts.
        self.language.choices = select_choices(current_app.config["LANGUAGES"].items())


class CodeForm(FlaskForm):
    code = StringField(_l("动态验证码或恢复码"), [required(_l("请填写验证码"))])


class RegisterForm(FlaskForm):
    email = EmailField(_l("登录邮箱"), [required(_l("请填写邮箱"))])
    password = PasswordField(_l("密码（至少 10 个字符）"), [required(_l("请填写密码"))])
    password_confirm = PasswordField(
        _l("确认密码"),
        [required(_l("请再次输入密码")), validators.EqualTo("password", _l("两次输入的密码不一致"))],
    )
    name = StringField(_l("企业名称"), [required(_l("请填写企业名称"))])
    uscc = StringField(_l("统一社会信用代码"), [required(_l("请填写统一社会信用代码"))])
    industry = ChoiceField(_l("所属行业"), choices=[("", "—")] + Industry.choices())
    founded_on = DayField(_l("成立日期"), [required(_l("请填写成立日期"))])
    employees = IntField(_l("员工人数"), [required(_l("请填写员工人数"))])
    annual_revenue = WanYuanField(_l("上年营业收入（万元）"), [required(_l("请填写营业收入"))])
    rd_ratio_pct = NumberField(_l("研发投入占营收比例（%）"), [required(_l("请填写研发投入占比"))])
    ip_count = IntField(_l("有效知识产权数量（专利、商标、软著）"), [required(_l("请填写知识产权数量"))])
    certifications = MultiChoiceField(_l("资质认定"), choices=Certification.choices())
    credit_rating = ChoiceField(_l("信用评级"), choices=[("", "—")] + CreditRating.choices())
    district = ChoiceField(_l("所在区县"), choices=[("", "—")] + [(d, d) for d in DISTRICTS])
    has_collateral = BooleanField(_l("有可用于抵押的资产"))
    share_in_leads = BooleanField(_l("同意在金融机构的潜在客户推荐中展示本企业（不含联系方式，可随时关闭）"))
    accept_terms = BooleanField(_l("我已阅读并同意平台服务协议与隐私政策"),
                                [validators.InputRequired(_l("请阅读并同意服务协议"))])

    def facts(self) -> dict:
        return {
            "name": self.name.data,
            "uscc": self.uscc.data,
            "industry": self.industry.data,
            "founded_on": self.founded_on.data,
            "employees": self.employees.data,
            "annual_revenue_cny": self.annual_revenue.yuan,
            "rd_ratio_pct": float(self.rd_ratio_pct.data) if self.rd_ratio_pct.data is not None else None,
            "ip_count": self.ip_count.data,
            "certifications": self.certifications.data or [],
            "credit_rating": self.credit_rating.data,
            "district": self.district.data,
            "has_collateral": self.has_collateral.data,
            "share_in_leads": self.share_in_leads.data,
        }
