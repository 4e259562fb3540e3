"""Passwords people guess first are refused, however long (OWASP ASVS 2.1.7)."""
from __future__ import annotations

import functools

# Common on Chinese sites and in Chinese leaks, beyond the English-centred list below.
CHINESE_COMMON = (
    "woaini1314", "woaini520", "woaini521", "5201314520", "1314520520", "520131400", "qq123456789",
    "aa123456789", "a123456789", "123456789a", "a1234567890", "iloveyou1314", "woaiwojia", "zhang123456",
    "wang123456", "li123456789", "1qaz2wsx3edc", "qwe123456789", "abc123456789", "password1314",
    "88888888888", "66666666666", "147258369", "1472583690", "159357456", "3141592653", "11223344556",
)


@functools.cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # 30,000 most common passwords of public leaks

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"]) | frozenset(CHINESE_COMMON)


def is_common(password: str) -> bool:
    lowered = password.lower()
    return lowered in common_passwords() or len(set(lowered)) <= 2
