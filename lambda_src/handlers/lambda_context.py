"""Reading the Lambda context defensively: tests, the simulator and Lambda all pass different ones."""

from __future__ import annotations

from typing import Any


def remaining_seconds(context: Any, *, default: float) -> float:
    """Seconds before the invocation times out, or ``default`` when the context cannot say.

    Lambda's context always can; a test double or a missing context falls back to ``default``,
    which each handler chooses for its own budget.
    """
    getter = getattr(context, "get_remaining_time_in_millis", None)
    if callable(getter):
        try:
            return max(0.0, float(getter()) / 1000.0)
        except (TypeError, ValueError):
            pass
    return default
