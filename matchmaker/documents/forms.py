from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField

from models import DocumentKind

from ..forms import ChoiceField


class UploadForm(FlaskForm):
    kind = ChoiceField(_l("材料类型"), choices=DocumentKind.choices())
    title = StringField(_l("材料名称（不填则用材料类型）"))
    file = FileField(_l("文件（PDF、JPEG 或 PNG，不超过 10 MB）"), [FileRequired(_l("请选择要上传的文件"))])


class ShareForm(FlaskForm):
    """The documents an application shares: the ticked boxes (``document``), read by the view."""
