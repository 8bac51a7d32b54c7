"""Agents' hours of operation in Korea time, closed on Korean public holidays."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from aws_cdk import aws_connect as connect
from constructs import Construct

from config.calendar import Closure, holiday_closures
from config.settings import WEEKDAYS, BusinessHours


class HolidayOverrideLimitError(ValueError):
    """More holiday closures than Connect allows overrides on one hours of operation."""


class KoreanBusinessHours(Construct):
    """``AWS::Connect::HoursOfOperation`` in ``Asia/Seoul`` with a CLOSED override per holiday run.

    Each run of consecutive business-day holidays (e.g. 설날 or 추석) becomes one override whose
    time slices cover whole days, so the hours check answers "closed" all day.

    Attributes:
        hours: the hours of operation.
        hours_arn: its ARN.
        closures: the holiday closures turned into overrides, in date order.
    """

    TIME_ZONE: ClassVar[str] = "Asia/Seoul"
    MAX_OVERRIDES: ClassVar[int] = 50  # Connect quota per hours of operation, not adjustable

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        instance_arn: str,
        name: str,
        description: str,
        business_hours: BusinessHours,
        holidays_by_date: dict[date, str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.closures = holiday_closures(holidays_by_date, business_hours.days)
        if len(self.closures) > self.MAX_OVERRIDES:
            raise HolidayOverrideLimitError(
                f"{len(self.closures)} holiday closures exceed Connect's {self.MAX_OVERRIDES} overrides "
                "per hours of operation: configure fewer holiday_years"
            )
        open_hour, open_minute = business_hours.open_hour_minute
        close_hour, close_minute = business_hours.close_hour_minute
        self.hours = connect.CfnHoursOfOperation(
            self,
            "Hours",
            instance_arn=instance_arn,
            name=name,
            description=description,
            time_zone=self.TIME_ZONE,
            config=[
                connect.CfnHoursOfOperation.HoursOfOperationConfigProperty(
                    day=day,
                    start_time=connect.CfnHoursOfOperation.HoursOfOperationTimeSliceProperty(
                        hours=open_hour, minutes=open_minute
                    ),
                    end_time=connect.CfnHoursOfOperation.HoursOfOperationTimeSliceProperty(
                        hours=close_hour, minutes=close_minute
                    ),
                )
                for day in business_hours.days
            ],
            hours_of_operation_overrides=[self._closed_override(closure) for closure in self.closures],
        )
        self.hours_arn = self.hours.attr_hours_of_operation_arn

    @staticmethod
    def _closed_override(closure: Closure) -> connect.CfnHoursOfOperation.HoursOfOperationOverrideProperty:
        weekdays = sorted({WEEKDAYS[day.weekday()] for day in closure.days}, key=WEEKDAYS.index)
        names = " · ".join(dict.fromkeys(closure.names))
        return connect.CfnHoursOfOperation.HoursOfOperationOverrideProperty(
            override_name=f"{closure.first_day.isoformat()} {names}"[:127],
            override_description=f"공휴일 휴무: {names}"[:250],
            override_type="CLOSED",
            effective_from=closure.first_day.isoformat(),
            effective_till=closure.last_day.isoformat(),
            override_config=[
                connect.CfnHoursOfOperation.HoursOfOperationOverrideConfigProperty(
                    day=weekday,
                    start_time=connect.CfnHoursOfOperation.OverrideTimeSliceProperty(hours=0, minutes=0),
                    end_time=connect.CfnHoursOfOperation.OverrideTimeSliceProperty(hours=23, minutes=59),
                )
                for weekday in weekdays
            ],
        )
