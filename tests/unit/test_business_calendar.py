"""Business hours in Korea time: opening, next opening, callback scheduling and configuration."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.business_calendar import (
    BusinessCalendar,
    BusinessCalendarError,
    speak_digits,
    speak_korean_datetime,
)
from bot.models import KST

# 2025-11-24 is a Monday; 2025-12-25 (Christmas, a Thursday) is a Korean public holiday.
CHRISTMAS = date(2025, 12, 25)
CALENDAR = BusinessCalendar(
    open_time=time(9, 0),
    close_time=time(18, 0),
    weekdays=frozenset(range(5)),
    holidays=frozenset({CHRISTMAS}),
)


def kst(year: int, month: int, day: int, *clock: int) -> datetime:
    """A Korea-time datetime; ``clock`` is (hour, minute, second), each optional."""
    hour, minute, second = (*clock, 0, 0, 0)[:3]
    return datetime(year, month, day, hour, minute, second, tzinfo=KST)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (kst(2025, 11, 24, 9, 0), True),  # opening is inclusive
        (kst(2025, 11, 24, 8, 59, 59), False),
        (kst(2025, 11, 24, 17, 59, 59), True),
        (kst(2025, 11, 24, 18, 0), False),  # closing is exclusive
        (kst(2025, 11, 22, 11, 0), False),  # Saturday
        (kst(2025, 11, 23, 11, 0), False),  # Sunday
        (kst(2025, 12, 25, 11, 0), False),  # holiday on a weekday
    ],
)
def test_is_open(moment: datetime, expected: bool) -> None:
    assert CALENDAR.is_open(moment) is expected


def test_is_open_converts_other_time_zones_to_korea_time() -> None:
    # 00:30 UTC on Monday is 09:30 in Seoul; 10:00 UTC on Monday is 19:00 in Seoul.
    assert CALENDAR.is_open(datetime(2025, 11, 24, 0, 30, tzinfo=UTC))
    assert not CALENDAR.is_open(datetime(2025, 11, 24, 10, 0, tzinfo=UTC))
    # Sunday 23:30 UTC is already Monday 08:30 in Seoul: still closed.
    assert not CALENDAR.is_open(datetime(2025, 11, 23, 23, 30, tzinfo=UTC))


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CALENDAR.is_open(datetime(2025, 11, 24, 10, 0))


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (kst(2025, 11, 24, 7, 0), kst(2025, 11, 24, 9, 0)),  # before opening → today
        (kst(2025, 11, 24, 9, 0), kst(2025, 11, 25, 9, 0)),  # at opening → strictly after
        (kst(2025, 11, 24, 13, 0), kst(2025, 11, 25, 9, 0)),  # during hours → next day
        (kst(2025, 11, 28, 19, 0), kst(2025, 12, 1, 9, 0)),  # Friday evening → Monday
        (kst(2025, 11, 29, 10, 0), kst(2025, 12, 1, 9, 0)),  # Saturday → Monday
        (kst(2025, 12, 24, 18, 30), kst(2025, 12, 26, 9, 0)),  # Christmas Eve evening → after the holiday
    ],
)
def test_next_opening(after: datetime, expected: datetime) -> None:
    opening = CALENDAR.next_opening(after)
    assert opening == expected
    assert opening.utcoffset() == timedelta(hours=9)


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        (kst(2025, 11, 24, 10, 7), kst(2025, 11, 24, 10, 30)),  # open: next half hour
        (kst(2025, 11, 24, 10, 30), kst(2025, 11, 24, 10, 30)),  # a boundary stays
        (kst(2025, 11, 24, 10, 30, 1), kst(2025, 11, 24, 11, 0)),
        (kst(2025, 11, 24, 17, 29), kst(2025, 11, 24, 17, 30)),  # last slot before closing
        (kst(2025, 11, 24, 17, 31), kst(2025, 11, 25, 9, 0)),  # slot would be 18:00 → next opening
        (kst(2025, 11, 24, 6, 0), kst(2025, 11, 24, 9, 0)),  # early morning → today's opening
        (kst(2025, 11, 28, 22, 0), kst(2025, 12, 1, 9, 0)),  # Friday night → Monday
        (kst(2025, 12, 25, 11, 0), kst(2025, 12, 26, 9, 0)),  # holiday → next business day
    ],
)
def test_next_callback_time(requested: datetime, expected: datetime) -> None:
    assert CALENDAR.next_callback_time(requested) == expected


@settings(max_examples=100, deadline=None)
@given(st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(KST)))
def test_callback_time_is_always_a_future_business_moment(requested: datetime) -> None:
    callback = CALENDAR.next_callback_time(requested)
    assert callback >= requested
    assert CALENDAR.is_open(callback)
    assert callback - requested < timedelta(days=6)  # at most a long weekend plus a holiday


def test_from_env_defaults_and_holidays() -> None:
    calendar = BusinessCalendar.from_env({"BUSINESS_HOLIDAYS": "2026-01-01, 2026-02-17"})
    assert calendar.open_time == time(9, 0)
    assert calendar.close_time == time(18, 0)
    assert calendar.weekdays == frozenset({0, 1, 2, 3, 4})
    assert calendar.holidays == frozenset({date(2026, 1, 1), date(2026, 2, 17)})


def test_from_env_custom_days() -> None:
    calendar = BusinessCalendar.from_env(
        {"BUSINESS_OPEN_TIME": "10:30", "BUSINESS_CLOSE_TIME": "16:00", "BUSINESS_DAYS": "sat, sun"}
    )
    assert calendar.weekdays == frozenset({5, 6})
    assert calendar.is_open(kst(2025, 11, 22, 10, 30))
    assert not calendar.is_open(kst(2025, 11, 24, 11, 0))


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"BUSINESS_OPEN_TIME": "9시"}, "BUSINESS_OPEN_TIME"),
        ({"BUSINESS_CLOSE_TIME": "25:00"}, "BUSINESS_CLOSE_TIME"),
        ({"BUSINESS_OPEN_TIME": "18:00", "BUSINESS_CLOSE_TIME": "09:00"}, "BUSINESS_OPEN_TIME"),
        ({"BUSINESS_DAYS": "MON,FUNDAY"}, "BUSINESS_DAYS"),
        ({"BUSINESS_DAYS": " , "}, "BUSINESS_DAYS"),
        ({"BUSINESS_HOLIDAYS": "2026-13-01"}, "BUSINESS_HOLIDAYS"),
    ],
)
def test_from_env_errors_name_the_variable(environ: dict[str, str], variable: str) -> None:
    with pytest.raises(BusinessCalendarError, match=variable):
        BusinessCalendar.from_env(environ)


def test_a_calendar_without_any_business_day_fails_clearly() -> None:
    every_day = frozenset(date(2025, 1, 1) + timedelta(days=offset) for offset in range(800))
    calendar = BusinessCalendar(time(9), time(18), frozenset({0}), every_day)
    with pytest.raises(BusinessCalendarError, match="no business day"):
        calendar.next_opening(kst(2025, 1, 1))


@pytest.mark.parametrize(
    ("moment", "spoken"),
    [
        (kst(2025, 11, 24, 9, 0), "11월 24일 월요일 오전 9시"),
        (kst(2025, 11, 24, 14, 30), "11월 24일 월요일 오후 2시 30분"),
        (kst(2025, 11, 25, 12, 0), "11월 25일 화요일 오후 12시"),
        (kst(2025, 11, 30, 0, 5), "11월 30일 일요일 오전 12시 5분"),
    ],
)
def test_speak_korean_datetime(moment: datetime, spoken: str) -> None:
    assert speak_korean_datetime(moment) == spoken


def test_speak_korean_datetime_uses_korea_time() -> None:
    assert speak_korean_datetime(datetime(2025, 11, 24, 0, 0, tzinfo=UTC)) == "11월 24일 월요일 오전 9시"


def test_speak_digits_groups_for_text_to_speech() -> None:
    assert speak_digits("48210937") == "4 8 2 1, 0 9 3 7"
    assert speak_digits("123") == "1 2 3"
