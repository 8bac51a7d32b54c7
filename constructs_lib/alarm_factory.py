"""How every contact-center alarm is made: one place, so no alarm differs by accident.

:class:`AlarmFactory` creates each ``AWS::CloudWatch::Alarm`` as a child of the monitoring construct it
is given (construct ids, and so logical ids, are the alarm's short name), names it
``<name_prefix>-<name>``, sends both its ALARM and its OK state changes to the alarm topic, and treats
missing data as not breaching: the contact center is quiet at night and a metric nobody emitted is not
a failure. The parts that decide *what* to alarm on (``monitoring_functions``, ``monitoring_connect``)
only call :meth:`AlarmFactory.alarm`.
"""

from __future__ import annotations

from typing import Final

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_sns as sns
from constructs import Construct

#: Period of every alarm and graph unless one says otherwise (the Bedrock per-minute alarms do).
PERIOD: Final = Duration.minutes(5)


class AlarmFactory:
    """Creates the alarms under ``scope`` and keeps them by short name in :attr:`alarms`.

    Attributes:
        alarms: alarm by its short, stable name (``LexHookErrors``, ``ConversationLogWriteFailed``...),
            in the order they were created.
    """

    def __init__(self, scope: Construct, *, name_prefix: str, topic: sns.ITopic) -> None:
        self._scope = scope
        self._name_prefix = name_prefix
        self._topic = topic
        self.alarms: dict[str, cloudwatch.Alarm] = {}

    def alarm(
        self,
        name: str,
        metric: cloudwatch.IMetric,
        *,
        threshold: float,
        description: str,
        evaluation_periods: int = 1,
        datapoints_to_alarm: int | None = None,
        comparison: cloudwatch.ComparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    ) -> cloudwatch.Alarm:
        """One alarm named ``name`` on ``metric``, notifying the topic on ALARM and on OK."""
        alarm = cloudwatch.Alarm(
            self._scope,
            name,
            alarm_name=f"{self._name_prefix}-{name}",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        action = cloudwatch_actions.SnsAction(self._topic)
        alarm.add_alarm_action(action)
        alarm.add_ok_action(action)
        self.alarms[name] = alarm
        return alarm
