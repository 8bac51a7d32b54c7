"""PhoneNumberFlowAssociation: CDK's AwsCustomResource calling Connect, its calls, and its exact IAM."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App
from aws_cdk import aws_connect as connect

from constructs_lib.phone_number import ClaimedPhoneNumber
from constructs_lib.phone_number_flow import SDK_MAX_ATTEMPTS, PhoneNumberFlowAssociation
from tests.constructs.test_bot_functions import (
    ACCOUNT,
    INSTANCE_ARN,
    REGION,
    ScratchBuild,
    config_for,
    function_resource,
    permission_pairs,
    render,
    resources_of_type,
    scratch,
)
from tests.support.cdk_nag import nag_findings

INSTANCE_ID = INSTANCE_ARN.rsplit("/", 1)[1]
NUMBER_ID = "aaaaaaaa-1111-2222-3333-bbbbbbbbbbbb"
FLOW_ID = "cccccccc-4444-5555-6666-dddddddddddd"
#: ARNs as Connect writes them, for the build with literal values.
NUMBER_ARN = f"arn:aws:connect:{REGION}:{ACCOUNT}:phone-number/{NUMBER_ID}"
FLOW_ARN = f"{INSTANCE_ARN}/contact-flow/{FLOW_ID}"


@dataclass
class Linked(ScratchBuild):
    number: ClaimedPhoneNumber
    flow: connect.CfnContactFlow
    association: PhoneNumberFlowAssociation

    @property
    def resource(self) -> dict[str, Any]:
        (resource,) = resources_of_type(self.template, "Custom::PhoneNumberFlow").values()
        return resource

    @property
    def function_id(self) -> str:
        """CDK's singleton function behind every AwsCustomResource of the stack."""
        return str(self.resource["Properties"]["ServiceToken"]["Fn::GetAtt"][0])

    @property
    def function(self) -> dict[str, Any]:
        return function_resource(self.template, self.function_id)


def build(environment: str = "dev", *, app: App | None = None, literal_arns: bool = False) -> Linked:
    """A claimed number, a flow and the association next to BotFunctions.

    With ``literal_arns`` the association gets plain ARNs instead of the resources' attributes,
    so the SDK calls synthesize to plain JSON.
    """
    built = scratch(config_for(environment), app=app)
    number = ClaimedPhoneNumber(
        built.stack,
        "PhoneNumber",
        instance_arn=INSTANCE_ARN,
        number_type="DID",
        prefix=None,
        description="scratch number",
    )
    flow = connect.CfnContactFlow(
        built.stack,
        "InboundFlow",
        instance_arn=INSTANCE_ARN,
        name="scratch-inbound",
        type="CONTACT_FLOW",
        content='{"Version": "2019-10-30", "StartAction": "end", "Actions": []}',
    )
    association = PhoneNumberFlowAssociation(
        built.stack,
        "InboundPhoneNumberFlow",
        config=built.config,
        instance_id=INSTANCE_ID,
        phone_number_arn=NUMBER_ARN if literal_arns else number.phone_number.attr_phone_number_arn,
        flow_arn=FLOW_ARN if literal_arns else flow.attr_contact_flow_arn,
        encryption_key=built.key,
    )
    return Linked(
        scratch=built,
        template=built.template() if app is None else {},
        number=number,
        flow=flow,
        association=association,
    )


@pytest.fixture(scope="module")
def linked() -> Linked:
    """The association in dev, on the number's and flow's attributes."""
    return build()


@pytest.fixture(scope="module")
def literal() -> Linked:
    """The association in dev, on literal ARNs."""
    return build(literal_arns=True)


def calls(linked: Linked) -> dict[str, Any]:
    """The Create/Update/Delete SDK calls of the resource, as the function reads them."""
    properties = linked.resource["Properties"]
    return {name: json.loads(properties[name]) for name in ("Create", "Update", "Delete")}


# --- the calls ------------------------------------------------------------------------------------------


def test_create_and_update_associate_the_number_with_the_flow(literal: Linked) -> None:
    associate = {
        "service": "Connect",
        "action": "AssociatePhoneNumberContactFlow",
        "parameters": {"PhoneNumberId": NUMBER_ARN, "InstanceId": INSTANCE_ID, "ContactFlowId": FLOW_ID},
        # A new number is a new physical id: CloudFormation then deletes (unlinks) the old one.
        "physicalResourceId": {"id": NUMBER_ARN},
    }
    found = calls(literal)
    assert found["Create"] == associate
    assert found["Update"] == associate


def test_delete_unlinks_the_number_and_ignores_what_is_already_gone(literal: Linked) -> None:
    assert calls(literal)["Delete"] == {
        "service": "Connect",
        "action": "DisassociatePhoneNumberContactFlow",
        "parameters": {"PhoneNumberId": NUMBER_ARN, "InstanceId": INSTANCE_ID},
        "ignoreErrorCodesMatching": "^ResourceNotFoundException$",
    }


def test_the_calls_read_the_attributes_of_the_number_and_flow(linked: Linked) -> None:
    create = linked.resource["Properties"]["Create"]["Fn::Join"][1]
    number_arn = {"Fn::GetAtt": [linked.ref(linked.number.phone_number), "PhoneNumberArn"]}
    flow_arn = {"Fn::GetAtt": [linked.ref(linked.flow), "ContactFlowArn"]}
    # The number's ARN as it is (it may come from another stack, where nothing can split it).
    assert create == [
        '{"action":"AssociatePhoneNumberContactFlow","service":"Connect","parameters":{"PhoneNumberId":"',
        number_arn,
        f'","InstanceId":"{INSTANCE_ID}","ContactFlowId":"',
        {"Fn::Select": [3, {"Fn::Split": ["/", flow_arn]}]},
        '"},"physicalResourceId":{"id":"',
        number_arn,
        '"}}',
    ]


def test_the_resource_keeps_its_type_and_installs_no_sdk(linked: Linked) -> None:
    properties = linked.resource["Properties"]
    assert properties["InstallLatestAwsSdk"] is False
    assert set(properties) == {"ServiceToken", "Create", "Update", "Delete", "InstallLatestAwsSdk"}


# --- the function and its permissions -----------------------------------------------------------------


def test_the_role_may_only_link_this_number_to_this_flow_and_write_its_logs(linked: Linked) -> None:
    number_arn = f"<{linked.ref(linked.number.phone_number)}.PhoneNumberArn>"
    flow_arn = f"<{linked.ref(linked.flow)}.ContactFlowArn>"
    log_arn = f"<{linked.ref(linked.association.log_group)}.Arn>"
    role_id = linked.ref(linked.association.role)
    role = linked.template["Resources"][role_id]["Properties"]

    assert linked.function["Role"] == {"Fn::GetAtt": [role_id, "Arn"]}
    # No AWS managed policy (AWSLambdaBasicExecutionRole would write to every log group).
    assert "ManagedPolicyArns" not in role
    key_arn = f"<{linked.ref(linked.scratch.key)}.Arn>"
    queue_arn = f"<{linked.ref(linked.association.dead_letter_queue)}.Arn>"
    assert {
        policy["PolicyName"]: render(policy["PolicyDocument"]["Statement"]) for policy in role["Policies"]
    } == {
        "Logs": [
            {"Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Effect": "Allow", "Resource": log_arn}
        ],
        "DeadLetters": [
            {"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": queue_arn},
            {"Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Effect": "Allow", "Resource": key_arn},
        ],
    }
    assert permission_pairs(linked.template, role_id) == {
        ("connect:AssociatePhoneNumberContactFlow", number_arn),
        ("connect:AssociatePhoneNumberContactFlow", flow_arn),
        ("connect:DisassociatePhoneNumberContactFlow", number_arn),
    }


def test_the_resource_runs_only_once_the_function_may_call_connect(linked: Linked) -> None:
    (policy_id,) = [
        policy_id
        for policy_id, policy in resources_of_type(linked.template, "AWS::IAM::Policy").items()
        if {"Ref": linked.ref(linked.association.role)} in policy["Properties"]["Roles"]
    ]
    assert policy_id in linked.resource["DependsOn"]


def test_the_function_retries_connect_throttling_and_logs_like_every_function(linked: Linked) -> None:
    function = linked.function
    assert function["Runtime"].startswith("nodejs")
    assert function["Timeout"] == PhoneNumberFlowAssociation.TIMEOUT.to_seconds()
    assert function["Environment"]["Variables"] == {"AWS_MAX_ATTEMPTS": str(SDK_MAX_ATTEMPTS)}
    assert function["LoggingConfig"]["LogGroup"] == {"Ref": linked.ref(linked.association.log_group)}
    log_group = linked.template["Resources"][linked.ref(linked.association.log_group)]
    assert log_group["Properties"]["RetentionInDays"] == 14
    assert log_group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [linked.ref(linked.scratch.key), "Arn"]}


def test_an_event_the_function_fails_on_lands_in_an_encrypted_dead_letter_queue(linked: Linked) -> None:
    # CloudFormation invokes the function asynchronously: Lambda drops what fails after two retries.
    queue_id = linked.ref(linked.association.dead_letter_queue)
    assert linked.function["DeadLetterConfig"] == {"TargetArn": {"Fn::GetAtt": [queue_id, "Arn"]}}
    queue = linked.template["Resources"][queue_id]["Properties"]
    assert queue["KmsMasterKeyId"] == {"Fn::GetAtt": [linked.ref(linked.scratch.key), "Arn"]}
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600
    policies = resources_of_type(linked.template, "AWS::SQS::QueuePolicy").values()
    assert any(
        statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for policy in policies
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    )


def test_prod_keeps_the_logs() -> None:
    prod = build("prod")
    log_group = prod.template["Resources"][prod.ref(prod.association.log_group)]
    assert log_group["DeletionPolicy"] == "Retain"
    assert log_group["Properties"]["RetentionInDays"] == 365


def test_cdk_nag_finds_nothing_in_the_association(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path), analytics_reporting=False)
    linked = build("prod", app=app)
    # The scratch's tables have no backup plan here (the stateful stack's job): not under test.
    findings = [finding for finding in nag_findings(app) if "/Tables/" not in finding]
    assert findings == []
    assert linked.association.dead_letter_queue is not None
