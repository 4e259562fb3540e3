"""The unified social credit code (统一社会信用代码), GB 32100-2015.

Eighteen characters from a 31-symbol alphabet; the last is a check character over the first 17.
"""
from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def check_character(first17: str) -> str:
    total = sum(VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Why ``code`` is not a valid USCC (in Chinese), or None when it is valid."""
    if len(code) != LENGTH:
        return "统一社会信用代码应为 18 位，当前为 %(length)s 位" % {"length": len(code)}
    bad = sorted({ch for ch in code if ch not in VALUE})
    if bad:
        return "统一社会信用代码含有不允许的字符：%(bad)s（不使用 I、O、S、V、Z）" % {"bad": "、".join(bad)}
    expected = check_character(code[:17])
    if code[17] != expected:
        return "统一社会信用代码校验位错误：第 18 位应为 %(expected)s，请检查是否输入有误" % {"expected": expected}
    return None


def normalize(code: str) -> str:
    return "".join(code.split()).upper()


def is_valid(code: str) -> bool:
    return problem(code) is None
