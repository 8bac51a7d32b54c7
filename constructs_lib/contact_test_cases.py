"""Every scripted call as an ``AWS::Connect::TestCase`` of the environment's instance.

The documents come from :mod:`scenarios.test_cases` (the same the offline runner runs), with the
deployed ARNs: the inbound flow as entry point (voice or chat), the contact-flow function the
documents mock, and the business hours they substitute. The scenarios' fixed times cannot be given
to the instance, so every hours check is substituted by one of two hours of operation made here:
*always open* (every day 00:00-23:59) and *always closed* (open one minute a week, closed by a
CLOSED override for each configured holiday year, so closed whenever the configuration is current:
``tests/unit/test_holiday_horizon.py`` keeps those years ahead of the clock).

Each test case is named ``<name_prefix>-<slug of the scenario>`` (``make verify`` finds them by
the prefix) and ``PUBLISHED`` (runnable; Connect validates the content), except those whose outcome
depends on live staffing: ``SAVED``, with the reason in the description, so ``make verify`` skips
them (:mod:`scenarios.test_cases`). Every document passed
:func:`testlang.checker.require_valid_document` first: a bad document stops synth, naming it. No
test case lets a contact-creating action (queue transfer, queued callback, task) go ahead or runs
the function that writes: see :mod:`scenarios.test_cases`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from aws_cdk import Fn
from aws_cdk import aws_connect as connect
from constructs import Construct

from config.settings import WEEKDAYS, EnvironmentConfig
from scenarios.test_cases import (
    TestCaseResources,
    convert,
    current_transcript,
    load_transcripts,
)
from testlang.checker import require_valid_document
from testlang.model import MAX_CONTENT_CHARS, MAX_NAME_CHARS, EntryPointType


class TestCaseNameError(ValueError):
    """A test case name is too long or not unique."""

    __test__ = False  # not a pytest class


class ContactTestCases(Construct):
    """One ``CfnTestCase`` per scripted call, and the two hours of operation they substitute.

    Attributes:
        test_cases: the test cases by scenario name.
        always_open, always_closed: the substitute hours of operation.
    """

    TIME_ZONE: ClassVar[str] = "Asia/Seoul"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        instance_arn: str,
        inbound_flow_arn: str,
        contact_flow_function_arn: str,
        hours_arn: str,
        scenarios: Sequence[Any] | None = None,
        inbound_flow_id: str | None = None,
    ) -> None:
        """``inbound_flow_id`` defaults to the end of ``inbound_flow_arn``; give it when the ARN comes
        from another stack (a template cannot ``Fn::Split`` another stack's output)."""
        super().__init__(scope, construct_id)
        if scenarios is None:
            from scenarios.calls import SCRIPTED_CALLS

            scenarios = SCRIPTED_CALLS
        prefix = config.name_prefix
        self.always_open = self._hours(
            instance_arn, f"{prefix}-test-always-open", "시험용: 항상 운영", config, open_all_day=True
        )
        self.always_closed = self._hours(
            instance_arn, f"{prefix}-test-always-closed", "시험용: 항상 휴무", config, open_all_day=False
        )
        resources = TestCaseResources(
            inbound_flow_arn=inbound_flow_arn,
            contact_flow_function_arn=contact_flow_function_arn,
            hours_arn=hours_arn,
            always_open_hours_arn=self.always_open.attr_hours_of_operation_arn,
            always_closed_hours_arn=self.always_closed.attr_hours_of_operation_arn,
        )
        # The flow's id: the last part of its ARN (…:instance/<id>/contact-flow/<flow id>).
        flow_id = inbound_flow_id or Fn.select(3, Fn.split("/", inbound_flow_arn))
        transcripts = load_transcripts()
        self.test_cases: dict[str, connect.CfnTestCase] = {}
        names: set[str] = set()
        for scripted in scenarios:
            converted = convert(
                scripted,
                resources=resources,
                transcript=current_transcript(scripted, transcripts),
                production=config.is_production,
            )
            name = f"{prefix}-{converted.slug}"
            if len(name) > MAX_NAME_CHARS or name in names:
                raise TestCaseNameError(
                    f"test case name {name!r}: longer than {MAX_NAME_CHARS} or not unique"
                )
            names.add(name)
            require_valid_document(converted.content, name=name)
            content = converted.content_json()
            # Tokens stand in for ARNs here (each differs by under 150 characters).
            if len(content) > MAX_CONTENT_CHARS:
                raise ValueError(
                    f"test case {name}: Content is {len(content)} characters, over {MAX_CONTENT_CHARS}"
                )
            self.test_cases[scripted.name] = connect.CfnTestCase(
                self,
                converted.slug,
                instance_arn=instance_arn,
                name=name,
                description=converted.description,
                content=content,
                entry_point=self._entry_point(converted.entry_point_type, flow_id),
                status=converted.status,
            )

    @staticmethod
    def _entry_point(entry_point_type: str, flow_id: str) -> connect.CfnTestCase.EntryPointProperty:
        if entry_point_type == EntryPointType.CHAT:
            return connect.CfnTestCase.EntryPointProperty(
                type=EntryPointType.CHAT,
                chat_entry_point_parameters=connect.CfnTestCase.ChatEntryPointParametersProperty(
                    flow_id=flow_id
                ),
            )
        return connect.CfnTestCase.EntryPointProperty(
            type=EntryPointType.VOICE_CALL,
            voice_call_entry_point_parameters=connect.CfnTestCase.VoiceCallEntryPointParametersProperty(
                flow_id=flow_id
            ),
        )

    def _hours(
        self, instance_arn: str, name: str, description: str, config: EnvironmentConfig, *, open_all_day: bool
    ) -> connect.CfnHoursOfOperation:
        slice_ = connect.CfnHoursOfOperation.HoursOfOperationTimeSliceProperty
        days = WEEKDAYS if open_all_day else WEEKDAYS[-1:]
        end = slice_(hours=23, minutes=59) if open_all_day else slice_(hours=0, minutes=1)
        overrides = []
        if not open_all_day:
            # The one open minute is closed by a CLOSED override of every configured year.
            override_slice = connect.CfnHoursOfOperation.OverrideTimeSliceProperty
            overrides = [
                connect.CfnHoursOfOperation.HoursOfOperationOverrideProperty(
                    override_name=f"{year} 시험용 휴무",
                    override_description="시험용: 항상 휴무",
                    override_type="CLOSED",
                    effective_from=f"{year}-01-01",
                    effective_till=f"{year}-12-31",
                    override_config=[
                        connect.CfnHoursOfOperation.HoursOfOperationOverrideConfigProperty(
                            day=day,
                            start_time=override_slice(hours=0, minutes=0),
                            end_time=override_slice(hours=23, minutes=59),
                        )
                        for day in WEEKDAYS
                    ],
                )
                for year in config.holiday_years
            ]
        return connect.CfnHoursOfOperation(
            self,
            "AlwaysOpen" if open_all_day else "AlwaysClosed",
            instance_arn=instance_arn,
            name=name,
            description=description,
            time_zone=self.TIME_ZONE,
            config=[
                connect.CfnHoursOfOperation.HoursOfOperationConfigProperty(
                    day=day, start_time=slice_(hours=0, minutes=0), end_time=end
                )
                for day in days
            ],
            hours_of_operation_overrides=overrides or None,
        )
