"""Alarms, their SNS topic and a dashboard for the bot's functions.

Two kinds of signals:

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
  the contract's values of it with metric math.

* **Amazon Connect's own metrics** (namespace ``AWS/Connect``, given a :class:`ConnectResources`):
  per queue ``LongestQueueWaitTime`` above ``queue_wait_alarm_seconds`` and ``QueueSize`` at
  :attr:`ContactCenterMonitoring.QUEUE_SIZE_SHARE_OF_CAPACITY` of the queue's ``max_contacts``; per
  flow ``ContactFlowErrors`` and ``ContactFlowFatalErrors``; for the instance
  ``CallsBreachingConcurrencyQuota``, ``ThrottledCalls``, ``MissedCalls`` and
  ``CallRecordingUploadError``. Queue and flow names are the deployed ones (the ``name`` of the
  ``AWS::Connect::Queue`` and ``AWS::Connect::ContactFlow`` constructs), never copies.

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

Every alarm treats missing data as not breaching: the contact center is quiet at night and a
metric nobody emitted is not a failure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Final

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from config import capacity
from config.settings import EnvironmentConfig
from constructs_lib.bot_functions import BotFunctions
from constructs_lib.compliance import SERVERLESS, acknowledge
from constructs_lib.contact_records import ContactRecords
from contract import (
    BEDROCK_FAILURE_REASONS,
    CONTACT_FLOW_ACTIONS,
    DEFAULT_QUEUE,
    HANDLER_METRICS,
    METRICS_NAMESPACE,
    PRIORITY_QUEUE,
    ContactEventProblem,
    ContactFlowAction,
    Dimension,
    EscalationReason,
    FallbackReason,
    Metric,
)

#: Namespace of Amazon Connect's own metrics, and the dimension names and metric groups it uses.
CONNECT_NAMESPACE: Final = "AWS/Connect"
INSTANCE_ID: Final = "InstanceId"
METRIC_GROUP: Final = "MetricGroup"
QUEUE_NAME: Final = "QueueName"
CONTACT_FLOW_NAME: Final = "ContactFlowName"


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


#: Queues a ``system_error`` escalation can go to: the default queue, the priority queue for a VIP.
SYSTEM_ERROR_QUEUES: tuple[str, ...] = (DEFAULT_QUEUE.value, PRIORITY_QUEUE.value)


@dataclass(frozen=True, slots=True)
class MonitoredFunction:
    """A function with the name it is shown under."""

    label: str
    function: lambda_.IFunction
    timeout: Duration


class ContactCenterMonitoring(Construct):
    """The alarm topic (KMS-encrypted, TLS only), the alarms and a CloudWatch dashboard.

    Attributes:
        topic: every alarm notifies it (state changes to ALARM and back to OK).
        topic_key: the topic's KMS key (CloudWatch may use it to publish).
        alarms: alarm by a short, stable name (``LexHookErrors``, ``ConversationLogWriteFailed``...).
        dashboard: the contact center's dashboard.
    """

    PERIOD: ClassVar[Duration] = Duration.minutes(5)
    #: Duration alarm fires when p99 passes this share of the function's timeout.
    DURATION_SHARE_OF_TIMEOUT: ClassVar[float] = 0.8
    DURATION_EVALUATION_PERIODS: ClassVar[int] = 3
    DURATION_DATAPOINTS_TO_ALARM: ClassVar[int] = 2
    #: Bedrock failures per period worth waking someone for (the local classifier covers them,
    #: but a steady stream means the configured model is unusable).
    CLASSIFIER_FALLBACKS_PER_PERIOD: ClassVar[int] = 10
    #: Bedrock throttles in every minute of this many in a row alarm (sustained, not a blip).
    BEDROCK_THROTTLED_MINUTES: ClassVar[int] = 5
    #: The fallback share is judged only over at least this many Bedrock requests in a period.
    BEDROCK_FALLBACK_SHARE_MIN_REQUESTS: ClassVar[int] = 20
    #: Requests per minute at the quota's alarm share for this many minutes in a row alarm.
    BEDROCK_NEAR_QUOTA_MINUTES: ClassVar[int] = 3
    #: A queue alarms when this many callers wait: this share of its ``max_contacts`` (rounded up).
    QUEUE_SIZE_SHARE_OF_CAPACITY: ClassVar[float] = 0.8
    #: Missed calls per period worth a look (one is an agent away from the desk).
    MISSED_CALLS_PER_PERIOD: ClassVar[int] = 3

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        functions: BotFunctions,
        dead_letter_queues: Mapping[str, sqs.IQueue] | None = None,
        connect: ConnectResources | None = None,
        contact_records: ContactRecords | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        self._functions = functions
        self._contact_records = contact_records
        self.topic_key = self._topic_key(config)
        self.topic = sns.Topic(
            self,
            "AlarmTopic",
            display_name=f"{config.name_prefix} contact center alarms",
            master_key=self.topic_key,
            enforce_ssl=True,
        )
        if config.alarm_email:
            subscription = self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
            acknowledge(
                subscription,
                "SNSRedrivePolicy",
                packs=(SERVERLESS,),
                reason=(
                    "An e-mail subscription of the alarm topic: SNS retries e-mail delivery itself, and "
                    "the alarm's state stays in CloudWatch (the dashboard's alarm widget) whatever "
                    "happens to the message; a dead-letter queue would hold copies nobody reads."
                ),
            )

        self.alarms: dict[str, cloudwatch.Alarm] = {}
        monitored = (
            MonitoredFunction("LexHook", functions.lex_hook, functions.lex_hook_timeout(config)),
            MonitoredFunction("ContactFlow", functions.contact_flow, functions.CONTACT_FLOW_TIMEOUT),
        )
        for item in monitored:
            self._function_alarms(item)
        for label, queue in (dead_letter_queues or {}).items():
            self._dead_letter_alarm(label, queue)
        self._handler_alarms(config)
        if contact_records is not None:
            self._contact_records_alarms(contact_records)
        self._connect = connect
        if connect is not None:
            self._connect_alarms(config, connect)
        self.dashboard = self._dashboard(config, monitored)

    # --- metrics of the handlers ------------------------------------------------------------------

    def handler_metric(
        self,
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
            period=self.PERIOD,
        )

    def summed_metric(
        self,
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
            f"m{index}": self.handler_metric(
                name, service=service, dimensions={**(fixed or {}), dimension: value}
            )
            for index, value in enumerate(values)
        }
        return cloudwatch.MathExpression(
            expression=" + ".join(f"FILL({key}, 0)" for key in metrics),
            using_metrics=metrics,
            label=label,
            period=self.PERIOD,
        )

    def connect_metric(
        self,
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
            period=self.PERIOD,
        )

    def queue_metric(self, name: str, instance_id: str, queue_name: str) -> cloudwatch.Metric:
        return self.connect_metric(
            name,
            instance_id=instance_id,
            group=ConnectMetricGroup.QUEUE,
            dimensions={QUEUE_NAME: queue_name},
            statistic=cloudwatch.Stats.MAXIMUM,
        )

    def flow_metric(self, name: str, instance_id: str, flow_name: str) -> cloudwatch.Metric:
        return self.connect_metric(
            name,
            instance_id=instance_id,
            group=ConnectMetricGroup.CONTACT_FLOW,
            dimensions={CONTACT_FLOW_NAME: flow_name},
        )

    # --- alarms ----------------------------------------------------------------------------------------

    def _alarm(
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
        alarm = cloudwatch.Alarm(
            self,
            name,
            alarm_name=f"{self._config.name_prefix}-{name}",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        action = cloudwatch_actions.SnsAction(self.topic)
        alarm.add_alarm_action(action)
        alarm.add_ok_action(action)
        self.alarms[name] = alarm
        return alarm

    def _function_alarms(self, item: MonitoredFunction) -> None:
        function = item.function
        self._alarm(
            f"{item.label}Errors",
            function.metric_errors(period=self.PERIOD, statistic=cloudwatch.Stats.SUM),
            threshold=0,
            description=f"{item.label}: the function failed (unhandled error or timeout).",
        )
        self._alarm(
            f"{item.label}Throttles",
            function.metric_throttles(period=self.PERIOD, statistic=cloudwatch.Stats.SUM),
            threshold=0,
            description=f"{item.label}: invocations were throttled; callers got no answer.",
        )
        threshold_ms = round(item.timeout.to_milliseconds() * self.DURATION_SHARE_OF_TIMEOUT)
        self._alarm(
            f"{item.label}DurationNearTimeout",
            function.metric_duration(period=self.PERIOD, statistic=cloudwatch.Stats.p(99)),
            threshold=threshold_ms,
            evaluation_periods=self.DURATION_EVALUATION_PERIODS,
            datapoints_to_alarm=self.DURATION_DATAPOINTS_TO_ALARM,
            description=(
                f"{item.label}: p99 duration above {threshold_ms} ms, close to the "
                f"{item.timeout.to_seconds()} s timeout."
            ),
        )

    def _dead_letter_alarm(self, label: str, queue: sqs.IQueue) -> None:
        self._alarm(
            f"{label}DeadLetters",
            queue.metric_approximate_number_of_messages_visible(
                period=self.PERIOD, statistic=cloudwatch.Stats.MAXIMUM
            ),
            threshold=0,
            description=(
                f"{label}: CloudFormation's event for a custom resource failed and was dropped into "
                "its dead-letter queue; the stack may wait for an answer. Read the message (its "
                "ResponseURL) and answer or roll back."
            ),
        )

    def _handler_alarms(self, config: EnvironmentConfig) -> None:
        lex_service = self._functions.lex_hook_service_name
        flow_service = self._functions.contact_flow_service_name
        self._alarm(
            Metric.CONVERSATION_LOG_WRITE_FAILED,
            self.handler_metric(Metric.CONVERSATION_LOG_WRITE_FAILED, service=lex_service),
            threshold=0,
            description="Lex hook: a conversation turn could not be written to the conversations table.",
        )
        self._alarm(
            "LexHookSystemErrors",
            self.summed_metric(
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
        self._alarm(
            "ContactFlowActionErrors",
            self.summed_metric(
                Metric.CONTACT_FLOW_ERROR,
                service=flow_service,
                dimension=Dimension.ACTION,
                values=CONTACT_FLOW_ACTIONS,
                label="contact-flow action errors",
            ),
            threshold=0,
            description="Contact-flow function: a customer lookup or callback registration failed.",
        )
        self._alarm(
            Metric.HOLIDAY_CALENDAR_EXHAUSTED,
            self.handler_metric(
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
        self._alarm(
            Metric.CALLBACK_NOT_CREATED,
            self.handler_metric(
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
            self._alarm(
                "BedrockAccessDenied",
                self.handler_metric(
                    Metric.CLASSIFIER_FALLBACK,
                    service=lex_service,
                    dimensions={Dimension.REASON: FallbackReason.ACCESS_DENIED.value},
                ),
                threshold=0,
                description="Lex hook: Bedrock denied the model or inference profile (IAM or model access).",
            )
            self._alarm(
                "ClassifierFallbacks",
                self.summed_metric(
                    Metric.CLASSIFIER_FALLBACK,
                    service=lex_service,
                    dimension=Dimension.REASON,
                    values=[reason.value for reason in BEDROCK_FAILURE_REASONS],
                    label="Bedrock fallbacks",
                ),
                threshold=self.CLASSIFIER_FALLBACKS_PER_PERIOD,
                comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                description=(
                    f"Lex hook: {self.CLASSIFIER_FALLBACKS_PER_PERIOD} or more turns in 5 minutes fell back "
                    "from Bedrock to the local classifier."
                ),
            )
            self._bedrock_capacity_alarms(config, lex_service)

    def _bedrock_capacity_alarms(self, config: EnvironmentConfig, lex_service: str) -> None:
        """Throttling, the fallback share and the request rate, sized by ``config.capacity``."""
        minute = Duration.minutes(1)
        minutes = self.BEDROCK_THROTTLED_MINUTES
        self._alarm(
            "BedrockThrottled",
            self.handler_metric(
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
        least = self.BEDROCK_FALLBACK_SHARE_MIN_REQUESTS
        self._alarm(
            "BedrockFallbackShare",
            cloudwatch.MathExpression(
                expression=f"IF(FILL(consulted, 0) >= {least}, fallbacks / FILL(consulted, 0), 0)",
                using_metrics={
                    "fallbacks": self.summed_metric(
                        Metric.CLASSIFIER_FALLBACK,
                        service=lex_service,
                        dimension=Dimension.REASON,
                        values=[reason.value for reason in BEDROCK_FAILURE_REASONS],
                        label="Bedrock fallbacks",
                    ),
                    "consulted": self.handler_metric(Metric.BEDROCK_CONSULTED, service=lex_service),
                },
                label="share of Bedrock requests that fell back",
                period=self.PERIOD,
            ),
            threshold=share,
            evaluation_periods=self.DURATION_EVALUATION_PERIODS,
            datapoints_to_alarm=self.DURATION_DATAPOINTS_TO_ALARM,
            description=(
                f"Lex hook: more than {share:.1%} of Bedrock requests fell back (of at least {least} in "
                f"5 minutes); expected {expected:.1%} "
                f"with a {config.bedrock_timeout_seconds:g} s budget (config/capacity.py)."
            ),
        )
        requests = capacity.quota_alarm_threshold(config.bedrock_quota_rpm)
        self._alarm(
            "BedrockRequestsNearQuota",
            self.handler_metric(Metric.BEDROCK_CONSULTED, service=lex_service).with_(period=minute),
            threshold=requests,
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=self.BEDROCK_NEAR_QUOTA_MINUTES,
            datapoints_to_alarm=self.BEDROCK_NEAR_QUOTA_MINUTES,
            description=(
                f"Lex hook: {requests} or more Bedrock requests a minute, "
                f"{capacity.QUOTA_ALARM_SHARE:.0%} of the {config.bedrock_quota_rpm} requests/min quota "
                "(bedrock_quota_rpm); ask for more before callers are throttled."
            ),
        )

    def _contact_records_alarms(self, records: ContactRecords) -> None:
        """Contact events that failed for good, the function failing, and events it cannot read."""
        self._alarm(
            "ContactRecordsDeadLetters",
            records.dead_letter_queue.metric_approximate_number_of_messages_visible(
                period=self.PERIOD, statistic=cloudwatch.Stats.MAXIMUM
            ),
            threshold=0,
            description=(
                "Contact records: a contact event could not be recorded after its retries and waits in "
                "the dead-letter queue. Read the function's log, fix the cause, then redrive the queue "
                "(recording is idempotent)."
            ),
        )
        self._alarm(
            "ContactRecordsErrors",
            records.function.metric_errors(period=self.PERIOD, statistic=cloudwatch.Stats.SUM),
            threshold=0,
            description="Contact records: the function failed on an event (retried, then dead-lettered).",
        )
        self._alarm(
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

    def _connect_alarms(self, config: EnvironmentConfig, connect: ConnectResources) -> None:
        wait_limit = config.queue_wait_alarm_seconds
        for key, queue_name in connect.queue_names.items():
            label = _pascal(key)
            self._alarm(
                f"Queue{label}LongestWait",
                self.queue_metric(ConnectMetric.LONGEST_QUEUE_WAIT_TIME, connect.instance_id, queue_name),
                threshold=wait_limit,
                description=f"Connect queue {key}: a caller has waited more than {wait_limit} s.",
            )
            size_limit = self.queue_size_threshold(config.queues[key].max_contacts)
            self._alarm(
                f"Queue{label}Size",
                self.queue_metric(ConnectMetric.QUEUE_SIZE, connect.instance_id, queue_name),
                threshold=size_limit,
                comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                description=(
                    f"Connect queue {key}: {size_limit} or more callers waiting, "
                    f"{round(self.QUEUE_SIZE_SHARE_OF_CAPACITY * 100)}% of its "
                    f"{config.queues[key].max_contacts} max contacts; new callers will be refused."
                ),
            )
        for key, flow_name in connect.flow_names.items():
            label = _pascal(key)
            self._alarm(
                f"Flow{label}Errors",
                self.flow_metric(ConnectMetric.CONTACT_FLOW_ERRORS, connect.instance_id, flow_name),
                threshold=0,
                description=f"Connect flow {flow_name}: an error branch was taken.",
            )
            self._alarm(
                f"Flow{label}FatalErrors",
                self.flow_metric(ConnectMetric.CONTACT_FLOW_FATAL_ERRORS, connect.instance_id, flow_name),
                threshold=0,
                description=f"Connect flow {flow_name}: the flow failed (system error) and dropped the call.",
            )
        for metric, group, description in INSTANCE_METRICS:
            missed = metric is ConnectMetric.MISSED_CALLS
            self._alarm(
                f"Connect{metric.value}",
                self.connect_metric(metric, instance_id=connect.instance_id, group=group),
                threshold=self.MISSED_CALLS_PER_PERIOD if missed else 0,
                comparison=(
                    cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
                    if missed
                    else cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
                ),
                description=description,
            )

    @classmethod
    def queue_size_threshold(cls, max_contacts: int) -> int:
        """Callers waiting in a queue that alarm: the configured share of its capacity, at least 1."""
        return max(1, math.ceil(max_contacts * cls.QUEUE_SIZE_SHARE_OF_CAPACITY))

    # --- topic key and dashboard -------------------------------------------------------------------

    def _topic_key(self, config: EnvironmentConfig) -> kms.Key:
        """The topic's own key: CloudWatch must be allowed to use it to publish alarms."""
        key = kms.Key(
            self,
            "AlarmTopicKey",
            description=f"Encrypts the {config.name_prefix} alarm topic",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
        )
        stack = Stack.of(self)
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=["*"],  # in a key policy, "*" is this key
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="cloudwatch",
                            resource="alarm",
                            resource_name="*",
                            arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        )
                    },
                },
            )
        )
        return key

    def _dashboard(
        self, config: EnvironmentConfig, monitored: Sequence[MonitoredFunction]
    ) -> cloudwatch.Dashboard:
        dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=f"{config.name_prefix}-contact-center",
            default_interval=Duration.hours(3),
        )
        lex_service = self._functions.lex_hook_service_name
        flow_service = self._functions.contact_flow_service_name
        dashboard.add_widgets(
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms.values()), width=24),
        )
        dashboard.add_widgets(
            *(
                cloudwatch.GraphWidget(
                    title=f"{item.label}: invocations, errors, throttles",
                    left=[
                        item.function.metric_invocations(period=self.PERIOD),
                        item.function.metric_errors(period=self.PERIOD),
                        item.function.metric_throttles(period=self.PERIOD),
                    ],
                    width=6,
                )
                for item in monitored
            ),
            *(
                cloudwatch.GraphWidget(
                    title=f"{item.label}: duration",
                    left=[
                        item.function.metric_duration(period=self.PERIOD, statistic=cloudwatch.Stats.p(50)),
                        item.function.metric_duration(period=self.PERIOD, statistic=cloudwatch.Stats.p(99)),
                    ],
                    left_annotations=[
                        cloudwatch.HorizontalAnnotation(value=item.timeout.to_milliseconds(), label="timeout")
                    ],
                    width=6,
                )
                for item in monitored
            ),
        )
        if self._connect is not None:
            dashboard.add_widgets(*self._connect_widgets(config, self._connect))
        if self._contact_records is not None:
            # Containment, escalations by reason and callbacks pending, beside the queues above.
            dashboard.add_widgets(*self._contact_records.dashboard_widgets())
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Turns by intent",
                left=[_search(lex_service, Metric.TURNS)],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="Escalations by queue and reason",
                left=[_search(lex_service, Metric.ESCALATION)],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="FAQ answers",
                left=[
                    self.handler_metric(Metric.FAQ_HIT, service=lex_service),
                    self.handler_metric(Metric.FAQ_MISS, service=lex_service),
                ],
                width=8,
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                # bot.faq_first: answers offered before an escalation, and what callers did next.
                title="FAQ before escalation by outcome",
                left=[_search(lex_service, Metric.FAQ_BEFORE_ESCALATION)],
                width=8,
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Bedrock fallbacks by reason",
                left=[_search(lex_service, Metric.CLASSIFIER_FALLBACK)],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="Contact-flow actions",
                left=[
                    self.handler_metric(
                        Metric.CUSTOMER_LOOKUP,
                        service=flow_service,
                        dimensions={Dimension.ACTION: ContactFlowAction.LOOKUP_CUSTOMER.value},
                    ),
                    self.handler_metric(
                        Metric.CALLBACK_REGISTERED,
                        service=flow_service,
                        dimensions={Dimension.ACTION: ContactFlowAction.REGISTER_CALLBACK.value},
                    ),
                    *(
                        self.handler_metric(
                            Metric.CONTACT_FLOW_ERROR,
                            service=flow_service,
                            dimensions={Dimension.ACTION: action},
                        )
                        for action in CONTACT_FLOW_ACTIONS
                    ),
                    self.handler_metric(
                        Metric.HOLIDAY_CALENDAR_EXHAUSTED,
                        service=flow_service,
                        dimensions={Dimension.ACTION: ContactFlowAction.REGISTER_CALLBACK.value},
                    ),
                    self.handler_metric(
                        Metric.CALLBACK_NOT_CREATED,
                        service=flow_service,
                        dimensions={Dimension.ACTION: ContactFlowAction.UPDATE_CALLBACK.value},
                    ),
                ],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="Conversation log write failures",
                left=[self.handler_metric(Metric.CONVERSATION_LOG_WRITE_FAILED, service=lex_service)],
                width=8,
            ),
        )
        dashboard.add_widgets(self._bedrock_load_widget(config, lex_service))
        return dashboard

    def _bedrock_load_widget(self, config: EnvironmentConfig, lex_service: str) -> cloudwatch.GraphWidget:
        """Turns a minute that asked Bedrock or stayed local, against the quota and its alarm."""
        minute = Duration.minutes(1)
        return cloudwatch.GraphWidget(
            title="Bedrock requests per minute vs quota (local first)",
            left=[
                self.handler_metric(Metric.BEDROCK_CONSULTED, service=lex_service).with_(period=minute),
                self.handler_metric(Metric.LOCAL_CONFIDENT, service=lex_service).with_(period=minute),
            ],
            left_annotations=[
                cloudwatch.HorizontalAnnotation(value=config.bedrock_quota_rpm, label="quota"),
                cloudwatch.HorizontalAnnotation(
                    value=capacity.quota_alarm_threshold(config.bedrock_quota_rpm), label="alarm"
                ),
            ],
            width=24,
        )

    def _connect_widgets(
        self, config: EnvironmentConfig, connect: ConnectResources
    ) -> list[cloudwatch.IWidget]:
        """Queues (longest wait, size), flow errors and the instance's refused or missed calls."""
        queues = connect.queue_names.items()
        return [
            cloudwatch.GraphWidget(
                title="Queues: longest wait (s)",
                left=[
                    self.queue_metric(ConnectMetric.LONGEST_QUEUE_WAIT_TIME, connect.instance_id, name).with_(
                        label=key
                    )
                    for key, name in queues
                ],
                left_annotations=[
                    cloudwatch.HorizontalAnnotation(value=config.queue_wait_alarm_seconds, label="alarm")
                ],
                width=6,
            ),
            cloudwatch.GraphWidget(
                title="Queues: callers waiting",
                left=[
                    self.queue_metric(ConnectMetric.QUEUE_SIZE, connect.instance_id, name).with_(label=key)
                    for key, name in queues
                ],
                width=6,
            ),
            cloudwatch.GraphWidget(
                title="Contact flows: errors and fatal errors",
                left=[
                    self.flow_metric(metric, connect.instance_id, name).with_(label=f"{key} {metric.value}")
                    for key, name in connect.flow_names.items()
                    for metric in (ConnectMetric.CONTACT_FLOW_ERRORS, ConnectMetric.CONTACT_FLOW_FATAL_ERRORS)
                ],
                width=6,
            ),
            cloudwatch.GraphWidget(
                title="Calls refused, throttled, missed; recording upload errors",
                left=[
                    self.connect_metric(metric, instance_id=connect.instance_id, group=group)
                    for metric, group, _ in INSTANCE_METRICS
                ],
                width=6,
            ),
        ]


def _pascal(key: str) -> str:
    return key.title().replace("_", "")


def _search(service: str, metric_name: str) -> cloudwatch.MathExpression:
    """A dashboard-only SEARCH over every value of the metric's dimensions: one line per combination.

    The dimensions are the contract's for the metric; CloudWatch labels each line with their values.
    """
    schema = ",".join([METRICS_NAMESPACE, Dimension.SERVICE, *HANDLER_METRICS[metric_name]])
    query = f'{{{schema}}} MetricName="{metric_name}" service="{service}"'
    return cloudwatch.MathExpression(
        expression=f"SEARCH('{query}', 'Sum', 300)", using_metrics={}, period=Duration.minutes(5)
    )
