"""The contact center's CloudWatch dashboard: what each row shows and in which order.

Separate from the alarms because it answers a different question: the alarms say *that* something is
wrong, the dashboard lets whoever was woken see *what*, over the same metrics (built by the same
functions, so a graph and its alarm never disagree). Rows, top to bottom:

1. every alarm's state;
2. per function invocations, errors, throttles and p50/p99 duration against the timeout;
3. Connect (given a :class:`ConnectResources`): queue waits and sizes, flow errors, refused, throttled
   or missed calls and recording upload errors;
4. contact records (given): containment, escalations by reason, callbacks pending;
5. the handlers' EMF metrics: turns by intent, escalations, FAQ answers, FAQ before escalation,
   Bedrock fallbacks, contact-flow actions, conversation log write failures;
6. Bedrock requests per minute against the quota and its alarm.

Graphs of metrics with unbounded dimension values use ``SEARCH`` (dashboards may; alarms may not).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from config import capacity
from config.settings import EnvironmentConfig
from constructs_lib.alarm_factory import PERIOD
from constructs_lib.bot_functions import BotFunctions
from constructs_lib.contact_records import ContactRecords
from constructs_lib.monitoring_connect import (
    INSTANCE_METRICS,
    ConnectMetric,
    ConnectResources,
    connect_metric,
    flow_metric,
    queue_metric,
)
from constructs_lib.monitoring_functions import MonitoredFunction, handler_metric
from contract import (
    CONTACT_FLOW_ACTIONS,
    HANDLER_METRICS,
    METRICS_NAMESPACE,
    ContactFlowAction,
    Dimension,
    Metric,
)


def contact_center_dashboard(
    scope: Construct,
    config: EnvironmentConfig,
    *,
    functions: BotFunctions,
    monitored: Sequence[MonitoredFunction],
    alarms: Mapping[str, cloudwatch.Alarm],
    connect: ConnectResources | None,
    contact_records: ContactRecords | None,
) -> cloudwatch.Dashboard:
    """The dashboard, created under ``scope`` with construct id ``Dashboard``."""
    dashboard = cloudwatch.Dashboard(
        scope,
        "Dashboard",
        dashboard_name=f"{config.name_prefix}-contact-center",
        default_interval=Duration.hours(3),
    )
    lex_service = functions.lex_hook_service_name
    flow_service = functions.contact_flow_service_name
    dashboard.add_widgets(
        cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(alarms.values()), width=24),
    )
    dashboard.add_widgets(
        *(
            cloudwatch.GraphWidget(
                title=f"{item.label}: invocations, errors, throttles",
                left=[
                    item.function.metric_invocations(period=PERIOD),
                    item.function.metric_errors(period=PERIOD),
                    item.function.metric_throttles(period=PERIOD),
                ],
                width=6,
            )
            for item in monitored
        ),
        *(
            cloudwatch.GraphWidget(
                title=f"{item.label}: duration",
                left=[
                    item.function.metric_duration(period=PERIOD, statistic=cloudwatch.Stats.p(50)),
                    item.function.metric_duration(period=PERIOD, statistic=cloudwatch.Stats.p(99)),
                ],
                left_annotations=[
                    cloudwatch.HorizontalAnnotation(value=item.timeout.to_milliseconds(), label="timeout")
                ],
                width=6,
            )
            for item in monitored
        ),
    )
    if connect is not None:
        dashboard.add_widgets(*_connect_widgets(config, connect))
    if contact_records is not None:
        # Containment, escalations by reason and callbacks pending, beside the queues above.
        dashboard.add_widgets(*contact_records.dashboard_widgets())
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
                handler_metric(Metric.FAQ_HIT, service=lex_service),
                handler_metric(Metric.FAQ_MISS, service=lex_service),
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
        _contact_flow_actions_widget(flow_service),
        cloudwatch.GraphWidget(
            title="Conversation log write failures",
            left=[handler_metric(Metric.CONVERSATION_LOG_WRITE_FAILED, service=lex_service)],
            width=8,
        ),
    )
    dashboard.add_widgets(_bedrock_load_widget(config, lex_service))
    return dashboard


def _contact_flow_actions_widget(flow_service: str) -> cloudwatch.GraphWidget:
    """What the contact-flow function did: lookups, callbacks, and each action's failures."""
    return cloudwatch.GraphWidget(
        title="Contact-flow actions",
        left=[
            handler_metric(
                Metric.CUSTOMER_LOOKUP,
                service=flow_service,
                dimensions={Dimension.ACTION: ContactFlowAction.LOOKUP_CUSTOMER.value},
            ),
            handler_metric(
                Metric.CALLBACK_REGISTERED,
                service=flow_service,
                dimensions={Dimension.ACTION: ContactFlowAction.REGISTER_CALLBACK.value},
            ),
            *(
                handler_metric(
                    Metric.CONTACT_FLOW_ERROR,
                    service=flow_service,
                    dimensions={Dimension.ACTION: action},
                )
                for action in CONTACT_FLOW_ACTIONS
            ),
            handler_metric(
                Metric.HOLIDAY_CALENDAR_EXHAUSTED,
                service=flow_service,
                dimensions={Dimension.ACTION: ContactFlowAction.REGISTER_CALLBACK.value},
            ),
            handler_metric(
                Metric.CALLBACK_NOT_CREATED,
                service=flow_service,
                dimensions={Dimension.ACTION: ContactFlowAction.UPDATE_CALLBACK.value},
            ),
        ],
        width=8,
    )


def _bedrock_load_widget(config: EnvironmentConfig, lex_service: str) -> cloudwatch.GraphWidget:
    """Turns a minute that asked Bedrock or stayed local, against the quota and its alarm."""
    minute = Duration.minutes(1)
    return cloudwatch.GraphWidget(
        title="Bedrock requests per minute vs quota (local first)",
        left=[
            handler_metric(Metric.BEDROCK_CONSULTED, service=lex_service).with_(period=minute),
            handler_metric(Metric.LOCAL_CONFIDENT, service=lex_service).with_(period=minute),
        ],
        left_annotations=[
            cloudwatch.HorizontalAnnotation(value=config.bedrock_quota_rpm, label="quota"),
            cloudwatch.HorizontalAnnotation(
                value=capacity.quota_alarm_threshold(config.bedrock_quota_rpm), label="alarm"
            ),
        ],
        width=24,
    )


def _connect_widgets(config: EnvironmentConfig, connect: ConnectResources) -> list[cloudwatch.IWidget]:
    """Queues (longest wait, size), flow errors and the instance's refused or missed calls."""
    queues = connect.queue_names.items()
    return [
        cloudwatch.GraphWidget(
            title="Queues: longest wait (s)",
            left=[
                queue_metric(ConnectMetric.LONGEST_QUEUE_WAIT_TIME, connect.instance_id, name).with_(
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
                queue_metric(ConnectMetric.QUEUE_SIZE, connect.instance_id, name).with_(label=key)
                for key, name in queues
            ],
            width=6,
        ),
        cloudwatch.GraphWidget(
            title="Contact flows: errors and fatal errors",
            left=[
                flow_metric(metric, connect.instance_id, name).with_(label=f"{key} {metric.value}")
                for key, name in connect.flow_names.items()
                for metric in (ConnectMetric.CONTACT_FLOW_ERRORS, ConnectMetric.CONTACT_FLOW_FATAL_ERRORS)
            ],
            width=6,
        ),
        cloudwatch.GraphWidget(
            title="Calls refused, throttled, missed; recording upload errors",
            left=[
                connect_metric(metric, instance_id=connect.instance_id, group=group)
                for metric, group, _ in INSTANCE_METRICS
            ],
            width=6,
        ),
    ]


def _search(service: str, metric_name: str) -> cloudwatch.MathExpression:
    """A dashboard-only SEARCH over every value of the metric's dimensions: one line per combination.

    The dimensions are the contract's for the metric; CloudWatch labels each line with their values.
    """
    schema = ",".join([METRICS_NAMESPACE, Dimension.SERVICE, *HANDLER_METRICS[metric_name]])
    query = f'{{{schema}}} MetricName="{metric_name}" service="{service}"'
    return cloudwatch.MathExpression(
        expression=f"SEARCH('{query}', 'Sum', 300)", using_metrics={}, period=Duration.minutes(5)
    )
