"""The shared schema fields (``matchmaker/schemas.py``): codes dumped from the model as the contract
writes them, and the entity schemas dumping straight from the rows."""
from __future__ import annotations

import marshmallow as ma
import pytest

from matchmaker.schemas import AMOUNT, ROW_ID, Code, Codes, ListQuerySchema, StrictSchema
from models import Industry, ProductKind, Role


class _Shown(ma.Schema):
    role = Code(Role)
    kinds = Codes(ProductKind)
    industry = Code([m.value for m in Industry], allow_none=True)


class _Row:
    def __init__(self, **values):
        self.__dict__.update(values)


def test_a_code_is_dumped_as_its_value_and_documented_with_its_list():
    shown = _Shown().dump(_Row(role=Role.INSTITUTION, kinds={ProductKind.LEASING}, industry="life_health"))
    assert shown == {"role": "institution", "kinds": ["leasing"], "industry": "life_health"}
    assert type(shown["role"]) is str and type(shown["kinds"][0]) is str
    assert _Shown().dump(_Row(role="admin", kinds=None, industry=None)) == {"role": "admin", "kinds": None,
                                                                            "industry": None}
    assert _Shown().dump(_Row(role=Role.ADMIN, kinds=[], industry=None))["kinds"] == []
    chosen = ma.Schema.from_dict({"kinds": Codes(ProductKind, load_default=list, required=False)})()
    assert chosen.load({}) == {"kinds": []} and chosen.load({"kinds": ["leasing"]}) == {"kinds": ["leasing"]}
    assert _Shown._declared_fields["role"].metadata == {"enum": ["enterprise", "institution", "admin"]}
    assert _Shown._declared_fields["industry"].metadata["enum"] == Industry.values()
    described = Code(Role, metadata={"description": "谁"}).metadata
    assert described == {"enum": Role.values(), "description": "谁"}


def test_a_code_is_read_as_the_string_sent_so_the_service_names_an_unknown_one():
    assert _Shown().load({"role": "lottery", "kinds": ["leasing", "nonsense"]}) == {
        "role": "lottery", "kinds": ["leasing", "nonsense"]}
    with pytest.raises(ma.ValidationError) as refused:
        _Shown().load({"role": 7})
    assert list(refused.value.messages) == ["role"]


def test_strict_input_refuses_unknown_fields_and_lists_page_within_bounds():
    class Strict(StrictSchema):
        name = ma.fields.String()

    with pytest.raises(ma.ValidationError) as refused:
        Strict().load({"name": "x", "status": "approved"})
    assert list(refused.value.messages) == ["status"]
    assert ListQuerySchema().load({}) == {"limit": 20, "offset": 0}
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"offset": 10**9 + 1}):
        with pytest.raises(ma.ValidationError):
            ListQuerySchema().load(bad)
    assert ListQuerySchema().load({"limit": 100, "offset": 10**9}) == {"limit": 100, "offset": 10**9}
    assert (ROW_ID.min, ROW_ID.max, AMOUNT.min, AMOUNT.max) == (1, 2**31 - 1, -(2**63), 2**63 - 1)


def test_the_openapi_document_lists_each_entitys_codes(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert schemas["Product"]["properties"]["kind"]["enum"] == ProductKind.values()
    assert schemas["Application"]["properties"]["status"]["enum"][0] == "submitted"
    assert schemas["Enterprise"]["properties"]["certifications"]["items"]["enum"][0] == "high_tech_enterprise"
    assert schemas["User"]["properties"]["role"]["enum"] == Role.values()
