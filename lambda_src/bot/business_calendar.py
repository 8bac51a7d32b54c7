"""Agents' business hours in Korea time: when agents work and when a callback should happen.

Pure standard-library code: the CDK app resolves Korean public holidays (lunar and substitute
holidays included) with the ``holidays`` package at synth time and passes them in
``BUSINESS_HOLIDAYS``; the Lambda code never imports ``holidays``.

Callback policy (``next_callback_time``):

* While agents are working, a callback is scheduled "as soon as possible": the request time
  rounded up to the next half hour (10:07 → 10:30, 10:30 → 10:30), provided that slot is still
  before closing time. A caller who asks for a callback during business hours was not served
  because every agent was busy, so waiting for the next business day would be needlessly slow.
* Otherwise (after hours, weekends, holidays, or the half-hour slot would fall at or after
  closing) the callback is scheduled at the next business opening, e.g. Friday 17:45 → Monday
  09:00, or the day after a holiday.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.messages import WEEKDAY_NAMES
from bot.models import KST
from contract import EnvVar

#: Weekday names as written in BUSINESS_DAYS, in ``date.weekday()`` order (Monday = 0).
WEEKDAY_CODES: tuple[str, ...] = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")

#: Granularity of "as soon as possible" callbacks during business hours.
CALLBACK_SLOT_MINUTES = 30

# A calendar with no business day in two years is a configuration error, not a long search.
_MAX_DAYS_SEARCHED = 732


class BusinessCalendarError(ValueError):
    """The business-hours configuration is invalid; the message names the variable."""


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Agents' working hours: open on ``weekdays`` from ``open_time`` to ``close_time`` (Korea time).

    ``weekdays`` holds ``date.weekday()`` numbers (Monday = 0); ``holidays`` are closed all day.
    Opening is inclusive and closing exclusive: 09:00 is open, 18:00 is closed.

    ``holidays_until`` is the last day the holiday list covers (None: not known). The calendar still
    decides past it, as if no day there were a holiday; :meth:`covers` tells the caller so it can
    log and count such a decision (the list must be rolled forward in the config).
    """

    open_time: time
    close_time: time
    weekdays: frozenset[int]
    holidays: frozenset[date]
    holidays_until: date | None = None

    def __post_init__(self) -> None:
        if self.open_time >= self.close_time:
            raise BusinessCalendarError(
                f"{EnvVar.BUSINESS_OPEN_TIME} ({self.open_time:%H:%M}) must be before "
                f"{EnvVar.BUSINESS_CLOSE_TIME} ({self.close_time:%H:%M})"
            )
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise BusinessCalendarError(f"{EnvVar.BUSINESS_DAYS} must name at least one weekday (MON..SUN)")

    def covers(self, day: date) -> bool:
        """False when ``day`` lies past ``holidays_until``: whether it is a holiday is unknown."""
        return self.holidays_until is None or day <= self.holidays_until

    def is_business_day(self, day: date) -> bool:
        """True when agents work on ``day`` (a configured weekday that is not a holiday)."""
        return day.weekday() in self.weekdays and day not in self.holidays

    def is_open(self, at: datetime) -> bool:
        """True when agents are working at the instant ``at`` (any time zone, must be aware)."""
        local = _to_korea_time(at)
        return self.is_business_day(local.date()) and self.open_time <= local.time() < self.close_time

    def next_opening(self, after: datetime) -> datetime:
        """The first business opening strictly after ``after``, in Korea time.

        Before today's opening on a business day this is today's opening; during or after
        business hours it is the opening of the next business day.
        """
        local = _to_korea_time(after)
        day = local.date()
        for _ in range(_MAX_DAYS_SEARCHED):
            opening = datetime.combine(day, self.open_time, tzinfo=KST)
            if opening > local and self.is_business_day(day):
                return opening
            day += timedelta(days=1)
        raise BusinessCalendarError(
            f"no business day within two years: check {EnvVar.BUSINESS_DAYS}/{EnvVar.BUSINESS_HOLIDAYS}"
        )

    def next_callback_time(self, requested_at: datetime) -> datetime:
        """When an agent should call back a caller who asked at ``requested_at`` (see module docs)."""
        local = _to_korea_time(requested_at)
        if self.is_open(local):
            slot = _round_up_to_slot(local)
            if slot.date() == local.date() and slot.time() < self.close_time:
                return slot
        return self.next_opening(local)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> BusinessCalendar:
        """Build the calendar from BUSINESS_OPEN_TIME, BUSINESS_CLOSE_TIME, BUSINESS_DAYS, BUSINESS_HOLIDAYS
        and BUSINESS_HOLIDAYS_UNTIL.

        Defaults: 09:00–18:00, Monday to Friday, no holidays, no known horizon. Raises
        ``BusinessCalendarError`` naming the offending variable.
        """
        env = os.environ if environ is None else environ
        return cls(
            open_time=parse_clock_time(
                EnvVar.BUSINESS_OPEN_TIME, env.get(EnvVar.BUSINESS_OPEN_TIME, "09:00")
            ),
            close_time=parse_clock_time(
                EnvVar.BUSINESS_CLOSE_TIME, env.get(EnvVar.BUSINESS_CLOSE_TIME, "18:00")
            ),
            weekdays=parse_weekdays(env.get(EnvVar.BUSINESS_DAYS, "MON,TUE,WED,THU,FRI")),
            holidays=parse_holidays(env.get(EnvVar.BUSINESS_HOLIDAYS, "")),
            holidays_until=parse_holidays_until(env.get(EnvVar.BUSINESS_HOLIDAYS_UNTIL, "")),
        )


def parse_clock_time(variable: str, raw: str) -> time:
    """Parse "HH:MM" (24-hour clock); the error names ``variable``."""
    try:
        hours_text, minutes_text = raw.strip().split(":")
        parsed = time(int(hours_text), int(minutes_text))
    except ValueError:
        raise BusinessCalendarError(f"{variable} must be a 24-hour time HH:MM, got {raw!r}") from None
    return parsed


def parse_weekdays(raw: str) -> frozenset[int]:
    """Parse "MON,TUE,..." into ``date.weekday()`` numbers."""
    codes = [code.strip().upper() for code in raw.split(",") if code.strip()]
    unknown = [code for code in codes if code not in WEEKDAY_CODES]
    if not codes or unknown:
        raise BusinessCalendarError(
            f"{EnvVar.BUSINESS_DAYS} must be a comma-separated list of {','.join(WEEKDAY_CODES)}, got {raw!r}"
        )
    return frozenset(WEEKDAY_CODES.index(code) for code in codes)


def parse_holidays(raw: str) -> frozenset[date]:
    """Parse comma-separated YYYY-MM-DD dates; an empty string means no holidays."""
    holidays: set[date] = set()
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            holidays.add(date.fromisoformat(item))
        except ValueError:
            raise BusinessCalendarError(
                f"{EnvVar.BUSINESS_HOLIDAYS} must be comma-separated YYYY-MM-DD dates, got {item!r}"
            ) from None
    return frozenset(holidays)


def parse_holidays_until(raw: str) -> date | None:
    """Parse the holiday list's last covered day (YYYY-MM-DD); an empty string means not known."""
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise BusinessCalendarError(
            f"{EnvVar.BUSINESS_HOLIDAYS_UNTIL} must be a YYYY-MM-DD date, got {raw!r}"
        ) from None


def speak_korean_datetime(moment: datetime) -> str:
    """A date and time as a Korean speaker says it, e.g. "11월 24일 월요일 오전 9시 30분"."""
    local = _to_korea_time(moment)
    meridiem = "오전" if local.hour < 12 else "오후"
    hour_12 = local.hour % 12 or 12
    spoken = f"{local.month}월 {local.day}일 {WEEKDAY_NAMES[local.weekday()]} {meridiem} {hour_12}시"
    if local.minute:
        spoken += f" {local.minute}분"
    return spoken


def speak_digits(digits: Iterable[str], group_size: int = 4) -> str:
    """Space out a reference number so text-to-speech reads digit by digit, pausing between groups.

    "48210937" → "4 8 2 1, 0 9 3 7".
    """
    characters = [character for character in digits if not character.isspace()]
    groups = [" ".join(characters[i : i + group_size]) for i in range(0, len(characters), group_size)]
    return ", ".join(groups)


def _to_korea_time(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business-calendar datetimes must be timezone-aware")
    return moment.astimezone(KST)


def _round_up_to_slot(moment: datetime) -> datetime:
    """Round up to the next CALLBACK_SLOT_MINUTES boundary (a boundary itself stays)."""
    floor = moment.replace(
        minute=moment.minute - moment.minute % CALLBACK_SLOT_MINUTES, second=0, microsecond=0
    )
    return floor if floor == moment else floor + timedelta(minutes=CALLBACK_SLOT_MINUTES)
