"""What belongs to the Lambda container rather than to one handler: time left, the cached app."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from handlers.observability import logger
from handlers.settings import SettingsError

AppT = TypeVar("AppT")


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


class ContainerApp(Generic[AppT]):
    """One handler app per warm Lambda container, built on first use, and the cold-start flag.

    ``build`` reads the environment and raises ``SettingsError`` when it is incomplete; the
    environment cannot change inside a container, so that verdict is remembered too and every
    later invocation answers safely without trying again. Building is locked so concurrent first
    invocations in one process (the simulator, tests) build once.
    """

    def __init__(self, build: Callable[[], AppT], *, name: str) -> None:
        self._build = build
        self._name = name
        self._lock = threading.Lock()
        self._app: AppT | None = None
        self._settings_error: SettingsError | None = None
        self._cold_start = True

    def get(self) -> AppT | None:
        """The container's app, or None (and the reason logged) when it is misconfigured."""
        if self._app is None and self._settings_error is None:
            with self._lock:
                if self._app is None and self._settings_error is None:
                    try:
                        self._app = self._build()
                    except SettingsError as error:
                        self._settings_error = error
        if self._app is None:
            logger.error(f"{self._name} misconfigured", extra={"reason": str(self._settings_error)})
        return self._app

    def take_cold_start(self) -> bool:
        """True for the container's first invocation only."""
        cold_start, self._cold_start = self._cold_start, False
        return cold_start

    def reset(self) -> None:
        """Forget the app, the settings error and the cold start, as if the container were new."""
        with self._lock:
            self._app, self._settings_error, self._cold_start = None, None, True
