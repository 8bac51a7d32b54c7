"""Contact records: an EventBridge rule on Amazon Connect's contact events, the function that writes
one record per ended contact, and the dead-letter queue nothing is lost in.

Why a construct of its own: it is the one asynchronous path of the app. EventBridge delivers the
instance's ``DISCONNECTED`` contact events (source ``aws.connect``, detail-type ``Amazon Connect
Contact Event``; the pattern names the instance's ARN, so another instance of the account never
reaches it) to ``handlers.contact_events.lambda_handler``. Two kinds of failure, one queue:

* EventBridge cannot invoke the function (throttled, unavailable): the target's retry policy
  (:attr:`ContactRecords.TARGET_RETRY_ATTEMPTS`, :attr:`ContactRecords.MAX_EVENT_AGE`), then the
  target's dead-letter queue;
* the function fails (a table throttled, Connect's API failing; it raises only then): Lambda retries
  the asynchronous event twice, then the function's dead-letter queue — the same queue.

The queue has its own rotating key (like the alarm topic): EventBridge writes to an encrypted
queue only with a key policy that lets ``events.amazonaws.com`` use the key, for this rule alone;
the data key's policy stays as it is. ``ContactCenterMonitoring`` alarms on any message in it.

Least privilege: ``PutItem`` on the records table, ``GetItem`` on the callbacks table and ``Query``
on its ``pending_by_time`` index, ``Query`` on the conversations table (its base table), the data
key for the tables, the queue key for the dead letters, and ``connect:GetContactAttributes`` on the
instance's contacts only (``<instance ARN>/contact/*``, in a policy of its own).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from aws_cdk import (
    ArnFormat,
    Duration,
    RemovalPolicy,
    Stack,
)
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.bot_functions import create_bot_function, key_statement, table_statement
from constructs_lib.compliance import (
    SERVERLESS,
    acknowledge,
)
from constructs_lib.connect_contact_policy import connect_contact_policy
from constructs_lib.function_environment import contact_records_environment, contact_records_service_name
from contract import (
    CALLBACKS,
    CONTACT_RECORDS,
    CONTACT_RECORDS_METRICS,
    CONTACT_RECORDS_TABLES,
    CONVERSATIONS,
    METRICS_NAMESPACE,
    ContactOutcome,
    Dimension,
    Metric,
)

#: EventBridge's source and detail-type of Connect's contact events, and the type that ends a contact.
CONTACT_EVENT_SOURCE = "aws.connect"
CONTACT_EVENT_DETAIL_TYPE = "Amazon Connect Contact Event"
CONTACT_ENDED_EVENT_TYPE = "DISCONNECTED"


class ContactRecords(Construct):
    """The rule, the contact-records function and its dead-letter queue.

    Attributes:
        function: ``handlers.contact_events.lambda_handler``.
        log_group: its log group.
        service_name: its ``POWERTOOLS_SERVICE_NAME`` (the ``service`` dimension of its metrics).
        dead_letter_queue: failed deliveries and failed invocations, encrypted with ``queue_key``.
        queue_key: the dead-letter queue's own key.
        rule: the EventBridge rule on the instance's ``DISCONNECTED`` contact events.
    """

    TIMEOUT: ClassVar[Duration] = Duration.seconds(30)
    MEMORY_MB: ClassVar[int] = 256
    #: Concurrent executions reserved (and the cap): contact ends arrive a few per second at most,
    #: and a throttled asynchronous event is retried by Lambda for up to six hours.
    RESERVED_CONCURRENCY: ClassVar[int] = 5
    #: EventBridge's retries of a delivery it could not make, and how long it keeps trying.
    TARGET_RETRY_ATTEMPTS: ClassVar[int] = 8
    MAX_EVENT_AGE: ClassVar[Duration] = Duration.hours(6)
    DEAD_LETTER_RETENTION: ClassVar[Duration] = Duration.days(14)

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        code: lambda_.Code,
        layer: lambda_.ILayerVersion,
        tables: Mapping[str, dynamodb.ITable],
        data_key: kms.IKey,
        instance_arn: str,
    ) -> None:
        super().__init__(scope, construct_id)
        missing = [definition.key for definition in CONTACT_RECORDS_TABLES if definition.key not in tables]
        if missing:
            raise ValueError(f"ContactRecords needs the tables {', '.join(sorted(missing))}")
        self.service_name = contact_records_service_name(config)
        self.queue_key = kms.Key(
            self,
            "DeadLetterKey",
            description=f"Encrypts the {config.name_prefix} contact-records dead-letter queue",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
        )
        self.dead_letter_queue = sqs.Queue(
            self,
            "DeadLetters",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.queue_key,
            enforce_ssl=True,
            retention_period=self.DEAD_LETTER_RETENTION,
        )
        acknowledge(
            self.dead_letter_queue,
            "SQSRedrivePolicy",
            packs=(SERVERLESS,),
            reason=(
                "This queue is itself the dead-letter queue of the contact-records rule and function; "
                "an alarm fires on any message and an operator redrives it (recording is idempotent)."
            ),
        )
        table_names = {key: table.table_name for key, table in tables.items()}
        self.function, self.log_group = create_bot_function(
            self,
            "Function",
            config=config,
            code=code,
            layer=layer,
            handler="handlers.contact_events.lambda_handler",
            description=f"{config.name_prefix} contact records (Amazon Connect contact events)",
            memory_size=self.MEMORY_MB,
            timeout=self.TIMEOUT,
            environment=contact_records_environment(config, table_names),
            statements=[
                table_statement(tables[CONTACT_RECORDS.key], ["dynamodb:PutItem"]),
                table_statement(tables[CALLBACKS.key], ["dynamodb:GetItem"]),
                # The CallbacksPending gauge counts the pending callbacks on their index.
                iam.PolicyStatement(
                    actions=["dynamodb:Query"],
                    resources=[f"{tables[CALLBACKS.key].table_arn}/index/{CALLBACKS.indexes[0].name}"],
                ),
                table_statement(tables[CONVERSATIONS.key], ["dynamodb:Query"]),
                key_statement(data_key),
                # Lambda sends a failed event to the encrypted queue with the function's role.
                iam.PolicyStatement(
                    actions=["kms:GenerateDataKey", "kms:Decrypt"], resources=[self.queue_key.key_arn]
                ),
            ],
            log_key=data_key,
            invoked_synchronously_by=None,
            reserved_concurrency=self.RESERVED_CONCURRENCY,
            dead_letter_queue=self.dead_letter_queue,
        )
        self.connect_permissions = self._connect_permissions(instance_arn)
        rule_name = f"{config.name_prefix}-contact-ended"
        self.rule = events.Rule(
            self,
            "ContactEnded",
            rule_name=rule_name,
            description=f"{config.name_prefix}: Amazon Connect contacts that ended -> contact records",
            event_pattern=events.EventPattern(
                source=[CONTACT_EVENT_SOURCE],
                detail_type=[CONTACT_EVENT_DETAIL_TYPE],
                detail={"eventType": [CONTACT_ENDED_EVENT_TYPE], "instanceArn": [instance_arn]},
            ),
        )
        self.rule.add_target(
            targets.LambdaFunction(
                self.function,
                dead_letter_queue=self.dead_letter_queue,
                retry_attempts=self.TARGET_RETRY_ATTEMPTS,
                max_event_age=self.MAX_EVENT_AGE,
            )
        )
        # EventBridge encrypts what it sends to the queue with the queue's key: this rule only.
        self.queue_key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=["kms:GenerateDataKey", "kms:Decrypt"],
                resources=["*"],  # in a key policy, "*" is this key
                # The ARN spelled out, not the rule's attribute: the rule depends on the function,
                # whose role's policy names this key, so a reference would close a cycle.
                conditions={"ArnEquals": {"aws:SourceArn": _rule_arn(self, rule_name)}},
            )
        )

    def _connect_permissions(self, instance_arn: str) -> iam.Policy:
        """``connect:GetContactAttributes`` on the instance's contacts, alone in a policy of its own."""
        return connect_contact_policy(
            self,
            function=self.function,
            action="connect:GetContactAttributes",
            instance_arn=instance_arn,
            reason=(
                "connect:GetContactAttributes on <instance ARN>/contact/*: the contacts of this "
                "instance only. A contact's id is known only when its event arrives, so no "
                "narrower resource exists; the policy holds this one statement."
            ),
        )

    # --- metrics and dashboard ----------------------------------------------------------------------

    PERIOD: ClassVar[Duration] = Duration.minutes(5)

    def metric(
        self, name: str, *, dimensions: Mapping[str, str] | None = None, statistic: str = cloudwatch.Stats.SUM
    ) -> cloudwatch.Metric:
        """One of the function's EMF metrics (``contract.CONTACT_RECORDS_METRICS``)."""
        return cloudwatch.Metric(
            namespace=METRICS_NAMESPACE,
            metric_name=name,
            dimensions_map={Dimension.SERVICE: self.service_name, **(dimensions or {})},
            statistic=statistic,
            period=self.PERIOD,
        )

    def search(self, name: str, *, where: Mapping[str, str] | None = None) -> str:
        """A metric-math ``SEARCH`` over every value of the metric's contract dimensions (dashboards only)."""
        schema = ",".join([METRICS_NAMESPACE, Dimension.SERVICE, *CONTACT_RECORDS_METRICS[name]])
        filters = "".join(f' {key}="{value}"' for key, value in (where or {}).items())
        query = f'{{{schema}}} MetricName="{name}" service="{self.service_name}"{filters}'
        return f"SEARCH('{query}', 'Sum', {self.PERIOD.to_seconds()})"

    def containment_rate(self) -> cloudwatch.MathExpression:
        """Contained contacts as a percentage of all recorded ones, over every channel."""
        contained_only = {Dimension.OUTCOME: ContactOutcome.CONTAINED.value}
        contained = cloudwatch.MathExpression(
            expression=f"SUM({self.search(Metric.CONTACT_RECORDED, where=contained_only)})",
            using_metrics={},
            label="contained",
            period=self.PERIOD,
        )
        recorded = cloudwatch.MathExpression(
            expression=f"SUM({self.search(Metric.CONTACT_RECORDED)})",
            using_metrics={},
            label="recorded",
            period=self.PERIOD,
        )
        return cloudwatch.MathExpression(
            expression="100 * contained / recorded",
            using_metrics={"contained": contained, "recorded": recorded},
            label="containment rate (%)",
            period=self.PERIOD,
        )

    def dashboard_widgets(self) -> list[cloudwatch.IWidget]:
        """Containment, outcomes, escalations by reason, callbacks pending and the function's health."""

        def searched(name: str, label: str) -> cloudwatch.MathExpression:
            return cloudwatch.MathExpression(
                expression=self.search(name), using_metrics={}, label=label, period=self.PERIOD
            )

        return [
            cloudwatch.GraphWidget(
                title="Containment rate (%)",
                left=[self.containment_rate()],
                left_y_axis=cloudwatch.YAxisProps(min=0, max=100),
                width=4,
            ),
            cloudwatch.GraphWidget(
                title="Contacts by channel and outcome",
                left=[searched(Metric.CONTACT_RECORDED, "contacts")],
                width=4,
            ),
            cloudwatch.GraphWidget(
                title="Escalations by reason",
                left=[searched(Metric.CONTACT_ESCALATED, "escalations")],
                width=4,
            ),
            cloudwatch.GraphWidget(
                title="Callbacks pending",
                left=[self.metric(Metric.CALLBACKS_PENDING, statistic=cloudwatch.Stats.MAXIMUM)],
                width=4,
            ),
            cloudwatch.GraphWidget(
                title="Contact events: problems",
                left=[searched(Metric.CONTACT_EVENT_PROBLEM, "problems")],
                width=4,
            ),
            cloudwatch.GraphWidget(
                title="Contact records: errors, dead letters",
                left=[
                    self.function.metric_errors(period=self.PERIOD),
                    self.dead_letter_queue.metric_approximate_number_of_messages_visible(
                        period=self.PERIOD, statistic=cloudwatch.Stats.MAXIMUM
                    ),
                ],
                width=4,
            ),
        ]


def _rule_arn(scope: Construct, rule_name: str) -> str:
    return Stack.of(scope).format_arn(
        service="events", resource="rule", resource_name=rule_name, arn_format=ArnFormat.SLASH_RESOURCE_NAME
    )
