"""The contract's error shape: {"error": {"code", "message", "fields"?}}."""
from __future__ import annotations

import marshmallow as ma
from flask import jsonify

# Machine codes per status, stable for clients.
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}

MESSAGES = {
    400: "请求格式错误",
    401: "未登录或令牌无效",
    403: "当前角色无权执行此操作",
    404: "资源不存在",
    405: "不支持该请求方法",
    409: "与现有数据冲突",
    413: "请求体超过 16 MiB 上限",
    415: "请求内容类型不受支持",
    422: "输入有误，请检查标出的字段",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误",
    503: "服务暂不可用",
}


class ErrorBody(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "machine-readable code"})
    message = ma.fields.String(required=True, metadata={"description": "human-readable text"})
    fields = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "problems per field, present when input was invalid"},
    )


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBody, required=True)


def flatten_fields(messages, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into ``{"enterprise.uscc": [...]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                flat.update(flatten_fields(value, path))
            elif isinstance(value, list):
                flat.setdefault(path, []).extend(
                    m if isinstance(m, str) else str(m) for m in value
                )
            else:
                flat.setdefault(path, []).append(str(value))
    elif isinstance(messages, list):
        flat[prefix or "_schema"] = [str(m) for m in messages]
    return flat


def error_response(status: int, message: str | None = None, fields=None, code: str | None = None,
                   headers=None):
    body = {"code": code or CODES.get(status, "error"), "message": message or MESSAGES.get(status, "")}
    if fields:
        body["fields"] = fields
    response = jsonify({"error": body})
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
