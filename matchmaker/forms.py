"""Form fields that speak Chinese and money in 万元, shared by every feature's forms."""
from __future__ import annotations

import datetime as dt
import decimal

from flask_babel import lazy_gettext as _l
from wtforms import fields, validators
from wtforms.fields.choices import SelectChoice


# Beyond these a typed number is a typing error, and would overflow the database or the arithmetic
# (1e999999 is a finite Decimal). The services then check each field's own, narrower range.
LARGEST_INTEGER = 2**31 - 1
LARGEST_NUMBER = decimal.Decimal(10) ** 12


class IntField(fields.IntegerField):
    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0].strip() == "":
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip().replace(",", ""))
        except ValueError:
            self.data = None
            raise ValueError(_l("请输入整数")) from None
        if abs(self.data) > LARGEST_INTEGER:
            self.data = None
            raise ValueError(_l("数字超出合理范围"))


class NumberField(fields.DecimalField):
    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0].strip() == "":
            self.data = None
            return
        try:
            value = decimal.Decimal(valuelist[0].strip().replace(",", ""))
        except decimal.InvalidOperation:
            self.data = None
            raise ValueError(_l("请输入数字")) from None
        if not value.is_finite():
            self.data = None
            raise ValueError(_l("请输入数字"))
        if abs(value) > LARGEST_NUMBER:
            self.data = None
            raise ValueError(_l("数字超出合理范围"))
        self.data = value


class WanYuanField(NumberField):
    """An amount typed in 万元 (how people think of it) and kept in yuan (how it is stored)."""

    @property
    def yuan(self) -> int | None:
        if self.data is None:
            return None
        return int((self.data * 10000).to_integral_value(rounding=decimal.ROUND_HALF_UP))

    def set_yuan(self, amount: int | None) -> None:
        self.data = None if amount is None else (decimal.Decimal(amount) / 10000).normalize()


class DayField(fields.DateField):
    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0].strip() == "":
            self.data = None
            return
        try:
            self.data = dt.date.fromisoformat(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("日期格式应为 YYYY-MM-DD")) from None


def select_choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value=value, label=label) for value, label in pairs]


class ChoiceField(fields.SelectField):
    """A select whose options are (value, Chinese label) pairs; labels are translated when shown."""

    def __init__(self, label=None, validators=None, choices=(), **kwargs):
        super().__init__(label, validators, choices=select_choices(choices), **kwargs)

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            raise validators.ValidationError(_l("请选择列表中的一项"))


class MultiChoiceField(fields.SelectMultipleField):
    def __init__(self, label=None, validators=None, choices=(), **kwargs):
        super().__init__(label, validators, choices=select_choices(choices), **kwargs)

    def pre_validate(self, form):
        allowed = {choice.value for choice in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise validators.ValidationError(_l("包含无效的选项"))


def required(message=None):
    return validators.InputRequired(message=message or _l("此项为必填项"))


def attach_problems(form, problems: dict[str, list[str]], *, prefix: str | None = None,
                    names: dict[str, str] | None = None) -> None:
    """Show a service's per-field problems next to the form's fields (unknown ones at the top).

    ``prefix`` is stripped from the service's field names (``enterprise.uscc``) and ``names`` maps
    the rest to the form's own (``amount_cny`` is typed as ``amount`` in 万元).
    """
    for key, messages in problems.items():
        name = key[len(prefix):] if prefix and key.startswith(prefix) else key
        name = (names or {}).get(name, name)
        field = getattr(form, name, None)
        if field is None or not hasattr(field, "errors"):
            form.form_errors.extend(messages)
            continue
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.extend(messages)
