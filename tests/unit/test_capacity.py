"""The capacity model (config/capacity.py) and its four settings in config/environments.json.

The arithmetic is checked against numbers worked out by hand, so a changed formula fails here
before it silently moves the README's table or the alarms' thresholds.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

from config import ConfigError, load_all_environments
from config.capacity import (
    DEFAULT_LATENCY_PROFILE,
    BedrockPricing,
    LatencyProfile,
    PeakEstimate,
    bedrock_requests_per_minute,
    cost_per_thousand_calls,
    fallback_share_alarm_threshold,
    quota_alarm_threshold,
    turns_per_minute,
)
from config.settings import DEFAULT_CONFIG_PATH


def _write(tmp_path: Path, environment: str, **overrides: Any) -> Path:
    document = copy.deepcopy(json.loads(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")))
    document["environments"][environment].update(overrides)
    path = tmp_path / "environments.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


# --- arithmetic -----------------------------------------------------------------------------------


def test_turns_and_requests_per_minute_at_the_issues_peak() -> None:
    assert turns_per_minute(1000, 10) == 6000
    assert bedrock_requests_per_minute(1000, 10, 1.0) == 6000
    assert bedrock_requests_per_minute(1000, 10, 0.25) == 1500
    assert bedrock_requests_per_minute(300, 12, 0.5) == 750


def test_the_peak_estimate_against_the_quota() -> None:
    before = PeakEstimate(callers=1000, seconds_per_turn=10, consult_share=1.0, quota_rpm=2000)
    assert (before.turns_per_minute, before.requests_per_minute) == (6000, 6000)
    assert before.quota_used == 3.0
    assert not before.fits
    # 1,600 requests/min alarm; one caller asks 6 a minute: 266 callers stay below it.
    assert before.callers_within_quota == 266
    after = PeakEstimate(callers=1000, seconds_per_turn=10, consult_share=0.2, quota_rpm=2000)
    assert after.requests_per_minute == pytest.approx(1200)
    assert after.fits
    assert after.callers_within_quota == 1333
    assert (
        PeakEstimate(
            callers=1000, seconds_per_turn=10, consult_share=0.0, quota_rpm=2000
        ).callers_within_quota
        is None
    )


def test_cost_per_thousand_calls_uses_both_prices() -> None:
    pricing = BedrockPricing(input_usd_per_million_tokens=1.0, output_usd_per_million_tokens=5.0)
    assert pricing.cost_usd(1_000_000, 0) == 1.0
    assert pricing.cost_usd(0, 1_000_000) == 5.0
    # 2 requests a call of 1,000 input and 50 output tokens: 2,000 × $1/M + 100 × $5/M = $0.0025 a call.
    assert cost_per_thousand_calls(pricing, input_tokens_per_call=2000, output_tokens_per_call=100) == (
        pytest.approx(2.5)
    )


def test_the_lognormal_goes_through_the_median_and_the_p95() -> None:
    profile = LatencyProfile(median_seconds=0.7, p95_seconds=1.8, throttle_share=0.01)
    assert profile.quantile(0.5) == pytest.approx(0.7)
    assert profile.quantile(0.95) == pytest.approx(1.8)
    assert profile.sigma == pytest.approx(math.log(1.8 / 0.7) / 1.6448536, rel=1e-6)
    assert profile.share_slower_than(1.8) == pytest.approx(0.05)
    assert profile.share_slower_than(0.7) == pytest.approx(0.5)


def test_the_expected_fallback_share_is_throttles_plus_timeouts() -> None:
    profile = LatencyProfile(median_seconds=0.7, p95_seconds=1.8, throttle_share=0.01)
    slow = profile.share_slower_than(2.5)
    assert 0.01 < slow < 0.02  # ≈ 1.3 % of requests take longer than the 2.5 s budget
    assert profile.expected_fallback_share(2.5) == pytest.approx(0.01 + 0.99 * slow)
    # A longer budget means fewer timeouts; never fewer fallbacks than throttles.
    assert profile.expected_fallback_share(5.0) < profile.expected_fallback_share(2.5)
    assert profile.expected_fallback_share(60.0) == pytest.approx(0.01, abs=1e-6)


def test_alarm_thresholds_follow_the_inputs() -> None:
    assert quota_alarm_threshold(2000) == 1600
    assert quota_alarm_threshold(500) == 400
    assert quota_alarm_threshold(1) == 1
    expected = DEFAULT_LATENCY_PROFILE.expected_fallback_share(2.5)
    assert fallback_share_alarm_threshold(2.5) == pytest.approx(2 * expected, abs=1e-4)
    assert fallback_share_alarm_threshold(1.0) > fallback_share_alarm_threshold(2.5)
    # A generous budget: the floor, not twice almost nothing.
    assert fallback_share_alarm_threshold(6.0, LatencyProfile(throttle_share=0.0)) == 0.02


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"median_seconds": 0}, "median_seconds"),
        ({"p95_seconds": 0.5}, "p95_seconds"),
        ({"throttle_share": 1.0}, "throttle_share"),
    ],
)
def test_an_impossible_latency_profile_is_refused(arguments: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LatencyProfile(**arguments)


def test_impossible_model_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="seconds_per_turn"):
        turns_per_minute(1000, 0)
    with pytest.raises(ValueError, match="consult_share"):
        bedrock_requests_per_minute(1000, 10, 1.5)
    with pytest.raises(ValueError, match="quota_rpm"):
        PeakEstimate(callers=1, seconds_per_turn=10, consult_share=1.0, quota_rpm=0)


# --- settings -------------------------------------------------------------------------------------


def test_every_environment_has_the_capacity_settings() -> None:
    for config in load_all_environments().values():
        assert config.bedrock_pricing == BedrockPricing(1.0, 5.0)  # Claude Haiku 4.5, USD per 1M tokens
        assert config.peak_concurrent_callers == 1000
        assert config.seconds_per_turn == 10
        assert config.bedrock_quota_rpm >= 1


def test_the_capacity_settings_may_differ_per_environment(tmp_path: Path) -> None:
    path = _write(tmp_path, "prod", bedrock_quota_rpm=4000, peak_concurrent_callers=250, seconds_per_turn=8)
    prod = load_all_environments(path)["prod"]
    assert (prod.bedrock_quota_rpm, prod.peak_concurrent_callers, prod.seconds_per_turn) == (4000, 250, 8.0)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"bedrock_quota_rpm": 0},
            "staging.bedrock_quota_rpm must be an integer between 1 and 1000000, got 0",
        ),
        ({"bedrock_quota_rpm": "2000"}, "staging.bedrock_quota_rpm must be an integer"),
        ({"peak_concurrent_callers": -1}, "staging.peak_concurrent_callers must be an integer between 1"),
        ({"peak_concurrent_callers": True}, "staging.peak_concurrent_callers must be an integer"),
        ({"seconds_per_turn": 0}, "staging.seconds_per_turn must be a number between 1.0 and 120.0, got 0"),
        ({"bedrock_pricing": 1.0}, "staging.bedrock_pricing must be an object"),
        (
            {"bedrock_pricing": {"input_usd_per_million_tokens": -1, "output_usd_per_million_tokens": 5}},
            "staging.bedrock_pricing.input_usd_per_million_tokens must be a number between 0.0 and 1000.0",
        ),
        (
            {
                "bedrock_pricing": {
                    "input_usd_per_million_tokens": 1,
                    "output_usd_per_million_tokens": 5,
                    "x": 1,
                }
            },
            "staging.bedrock_pricing.x is not a known setting",
        ),
    ],
)
def test_a_bad_capacity_setting_names_environment_and_field(
    tmp_path: Path, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match="^" + message.replace(".", r"\.")):
        load_all_environments(_write(tmp_path, "staging", **overrides))


def test_a_missing_price_is_named(tmp_path: Path) -> None:
    document = json.loads(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    del document["defaults"]["bedrock_pricing"]["output_usd_per_million_tokens"]
    path = tmp_path / "environments.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"^dev\.bedrock_pricing\.output_usd_per_million_tokens is required$"
    ):
        load_all_environments(path)
