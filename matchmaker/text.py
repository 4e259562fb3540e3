"""What text the platform accepts in names and free-text fields, in one place.

Names (of firms, institutions, products, districts) are shown to other people, in lists and exports:
control, zero-width and bidirectional-override characters would let one name pass for another, so they
are refused. Free text (descriptions, reasons, purposes) keeps line breaks and tabs but has a maximum,
refused with a message rather than silently cut.
"""
from __future__ import annotations

import unicodedata

from .wording import N_

# Unicode categories that draw nothing or reorder what follows: controls (Cc), format characters (Cf:
# zero-width spaces and joiners, bidi overrides and isolates, BOM), private use (Co), unassigned (Cn),
# surrogates (Cs) and the line and paragraph separators (Zl, Zp).
INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"})
ALLOWED_IN_FREE_TEXT = frozenset("\n\r\t")

DESCRIPTION_MAX = 5000  # a product's description: a few pages, never a 5 MB body
REASON_MAX = 1000


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored at all (any field, any database), or None."""
    if "\x00" in text:
        return "不能包含空字符（NUL）"
    try:
        text.encode()  # UTF-8, strict
    except UnicodeEncodeError:
        return "包含无效的 Unicode 字符（孤立的代理项）"
    return None


def _invisible(text: str, allowed: frozenset[str] = frozenset()) -> str | None:
    for char in text:
        if char not in allowed and unicodedata.category(char) in INVISIBLE:
            return f"U+{ord(char):04X}"
    return None


def name_problem(text, *, label: str, low: int = 2, high: int = 120) -> str | None:
    """Why ``text`` is not an acceptable name, or None."""
    if not isinstance(text, str):
        return N_("%(label)s应为文本", label=label)
    stripped = text.strip()
    if not low <= len(stripped) <= high:
        return N_("%(label)s应为 %(low)s 到 %(high)s 个字符", label=label, low=low, high=high)
    if (code := _invisible(stripped)) is not None:
        return N_("%(label)s包含不可见或控制字符（%(code)s），请删除后重试", label=label, code=code)
    return None


def free_text_problem(text, *, label: str, high: int) -> str | None:
    """Why ``text`` is not acceptable free text (line breaks allowed), or None."""
    if not isinstance(text, str):
        return N_("%(label)s应为文本", label=label)
    if len(text) > high:
        return N_("%(label)s最多 %(high)s 个字符（现为 %(value)s 个）", label=label, high=f"{high:,}", value=f"{len(text):,}")
    if (code := _invisible(text, ALLOWED_IN_FREE_TEXT)) is not None:
        return N_("%(label)s包含不可见或控制字符（%(code)s），请删除后重试", label=label, code=code)
    return None
