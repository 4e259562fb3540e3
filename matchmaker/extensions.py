"""Extension objects, created unbound and initialised in create_app."""
from __future__ import annotations

from flask_babel import Babel
from flask_migrate import Migrate
from flask_smorest import Api
from flask_wtf.csrf import CSRFProtect

from models import db

from .api.errors import ErrorSchema


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

__all__ = ["api", "babel", "csrf", "db", "migrate"]
