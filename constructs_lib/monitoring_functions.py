"""Alarms on the functions this app runs and on what their handlers report.

Everything here is our own contract (Lambda's metrics of our functions, the handlers' EMF metrics
named in ``contract``), as opposed to ``monitoring_connect``, which follows Connect's. What is watched:

* **Lambda's own metrics** per function: ``Errors`` and ``Throttles`` above zero, and ``Duration``
  p99 close to the timeout (the step before callers hear silence or Connect takes its error
  branch).
* **Dead-letter queues** of the custom-resource functions CloudFormation invokes asynchronously:
  any message is a deploy event nobody answered.
* **The handlers' EMF metrics** (``handlers.observability.MetricsPublisher``): their namespace,
  names, dimensions and dimension values are the contract's (``contract.LEX_HOOK_METRICS``,
  ``contract.CONTACT_FLOW_METRICS``, the enums of the values), every metric with Powertools'
  ``service`` dimension (the function's ``POWERTOOLS_SERVICE_NAME``) plus, for some, bounded
  dimensions. An alarm needs the exact dimension set, so metrics with a dimension are summed over
  the contract's values of it with metric math (:func:`summed_metric`).
* **Bedrock capacity** (when Bedrock is enabled): sustained throttling, the share of requests that
  fell back and the request rate against the quota, sized by ``config/capacity.py``.
* **Contact records**: events that failed for good, the function failing, events it cannot read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs

from config import capacity
from config.settings import EnvironmentConfig
from constructs_lib.alarm_factory import PERIOD, AlarmFactory
from constructs_lib.bot_functions import BotFunctions
from constructs_lib.contact_records import ContactRecords
from contract import (
    BEDROCK_FAILURE_REASONS,
    CONTACT_FLOW_ACTIONS,
    DEFAULT_QUEUE,
    METRICS_NAMESPACE,
    PRIORITY_QUEUE,
    ContactEventProblem,
    ContactFlowAction,
    Dimension,
    EscalationReason,
    FallbackReason,
    Metric,
)

#: Duration alarm fires when p99 passes this share of the function's timeout.
DURATION_SHARE_OF_TIMEOUT: Final = 0.8
DURATION_EVALUATION_PERIODS: Final = 3
DURATION_DATAPOINTS_TO_ALARM: Final = 2
#: Bedrock failures per period worth waking someone for (the local classifier covers them,
#: but a steady stream means the configured model is unusable).
CLASSIFIER_FALLBACKS_PER_PERIOD: Final = 10
#: Bedrock throttles in every minute of this many in a row alarm (sustained, not a blip).
BEDROCK_THROTTLED_MINUTES: Final = 5
#: The fallback share is judged only over at least this many Bedrock requests in a period.
BEDROCK_FALLBACK_SHARE_MIN_REQUESTS: Final = 20
#: Requests per minute at the quota's alarm share for this many minutes in a row alarm.
BEDROCK_NEAR_QUOTA_MINUTES: Final = 3

#: Queues a ``system_error`` escalation can go to: the default queue, the priority queue for a VIP.
SYSTEM_ERROR_QUEUES: tuple[str, ...] = (DEFAULT_QUEUE.value, PRIORITY_QUEUE.value)


@dataclass(frozen=True, slots=True)
class MonitoredFunction:
    """A function with the name it is shown under."""

    label: str
    function: lambda_.IFunction
    timeout: Duration


def handler_metric(
    name: str,
    *,
    service: str,
    dimensions: Mapping[str, str] | None = None,
    statistic: str = cloudwatch.Stats.SUM,
) -> cloudwatch.Metric:
    """One EMF metric of a handler, with Powertools' ``service`` dimension."""
    return cloudwatch.Metric(
        namespace=METRICS_NAMESPACE,
        metric_name=name,
        dimensions_map={Dimension.SERVICE: service, **(dimensions or {})},
        statistic=statistic,
        period=PERIOD,
    )


def summed_metric(
    name: str,
    *,
    service: str,
    dimension: str,
    values: Sequence[str],
    label: str,
    fixed: Mapping[str, str] | None = None,
) -> cloudwatch.MathExpression:
    """``name`` summed over the known ``values`` of one dimension (alarms cannot SEARCH).

    ``fixed`` are further dimensions with a single value (e.g. ``reason=system_error``).
    """
    metrics = {
        f"m{index}": handler_metric(name, service=service, dimensions={**(fixed or {}), dimension: value})
        for index, value in enumerate(values)
    }
    return cloudwatch.MathExpression(
        expression=" + ".join(f"FILL({key}, 0)" for key in metrics),
        using_metrics=metrics,
        label=label,
        period=PERIOD,
    )


def add_function_alarms(alarms: AlarmFactory, item: MonitoredFunction) -> None:
    """Errors, throttles and p99 duration near the timeout of one function."""
    function = item.function
    alarms.alarm(
        f"{item.label}Errors",
        function.metric_errors(period=PERIOD, statistic=cloudwatch.Stats.SUM),
        threshold=0,
        description=f"{item.label}: the function failed (unhandled error or timeout).",
    )
    alarms.alarm(
        f"{item.label}Throttles",
        function.metric_throttles(period=PERIOD, statistic=cloudwatch.Stats.SUM),
        threshold=0,
        description=f"{item.label}: invocations were throttled; callers got no answer.",
    )
    threshold_ms = round(item.timeout.to_milliseconds() * DURATION_SHARE_OF_TIMEOUT)
    alarms.alarm(
        f"{item.label}DurationNearTimeout",
        function.metric_duration(period=PERIOD, statistic=cloudwatch.Stats.p(99)),
        threshold=threshold_ms,
        evaluation_periods=DURATION_EVALUATION_PERIODS,
        datapoints_to_alarm=DURATION_DATAPOINTS_TO_ALARM,
        description=(
            f"{item.label}: p99 duration above {threshold_ms} ms, close to the "
            f"{item.timeout.to_seconds()} s timeout."
        ),
    )


def add_dead_letter_alarm(alarms: AlarmFactory, label: str, queue: sqs.IQueue) -> None:
    """Any message in a custom-resource function's dead-letter queue."""
    alarms.alarm(
        f"{label}DeadLetters",
        queue.metric_approximate_number_of_messages_visible(
            period=PERIOD, statistic=cloudwatch.Stats.MAXIMUM
        ),
        threshold=0,
        description=(
            f"{label}: CloudFormation's event for a custom resource failed and was dropped into "
            "its dead-letter queue; the stack may wait for an answer. Read the message (its "
            "ResponseURL) and answer or roll back."
        ),
    )


def add_handler_alarms(alarms: AlarmFactory, config: EnvironmentConfig, functions: BotFunctions) -> None:
    """The handlers' EMF metrics: write failures, system errors, failed actions, Bedrock."""
    lex_service = functions.lex_hook_service_name
    flow_service = functions.contact_flow_service_name
    alarms.alarm(
        Metric.CONVERSATION_LOG_WRITE_FAILED,
        handler_metric(Metric.CONVERSATION_LOG_WRITE_FAILED, service=lex_service),
        threshold=0,
        description="Lex hook: a conversation turn could not be written to the conversations table.",
    )
    alarms.alarm(
        "LexHookSystemErrors",
        summed_metric(
            Metric.ESCALATION,
            service=lex_service,
            dimension=Dimension.QUEUE,
            values=SYSTEM_ERROR_QUEUES,
            label="system_error escalations",
            fixed={Dimension.REASON: EscalationReason.SYSTEM_ERROR.value},
        ),
        threshold=0,
        description="Lex hook: a turn failed and the caller was handed to an agent (system_error).",
    )
    alarms.alarm(
        "ContactFlowActionErrors",
        summed_metric(
            Metric.CONTACT_FLOW_ERROR,
            service=flow_service,
            dimension=Dimension.ACTION,
            values=CONTACT_FLOW_ACTIONS,
            label="contact-flow action errors",
        ),
        threshold=0,
        description="Contact-flow function: a customer lookup or callback registration failed.",
    )
    alarms.alarm(
        Metric.HOLIDAY_CALENDAR_EXHAUSTED,
        handler_metric(
            Metric.HOLIDAY_CALENDAR_EXHAUSTED,
            service=flow_service,
            dimensions={Dimension.ACTION: ContactFlowAction.REGISTER_CALLBACK.value},
        ),
        threshold=0,
        description=(
            "Contact-flow function: a callback was booked past the last configured holiday year; "
            "it may fall on a public holiday. Add the next year to holiday_years and deploy."
        ),
    )
    alarms.alarm(
        Metric.CALLBACK_NOT_CREATED,
        handler_metric(
            Metric.CALLBACK_NOT_CREATED,
            service=flow_service,
            dimensions={Dimension.ACTION: ContactFlowAction.UPDATE_CALLBACK.value},
        ),
        threshold=0,
        description=(
            "Contact-flow function: Connect refused to create a booked callback (no queued callback, "
            "no task). The caller was told; call back from the callbacks table (status NOT_CREATED)."
        ),
    )
    if config.bedrock_enabled:
        alarms.alarm(
            "BedrockAccessDenied",
            handler_metric(
                Metric.CLASSIFIER_FALLBACK,
                service=lex_service,
                dimensions={Dimension.REASON: FallbackReason.ACCESS_DENIED.value},
            ),
            threshold=0,
            description="Lex hook: Bedrock denied the model or inference profile (IAM or model access).",
        )
        alarms.alarm(
            "ClassifierFallbacks",
            _bedrock_fallbacks(lex_service),
            threshold=CLASSIFIER_FALLBACKS_PER_PERIOD,
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            description=(
                f"Lex hook: {CLASSIFIER_FALLBACKS_PER_PERIOD} or more turns in 5 minutes fell back "
                "from Bedrock to the local classifier."
            ),
        )
        _add_bedrock_capacity_alarms(alarms, config, lex_service)


def _bedrock_fallbacks(lex_service: str) -> cloudwatch.MathExpression:
    """Turns that fell back from Bedrock, summed over every Bedrock failure reason."""
    return summed_metric(
        Metric.CLASSIFIER_FALLBACK,
        service=lex_service,
        dimension=Dimension.REASON,
        values=[reason.value for reason in BEDROCK_FAILURE_REASONS],
        label="Bedrock fallbacks",
    )


def _add_bedrock_capacity_alarms(alarms: AlarmFactory, config: EnvironmentConfig, lex_service: str) -> None:
    """Throttling, the fallback share and the request rate, sized by ``config.capacity``."""
    minute = Duration.minutes(1)
    minutes = BEDROCK_THROTTLED_MINUTES
    alarms.alarm(
        "BedrockThrottled",
        handler_metric(
            Metric.CLASSIFIER_FALLBACK,
            service=lex_service,
            dimensions={Dimension.REASON: FallbackReason.THROTTLED.value},
        ).with_(period=minute),
        threshold=0,
        evaluation_periods=minutes,
        datapoints_to_alarm=minutes,
        description=(
            f"Lex hook: Bedrock throttled requests in each of {minutes} minutes in a row; the "
            "account's requests or tokens per minute for the model are used up (ask for more)."
        ),
    )
    share = capacity.fallback_share_alarm_threshold(config.bedrock_timeout_seconds)
    expected = capacity.DEFAULT_LATENCY_PROFILE.expected_fallback_share(config.bedrock_timeout_seconds)
    least = BEDROCK_FALLBACK_SHARE_MIN_REQUESTS
    alarms.alarm(
        "BedrockFallbackShare",
        cloudwatch.MathExpression(
            expression=f"IF(FILL(consulted, 0) >= {least}, fallbacks / FILL(consulted, 0), 0)",
            using_metrics={
                "fallbacks": _bedrock_fallbacks(lex_service),
                "consulted": handler_metric(Metric.BEDROCK_CONSULTED, service=lex_service),
            },
            label="share of Bedrock requests that fell back",
            period=PERIOD,
        ),
        threshold=share,
        evaluation_periods=DURATION_EVALUATION_PERIODS,
        datapoints_to_alarm=DURATION_DATAPOINTS_TO_ALARM,
        description=(
            f"Lex hook: more than {share:.1%} of Bedrock requests fell back (of at least {least} in "
            f"5 minutes); expected {expected:.1%} "
            f"with a {config.bedrock_timeout_seconds:g} s budget (config/capacity.py)."
        ),
    )
    requests = capacity.quota_alarm_threshold(config.bedrock_quota_rpm)
    alarms.alarm(
        "BedrockRequestsNearQuota",
        handler_metric(Metric.BEDROCK_CONSULTED, service=lex_service).with_(period=minute),
        threshold=requests,
        comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluation_periods=BEDROCK_NEAR_QUOTA_MINUTES,
        datapoints_to_alarm=BEDROCK_NEAR_QUOTA_MINUTES,
        description=(
            f"Lex hook: {requests} or more Bedrock requests a minute, "
            f"{capacity.QUOTA_ALARM_SHARE:.0%} of the {config.bedrock_quota_rpm} requests/min quota "
            "(bedrock_quota_rpm); ask for more before callers are throttled."
        ),
    )


def add_contact_records_alarms(alarms: AlarmFactory, records: ContactRecords) -> None:
    """Contact events that failed for good, the function failing, and events it cannot read."""
    alarms.alarm(
        "ContactRecordsDeadLetters",
        records.dead_letter_queue.metric_approximate_number_of_messages_visible(
            period=PERIOD, statistic=cloudwatch.Stats.MAXIMUM
        ),
        threshold=0,
        description=(
            "Contact records: a contact event could not be recorded after its retries and waits in "
            "the dead-letter queue. Read the function's log, fix the cause, then redrive the queue "
            "(recording is idempotent)."
        ),
    )
    alarms.alarm(
        "ContactRecordsErrors",
        records.function.metric_errors(period=PERIOD, statistic=cloudwatch.Stats.SUM),
        threshold=0,
        description="Contact records: the function failed on an event (retried, then dead-lettered).",
    )
    alarms.alarm(
        "ContactEventsMalformed",
        records.metric(
            Metric.CONTACT_EVENT_PROBLEM,
            dimensions={Dimension.PROBLEM: ContactEventProblem.MALFORMED.value},
        ),
        threshold=0,
        description=(
            "Contact records: an event the rule delivered was not a readable contact event and was "
            "dropped (see the function's log); the rule or Connect's event format changed."
        ),
    )
