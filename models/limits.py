"""The market's plausible bounds, written once: the database's CHECK constraints and the services'
messages both read them. Beyond them a figure is a typing error, not a firm or a product."""
from __future__ import annotations

MAX_MONEY_CNY = 10**10  # 100 亿元: the contract's ceiling for any money field
MAX_TERM_MONTHS = 360  # 30 years: the longest financing term
MAX_RATE_PCT = 36  # an annual rate above this is a typing error (China's judicial cap is far lower)
MAX_IP_COUNT = 100_000
MAX_EMPLOYEES = 1_000_000
