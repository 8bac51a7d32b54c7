"""The holiday horizon: the configured holidays cover the next 12 months, and past them nothing is silent.

``holiday_years`` closes the agents' hours (Connect overrides) and the callback calendar on Korean
public holidays. Synth never reads the clock; this test does, so it fails a year before the
configured holidays run out: then set ``holiday_years`` to this year and the next two, as the
README's "Rolling holidays forward" says.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import date, datetime, time
from pathlib import Path

import pytest

from bot.business_calendar import BusinessCalendar, BusinessCalendarError
from bot.models import KST
from config import ConfigError, EnvironmentConfig, load_all_environments
from config.calendar import holiday_closures, holidays_covered_until, korean_public_holidays
from config.settings import DEFAULT_CONFIG_PATH
from constructs_lib.function_environment import business_calendar_environment
from contract import EnvVar

#: How far ahead the configured holidays must reach from today.
HORIZON_MONTHS = 12
#: Connect's overrides per hours of operation (``KoreanBusinessHours.MAX_OVERRIDES``, not adjustable).
CONNECT_MAX_OVERRIDES = 50

CONFIGS = load_all_environments()


def months_later(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months on (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def uncovered_horizon(config: EnvironmentConfig, today: date) -> str | None:
    """Why ``config``'s holidays do not cover the next 12 months from ``today`` (None: they do)."""
    needed_until = months_later(today, HORIZON_MONTHS)
    covered_until = holidays_covered_until(config.holiday_years)
    if min(config.holiday_years) > today.year:
        return f"{config.name}.holiday_years {list(config.holiday_years)} do not include this year"
    if covered_until < needed_until:
        return (
            f"{config.name}.holiday_years {list(config.holiday_years)} cover Korean public holidays only "
            f"until {covered_until}, but must reach {needed_until} (12 months from {today}): add "
            f"{covered_until.year + 1} to holiday_years in config/environments.json and deploy"
        )
    return None


@pytest.mark.parametrize("environment", list(CONFIGS))
def test_configured_holidays_cover_the_next_12_months(environment: str) -> None:
    today = datetime.now(KST).date()  # the clock, in Korea: tests may read it, synth never does
    assert uncovered_horizon(CONFIGS[environment], today) is None


@pytest.mark.parametrize(
    ("today", "covered"),
    [
        (date(2026, 11, 30), True),  # 2026-2028 reach 2028-12-31
        (date(2027, 12, 31), True),  # the last day before a year's warning is due
        (date(2028, 1, 1), False),  # 2029 must be there by now
    ],
)
def test_the_horizon_check_warns_a_year_ahead(today: date, covered: bool) -> None:
    config = dataclasses.replace(CONFIGS["prod"], holiday_years=(2026, 2027, 2028))
    assert (uncovered_horizon(config, today) is None) is covered


def test_two_years_from_january_would_not_do() -> None:
    # 2026 and 2027 reached 12 months ahead only until 31 December 2026: hence three years.
    config = dataclasses.replace(CONFIGS["prod"], holiday_years=(2026, 2027))
    assert uncovered_horizon(config, date(2026, 12, 31)) is None
    assert uncovered_horizon(config, date(2027, 1, 1)) is not None
    assert uncovered_horizon(config, date(2027, 1, 1)) == (
        "prod.holiday_years [2026, 2027] cover Korean public holidays only until 2027-12-31, but must "
        "reach 2028-01-01 (12 months from 2027-01-01): add 2028 to holiday_years in "
        "config/environments.json and deploy"
    )


def test_holidays_starting_after_this_year_are_reported() -> None:
    config = dataclasses.replace(CONFIGS["dev"], holiday_years=(2027, 2028))
    assert uncovered_horizon(config, date(2026, 11, 30)) == (
        "dev.holiday_years [2027, 2028] do not include this year"
    )


def test_the_horizon_check_names_the_year_to_add() -> None:
    config = dataclasses.replace(CONFIGS["dev"], holiday_years=(2026, 2027, 2028))
    message = uncovered_horizon(config, date(2028, 3, 2))
    assert message is not None
    assert "until 2028-12-31, but must reach 2029-03-02" in message
    assert "add 2029 to holiday_years" in message


def test_months_later_keeps_the_day_or_takes_the_months_last() -> None:
    assert months_later(date(2026, 11, 30), 12) == date(2027, 11, 30)
    assert months_later(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert months_later(date(2027, 12, 31), 12) == date(2028, 12, 31)


@pytest.mark.parametrize("environment", list(CONFIGS))
def test_every_year_of_holidays_fits_connects_override_limit(environment: str) -> None:
    config = CONFIGS[environment]
    closures = holiday_closures(korean_public_holidays(config.holiday_years), config.business_hours.days)
    # Three years need 36-40 overrides (consecutive holidays share one); four may not fit (2027-2030: 52).
    assert len(closures) <= CONNECT_MAX_OVERRIDES


def test_the_holidays_package_knows_2028_lunar_holidays_included() -> None:
    holidays_2028 = korean_public_holidays([2028])
    assert "설날" in holidays_2028[date(2028, 1, 27)]
    assert "부처님오신날" in holidays_2028[date(2028, 5, 2)]
    assert "추석" in holidays_2028[date(2028, 10, 3)]


def test_the_functions_are_told_the_last_covered_day() -> None:
    config = dataclasses.replace(CONFIGS["prod"], holiday_years=(2026, 2027, 2028))
    environment = business_calendar_environment(config)
    assert environment[EnvVar.BUSINESS_HOLIDAYS_UNTIL] == "2028-12-31"
    assert max(environment[EnvVar.BUSINESS_HOLIDAYS].split(",")) <= "2028-12-31"
    calendar = BusinessCalendar.from_env(environment)
    assert calendar.holidays_until == date(2028, 12, 31)
    assert calendar.covers(date(2028, 12, 31))
    assert not calendar.covers(date(2029, 1, 1))


def test_a_calendar_without_a_horizon_covers_every_day() -> None:
    calendar = BusinessCalendar(time(9), time(18), frozenset(range(5)), frozenset())
    assert calendar.holidays_until is None
    assert calendar.covers(date(2100, 1, 1))
    assert BusinessCalendar.from_env({}).holidays_until is None


def test_a_malformed_horizon_names_the_variable() -> None:
    with pytest.raises(BusinessCalendarError, match=r"^BUSINESS_HOLIDAYS_UNTIL must be a YYYY-MM-DD date"):
        BusinessCalendar.from_env({EnvVar.BUSINESS_HOLIDAYS_UNTIL: "2028"})


def test_holiday_years_with_a_gap_are_rejected(tmp_path: Path) -> None:
    document = copy.deepcopy(json.loads(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")))
    document["environments"]["staging"]["holiday_years"] = [2026, 2028]
    path = tmp_path / "environments.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"^staging\.holiday_years must be consecutive years, got \[2026, 2028\]$"
    ):
        load_all_environments(path)
