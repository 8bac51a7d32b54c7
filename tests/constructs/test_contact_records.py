"""ContactRecords (rule, function, dead letters, least privilege, dashboard) and AgentEvaluationForm."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk.assertions import Template

from constructs_lib.contact_records import ContactRecords
from constructs_lib.evaluation_form import SECTIONS, AgentEvaluationForm
from constructs_lib.function_environment import contact_records_environment
from constructs_lib.monitoring import ContactCenterMonitoring
from contract import CONTACT_RECORDS, TABLE_DEFINITIONS, EnvVar
from handlers.settings import ContactRecordsSettings
from tests.constructs.test_bot_functions import (
    ACCOUNT,
    INSTANCE_ARN,
    REGION,
    RecordingEnvironment,
    ScratchBuild,
    config_for,
    permission_pairs,
    render,
    resources_of_type,
    role_logical_id,
    scratch,
)
from tests.support.cdk_nag import nag_findings


class Built(ScratchBuild):
    records: ContactRecords
    monitoring: ContactCenterMonitoring

    def properties(self, construct: Any) -> dict[str, Any]:
        value: dict[str, Any] = self.template["Resources"][self.ref(construct)]["Properties"]
        return value


def build(environment: str = "dev", app: App | None = None) -> Built:
    built = scratch(config_for(environment), app=app)
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
        built.stack, "Monitoring", config=built.config, functions=built.functions, contact_records=records
    )
    result = Built(scratch=built, template=built.template())
    result.records = records
    result.monitoring = monitoring
    return result


@pytest.fixture(scope="module")
def dev() -> Built:
    return build()


def test_the_rule_forwards_only_this_instances_ended_contacts(dev: Built) -> None:
    rule = dev.properties(dev.records.rule)
    assert rule["EventPattern"] == {
        "source": ["aws.connect"],
        "detail-type": ["Amazon Connect Contact Event"],
        "detail": {"eventType": ["DISCONNECTED"], "instanceArn": [INSTANCE_ARN]},
    }
    assert rule["Name"] == "aicc-dev-contact-ended"


def test_the_target_retries_then_dead_letters(dev: Built) -> None:
    (target,) = dev.properties(dev.records.rule)["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [dev.ref(dev.records.function), "Arn"]}
    queue_arn = {"Fn::GetAtt": [dev.ref(dev.records.dead_letter_queue), "Arn"]}
    assert target["DeadLetterConfig"] == {"Arn": queue_arn}
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 8, "MaximumEventAgeInSeconds": 6 * 3600}
    # A failed invocation lands in the same queue after Lambda's own two retries.
    function = dev.properties(dev.records.function)
    assert function["DeadLetterConfig"] == {"TargetArn": queue_arn}
    assert resources_of_type(dev.template, "AWS::Lambda::EventInvokeConfig") == {}  # Lambda's default: 2


def test_the_dead_letter_queue_is_encrypted_with_a_key_eventbridge_may_use_for_this_rule_only(
    dev: Built,
) -> None:
    queue = dev.properties(dev.records.dead_letter_queue)
    assert queue["KmsMasterKeyId"] == {"Fn::GetAtt": [dev.ref(dev.records.queue_key), "Arn"]}
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600
    key = dev.properties(dev.records.queue_key)
    assert key["EnableKeyRotation"] is True
    statements = [render(statement) for statement in key["KeyPolicy"]["Statement"]]
    events = [s for s in statements if s.get("Principal") == {"Service": "events.amazonaws.com"}]
    assert events == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": "*",
            "Condition": {
                "ArnEquals": {
                    "aws:SourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/aicc-dev-contact-ended"
                }
            },
        }
    ]
    policies = resources_of_type(dev.template, "AWS::SQS::QueuePolicy")
    statements = [s for p in policies.values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    )


def test_the_function_holds_exactly_what_it_calls(dev: Built) -> None:
    function = dev.properties(dev.records.function)
    table = {key: f"<{dev.ref(t)}.Arn>" for key, t in dev.scratch.tables.tables.items()}
    data_key = f"<{dev.ref(dev.scratch.key)}.Arn>"
    queue_key = f"<{dev.ref(dev.records.queue_key)}.Arn>"
    pairs = permission_pairs(dev.template, role_logical_id(function))
    assert pairs == {
        ("logs:CreateLogStream", f"<{dev.ref(dev.records.log_group)}.Arn>"),
        ("logs:PutLogEvents", f"<{dev.ref(dev.records.log_group)}.Arn>"),
        ("dynamodb:PutItem", table["contact_records"]),
        ("dynamodb:GetItem", table["callbacks"]),
        ("dynamodb:Query", f"{table['callbacks']}/index/pending_by_time"),
        ("dynamodb:Query", table["conversations"]),
        *(("kms:" + action, data_key) for action in ("Decrypt", "DescribeKey", "GenerateDataKey")),
        ("kms:Decrypt", queue_key),
        ("kms:GenerateDataKey", queue_key),
        ("sqs:SendMessage", f"<{dev.ref(dev.records.dead_letter_queue)}.Arn>"),
        ("connect:GetContactAttributes", f"{INSTANCE_ARN}/contact/*"),
        ("xray:PutTelemetryRecords", "*"),
        ("xray:PutTraceSegments", "*"),
    }
    assert not any("*" in action for action, _ in pairs)


def test_the_function_gets_its_tables_ttl_and_service_name(dev: Built) -> None:
    variables = render(dev.properties(dev.records.function)["Environment"]["Variables"])
    assert (
        variables[EnvVar.CONTACT_RECORD_TTL_DAYS] == str(dev.scratch.config.contact_record_ttl_days) == "30"
    )
    assert (
        variables[CONTACT_RECORDS.environment_variable]
        == f"<{dev.ref(dev.scratch.tables.tables['contact_records'])}>"
    )
    assert variables[EnvVar.POWERTOOLS_SERVICE_NAME] == "aicc-dev-contact-records"
    function = dev.properties(dev.records.function)
    assert (function["Handler"], function["Timeout"], function["ReservedConcurrentExecutions"]) == (
        "handlers.contact_events.lambda_handler",
        30,
        5,
    )


def test_dead_letters_errors_and_malformed_events_alarm(dev: Built) -> None:
    def alarm(name: str) -> dict[str, Any]:
        return dev.properties(dev.monitoring.alarms[name])

    dead_letters = alarm("ContactRecordsDeadLetters")
    assert (dead_letters["Namespace"], dead_letters["MetricName"], dead_letters["Threshold"]) == (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        0,
    )
    assert dead_letters["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [dev.ref(dev.records.dead_letter_queue), "QueueName"]}}
    ]
    errors = alarm("ContactRecordsErrors")
    assert errors["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": dev.ref(dev.records.function)}}]
    malformed = alarm("ContactEventsMalformed")
    assert {d["Name"]: d["Value"] for d in malformed["Dimensions"]} == {
        "service": "aicc-dev-contact-records",
        "problem": "malformed",
    }


def dashboard(built: Built) -> list[dict[str, Any]]:
    body = render(built.properties(built.monitoring.dashboard)["DashboardBody"])
    widgets: list[dict[str, Any]] = json.loads(body)["widgets"]
    return widgets


def test_the_dashboard_shows_containment_escalations_callbacks_and_health(dev: Built) -> None:
    by_title = {widget["properties"].get("title"): widget["properties"] for widget in dashboard(dev)}
    rate = by_title["Containment rate (%)"]
    expressions = [line[0]["expression"] for line in rate["metrics"]]
    assert "100 * contained / recorded" in expressions
    search = (
        "SEARCH('{AiccContactCenter,service,channel,outcome} "
        'MetricName="ContactRecorded" service="aicc-dev-contact-records"'
    )
    assert f"SUM({search} outcome=\"contained\"', 'Sum', 300))" in expressions
    assert f"SUM({search}', 'Sum', 300))" in expressions
    escalations = by_title["Escalations by reason"]["metrics"][0][0]["expression"]
    assert 'MetricName="ContactEscalated" service="aicc-dev-contact-records"' in escalations
    assert "{AiccContactCenter,service,reason}" in escalations
    pending = by_title["Callbacks pending"]["metrics"][0]
    assert pending[:2] == ["AiccContactCenter", "CallbacksPending"]
    assert pending[-1]["stat"] == "Maximum"
    assert "Contact records: errors, dead letters" in by_title
    assert "Alarms" in by_title  # the bot's health on the same dashboard


def test_cdk_nag_finds_nothing_in_the_contact_records(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path), analytics_reporting=False)
    build(app=app)
    findings = [finding for finding in nag_findings(app) if "/Tables/" not in finding]
    assert findings == []


# --- the evaluation form ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def form() -> dict[str, Any]:
    stack = Stack(App(analytics_reporting=False), "Forms", env=Environment(account=ACCOUNT, region=REGION))
    AgentEvaluationForm(stack, "AgentEvaluationForm", instance_arn=INSTANCE_ARN)
    (resource,) = Template.from_stack(stack).to_json()["Resources"].values()
    assert resource["Type"] == "AWS::Connect::EvaluationForm"
    properties: dict[str, Any] = resource["Properties"]
    return properties


def test_the_form_is_active_korean_and_scored_by_section(form: dict[str, Any]) -> None:
    assert form["InstanceArn"] == INSTANCE_ARN
    assert (form["Title"], form["Status"]) == ("상담 품질 평가표", "ACTIVE")
    assert form["ScoringStrategy"] == {"Mode": "SECTION_ONLY", "Status": "ENABLED"}


def test_the_six_sections_in_the_order_of_a_contact(form: dict[str, Any]) -> None:
    sections = [item["Section"] for item in form["Items"]]
    assert [section["Title"] for section in sections] == [
        "인사",
        "본인 확인",
        "문의 파악",
        "문제 해결",
        "응대 태도",
        "마무리",
    ]
    assert sum(section["Weight"] for section in sections) == 100
    for section in sections:
        questions = [item["Question"] for item in section["Items"]]
        assert sum(question["Weight"] for question in questions) == 100, section["Title"]
        for question in questions:
            assert question["QuestionType"] == "SINGLESELECT"
            assert question["Title"].endswith("까?"), question["Title"]  # a polite Korean question
            options = question["QuestionTypeProperties"]["SingleSelect"]["Options"]
            assert [(option["Text"], option["Score"]) for option in options] == [
                ("예", 10),
                ("일부", 5),
                ("아니요", 0),
            ]


def test_ref_ids_are_unique_and_within_connects_limits(form: dict[str, Any]) -> None:
    ids = [section.ref_id for section in SECTIONS]
    for section in SECTIONS:
        for question in section.questions:
            ids.append(question.ref_id)
            ids.extend(f"{question.ref_id}{suffix}" for suffix in ("yes", "partly", "no"))
    assert len(ids) == len(set(ids))
    assert all(1 <= len(ref_id) <= 40 and ref_id.isalnum() for ref_id in ids)


def test_skipping_the_identity_check_fails_the_evaluation(form: dict[str, Any]) -> None:
    failing = [
        (question["RefId"], option["Text"])
        for item in form["Items"]
        for question in (entry["Question"] for entry in item["Section"]["Items"])
        for option in question["QuestionTypeProperties"]["SingleSelect"]["Options"]
        if option.get("AutomaticFail")
    ]
    assert failing == [("idverify", "아니요")]


def test_the_functions_environment_is_exactly_what_its_settings_read() -> None:
    names = {definition.key: f"aicc-{definition.key}" for definition in TABLE_DEFINITIONS}
    variables = contact_records_environment(config_for("prod"), names)
    recording = RecordingEnvironment(variables)

    settings = ContactRecordsSettings.from_env(recording)

    assert set(variables) == recording.asked - {"AWS_REGION", "AWS_DEFAULT_REGION"}
    assert (settings.contact_records_table_name, settings.contact_record_ttl_days) == (
        "aicc-contact_records",
        400,
    )
    assert settings.observability.service_name == "aicc-prod-contact-records"


def test_a_missing_table_is_refused_at_synth() -> None:
    built = scratch(config_for("dev"))
    tables = {key: table for key, table in built.tables.tables.items() if key != "conversations"}
    with pytest.raises(ValueError, match="ContactRecords needs the tables conversations"):
        ContactRecords(
            built.stack,
            "ContactRecords",
            config=built.config,
            code=built.functions.code,
            layer=built.functions.powertools_layer,
            tables=tables,
            data_key=built.key,
            instance_arn=INSTANCE_ARN,
        )
