from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, validators

from ..forms import ChoiceField, required, select_choices

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
