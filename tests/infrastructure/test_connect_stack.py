"""Connect stack: instance, storage, hours with holidays, queues, routing and security profiles."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match

from config import EnvironmentConfig
from config.settings import PhoneNumberSettings
from contract import DEFAULT_QUEUE, PRIORITY_QUEUE, QUEUE_DESCRIPTIONS, QUEUE_KEYS, Queue
from tests.infrastructure.conftest import SynthResult, synthesize


def _resources(template: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [value for value in template["Resources"].values() if value["Type"] == resource_type]


@pytest.mark.parametrize(
    ("environment", "alias"),
    [("dev", "aicc-dev-seoul"), ("staging", "aicc-staging-seoul"), ("prod", "aicc-prod-seoul")],
)
def test_instance_is_connect_managed_with_calls_logs_and_contact_lens(
    synth: SynthResult, environment: str, alias: str
) -> None:
    template = synth.template(environment, "connect")
    template.resource_count_is("AWS::Connect::Instance", 1)
    template.has_resource_properties(
        "AWS::Connect::Instance",
        {
            "IdentityManagementType": "CONNECT_MANAGED",
            "InstanceAlias": alias,
            "Attributes": {
                "InboundCalls": True,
                "OutboundCalls": True,
                "ContactflowLogs": True,
                "ContactLens": True,
            },
        },
    )


def test_prod_instance_is_retained(synth: SynthResult) -> None:
    (instance,) = _resources(synth.raw("prod", "connect"), "AWS::Connect::Instance")
    assert instance["DeletionPolicy"] == "Retain"
    (dev_instance,) = _resources(synth.raw("dev", "connect"), "AWS::Connect::Instance")
    assert dev_instance["DeletionPolicy"] == "Delete"


@pytest.mark.parametrize(
    ("resource_type", "prefix"), [("CALL_RECORDINGS", "recordings"), ("CHAT_TRANSCRIPTS", "chat-transcripts")]
)
def test_recordings_and_transcripts_go_to_the_bucket_with_kms(
    synth: SynthResult, environment: str, resource_type: str, prefix: str
) -> None:
    stateful_stack = synth.stack_names[environment]["stateful"]

    def output_of_stateful_stack(pattern: str) -> Any:
        return {
            "Fn::GetStackOutput": {
                "StackName": stateful_stack,
                "Region": "ap-northeast-2",
                "OutputName": Match.string_like_regexp(pattern),
            }
        }

    synth.template(environment, "connect").has_resource_properties(
        "AWS::Connect::InstanceStorageConfig",
        {
            "ResourceType": resource_type,
            "StorageType": "S3",
            "S3Config": {
                "BucketName": output_of_stateful_stack("RecordingsBucket"),
                "BucketPrefix": prefix,
                "EncryptionConfig": {
                    "EncryptionType": "KMS",
                    "KeyId": output_of_stateful_stack("DataKey.*Arn"),
                },
            },
        },
    )


def _hours(synth: SynthResult, environment: str) -> dict[str, Any]:
    (hours,) = _resources(synth.raw(environment, "connect"), "AWS::Connect::HoursOfOperation")
    properties: dict[str, Any] = hours["Properties"]
    return properties


def test_hours_are_weekdays_nine_to_six_korea_time(synth: SynthResult, environment: str) -> None:
    hours = _hours(synth, environment)
    assert hours["TimeZone"] == "Asia/Seoul"
    assert [slot["Day"] for slot in hours["Config"]] == [
        "MONDAY",
        "TUESDAY",
        "WEDNESDAY",
        "THURSDAY",
        "FRIDAY",
    ]
    for slot in hours["Config"]:
        assert slot["StartTime"] == {"Hours": 9, "Minutes": 0}
        assert slot["EndTime"] == {"Hours": 18, "Minutes": 0}


def _override(hours: dict[str, Any], effective_from: str) -> dict[str, Any]:
    matches = [item for item in hours["HoursOfOperationOverrides"] if item["EffectiveFrom"] == effective_from]
    assert len(matches) == 1, f"no single override starting {effective_from}"
    return matches[0]


@pytest.mark.parametrize(
    ("first_day", "last_day", "weekdays", "name"),
    [
        ("2026-09-24", "2026-09-25", ["THURSDAY", "FRIDAY"], "추석"),
        ("2026-10-05", "2026-10-05", ["MONDAY"], "대체"),
        ("2026-02-16", "2026-02-18", ["MONDAY", "TUESDAY", "WEDNESDAY"], "설날"),
        ("2027-01-01", "2027-01-01", ["FRIDAY"], "신정"),
    ],
)
def test_korean_public_holidays_close_the_whole_day(
    synth: SynthResult, environment: str, first_day: str, last_day: str, weekdays: list[str], name: str
) -> None:
    override = _override(_hours(synth, environment), first_day)
    assert override["EffectiveTill"] == last_day
    assert override["OverrideType"] == "CLOSED"
    assert name in override["OverrideName"]
    assert [slot["Day"] for slot in override["OverrideConfig"]] == weekdays
    for slot in override["OverrideConfig"]:
        assert slot["StartTime"] == {"Hours": 0, "Minutes": 0}
        assert slot["EndTime"] == {"Hours": 23, "Minutes": 59}


def test_weekend_holidays_need_no_override_and_the_quota_holds(synth: SynthResult) -> None:
    overrides = _hours(synth, "prod")["HoursOfOperationOverrides"]
    starts = {item["EffectiveFrom"] for item in overrides}
    assert "2026-03-01" not in starts  # 삼일절 is a Sunday in 2026
    assert "2026-03-02" in starts  # its substitute Monday
    assert 0 < len(overrides) <= 50


def test_one_queue_per_contract_queue_named_by_key_with_korean_descriptions_on_agent_hours(
    synth: SynthResult, environment: str, configs: dict[str, EnvironmentConfig]
) -> None:
    raw = synth.raw(environment, "connect")
    queues = {
        queue["Properties"]["Name"]: queue["Properties"] for queue in _resources(raw, "AWS::Connect::Queue")
    }
    assert set(queues) == set(QUEUE_KEYS)
    hours_id = next(
        key for key, value in raw["Resources"].items() if value["Type"] == "AWS::Connect::HoursOfOperation"
    )
    for key, queue in queues.items():
        assert queue["MaxContacts"] == configs[environment].queues[key].max_contacts
        assert queue["HoursOfOperationArn"] == {"Fn::GetAtt": [hours_id, "HoursOfOperationArn"]}
        assert any("\uac00" <= char <= "\ud7a3" for char in queue["Description"]), (
            "description must be Korean"
        )
    assert queues["payment"]["Description"] == "결제·환불"
    assert {key: queue["Description"] for key, queue in queues.items()} == {
        queue.value: description for queue, description in QUEUE_DESCRIPTIONS.items()
    }


def test_routing_profile_concurrency_and_priority_queue_first(synth: SynthResult, environment: str) -> None:
    raw = synth.raw(environment, "connect")
    (profile,) = _resources(raw, "AWS::Connect::RoutingProfile")
    properties = profile["Properties"]
    assert {item["Channel"]: item["Concurrency"] for item in properties["MediaConcurrencies"]} == {
        "VOICE": 1,
        "CHAT": 3,
    }
    queue_ids = {
        value["Properties"]["Name"]: key
        for key, value in raw["Resources"].items()
        if value["Type"] == "AWS::Connect::Queue"
    }
    configs = properties["QueueConfigs"]
    assert len(configs) == len(Queue) * 2
    for queue_key, logical_id in queue_ids.items():
        entries = [
            entry
            for entry in configs
            if entry["QueueReference"]["QueueArn"] == {"Fn::GetAtt": [logical_id, "QueueArn"]}
        ]
        assert {entry["QueueReference"]["Channel"] for entry in entries} == {"VOICE", "CHAT"}
        expected = 1 if queue_key == PRIORITY_QUEUE else 2
        assert {entry["Priority"] for entry in entries} == {expected}
    assert properties["DefaultOutboundQueueArn"] == {"Fn::GetAtt": [queue_ids[DEFAULT_QUEUE], "QueueArn"]}


def test_security_profiles_have_explicit_graduated_permissions(synth: SynthResult, environment: str) -> None:
    profiles = {
        profile["Properties"]["SecurityProfileName"].rsplit("-", 1)[-1]: set(
            profile["Properties"]["Permissions"]
        )
        for profile in _resources(synth.raw(environment, "connect"), "AWS::Connect::SecurityProfile")
    }
    assert set(profiles) == {"agent", "supervisor", "admin"}
    assert {"BasicAgentAccess", "OutboundCallAccess"} <= profiles["agent"]
    assert "ListenCallRecordings" not in profiles["agent"]
    assert profiles["agent"] < profiles["supervisor"] < profiles["admin"]
    assert {"ListenCallRecordings", "AccessMetrics", "ManagerListenIn"} <= profiles["supervisor"]
    assert {"Users.Create", "SecurityProfiles.Edit", "Queues.Edit"} <= profiles["admin"]
    assert not any("*" in permission for permissions in profiles.values() for permission in permissions)


def test_no_phone_number_is_claimed_by_default(synth: SynthResult, environment: str) -> None:
    synth.template(environment, "connect").resource_count_is("AWS::Connect::PhoneNumber", 0)


def test_phone_number_is_claimed_in_korea_when_enabled(
    tmp_path: Path, configs: dict[str, EnvironmentConfig]
) -> None:
    claiming = dataclasses.replace(
        configs["dev"], phone_number=PhoneNumberSettings(claim=True, type="TOLL_FREE", prefix="+8280")
    )
    result = synthesize(tmp_path, [claiming])
    result.template("dev", "connect").has_resource_properties(
        "AWS::Connect::PhoneNumber",
        {"CountryCode": "KR", "Type": "TOLL_FREE", "Prefix": "+8280", "TargetArn": Match.any_value()},
    )
    assert "PhoneNumberAddress" in result.raw("dev", "connect")["Outputs"]
    # The claimed number is linked to the inbound flow (no CloudFormation property does it).
    bot = result.raw("dev", "bot")
    (link,) = [r for r in bot["Resources"].values() if r["Type"] == "Custom::PhoneNumberFlow"]
    (inbound_id,) = [
        name
        for name, r in bot["Resources"].items()
        if r["Type"] == "AWS::Connect::ContactFlow" and r["Properties"]["Name"].endswith("-inbound")
    ]
    # Every queue dials callbacks from the claimed number, with the outbound whisper.
    connect = result.raw("dev", "connect")
    queues = [r for r in connect["Resources"].values() if r["Type"] == "AWS::Connect::Queue"]
    assert queues and all(
        set(queue["Properties"]["OutboundCallerConfig"]) == {"OutboundCallerIdNumberArn", "OutboundFlowArn"}
        for queue in queues
    )
    # CDK's AwsCustomResource calls AssociatePhoneNumberContactFlow with the number's ARN, the
    # instance id (both read from the Connect stack) and the inbound flow's id.
    create = link["Properties"]["Create"]["Fn::Join"][1]
    assert "PhoneNumber" in create[1]["Fn::GetStackOutput"]["OutputName"]
    assert "Instance" in create[3]["Fn::GetStackOutput"]["OutputName"]
    assert create[5] == {
        "Fn::Select": [3, {"Fn::Split": ["/", {"Fn::GetAtt": [inbound_id, "ContactFlowArn"]}]}]
    }


def test_unclaimed_numbers_need_no_flow_link(synth: SynthResult, environment: str) -> None:
    synth.template(environment, "bot").resource_count_is("Custom::PhoneNumberFlow", 0)


def test_outputs_for_operators_and_later_stacks(synth: SynthResult) -> None:
    outputs = synth.raw("dev", "connect")["Outputs"]
    expected = {"InstanceId", "InstanceArn", "HoursOfOperationArn", "RoutingProfileArn"}
    expected |= {f"{key.title().replace('_', '')}QueueArn" for key in QUEUE_KEYS}
    assert expected <= set(outputs)
