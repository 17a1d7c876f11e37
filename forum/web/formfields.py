"""Field filters and validators shared by every form."""

from __future__ import annotations


def strip(value):
    """Trim surrounding white space so that blank input counts as empty."""
    return value.strip() if isinstance(value, str) else value


def strip_controls(value):
    """Trim and drop control characters (except newlines and tabs) from typed text."""
    if not isinstance(value, str):
        return value
    return "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32 and ord(ch) != 127).strip()
