"""What every entity's schema shares: strict input, list paging, the database's number limits, and a
field for the market's codes. The schemas themselves live with their entity (``<folder>/schemas.py``);
they parse types and dump the model, business rules live in the services."""
from __future__ import annotations

import enum

import marshmallow as ma

# What the database can hold: row ids are INTEGER, amounts BIGINT. Larger numbers are invalid input
# (422 naming the field), not an overflow deep in the driver.
ROW_ID = ma.validate.Range(1, 2**31 - 1)
AMOUNT = ma.validate.Range(-(2**63), 2**63 - 1)


class StrictSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE  # a misspelt or forbidden field is refused, never silently dropped


class ListQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, 100))
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, 10**9))


class Code(ma.fields.String):
    """A code of the market (``models.codes``) as the contract writes it: the member's value when dumped
    from the model, the plain string when parsed (the service names a code it does not know)."""

    def __init__(self, codes: type[enum.Enum] | list[str], **kwargs):
        values = codes if isinstance(codes, list) else [member.value for member in codes]
        kwargs.setdefault("metadata", {})
        kwargs["metadata"] = {"enum": values, **kwargs["metadata"]}
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(value.value if isinstance(value, enum.Enum) else value, attr, obj, **kwargs)


class Codes(ma.fields.List):
    """A list of codes (the model's list of codes, dumped as their values)."""

    def __init__(self, codes: type[enum.Enum] | list[str], **kwargs):
        super().__init__(Code(codes), **kwargs)
