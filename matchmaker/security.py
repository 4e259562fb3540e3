"""Per-request plumbing every response needs: a request id and the security headers."""
from __future__ import annotations

import re
import secrets
import uuid

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

# Scripts come from this origin, or carry this response's nonce; nothing inline runs without it.
CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'nonce-{nonce}'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
))
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def assign_request_id() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def csp_nonce() -> str:
    """This response's script nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def add_headers(response):
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Request-ID"] = g.request_id
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = CSP.format(nonce=csp_nonce())
        response.headers.setdefault("X-Frame-Options", "DENY")
    if g.get("user") is not None:
        # Signed-in pages hold a firm's or a bank's figures: keep them out of shared caches.
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def init_app(app: Flask) -> None:
    # First of all before-request steps, so an answer made by an earlier one (the rate limiter's 429)
    # carries its id too.
    app.before_request_funcs.setdefault(None, []).insert(0, assign_request_id)
    app.after_request(add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        # Behind TLS-terminating load balancers: trust that many hops' X-Forwarded-* headers, so
        # request.is_secure (HSTS, secure cookies) and the client address (rate limits) are right.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
