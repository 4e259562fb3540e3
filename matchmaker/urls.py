"""Redirect targets that cannot leave the site."""
from __future__ import annotations


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirect through next)."""
    if not target:
        return default
    target = target.strip()
    # A path of this site starts with one slash. "//host", "/\host" and a path with a tab or a line break
    # in it (which browsers drop, making "/\t/host" into "//host") lead elsewhere; so would a scheme, but
    # a string starting with "/" has none.
    if not target.startswith("/") or target.startswith("//") or "\\" in target \
            or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return default
    return target


MAX_OFFSET = 10**9  # as the API's offset: beyond it a list is empty, and larger would overflow SQL


def offset_arg() -> int:
    """A page's ``offset`` query value, whatever was typed: a number in [0, MAX_OFFSET], else 0."""
    from flask import request

    offset = request.args.get("offset", type=int) or 0  # absent or not a number: the first page
    return min(max(offset, 0), MAX_OFFSET)
