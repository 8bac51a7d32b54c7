"""Alarms on Amazon Connect's own metrics (namespace ``AWS/Connect``), given a :class:`ConnectResources`.

Kept apart from the alarms on our functions because everything here is Connect's contract, not ours:
its metric names, the exact dimension sets it publishes them with, and the names of the deployed
queues and flows. What is watched:

* per queue ``LongestQueueWaitTime`` above ``queue_wait_alarm_seconds`` and ``QueueSize`` at
  :data:`QUEUE_SIZE_SHARE_OF_CAPACITY` of the queue's ``max_contacts``;
* per flow ``ContactFlowErrors`` and ``ContactFlowFatalErrors``;
* for the instance ``CallsBreachingConcurrencyQuota``, ``ThrottledCalls``, ``MissedCalls`` and
  ``CallRecordingUploadError``.

Queue and flow names are the deployed ones (the ``name`` of the ``AWS::Connect::Queue`` and
``AWS::Connect::ContactFlow`` constructs), never copies.

Dimensions, as Connect publishes them (an alarm matches only the exact set). Sources: the Amazon
Connect Administrator Guide, "Monitoring your instance using CloudWatch" (``monitoring-cloudwatch``:
"Amazon Connect metrics sent to CloudWatch" and "CloudWatch dimensions for Amazon Connect"; found
with the ``search`` tool in its zh_tw/ja_jp copies, whose dimension table was not in the excerpt),
``shared/REFERENCE.md`` ("Connect metrics"), and public alarms and ``GetMetricData`` outputs on
these metrics (labels ``VoiceCalls MissedCalls``, ``VoiceCalls CallsBreachingConcurrencyQuota``,
``CallRecordings CallRecordingUploadError``, ``<flow> ContactFlow ContactFlowErrors``; a Terraform
alarm with ``InstanceId`` + ``MetricGroup = CallRecordings``):

============================================================  =========================================
metrics                                                       dimensions
============================================================  =========================================
``LongestQueueWaitTime``, ``QueueSize``                       ``InstanceId``, ``MetricGroup=Queue``,
                                                              ``QueueName``
``ContactFlowErrors``, ``ContactFlowFatalErrors``             ``InstanceId``, ``MetricGroup=ContactFlow``,
                                                              ``ContactFlowName``
``CallsBreachingConcurrencyQuota``, ``ThrottledCalls``,       ``InstanceId``, ``MetricGroup=VoiceCalls``
``MissedCalls``
``CallRecordingUploadError``                                  ``InstanceId``, ``MetricGroup=CallRecordings``
============================================================  =========================================

``InstanceId`` is the instance's id (not its ARN). Connect emits every minute, and only with activity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from aws_cdk import aws_cloudwatch as cloudwatch

from config.settings import EnvironmentConfig
from constructs_lib.alarm_factory import PERIOD, AlarmFactory

#: Namespace of Amazon Connect's own metrics, and the dimension names and metric groups it uses.
CONNECT_NAMESPACE: Final = "AWS/Connect"
INSTANCE_ID: Final = "InstanceId"
METRIC_GROUP: Final = "MetricGroup"
QUEUE_NAME: Final = "QueueName"
CONTACT_FLOW_NAME: Final = "ContactFlowName"

#: A queue alarms when this many callers wait: this share of its ``max_contacts`` (rounded up).
QUEUE_SIZE_SHARE_OF_CAPACITY: Final = 0.8
#: Missed calls per period worth a look (one is an agent away from the desk).
MISSED_CALLS_PER_PERIOD: Final = 3


class ConnectMetricGroup(StrEnum):
    """``MetricGroup`` values of the ``AWS/Connect`` metrics watched here."""

    QUEUE = "Queue"
    CONTACT_FLOW = "ContactFlow"
    VOICE_CALLS = "VoiceCalls"
    CALL_RECORDINGS = "CallRecordings"


class ConnectMetric(StrEnum):
    """``AWS/Connect`` metric names watched here."""

    LONGEST_QUEUE_WAIT_TIME = "LongestQueueWaitTime"
    QUEUE_SIZE = "QueueSize"
    CONTACT_FLOW_ERRORS = "ContactFlowErrors"
    CONTACT_FLOW_FATAL_ERRORS = "ContactFlowFatalErrors"
    CALLS_BREACHING_CONCURRENCY_QUOTA = "CallsBreachingConcurrencyQuota"
    THROTTLED_CALLS = "ThrottledCalls"
    MISSED_CALLS = "MissedCalls"
    CALL_RECORDING_UPLOAD_ERROR = "CallRecordingUploadError"


#: Instance-level metrics: metric group, alarm name and what the alarm means.
INSTANCE_METRICS: Final[tuple[tuple[ConnectMetric, ConnectMetricGroup, str], ...]] = (
    (
        ConnectMetric.CALLS_BREACHING_CONCURRENCY_QUOTA,
        ConnectMetricGroup.VOICE_CALLS,
        "Connect: calls were refused at the instance's concurrent-call quota (ask for more).",
    ),
    (
        ConnectMetric.THROTTLED_CALLS,
        ConnectMetricGroup.VOICE_CALLS,
        "Connect: calls were rejected because calls per second exceeded the quota.",
    ),
    (
        ConnectMetric.MISSED_CALLS,
        ConnectMetricGroup.VOICE_CALLS,
        "Connect: calls routed to agents were not answered (missed).",
    ),
    (
        ConnectMetric.CALL_RECORDING_UPLOAD_ERROR,
        ConnectMetricGroup.CALL_RECORDINGS,
        "Connect: call recordings failed to upload to the recordings bucket (check its key and policy).",
    ),
)


@dataclass(frozen=True, slots=True)
class ConnectResources:
    """What the ``AWS/Connect`` alarms watch: the instance id and the deployed names.

    ``queue_names`` is by queue key (``contract.Queue``), ``flow_names`` by flow key (``flowlang.FLOWS``).
    """

    instance_id: str
    queue_names: Mapping[str, str]
    flow_names: Mapping[str, str]


def connect_metric(
    name: str,
    *,
    instance_id: str,
    group: ConnectMetricGroup,
    dimensions: Mapping[str, str] | None = None,
    statistic: str = cloudwatch.Stats.SUM,
) -> cloudwatch.Metric:
    """One ``AWS/Connect`` metric with the dimensions Connect publishes it with."""
    return cloudwatch.Metric(
        namespace=CONNECT_NAMESPACE,
        metric_name=name,
        dimensions_map={INSTANCE_ID: instance_id, METRIC_GROUP: group.value, **(dimensions or {})},
        statistic=statistic,
        period=PERIOD,
    )


def queue_metric(name: str, instance_id: str, queue_name: str) -> cloudwatch.Metric:
    """A per-queue metric (its maximum over the period: the worst moment counts)."""
    return connect_metric(
        name,
        instance_id=instance_id,
        group=ConnectMetricGroup.QUEUE,
        dimensions={QUEUE_NAME: queue_name},
        statistic=cloudwatch.Stats.MAXIMUM,
    )


def flow_metric(name: str, instance_id: str, flow_name: str) -> cloudwatch.Metric:
    """A per-flow metric (summed over the period)."""
    return connect_metric(
        name,
        instance_id=instance_id,
        group=ConnectMetricGroup.CONTACT_FLOW,
        dimensions={CONTACT_FLOW_NAME: flow_name},
    )


def queue_size_threshold(max_contacts: int) -> int:
    """Callers waiting in a queue that alarm: the configured share of its capacity, at least 1."""
    return max(1, math.ceil(max_contacts * QUEUE_SIZE_SHARE_OF_CAPACITY))


def add_connect_alarms(alarms: AlarmFactory, config: EnvironmentConfig, connect: ConnectResources) -> None:
    """Per queue wait and size, per flow errors and fatal errors, then the instance's calls."""
    wait_limit = config.queue_wait_alarm_seconds
    for key, queue_name in connect.queue_names.items():
        label = _pascal(key)
        alarms.alarm(
            f"Queue{label}LongestWait",
            queue_metric(ConnectMetric.LONGEST_QUEUE_WAIT_TIME, connect.instance_id, queue_name),
            threshold=wait_limit,
            description=f"Connect queue {key}: a caller has waited more than {wait_limit} s.",
        )
        size_limit = queue_size_threshold(config.queues[key].max_contacts)
        alarms.alarm(
            f"Queue{label}Size",
            queue_metric(ConnectMetric.QUEUE_SIZE, connect.instance_id, queue_name),
            threshold=size_limit,
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            description=(
                f"Connect queue {key}: {size_limit} or more callers waiting, "
                f"{round(QUEUE_SIZE_SHARE_OF_CAPACITY * 100)}% of its "
                f"{config.queues[key].max_contacts} max contacts; new callers will be refused."
            ),
        )
    for key, flow_name in connect.flow_names.items():
        label = _pascal(key)
        alarms.alarm(
            f"Flow{label}Errors",
            flow_metric(ConnectMetric.CONTACT_FLOW_ERRORS, connect.instance_id, flow_name),
            threshold=0,
            description=f"Connect flow {flow_name}: an error branch was taken.",
        )
        alarms.alarm(
            f"Flow{label}FatalErrors",
            flow_metric(ConnectMetric.CONTACT_FLOW_FATAL_ERRORS, connect.instance_id, flow_name),
            threshold=0,
            description=f"Connect flow {flow_name}: the flow failed (system error) and dropped the call.",
        )
    for metric, group, description in INSTANCE_METRICS:
        missed = metric is ConnectMetric.MISSED_CALLS
        alarms.alarm(
            f"Connect{metric.value}",
            connect_metric(metric, instance_id=connect.instance_id, group=group),
            threshold=MISSED_CALLS_PER_PERIOD if missed else 0,
            comparison=(
                cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
                if missed
                else cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
            ),
            description=description,
        )


def _pascal(key: str) -> str:
    """``after_hours`` -> ``AfterHours``: a queue or flow key as part of an alarm's construct id."""
    return key.title().replace("_", "")
