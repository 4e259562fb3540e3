"""Extension objects, created unbound and initialised in create_app."""
from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_wtf.csrf import CSRFProtect

from models import db

from .error_shape import ErrorSchema


class ContractApi(Api):
    """flask-smorest, with errors rendered by our own handlers in the contract's shape."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        # errors.py renders every error (API and HTML) itself; see register_errorhandlers.
        pass


babel = Babel()
csrf = CSRFProtect()
migrate = Migrate(render_as_batch=True, compare_type=True)
api = ContractApi()
# Per client address; the store is RATELIMIT_STORAGE_URI (Redis, so every worker and host counts
# together), or each process's memory when none is named. Behind load balancers the address is the
# client's only with PROXY_FIX_HOPS set.
limiter = Limiter(key_func=get_remote_address)

__all__ = ["api", "babel", "csrf", "db", "limiter", "migrate"]
