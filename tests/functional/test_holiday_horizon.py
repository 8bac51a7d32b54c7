"""The contact-flow function past the configured holidays: the callback is booked, logged and counted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.models import KST
from contract import Dimension, EnvVar, Metric
from handlers import contact_flow
from tests.functional.conftest import CONFIG, CapturedOutput, load_event
from tests.functional.test_metrics import published

#: The test environment's holidays cover 2025 and 2026 (``CONFIG.holiday_years``).
LAST_COVERED_DAY = "2026-12-31"


def _register_callback_at(moment: datetime) -> dict[str, str]:
    app = contact_flow.build_app_from_env(clock=lambda: moment)
    return app.handle(load_event("connect_register_callback"))


def _exhausted_warnings(captured: CapturedOutput) -> list[dict[str, Any]]:
    return [
        record
        for record in captured.log_records()
        if record["level"] == "WARNING" and "business calendar exhausted" in record["message"]
    ]


def test_the_function_knows_how_far_its_holidays_reach(environment: dict[str, str]) -> None:
    assert CONFIG.holiday_years == (2025, 2026)
    assert environment[EnvVar.BUSINESS_HOLIDAYS_UNTIL] == LAST_COVERED_DAY


def test_a_callback_within_the_covered_years_is_neither_logged_nor_counted(
    dynamodb: Any, captured: CapturedOutput
) -> None:
    # Tuesday 2026-12-29 after hours: the next opening, Wednesday 30 December, is still covered.
    response = _register_callback_at(datetime(2026, 12, 29, 20, 0, tzinfo=KST))

    assert response["callbackAt"] == "2026-12-30T09:00+09:00"
    assert _exhausted_warnings(captured) == []
    assert Metric.HOLIDAY_CALENDAR_EXHAUSTED not in captured.metric_names()


def test_a_callback_past_the_covered_years_is_booked_logged_and_counted(
    dynamodb: Any, captured: CapturedOutput
) -> None:
    # Thursday 2026-12-31 after hours: the next opening lies in 2027, whose holidays (신정 on
    # Friday 1 January among them) the function was never given.
    response = _register_callback_at(datetime(2026, 12, 31, 20, 0, tzinfo=KST))

    assert response["result"] == "ok"
    assert response["callbackAt"] == "2027-01-01T09:00+09:00"  # a holiday the calendar cannot know
    (warning,) = _exhausted_warnings(captured)
    assert warning["callback_day"] == "2027-01-01"
    assert warning["holidays_until"] == LAST_COVERED_DAY
    counted = [
        dimensions for name, dimensions in published(captured) if name == Metric.HOLIDAY_CALENDAR_EXHAUSTED
    ]
    assert counted == [{Dimension.SERVICE: "aicc-test", Dimension.ACTION: "register_callback"}]
