"""Redirect targets that cannot leave the site."""
from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirect through next)."""
    if not target:
        return default
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return default
    return target


MAX_OFFSET = 10**9  # as the API's offset: beyond it a list is empty, and larger would overflow SQL


def offset_arg() -> int:
    """A page's ``offset`` query value, whatever was typed: a number in [0, MAX_OFFSET], else 0."""
    from flask import request

    offset = request.args.get("offset", type=int) or 0  # absent or not a number: the first page
    return min(max(offset, 0), MAX_OFFSET)
