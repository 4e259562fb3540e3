"""Input hygiene at the door, before any view or schema sees a request.

A JSON body is read once here, within a limit far below the upload limit, and refused early and
cheaply when its shape could cost the server more than a real client ever needs: nested deeper than
any of our schemas, objects with more keys or arrays with more items than any field takes. Text that
no database or encoder can hold (NUL, lone UTF-16 surrogates) is refused naming the field. Without
this, a 14 MiB body of a million unknown keys took 16 s and answered 35 MB, and 1,000 levels of
nesting ended in a RecursionError.
"""
from __future__ import annotations

import json

from flask import Flask, current_app, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from .errors import BadRequest, InvalidInput
from .text import text_problem
from .wording import N_

WRITING_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _name(key) -> str:
    # A key may itself be hostile; the name shown back must always encode.
    return str(key).encode(errors="backslashreplace").decode()


def _path(path: str, key) -> str:
    return f"{path}.{_name(key)}" if path else _name(key)


def json_problems(document, *, max_depth: int, max_keys: int, max_items: int) -> dict[str, list[str]]:
    """Problems with a parsed JSON document's shape and text, per field path. Walked without
    recursion, so no shape can exhaust the stack; stops at the first object or array too large."""
    problems: dict[str, list[str]] = {}
    stack = [(document, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if (problem := text_problem(value)) is not None:
                problems.setdefault(path or "body", []).append(problem)
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth >= max_depth:
            raise BadRequest(N_("JSON 嵌套过深（最多 %(max_depth)s 层）", max_depth=max_depth))
        if isinstance(value, dict):
            if len(value) > max_keys:
                raise InvalidInput(N_("字段过多：%(value)s 个（最多 %(max_keys)s 个）", value=len(value), max_keys=max_keys),
                                   {path or "body": [N_("对象最多 %(max_keys)s 个字段", max_keys=max_keys)]})
            for key, item in value.items():
                child = _path(path, key)
                if (problem := text_problem(key)) is not None:
                    problems.setdefault(child, []).append(N_("字段名%(problem)s", problem=problem))
                stack.append((item, child, depth + 1))
        else:
            if len(value) > max_items:
                raise InvalidInput(N_("列表过长：%(value)s 项（最多 %(max_items)s 项）", value=len(value), max_items=max_items),
                                   {path or "body": [N_("最多 %(max_items)s 项", max_items=max_items)]})
            stack.extend((item, _path(path, index), depth + 1) for index, item in enumerate(value))
    return problems


def read_json_body() -> None:
    """Read a JSON body within ``JSON_BODY_LIMIT`` and check its shape. The bytes are left where
    ``get_data`` finds them (the stream is consumed here); the schemas parse them again, which for a
    body under the limit costs little next to what the shape check saves."""
    if request.method not in WRITING_METHODS or not request.is_json:
        return
    config = current_app.config
    limit = config["JSON_BODY_LIMIT"]
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    data = request.stream.read(limit + 1)
    if len(data) > limit:  # chunked: no length announced, so count what arrives
        raise RequestEntityTooLarge()
    request._cached_data = data  # Werkzeug's own cache: get_data()/get_json() read it from here
    if not data.strip():
        return
    try:
        document = json.loads(data)
    except RecursionError:
        raise BadRequest(N_("JSON 嵌套过深（最多 %(value)s 层）", value=config["JSON_MAX_DEPTH"])) from None
    except ValueError:
        return  # malformed: Flask's parser answers 400 in the usual way
    problems = json_problems(document, max_depth=config["JSON_MAX_DEPTH"], max_keys=config["JSON_MAX_KEYS"],
                             max_items=config["JSON_MAX_ITEMS"])
    if problems:
        raise InvalidInput("输入包含无法保存的字符", problems)


def _cleaned(value: str) -> str:
    return value.replace("\x00", "").encode(errors="replace").decode()


def check_query_and_form() -> None:
    """Query strings and API forms: no NUL or unencodable text in any name or value (422 naming it).

    A page's form is what a person typed: refusing it would throw the typing away, so there NUL and
    lone surrogates are dropped and the form's own checks (names refuse control characters) answer
    next to the field, with everything else kept."""
    problems: dict[str, list[str]] = {}
    checked = [request.args]
    if request.method in WRITING_METHODS:
        if request.path.startswith("/api/"):
            checked.append(request.form)
        elif any(text_problem(key + value) for key, value in request.form.items(multi=True)):
            request.form = ImmutableMultiDict(
                [(_cleaned(key), _cleaned(value)) for key, value in request.form.items(multi=True)])
    for source in checked:
        for key, value in source.items(multi=True):
            name = _name(key.replace("\x00", ""))
            if (problem := text_problem(key + value)) is not None:
                problems.setdefault(name, []).append(problem)
    if problems:
        raise InvalidInput("输入包含无法保存的字符", problems)


def answer_api_options():
    """OPTIONS on the API: the allowed methods and no body (Flask's default is an empty HTML page)."""
    if request.method != "OPTIONS" or not request.path.startswith("/api/") or request.url_rule is None:
        return None
    response = current_app.response_class(status=204)
    # Every rule of the path counts (GET and POST /products are two views).
    methods = current_app.create_url_adapter(request).allowed_methods()
    response.allow = sorted(methods)
    del response.content_type  # no body, so no type
    return response


def init_app(app: Flask) -> None:
    app.before_request(answer_api_options)
    app.before_request(read_json_body)
    app.before_request(check_query_and_form)
