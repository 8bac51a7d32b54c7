"""What a booked callback becomes in Connect, and when it is released (``bot.callback_plan``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.business_calendar import BusinessCalendar
from bot.callback_plan import (
    QUEUED_CALLBACK_DELAY_SECONDS,
    TASK_MAX_DELAY_SECONDS,
    plan_callback,
)
from bot.messages import CALLBACK_REASON_DEFAULT, CALLBACK_REASON_LABELS, callback_reason_label
from bot.models import KST
from config.calendar import korean_public_holidays
from config.settings import load_environment
from contract import CallbackKind, EscalationReason
from flowlang.actions.interactions import CALLBACK_MAX_DELAY_SECONDS

HOLIDAYS = korean_public_holidays(load_environment("dev").holiday_years)
CALENDAR = BusinessCalendar(
    open_time=time(9, 0),
    close_time=time(18, 0),
    weekdays=frozenset(range(5)),
    holidays=frozenset(HOLIDAYS),
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=KST)


def test_agents_working_on_the_phone_with_a_number_to_dial_is_a_queued_callback() -> None:
    plan = plan_callback(
        requested_at=at("2026-03-10T10:07"), channel="VOICE", dialing=True, calendar=CALENDAR
    )
    assert plan.kind is CallbackKind.QUEUED_CALLBACK
    # Connect queues it after the flow's static delay; the caller was promised the next half hour.
    assert plan.release_at == at("2026-03-10T10:07") + timedelta(seconds=QUEUED_CALLBACK_DELAY_SECONDS)
    assert plan.delay_seconds == QUEUED_CALLBACK_DELAY_SECONDS
    assert plan.promised_at == at("2026-03-10T10:30")


@pytest.mark.parametrize(
    ("channel", "dialing"),
    [("CHAT", True), ("VOICE", False)],
    ids=["chat: no number Connect could dial", "no claimed number: no outbound caller id"],
)
def test_without_a_way_to_dial_it_is_a_task_released_at_the_promised_slot(
    channel: str, dialing: bool
) -> None:
    plan = plan_callback(
        requested_at=at("2026-03-10T10:07"), channel=channel, dialing=dialing, calendar=CALENDAR
    )
    assert plan.kind is CallbackKind.TASK
    assert plan.release_at == plan.promised_at == at("2026-03-10T10:30")
    assert plan.delay_seconds == 23 * 60


def test_a_slot_at_closing_waits_for_the_next_opening_as_a_task() -> None:
    # Friday 17:45: the half-hour slot would be 18:00, closed: Monday 09:00, nothing parked overnight.
    plan = plan_callback(
        requested_at=at("2026-03-13T17:45"), channel="VOICE", dialing=True, calendar=CALENDAR
    )
    assert plan.kind is CallbackKind.TASK
    assert plan.release_at == at("2026-03-16T09:00")
    assert plan.delay_seconds == int((at("2026-03-16T09:00") - at("2026-03-13T17:45")).total_seconds())


def test_chuseok_is_a_task_released_after_the_long_holiday() -> None:
    first = min(day for day, name in HOLIDAYS.items() if "추석" in name)
    asked = datetime.combine(first - timedelta(days=1), time(19, 0), tzinfo=KST)
    opening = first
    while opening.weekday() >= 5 or opening in HOLIDAYS:
        opening += timedelta(days=1)

    plan = plan_callback(requested_at=asked, channel="VOICE", dialing=True, calendar=CALENDAR)

    assert plan.kind is CallbackKind.TASK
    assert plan.release_at == datetime.combine(opening, time(9, 0), tzinfo=KST)
    # Further than a queued callback's static delay could ever reach: only a task gets there.
    assert plan.delay_seconds > CALLBACK_MAX_DELAY_SECONDS
    assert not plan.clamped


def test_a_release_past_six_days_is_clamped_to_the_task_limit() -> None:
    mondays_only = BusinessCalendar(
        open_time=time(9, 0),
        close_time=time(18, 0),
        weekdays=frozenset({0}),
        holidays=frozenset({date(2026, 3, 16)}),
    )
    asked = at("2026-03-09T19:00")  # Monday evening; next Monday is a holiday: 14 days away
    plan = plan_callback(requested_at=asked, channel="VOICE", dialing=True, calendar=mondays_only)
    assert plan.kind is CallbackKind.TASK
    assert plan.clamped
    assert plan.delay_seconds == TASK_MAX_DELAY_SECONDS
    assert plan.release_at == asked + timedelta(seconds=TASK_MAX_DELAY_SECONDS)
    assert plan.promised_at == at("2026-03-23T09:00")


def test_release_times_are_korea_time_whatever_the_zone_asked_in() -> None:
    asked_utc = datetime(2026, 3, 13, 10, 0, tzinfo=KST).astimezone(UTC)
    plan = plan_callback(requested_at=asked_utc, channel="CHAT", dialing=False, calendar=CALENDAR)
    assert plan.release_at.isoformat().endswith("+09:00")


def test_every_escalation_reason_has_a_korean_label_for_the_whispers() -> None:
    assert set(CALLBACK_REASON_LABELS) == {reason.value for reason in EscalationReason}
    assert callback_reason_label("payment_security") == "결제 관련 문의"
    assert callback_reason_label(None) == callback_reason_label("made_up") == CALLBACK_REASON_DEFAULT
