"""The Bedrock capacity model: requests per minute at peak, cost per call, and the alarms' thresholds.

One pure module (no CDK, no boto3) because two very different consumers must agree on the same
arithmetic: ``benchmarks/bench_bedrock_load.py`` measures how many Bedrock requests a call makes
and what they cost, and ``constructs_lib/monitoring_functions.py`` turns the configured quota and the
latency assumptions into alarm thresholds. If the alarms and the benchmark each had their own
formula, the README's capacity table and what pages the operator would drift apart.

The model, in words:

* A caller speaks a turn every ``seconds_per_turn``; at ``peak_concurrent_callers`` the bot
  classifies ``callers × 60 / seconds_per_turn`` turns a minute.
* A share of those turns consults Bedrock (``consult_share``: every non-empty turn with today's
  Bedrock-first chain, only the turns the local classifier is unsure of with local-first); that
  gives Bedrock requests per minute, compared with the account's requests-per-minute quota.
* Bedrock's latency is a lognormal fitted to a median and a p95, and a share of requests is
  throttled. A request slower than the classifier's time budget times out. Throttles and timeouts
  are the expected fallbacks to the local classifier; an alarm fires at a multiple of that share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Final

#: Standard normal, for fitting and reading the lognormal.
_STANDARD_NORMAL: Final = NormalDist()
#: z of the 95th percentile (≈ 1.645).
_Z95: Final = _STANDARD_NORMAL.inv_cdf(0.95)

#: The Bedrock requests-per-minute alarm fires at this share of the quota: room to ask for more
#: before callers are throttled onto the local classifier.
QUOTA_ALARM_SHARE: Final = 0.8
#: The fallback-share alarm fires at this multiple of the expected share (throttles + timeouts).
FALLBACK_ALARM_MULTIPLE: Final = 2.0
#: ... but never below this share: a quiet model with a tiny expected share must not page on noise.
MIN_FALLBACK_ALARM_SHARE: Final = 0.02


@dataclass(frozen=True, slots=True)
class BedrockPricing:
    """On-demand prices of the configured model, USD per million tokens."""

    input_usd_per_million_tokens: float
    output_usd_per_million_tokens: float

    def cost_usd(self, input_tokens: float, output_tokens: float) -> float:
        """What ``input_tokens`` and ``output_tokens`` cost."""
        return (
            input_tokens * self.input_usd_per_million_tokens
            + output_tokens * self.output_usd_per_million_tokens
        ) / 1_000_000


@dataclass(frozen=True, slots=True)
class LatencyProfile:
    """Bedrock's assumed latency: a lognormal through ``median_seconds`` and ``p95_seconds``.

    ``throttle_share`` of requests is throttled (answered at once with an error). The defaults
    are the issue's planning assumptions (median 700 ms, p95 1.8 s, 1 % throttled), not
    measurements of the service.
    """

    median_seconds: float = 0.7
    p95_seconds: float = 1.8
    throttle_share: float = 0.01

    def __post_init__(self) -> None:
        if not (math.isfinite(self.median_seconds) and self.median_seconds > 0):
            raise ValueError(f"median_seconds must be positive, got {self.median_seconds!r}")
        if not (math.isfinite(self.p95_seconds) and self.p95_seconds > self.median_seconds):
            raise ValueError(f"p95_seconds must be above the median, got {self.p95_seconds!r}")
        if not (0.0 <= self.throttle_share < 1.0):
            raise ValueError(f"throttle_share must be in [0, 1), got {self.throttle_share!r}")

    @property
    def mu(self) -> float:
        """Mean of the latency's logarithm (the log of the median)."""
        return math.log(self.median_seconds)

    @property
    def sigma(self) -> float:
        """Standard deviation of the latency's logarithm, fitted so the p95 is ``p95_seconds``."""
        return math.log(self.p95_seconds / self.median_seconds) / _Z95

    def quantile(self, fraction: float) -> float:
        """Latency in seconds below which ``fraction`` of the (unthrottled) requests finish."""
        return math.exp(self.mu + self.sigma * _STANDARD_NORMAL.inv_cdf(fraction))

    def share_slower_than(self, seconds: float) -> float:
        """Share of unthrottled requests that take longer than ``seconds``."""
        if seconds <= 0:
            return 1.0
        return 1.0 - _STANDARD_NORMAL.cdf((math.log(seconds) - self.mu) / self.sigma)

    def expected_fallback_share(self, timeout_seconds: float) -> float:
        """Share of Bedrock requests that fall back: throttled, or slower than the time budget."""
        return self.throttle_share + (1.0 - self.throttle_share) * self.share_slower_than(timeout_seconds)


#: The assumptions the alarms are sized with (the benchmark's default stand-in).
DEFAULT_LATENCY_PROFILE: Final = LatencyProfile()


def turns_per_minute(callers: int, seconds_per_turn: float) -> float:
    """Turns the bot classifies per minute when ``callers`` each speak every ``seconds_per_turn``."""
    if callers < 0:
        raise ValueError(f"callers must not be negative, got {callers!r}")
    if not (math.isfinite(seconds_per_turn) and seconds_per_turn > 0):
        raise ValueError(f"seconds_per_turn must be positive, got {seconds_per_turn!r}")
    return callers * 60.0 / seconds_per_turn


def bedrock_requests_per_minute(callers: int, seconds_per_turn: float, consult_share: float) -> float:
    """Expected Bedrock requests per minute: ``callers × 60 / seconds_per_turn × consult_share``."""
    if not (0.0 <= consult_share <= 1.0):
        raise ValueError(f"consult_share must be in [0, 1], got {consult_share!r}")
    return turns_per_minute(callers, seconds_per_turn) * consult_share


@dataclass(frozen=True, slots=True)
class PeakEstimate:
    """Bedrock load at ``callers`` concurrent callers for one consult share."""

    callers: int
    seconds_per_turn: float
    consult_share: float
    quota_rpm: int

    def __post_init__(self) -> None:
        if self.quota_rpm <= 0:
            raise ValueError(f"quota_rpm must be positive, got {self.quota_rpm!r}")

    @property
    def turns_per_minute(self) -> float:
        return turns_per_minute(self.callers, self.seconds_per_turn)

    @property
    def requests_per_minute(self) -> float:
        return bedrock_requests_per_minute(self.callers, self.seconds_per_turn, self.consult_share)

    @property
    def quota_used(self) -> float:
        """Requests per minute as a share of the quota (above 1: callers are throttled)."""
        return self.requests_per_minute / self.quota_rpm

    @property
    def fits(self) -> bool:
        """True when the expected load stays below the alarm share of the quota."""
        return self.requests_per_minute < quota_alarm_threshold(self.quota_rpm)

    @property
    def callers_within_quota(self) -> int | None:
        """Concurrent callers this consult share carries below the alarm share (None: unbounded)."""
        per_caller = bedrock_requests_per_minute(1, self.seconds_per_turn, self.consult_share)
        if per_caller == 0:
            return None
        return math.floor(quota_alarm_threshold(self.quota_rpm) / per_caller)


def cost_per_thousand_calls(
    pricing: BedrockPricing, *, input_tokens_per_call: float, output_tokens_per_call: float
) -> float:
    """USD for 1,000 calls that each use these tokens."""
    return 1000 * pricing.cost_usd(input_tokens_per_call, output_tokens_per_call)


def quota_alarm_threshold(quota_rpm: int) -> int:
    """Bedrock requests in one minute that alarm: ``QUOTA_ALARM_SHARE`` of the quota, at least 1."""
    return max(1, math.floor(quota_rpm * QUOTA_ALARM_SHARE))


def fallback_share_alarm_threshold(
    timeout_seconds: float, profile: LatencyProfile = DEFAULT_LATENCY_PROFILE
) -> float:
    """Share of Bedrock requests falling back that alarms: a multiple of the expected share."""
    expected = profile.expected_fallback_share(timeout_seconds)
    return round(max(MIN_FALLBACK_ALARM_SHARE, expected * FALLBACK_ALARM_MULTIPLE), 4)
