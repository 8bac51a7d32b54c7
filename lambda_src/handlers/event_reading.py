"""Reading Lambda events defensively: any shape is accepted, a field of the wrong type reads empty.

Lex and Connect send well-formed events, but a test console, a misconfigured flow or a future
field change must never make a handler raise; every handler reads its event through these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def as_string(value: Any) -> str:
    """``value`` when it is a string, else ``""``."""
    return value if isinstance(value, str) else ""
