"""Korean public holidays for the configured years, and the closures they cause.

Computed from ``holiday_years`` in the environment config with the ``holidays`` package (lunar and
substitute holidays included) — never from today's date, so a synth is the same on any day.
Used at synth for the Connect hours-of-operation overrides and the Lambda's callback calendar,
and by the local simulator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

from config.settings import WEEKDAYS


@dataclass(frozen=True, slots=True)
class Closure:
    """A run of consecutive calendar days on which agents are off for public holidays."""

    first_day: date
    last_day: date
    names: tuple[str, ...]

    @property
    def days(self) -> list[date]:
        return [
            self.first_day + timedelta(days=offset)
            for offset in range((self.last_day - self.first_day).days + 1)
        ]


def korean_public_holidays(years: Iterable[int]) -> dict[date, str]:
    """Every Korean public holiday of ``years`` with its Korean name, sorted by date."""
    calendar = holidays.country_holidays("KR", years=sorted(set(years)), language="ko")
    return dict(sorted(calendar.items()))


def holidays_covered_until(years: Iterable[int]) -> date:
    """The last day the holidays of ``years`` cover: 31 December of the last year.

    The years are consecutive (``config.settings`` validates it), so every day from 1 January of
    the first year up to this one is covered. The functions get it as ``BUSINESS_HOLIDAYS_UNTIL``.
    """
    return date(max(years), 12, 31)


def holiday_closures(holidays_by_date: dict[date, str], business_days: Iterable[str]) -> list[Closure]:
    """Group the holidays that fall on business days into runs of consecutive days.

    Holidays on days the contact center is closed anyway (weekends) need no closure. Consecutive
    business-day holidays (e.g. the three days of 추석) become one closure, which keeps the number
    of Connect overrides low (Connect allows 50 per hours of operation).
    """
    open_days = set(business_days)
    closing = sorted(day for day in holidays_by_date if WEEKDAYS[day.weekday()] in open_days)
    closures: list[Closure] = []
    for day in closing:
        if closures and day - closures[-1].last_day == timedelta(days=1):
            last = closures[-1]
            closures[-1] = Closure(last.first_day, day, (*last.names, holidays_by_date[day]))
        else:
            closures.append(Closure(day, day, (holidays_by_date[day],)))
    return closures
