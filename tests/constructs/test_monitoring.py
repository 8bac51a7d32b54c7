"""ContactCenterMonitoring: topic, alarms on Lambda and handler metrics, dashboard — and cdk-nag
over the functions, the FAQ loader and the monitoring together."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App

from bot.escalation import escalate, for_customer
from constructs_lib.contact_records import ContactRecords
from constructs_lib.faq_loader import FaqLoader
from constructs_lib.function_environment import contact_records_service_name
from constructs_lib.monitoring import ContactCenterMonitoring
from constructs_lib.monitoring_connect import ConnectResources
from contract import (
    BEDROCK_FAILURE_REASONS,
    CONTACT_FLOW_ACTIONS,
    CONTACT_FLOW_METRICS,
    CONTACT_RECORDS_METRICS,
    HANDLER_METRICS,
    LEX_HOOK_METRICS,
    METRICS_NAMESPACE,
    QUEUE_KEYS,
    CustomerTier,
    Dimension,
    EscalationReason,
    FallbackReason,
)
from flowlang import FLOWS
from tests.constructs.test_bot_functions import (
    INSTANCE_ARN,
    ScratchBuild,
    config_for,
    render,
    resources_of_type,
    scratch,
)
from tests.support.cdk_nag import nag_findings
from tests.support.metrics import DIMENSION_VALUES


@dataclass
class Monitored(ScratchBuild):
    monitoring: ContactCenterMonitoring

    def alarm(self, name: str) -> dict[str, Any]:
        properties: dict[str, Any] = self.template["Resources"][self.ref(self.monitoring.alarms[name])][
            "Properties"
        ]
        return properties


INSTANCE_ID = "11111111-2222-3333-4444-555555555555"


def connect_resources(prefix: str) -> ConnectResources:
    """Queues named by their key and flows by prefix and key, as the Connect and bot stacks name them."""
    return ConnectResources(
        instance_id=INSTANCE_ID,
        queue_names={key: key for key in QUEUE_KEYS},
        flow_names={spec.key: f"{prefix}-{spec.key.replace('_', '-')}" for spec in FLOWS},
    )


def build(environment: str = "dev", **changes: Any) -> Monitored:
    built = scratch(config_for(environment, **changes))
    records = ContactRecords(
        built.stack,
        "ContactRecords",
        config=built.config,
        code=built.functions.code,
        layer=built.functions.powertools_layer,
        tables=built.tables.tables,
        data_key=built.key,
        instance_arn=INSTANCE_ARN,
    )
    monitoring = ContactCenterMonitoring(
        built.stack,
        "Monitoring",
        config=built.config,
        functions=built.functions,
        connect=connect_resources(built.config.name_prefix),
        contact_records=records,
    )
    return Monitored(scratch=built, template=built.template(), monitoring=monitoring)


@pytest.fixture(scope="module")
def dev() -> Monitored:
    """dev: Bedrock on, no alarm e-mail."""
    return build()


@pytest.fixture(scope="module")
def prod() -> Monitored:
    """prod: alarm e-mail configured."""
    return build("prod")


# --- topic --------------------------------------------------------------------------------------------


def test_the_topic_is_encrypted_with_its_own_rotating_key(dev: Monitored) -> None:
    topic = dev.template["Resources"][dev.ref(dev.monitoring.topic)]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": [dev.ref(dev.monitoring.topic_key), "Arn"]}
    key = dev.template["Resources"][dev.ref(dev.monitoring.topic_key)]["Properties"]
    assert key["EnableKeyRotation"] is True


def test_cloudwatch_may_use_the_topic_key_for_this_accounts_alarms_only(dev: Monitored) -> None:
    key = dev.template["Resources"][dev.ref(dev.monitoring.topic_key)]["Properties"]
    statements = [render(statement) for statement in key["KeyPolicy"]["Statement"]]
    cloudwatch = [s for s in statements if s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}]
    assert cloudwatch == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": "123456789012"},
                "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:*"},
            },
        }
    ]


def test_the_topic_refuses_plain_http(dev: Monitored) -> None:
    policies = resources_of_type(dev.template, "AWS::SNS::TopicPolicy")
    statements = [s for p in policies.values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    )


def test_e_mail_subscription_only_where_configured(dev: Monitored, prod: Monitored) -> None:
    assert resources_of_type(dev.template, "AWS::SNS::Subscription") == {}
    subscriptions = [
        s["Properties"] for s in resources_of_type(prod.template, "AWS::SNS::Subscription").values()
    ]
    assert subscriptions == [
        {
            "Protocol": "email",
            "Endpoint": "aicc-ops@example.com",
            "TopicArn": {"Ref": prod.ref(prod.monitoring.topic)},
        }
    ]


# --- alarms -------------------------------------------------------------------------------------------


def test_every_alarm_notifies_the_topic_and_ignores_missing_data(dev: Monitored) -> None:
    topic = {"Ref": dev.ref(dev.monitoring.topic)}
    alarms = resources_of_type(dev.template, "AWS::CloudWatch::Alarm")
    assert len(alarms) == len(dev.monitoring.alarms) >= 10
    for alarm in alarms.values():
        properties = alarm["Properties"]
        assert properties["TreatMissingData"] == "notBreaching"
        assert properties["AlarmActions"] == [topic]
        assert properties["OKActions"] == [topic]
        assert properties["AlarmName"].startswith("aicc-dev-")


@pytest.mark.parametrize(
    ("label", "function_name"), [("LexHook", "lex_hook"), ("ContactFlow", "contact_flow")]
)
def test_lambda_errors_throttles_and_duration_alarms(dev: Monitored, label: str, function_name: str) -> None:
    function_ref = {"Ref": dev.ref(getattr(dev.scratch.functions, function_name))}
    errors = dev.alarm(f"{label}Errors")
    assert (errors["Namespace"], errors["MetricName"], errors["Statistic"]) == ("AWS/Lambda", "Errors", "Sum")
    assert errors["Dimensions"] == [{"Name": "FunctionName", "Value": function_ref}]
    assert (errors["ComparisonOperator"], errors["Threshold"]) == ("GreaterThanThreshold", 0)
    throttles = dev.alarm(f"{label}Throttles")
    assert (throttles["MetricName"], throttles["Threshold"]) == ("Throttles", 0)
    duration = dev.alarm(f"{label}DurationNearTimeout")
    timeout_ms = dev.template["Resources"][function_ref["Ref"]]["Properties"]["Timeout"] * 1000
    assert (duration["MetricName"], duration["ExtendedStatistic"]) == ("Duration", "p99")
    assert duration["Threshold"] == 0.8 * timeout_ms
    assert (duration["EvaluationPeriods"], duration["DatapointsToAlarm"]) == (3, 2)


def test_conversation_log_failures_alarm_on_the_hooks_emf_metric(dev: Monitored) -> None:
    alarm = dev.alarm("ConversationLogWriteFailed")
    assert alarm["Namespace"] == METRICS_NAMESPACE
    assert alarm["MetricName"] == "ConversationLogWriteFailed"
    assert alarm["Dimensions"] == [{"Name": "service", "Value": "aicc-dev-lex-hook"}]
    assert (alarm["Statistic"], alarm["Threshold"]) == ("Sum", 0)


def math_metrics(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    """The metrics a metric-math alarm sums, with their dimensions as a dict."""
    return [
        {
            "name": query["MetricStat"]["Metric"]["MetricName"],
            "namespace": query["MetricStat"]["Metric"]["Namespace"],
            "dimensions": {d["Name"]: d["Value"] for d in query["MetricStat"]["Metric"]["Dimensions"]},
        }
        for query in alarm.get("Metrics", [])
        if "MetricStat" in query
    ]


def test_system_error_escalations_sum_every_queue_the_bot_sends_them_to(dev: Monitored) -> None:
    # Where the escalation rules send a system error: standard callers and VIP callers.
    system_error = escalate(EscalationReason.SYSTEM_ERROR)
    queues = [for_customer(system_error, tier).queue.value for tier in CustomerTier]
    alarm = dev.alarm("LexHookSystemErrors")
    assert math_metrics(alarm) == [
        {
            "name": "Escalation",
            "namespace": METRICS_NAMESPACE,
            "dimensions": {"service": "aicc-dev-lex-hook", "reason": "system_error", "queue": queue},
        }
        for queue in queues
    ]
    assert queues == ["general", "priority"]
    expression = next(query["Expression"] for query in alarm["Metrics"] if "Expression" in query)
    assert expression == "FILL(m0, 0) + FILL(m1, 0)"


def test_contact_flow_errors_sum_both_actions(dev: Monitored) -> None:
    assert math_metrics(dev.alarm("ContactFlowActionErrors")) == [
        {
            "name": "ContactFlowError",
            "namespace": METRICS_NAMESPACE,
            "dimensions": {"service": "aicc-dev-contact-flow", "action": action},
        }
        for action in CONTACT_FLOW_ACTIONS
    ]


def test_a_callback_connect_refused_to_create_alarms(dev: Monitored) -> None:
    alarm = dev.alarm("CallbackNotCreated")
    assert (alarm["Namespace"], alarm["MetricName"]) == (METRICS_NAMESPACE, "CallbackNotCreated")
    assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == {
        "service": "aicc-dev-contact-flow",
        "action": "update_callback",
    }
    assert (alarm["Statistic"], alarm["ComparisonOperator"], alarm["Threshold"]) == (
        "Sum",
        "GreaterThanThreshold",
        0,
    )


def test_a_callback_past_the_configured_holidays_alarms(dev: Monitored) -> None:
    alarm = dev.alarm("HolidayCalendarExhausted")
    assert (alarm["Namespace"], alarm["MetricName"]) == (METRICS_NAMESPACE, "HolidayCalendarExhausted")
    assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == {
        "service": "aicc-dev-contact-flow",
        "action": "register_callback",
    }
    assert (alarm["Statistic"], alarm["ComparisonOperator"], alarm["Threshold"]) == (
        "Sum",
        "GreaterThanThreshold",
        0,
    )
    assert alarm["TreatMissingData"] == "notBreaching"
    assert "holiday_years" in alarm["AlarmDescription"]


def test_a_message_in_a_dead_letter_queue_alarms() -> None:
    from aws_cdk import aws_sqs as sqs

    built = scratch(config_for("dev"))
    queue = sqs.Queue(built.stack, "DeadLetters", enforce_ssl=True)
    monitoring = ContactCenterMonitoring(
        built.stack,
        "Monitoring",
        config=built.config,
        functions=built.functions,
        dead_letter_queues={"Probe": queue},
    )
    template = built.template()
    alarm = template["Resources"][built.logical_id(monitoring.alarms["ProbeDeadLetters"])]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "Maximum",
    )
    assert alarm["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [built.logical_id(queue), "QueueName"]}}
    ]
    assert (alarm["ComparisonOperator"], alarm["Threshold"], alarm["TreatMissingData"]) == (
        "GreaterThanThreshold",
        0,
        "notBreaching",
    )


def test_bedrock_fallback_alarms_cover_every_failure_reason(dev: Monitored) -> None:
    fallbacks = math_metrics(dev.alarm("ClassifierFallbacks"))
    assert [metric["dimensions"]["reason"] for metric in fallbacks] == list(BEDROCK_FAILURE_REASONS)
    assert not {FallbackReason.DISABLED, FallbackReason.EMPTY_INPUT} & set(BEDROCK_FAILURE_REASONS)
    assert dev.alarm("ClassifierFallbacks")["Threshold"] == 10
    access = dev.alarm("BedrockAccessDenied")
    assert access["MetricName"] == "ClassifierFallback"
    assert {d["Name"]: d["Value"] for d in access["Dimensions"]} == {
        "service": "aicc-dev-lex-hook",
        "reason": "access_denied",
    }


def test_no_bedrock_alarms_without_bedrock() -> None:
    monitored = build(bedrock_enabled=False)
    assert "ClassifierFallbacks" not in monitored.monitoring.alarms
    assert "BedrockAccessDenied" not in monitored.monitoring.alarms


def watched_metrics(monitored: Monitored) -> list[tuple[str, dict[str, str]]]:
    """Every handler metric an alarm or a dashboard graph watches: name and dimensions.

    A dashboard SEARCH watches its metric with the dimensions of its schema, any values.
    """
    watched: list[tuple[str, dict[str, str]]] = []
    for alarm in resources_of_type(monitored.template, "AWS::CloudWatch::Alarm").values():
        properties = alarm["Properties"]
        if properties.get("Namespace") == METRICS_NAMESPACE:
            dimensions = {d["Name"]: d["Value"] for d in properties["Dimensions"]}
            watched.append((properties["MetricName"], dimensions))
        watched.extend(
            (metric["name"], metric["dimensions"])
            for metric in math_metrics(properties)
            if metric["namespace"] == METRICS_NAMESPACE
        )
    properties = monitored.template["Resources"][monitored.ref(monitored.monitoring.dashboard)]["Properties"]
    for widget in json.loads(render(properties["DashboardBody"]))["widgets"]:
        for line in widget["properties"].get("metrics", []):
            if line and line[0] == METRICS_NAMESPACE:
                names = line[2:-1] if isinstance(line[-1], dict) else line[2:]
                watched.append((line[1], dict(zip(names[::2], names[1::2], strict=True))))
            elif line and isinstance(line[0], dict) and "expression" in line[0]:
                search = r"\{([^}]*)\} MetricName=\"(\w+)\" service=\"([^\"]+)\""
                for schema, name, service in re.findall(search, line[0]["expression"]):
                    namespace, *dimensions = schema.split(",")
                    assert namespace == METRICS_NAMESPACE
                    watched.append((name, {**dict.fromkeys(dimensions, "*"), Dimension.SERVICE: service}))
    return watched


def test_every_watched_metric_is_one_the_handlers_publish_with_its_dimensions(dev: Monitored) -> None:
    # The handlers publish exactly the contract's metrics (tests/functional/test_metrics.py).
    watched = watched_metrics(dev)
    assert {name for name, _ in watched} >= {
        "ConversationLogWriteFailed",
        "Escalation",
        "ContactFlowError",
        "ClassifierFallback",
        "Turns",
    }
    services = {dev.scratch.functions.lex_hook_service_name: LEX_HOOK_METRICS}
    services[dev.scratch.functions.contact_flow_service_name] = CONTACT_FLOW_METRICS
    services[contact_records_service_name(dev.scratch.config)] = CONTACT_RECORDS_METRICS
    for name, dimensions in watched:
        published = services[dimensions[Dimension.SERVICE]]
        assert name in published, name
        assert set(dimensions) == {Dimension.SERVICE, *published[name]}, name
        for dimension, value in dimensions.items():
            if dimension != Dimension.SERVICE and value != "*":
                assert value in DIMENSION_VALUES[dimension], (name, dimension, value)


def test_the_dashboard_graphs_every_published_metric(dev: Monitored) -> None:
    assert {name for name, _ in watched_metrics(dev)} == set(HANDLER_METRICS)


# --- Amazon Connect's own metrics -------------------------------------------------------------------


def connect_dimensions(group: str, **extra: str) -> list[dict[str, str]]:
    """The exact dimension list CloudFormation gets (CDK sorts it by name)."""
    pairs = {"InstanceId": INSTANCE_ID, "MetricGroup": group, **extra}
    return [{"Name": name, "Value": pairs[name]} for name in sorted(pairs)]


@pytest.fixture(scope="module", params=["dev", "staging", "prod"])
def each_environment(request: pytest.FixtureRequest) -> Monitored:
    return build(request.param)


def test_each_queue_alarms_on_its_longest_wait_and_its_size(each_environment: Monitored) -> None:
    config = each_environment.scratch.config
    for key in QUEUE_KEYS:
        label = key.title().replace("_", "")
        wait = each_environment.alarm(f"Queue{label}LongestWait")
        assert (wait["Namespace"], wait["MetricName"], wait["Statistic"]) == (
            "AWS/Connect",
            "LongestQueueWaitTime",
            "Maximum",
        )
        assert wait["Dimensions"] == connect_dimensions("Queue", QueueName=key)
        assert (wait["ComparisonOperator"], wait["Threshold"]) == ("GreaterThanThreshold", 120)
        assert wait["TreatMissingData"] == "notBreaching"
        size = each_environment.alarm(f"Queue{label}Size")
        assert (size["Namespace"], size["MetricName"], size["Statistic"]) == (
            "AWS/Connect",
            "QueueSize",
            "Maximum",
        )
        assert size["Dimensions"] == connect_dimensions("Queue", QueueName=key)
        max_contacts = config.queues[key].max_contacts
        assert size["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert size["Threshold"] == math.ceil(0.8 * max_contacts)
        assert size["TreatMissingData"] == "notBreaching"


def test_each_flow_alarms_on_its_errors_and_fatal_errors(each_environment: Monitored) -> None:
    prefix = each_environment.scratch.config.name_prefix
    for spec in FLOWS:
        label = spec.key.title().replace("_", "")
        flow_name = f"{prefix}-{spec.key.replace('_', '-')}"
        for suffix, metric in (("Errors", "ContactFlowErrors"), ("FatalErrors", "ContactFlowFatalErrors")):
            alarm = each_environment.alarm(f"Flow{label}{suffix}")
            assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == (
                "AWS/Connect",
                metric,
                "Sum",
            )
            assert alarm["Dimensions"] == connect_dimensions("ContactFlow", ContactFlowName=flow_name)
            assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)
            assert alarm["TreatMissingData"] == "notBreaching"


@pytest.mark.parametrize(
    ("metric", "group", "comparison", "threshold"),
    [
        ("CallsBreachingConcurrencyQuota", "VoiceCalls", "GreaterThanThreshold", 0),
        ("ThrottledCalls", "VoiceCalls", "GreaterThanThreshold", 0),
        ("MissedCalls", "VoiceCalls", "GreaterThanOrEqualToThreshold", 3),
        ("CallRecordingUploadError", "CallRecordings", "GreaterThanThreshold", 0),
    ],
)
def test_instance_level_connect_alarms(
    each_environment: Monitored, metric: str, group: str, comparison: str, threshold: int
) -> None:
    alarm = each_environment.alarm(f"Connect{metric}")
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == ("AWS/Connect", metric, "Sum")
    assert alarm["Dimensions"] == connect_dimensions(group)
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == (comparison, threshold)
    assert alarm["TreatMissingData"] == "notBreaching"
    topic = {"Ref": each_environment.ref(each_environment.monitoring.topic)}
    assert alarm["AlarmActions"] == [topic]


def test_connect_alarms_are_one_per_queue_and_flow_plus_the_instance(each_environment: Monitored) -> None:
    alarms = resources_of_type(each_environment.template, "AWS::CloudWatch::Alarm").values()
    connect = [a for a in alarms if a["Properties"].get("Namespace") == "AWS/Connect"]
    assert len(connect) == 2 * len(QUEUE_KEYS) + 2 * len(FLOWS) + 4


def test_the_queue_wait_limit_is_the_configured_one() -> None:
    monitored = build(queue_wait_alarm_seconds=300)
    assert monitored.alarm("QueueGeneralLongestWait")["Threshold"] == 300


def test_no_connect_alarms_without_connect_resources() -> None:
    built = scratch(config_for())
    monitoring = ContactCenterMonitoring(
        built.stack, "Monitoring", config=built.config, functions=built.functions
    )
    assert not any(name.startswith(("Queue", "Flow", "Connect")) for name in monitoring.alarms)


def test_the_dashboard_shows_queues_flows_and_the_instance(dev: Monitored) -> None:
    properties = dev.template["Resources"][dev.ref(dev.monitoring.dashboard)]["Properties"]
    widgets = json.loads(render(properties["DashboardBody"]))["widgets"]
    lines = [
        line
        for widget in widgets
        for line in widget["properties"].get("metrics", [])
        if line and line[0] == "AWS/Connect"
    ]
    shown = {(line[1], line[line.index("MetricGroup") + 1]) for line in lines}
    assert shown == {
        ("LongestQueueWaitTime", "Queue"),
        ("QueueSize", "Queue"),
        ("ContactFlowErrors", "ContactFlow"),
        ("ContactFlowFatalErrors", "ContactFlow"),
        ("CallsBreachingConcurrencyQuota", "VoiceCalls"),
        ("ThrottledCalls", "VoiceCalls"),
        ("MissedCalls", "VoiceCalls"),
        ("CallRecordingUploadError", "CallRecordings"),
    }
    queues = {line[line.index("QueueName") + 1] for line in lines if "QueueName" in line}
    assert queues == set(QUEUE_KEYS)


def test_the_dashboard_is_named_after_the_environment(dev: Monitored) -> None:
    dashboard = dev.template["Resources"][dev.ref(dev.monitoring.dashboard)]["Properties"]
    assert dashboard["DashboardName"] == "aicc-dev-contact-center"


# --- cdk-nag -------------------------------------------------------------------------------------------


def nag_findings_of_the_functions(outdir: Path) -> list[str]:
    """Synthesize functions, FAQ loader and monitoring under cdk-nag; list "rule path" findings."""
    app = App(outdir=str(outdir), analytics_reporting=False)
    built = scratch(config_for("prod"), app=app)
    built.functions.allow_connect_instance("arn:aws:connect:ap-northeast-2:123456789012:instance/abc")
    FaqLoader(
        built.stack,
        "FaqContent",
        code=built.functions.code,
        layer=built.functions.powertools_layer,
        faq_table=built.tables.tables["faq"],
        data_key=built.key,
        config=built.config,
    )
    ContactCenterMonitoring(built.stack, "Monitoring", config=built.config, functions=built.functions)
    # The scratch's tables have no backup plan here (the stateful stack's job): not under test.
    return [finding for finding in nag_findings(app) if "/Tables/" not in finding]


def test_cdk_nag_finds_nothing_in_functions_loader_and_monitoring(tmp_path: Path) -> None:
    assert nag_findings_of_the_functions(tmp_path) == []


class _NoAcknowledgements:
    """Stands in for ``Validations`` inside bot_functions: acknowledgements are dropped."""

    class _Target:
        def acknowledge(self, *_: Any) -> None:
            return None

    @classmethod
    def of(cls, _construct: Any) -> _NoAcknowledgements._Target:
        return cls._Target()


def test_the_acknowledgements_are_what_silence_xray_and_the_runtime_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from constructs_lib import bot_functions

    monkeypatch.setattr(bot_functions, "Validations", _NoAcknowledgements)

    findings = nag_findings_of_the_functions(tmp_path)

    assert sorted(findings) == sorted(
        [
            *(
                f"AwsSolutions-IAM5[Resource::*] Scratch/{path}Role/DefaultPolicy/Resource"
                for path in ("Functions/LexHook", "Functions/ContactFlow", "FaqContent/Loader")
            ),
            *(
                f"AwsSolutions-L1 Scratch/{path}/Resource"
                for path in ("Functions/LexHook", "Functions/ContactFlow", "FaqContent/Loader")
            ),
        ]
    )
