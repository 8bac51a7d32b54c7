"""Contact records and the evaluation form in the whole app, every environment: the rule listens to the
environment's own instance, the records table keeps its TTL, the form is on the instance."""

from __future__ import annotations

from typing import Any

from config import EnvironmentConfig
from contract import CONTACT_RECORDS
from tests.infrastructure.conftest import SynthResult


def _resources(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {key: value for key, value in template["Resources"].items() if value["Type"] == resource_type}


def test_the_rule_listens_to_this_environments_instance_only(
    synth: SynthResult, environment: str, configs: dict[str, EnvironmentConfig]
) -> None:
    bot = synth.raw(environment, "bot")
    connect = synth.raw(environment, "connect")
    (rule,) = _resources(bot, "AWS::Events::Rule").values()
    pattern = rule["Properties"]["EventPattern"]
    assert (pattern["source"], pattern["detail-type"], pattern["detail"]["eventType"]) == (
        ["aws.connect"],
        ["Amazon Connect Contact Event"],
        ["DISCONNECTED"],
    )
    ((reference,),) = [pattern["detail"]["instanceArn"]]
    output = reference["Fn::GetStackOutput"]
    (instance_id,) = _resources(connect, "AWS::Connect::Instance")
    assert output["StackName"] == f"{configs[environment].name_prefix}-connect"
    assert connect["Outputs"][output["OutputName"]]["Value"] == {"Fn::GetAtt": [instance_id, "Arn"]}
    # The Connect permission names the same instance's contacts.
    statements = [
        statement
        for policy in _resources(bot, "AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Action"] == "connect:GetContactAttributes"
    ]
    assert [statement["Resource"] for statement in statements] == [
        {"Fn::Join": ["", [reference, "/contact/*"]]}
    ]


def test_the_records_table_expires_records_and_is_retained_in_prod(
    synth: SynthResult, environment: str
) -> None:
    stateful = synth.raw(environment, "stateful")
    (table,) = [
        resource
        for resource in _resources(stateful, "AWS::DynamoDB::Table").values()
        if resource["Properties"]["KeySchema"] == [{"AttributeName": "contact_id", "KeyType": "HASH"}]
        and resource["Properties"].get("TimeToLiveSpecification", {}).get("AttributeName") == "expires_at"
    ]
    assert table["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": CONTACT_RECORDS.ttl_attribute,
        "Enabled": True,
    }
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["Properties"]["SSESpecification"]["SSEType"] == "KMS"
    assert table["DeletionPolicy"] == ("Retain" if environment == "prod" else "Delete")


def test_the_evaluation_form_is_on_the_instance(synth: SynthResult, environment: str) -> None:
    connect = synth.raw(environment, "connect")
    (form,) = _resources(connect, "AWS::Connect::EvaluationForm").values()
    (instance_id,) = _resources(connect, "AWS::Connect::Instance")
    assert form["Properties"]["InstanceArn"] == {"Fn::GetAtt": [instance_id, "Arn"]}
    assert form["Properties"]["Status"] == "ACTIVE"
    assert len(form["Properties"]["Items"]) == 6
