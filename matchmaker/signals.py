"""Facts other parts of the platform act on, sent where they happen and received where they matter, so the sender
need not know who listens: a disbursement, a repayment or a listing stage does not import the policies a firm may
now qualify for (``policy.entitlements`` listens)."""
from __future__ import annotations

from blinker import Namespace

_facts = Namespace()
# sent with ``enterprise_id``: something the platform knows of the firm changed (a loan, a repayment, a stage)
firm_facts_changed = _facts.signal("firm-facts-changed")
