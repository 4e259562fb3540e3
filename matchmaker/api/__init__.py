"""What every folder's JSON API (``<folder>/api.py``, ../shared/api-contract.md) shares: one decorator for
an endpoint's access and its documentation (``access``) and ``Idempotency-Key`` (``idempotency``). The
blueprints are registered by ``create_app``."""
