"""Documents as the API reads and shows them."""
from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from models import DocumentKind

from ..schemas import ROW_ID, Code, StrictSchema


class DocumentSchema(ma.Schema):
    """A document's facts, dumped from its row (the bytes are at its ``file`` address)."""

    id = ma.fields.Integer()
    kind = Code(DocumentKind)
    title = ma.fields.String()
    filename = ma.fields.String()
    content_type = ma.fields.String(metadata={"description": "read from the file's bytes: PDF, JPEG or PNG"})
    size_bytes = ma.fields.Integer()
    sha256 = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class DocumentListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DocumentSchema))
    total = ma.fields.Integer()


class DocumentFormSchema(ma.Schema):
    """The multipart form's text fields; the service names what is wrong with them."""

    kind = ma.fields.String(required=True, metadata={"enum": DocumentKind.values()})
    title = ma.fields.String(load_default="")


class DocumentFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "PDF, JPEG or PNG, at most 10 MB"})


class ShareSchema(StrictSchema):
    document_ids = ma.fields.List(ma.fields.Integer(strict=True, validate=ROW_ID), required=True,
                                  validate=ma.validate.Length(max=100))
