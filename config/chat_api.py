"""The ``chat_api`` setting: who may start chats from the web, how fast, and for how long.

The start-chat API (``constructs_lib/chat_api.py``) is public: its limits are the configuration.
Each value is validated here, so a typo stops synth with one line naming environment and field:

- ``allowed_origins``: the sites whose pages may call it (CORS allow-list, checked again by the
  function). ``https://host[:port]`` only — no path, no wildcard; ``http://localhost:<port>`` (or
  127.0.0.1) is accepted outside production for a local page. Production must be https only.
- ``rate_limit_per_5min``: WAF's rate-based rule, requests per client IP in 5 minutes (10 or more:
  WAF's lowest limit) before it answers 429.
- ``throttle_rate`` / ``throttle_burst``: the stage's throttling (steady requests per second and
  burst) for all clients together.
- ``chat_duration_minutes``: Connect's ``ChatDurationInMinutes`` (60-10080; Connect's default is
  25 hours).
- ``reserved_concurrency``: concurrent executions reserved for (and capping) the start-chat function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from config.settings import _Fields

_HTTPS_ORIGIN: Final = re.compile(
    r"^https://(?=.{1,253}(:|$))([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(:\d{1,5})?$"
)
_LOCAL_ORIGIN: Final = re.compile(r"^http://(localhost|127\.0\.0\.1):\d{1,5}$")
#: WAF's lowest rate limit, and the highest it accepts.
MIN_RATE_LIMIT: Final = 10
MAX_RATE_LIMIT: Final = 2_000_000_000
MIN_CHAT_DURATION_MINUTES: Final = 60
MAX_CHAT_DURATION_MINUTES: Final = 10_080


@dataclass(frozen=True, slots=True)
class ChatApiSettings:
    """The start-chat API's allow-list and limits of one environment."""

    allowed_origins: tuple[str, ...]
    rate_limit_per_5min: int
    throttle_rate: int
    throttle_burst: int
    chat_duration_minutes: int
    reserved_concurrency: int


def parse_chat_api(fields: _Fields, *, production: bool) -> ChatApiSettings:
    """Read ``chat_api`` from its section; raises ``ConfigError`` naming env and field."""

    def is_origin(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        return bool(_HTTPS_ORIGIN.fullmatch(value) or (not production and _LOCAL_ORIGIN.fullmatch(value)))

    requirement = (
        "must be a non-empty list of distinct https://host[:port] origins (no path, no wildcard)"
        if production
        else "must be a non-empty list of distinct https://host[:port] or http://localhost:<port> origins"
    )
    settings = ChatApiSettings(
        allowed_origins=fields.items("allowed_origins", is_origin, requirement),
        rate_limit_per_5min=fields.integer("rate_limit_per_5min", MIN_RATE_LIMIT, MAX_RATE_LIMIT),
        throttle_rate=fields.integer("throttle_rate", 1, 10_000),
        throttle_burst=fields.integer("throttle_burst", 1, 5_000),
        chat_duration_minutes=fields.integer(
            "chat_duration_minutes", MIN_CHAT_DURATION_MINUTES, MAX_CHAT_DURATION_MINUTES
        ),
        reserved_concurrency=fields.integer("reserved_concurrency", 1, 1000),
    )
    if settings.throttle_burst < settings.throttle_rate:
        raise fields.fail(
            "throttle_burst",
            f"must be at least throttle_rate ({settings.throttle_rate})",
            settings.throttle_burst,
        )
    fields.reject_unknown()
    return settings
