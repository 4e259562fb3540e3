from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, StringField

from models import InstitutionKind

from ..forms import ChoiceField, IntField, required


class OfficerForm(FlaskForm):
    officer_email = StringField(_l("机构经办人邮箱"), [required()])
    officer_password = PasswordField(_l("初始密码（至少 10 位）"), [required()])


class InstitutionForm(OfficerForm):
    name = StringField(_l("机构名称"), [required(_l("请填写机构名称"))])
    kind = ChoiceField(_l("机构类型"), choices=InstitutionKind.choices())
    service_target_days = IntField(_l("服务承诺（工作日内答复）"), [required()], default=3)

    def values(self) -> dict:
        return {"name": self.name.data or "", "kind": self.kind.data, "service_target_days": self.service_target_days.data,
                "officer_email": self.officer_email.data or "", "officer_password": self.officer_password.data or ""}


class ImportForm(FlaskForm):
    file = FileField(_l("历史决策 CSV 文件"), [FileRequired(_l("请选择要上传的 CSV 文件"))])
