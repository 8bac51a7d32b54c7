"""The remaining-time reading every handler shares."""

from __future__ import annotations

from types import SimpleNamespace

from handlers.lambda_context import remaining_seconds


def test_reads_lambda_milliseconds_as_seconds() -> None:
    context = SimpleNamespace(get_remaining_time_in_millis=lambda: 4250)
    assert remaining_seconds(context, default=3.0) == 4.25


def test_never_negative() -> None:
    context = SimpleNamespace(get_remaining_time_in_millis=lambda: -10)
    assert remaining_seconds(context, default=3.0) == 0.0


def test_default_without_a_usable_context() -> None:
    assert remaining_seconds(None, default=3.0) == 3.0
    assert remaining_seconds(SimpleNamespace(get_remaining_time_in_millis="soon"), default=60.0) == 60.0
    broken = SimpleNamespace(get_remaining_time_in_millis=lambda: "not a number")
    assert remaining_seconds(broken, default=7.5) == 7.5
