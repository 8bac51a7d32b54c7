"""The Bedrock capacity alarms: thresholds derived from the configuration through config/capacity.py.

Changing the configured quota or the Bedrock time budget must move the thresholds: the alarms
and the benchmark's capacity table share one model, never copied numbers.
"""

from __future__ import annotations

from typing import Any

import pytest

from config.capacity import DEFAULT_LATENCY_PROFILE, fallback_share_alarm_threshold, quota_alarm_threshold
from constructs_lib.monitoring_functions import BEDROCK_FALLBACK_SHARE_MIN_REQUESTS, BEDROCK_THROTTLED_MINUTES
from contract import BEDROCK_FAILURE_REASONS
from tests.constructs.test_monitoring import Monitored, build, math_metrics

CAPACITY_ALARMS = ("BedrockThrottled", "BedrockFallbackShare", "BedrockRequestsNearQuota")


@pytest.fixture(scope="module")
def dev() -> Monitored:
    return build()


@pytest.fixture(scope="module")
def changed() -> Monitored:
    """dev with a larger quota and a shorter Bedrock budget."""
    return build(bedrock_quota_rpm=5000, bedrock_timeout_seconds=1.5)


def dimensions(alarm: dict[str, Any]) -> dict[str, str]:
    return {d["Name"]: d["Value"] for d in alarm["Dimensions"]}


def test_sustained_throttling_alarms(dev: Monitored) -> None:
    alarm = dev.alarm("BedrockThrottled")
    assert (alarm["MetricName"], alarm["Statistic"], alarm["Period"]) == ("ClassifierFallback", "Sum", 60)
    assert dimensions(alarm) == {"service": "aicc-dev-lex-hook", "reason": "throttled"}
    minutes = BEDROCK_THROTTLED_MINUTES
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")
    assert alarm["EvaluationPeriods"] == alarm["DatapointsToAlarm"] == minutes


def test_requests_near_the_configured_quota_alarm(dev: Monitored, changed: Monitored) -> None:
    alarm = dev.alarm("BedrockRequestsNearQuota")
    assert (alarm["MetricName"], alarm["Statistic"], alarm["Period"]) == ("BedrockConsulted", "Sum", 60)
    assert dimensions(alarm) == {"service": "aicc-dev-lex-hook"}
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert dev.scratch.config.bedrock_quota_rpm == 2000
    assert alarm["Threshold"] == quota_alarm_threshold(2000) == 1600
    assert changed.alarm("BedrockRequestsNearQuota")["Threshold"] == 4000
    assert "2000 requests/min quota" in alarm["AlarmDescription"]


def test_the_fallback_share_alarm_is_twice_the_expected_share(dev: Monitored, changed: Monitored) -> None:
    alarm = dev.alarm("BedrockFallbackShare")
    expected = DEFAULT_LATENCY_PROFILE.expected_fallback_share(2.5)
    assert alarm["Threshold"] == fallback_share_alarm_threshold(2.5) == pytest.approx(2 * expected, abs=1e-4)
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    shorter = changed.alarm("BedrockFallbackShare")["Threshold"]
    assert shorter == fallback_share_alarm_threshold(1.5) > alarm["Threshold"]
    # fallbacks of every Bedrock failure reason over the turns that consulted Bedrock
    metrics = math_metrics(alarm)
    assert [m["dimensions"].get("reason") for m in metrics if m["name"] == "ClassifierFallback"] == list(
        BEDROCK_FAILURE_REASONS
    )
    assert [m["dimensions"] for m in metrics if m["name"] == "BedrockConsulted"] == [
        {"service": "aicc-dev-lex-hook"}
    ]
    assert len(metrics) <= 10  # CloudWatch's limit of metrics in one metric-math alarm
    least = BEDROCK_FALLBACK_SHARE_MIN_REQUESTS
    expressions = [query["Expression"] for query in alarm["Metrics"] if "Expression" in query]
    assert f"IF(FILL(consulted, 0) >= {least}, fallbacks / FILL(consulted, 0), 0)" in expressions


def test_no_capacity_alarms_without_bedrock() -> None:
    monitored = build(bedrock_enabled=False)
    assert not set(CAPACITY_ALARMS) & set(monitored.monitoring.alarms)
