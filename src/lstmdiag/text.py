"""Words shown to people, below every stage (reading, judging, rendering).

Strings that come from files — paths, layer and input names, dataset keys, messages that
quote them — are shown literally: control characters (newlines, ESC, BEL, bidi overrides)
become visible escapes, and rich never reads them as markup.

A file named ``bad\\n::error file=x::pwned.npy`` cannot start a new line (a forged GitHub
workflow command), ``\\x1b]0;title\\x07`` cannot reach the terminal, and ``[link=…]`` stays text.
"""

from __future__ import annotations

import re

# Terminal colour codes as they appear in pasted or captured text: raw ESC, or written out.
ANSI = re.compile(r"(?:\x1b|\\x1b|\\u001b|\\033)?\[[0-9;]*m|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_TABLE: dict[int, str] = {}
for _code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]:
    _TABLE[_code] = _NAMED.get(chr(_code), f"\\x{_code:02x}")
for _code in [0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
    _TABLE[_code] = f"\\u{_code:04x}"  # bidi controls: text that displays reordered
for _code in range(0xD800, 0xE000):  # lone surrogates: bytes a name's decoding could not read
    _TABLE[_code] = f"\\x{_code - 0xDC00:02x}" if _code >= 0xDC80 else f"\\u{_code:04x}"


def visible(text: object) -> str:
    """``text`` with every control character replaced by a visible escape."""
    return str(text).translate(_TABLE)


def strip_ansi(text: str) -> str:
    """``text`` without terminal colour and title sequences (Keras prints bold names)."""
    return ANSI.sub("", text)


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 error``, ``2 errors``; ``many`` for irregular words (``1 axis``, ``2 axes``)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def human_bytes(n: float) -> str:
    """1234567 -> "1.2 MB" (decimal units)."""
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} PB"
