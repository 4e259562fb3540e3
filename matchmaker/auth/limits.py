"""Per-address limits on the doors password guessers knock at; the values are configuration."""
from __future__ import annotations

from flask import current_app

from ..extensions import limiter


def _failed_sign_in(response) -> bool:
    # Only refused credentials count (pages and API both answer 401), so a busy integration server
    # signing in correctly is never slowed.
    return response.status_code == 401


def sign_in(view):
    # Shared: failures at the login page and at the token endpoint count together.
    view = limiter.shared_limit(lambda: current_app.config["SIGN_IN_FAILURES_PER_ADDRESS"], "sign-in-failures",
                                methods=["POST"], deduct_when=_failed_sign_in)(view)
    return limiter.limit(lambda: current_app.config["SIGN_IN_REQUESTS_PER_ADDRESS"], methods=["POST"],
                         scope="sign-in")(view)


def registration(view):
    return limiter.limit(lambda: current_app.config["REGISTRATIONS_PER_ADDRESS"], methods=["POST"],
                         scope="registration")(view)
