"""PhoneNumberFlowAssociation: the custom resource, its properties, and the function's exact IAM."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App
from aws_cdk import aws_connect as connect

from constructs_lib.phone_number import ClaimedPhoneNumber
from constructs_lib.phone_number_flow import PhoneNumberFlowAssociation, phone_number_flow_service_name
from handlers import phone_number_flow
from handlers.custom_resource import RESPONSE_RESERVE_SECONDS
from tests.constructs.test_bot_functions import (
    INSTANCE_ARN,
    ScratchBuild,
    config_for,
    function_resource,
    permission_pairs,
    policies_of_role,
    resources_of_type,
    role_logical_id,
    scratch,
)
from tests.support.cdk_nag import nag_findings


@dataclass
class Linked(ScratchBuild):
    number: ClaimedPhoneNumber
    flow: connect.CfnContactFlow
    association: PhoneNumberFlowAssociation

    @property
    def function(self) -> dict[str, Any]:
        return function_resource(self.template, self.ref(self.association.function))


def build(environment: str = "dev", *, app: App | None = None) -> Linked:
    """A claimed number, a flow and the association next to BotFunctions."""
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
        code=built.functions.code,
        layer=built.functions.powertools_layer,
        config=built.config,
        instance_arn=INSTANCE_ARN,
        phone_number_arn=number.phone_number.attr_phone_number_arn,
        flow_arn=flow.attr_contact_flow_arn,
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
    """The association in dev."""
    return build()


def test_the_custom_resource_links_the_claimed_number_to_the_flow(linked: Linked) -> None:
    resources = resources_of_type(linked.template, "Custom::PhoneNumberFlow")
    assert list(resources) == [linked.ref(linked.association.resource)]
    assert next(iter(resources.values()))["Properties"] == {
        "ServiceToken": {"Fn::GetAtt": [linked.ref(linked.association.function), "Arn"]},
        "InstanceArn": INSTANCE_ARN,
        "PhoneNumberArn": {"Fn::GetAtt": [linked.ref(linked.number.phone_number), "PhoneNumberArn"]},
        "ContactFlowArn": {"Fn::GetAtt": [linked.ref(linked.flow), "ContactFlowArn"]},
    }


def test_the_property_names_are_the_ones_the_handler_reads(linked: Linked) -> None:
    properties = next(iter(resources_of_type(linked.template, "Custom::PhoneNumberFlow").values()))[
        "Properties"
    ]
    assert set(properties) - {"ServiceToken"} == {
        phone_number_flow.PROPERTY_INSTANCE,
        phone_number_flow.PROPERTY_PHONE_NUMBER,
        phone_number_flow.PROPERTY_CONTACT_FLOW,
    }
    assert PhoneNumberFlowAssociation.RESOURCE_TYPE == phone_number_flow.RESOURCE_TYPE


def test_the_role_may_only_link_this_number_to_this_flow(linked: Linked) -> None:
    number_arn = f"<{linked.ref(linked.number.phone_number)}.PhoneNumberArn>"
    flow_arn = f"<{linked.ref(linked.flow)}.ContactFlowArn>"
    log_arn = f"<{linked.ref(linked.association.log_group)}.Arn>"

    assert permission_pairs(linked.template, role_logical_id(linked.function)) == {
        ("connect:AssociatePhoneNumberContactFlow", number_arn),
        ("connect:AssociatePhoneNumberContactFlow", flow_arn),
        ("connect:DisassociatePhoneNumberContactFlow", number_arn),
        ("logs:CreateLogStream", log_arn),
        ("logs:PutLogEvents", log_arn),
        ("xray:PutTraceSegments", "*"),
        ("xray:PutTelemetryRecords", "*"),
    }


def test_the_function_runs_the_shared_asset_like_every_function(linked: Linked) -> None:
    function = linked.function
    hook = function_resource(linked.template, linked.ref(linked.scratch.functions.lex_hook))
    assert function["Handler"] == "handlers.phone_number_flow.lambda_handler"
    for same in ("Code", "Runtime", "Architectures", "Layers", "TracingConfig"):
        assert function[same] == hook[same], same
    assert function["Timeout"] == PhoneNumberFlowAssociation.TIMEOUT.to_seconds()
    assert function["LoggingConfig"]["LogFormat"] == "JSON"
    assert function["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == phone_number_flow_service_name(
        linked.scratch.config
    )


def test_the_resource_runs_only_after_the_function_has_its_permissions(linked: Linked) -> None:
    depends_on = linked.template["Resources"][linked.ref(linked.association.function)]["DependsOn"]
    permissions = policies_of_role(linked.template, role_logical_id(linked.function))
    assert permissions and set(permissions) <= set(depends_on)


def test_the_timeout_leaves_room_for_throttling_retries_after_the_reserve_for_answering() -> None:
    assert PhoneNumberFlowAssociation.TIMEOUT.to_seconds() - RESPONSE_RESERVE_SECONDS >= 60


def test_cdk_nag_finds_nothing(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path), analytics_reporting=False)
    build("prod", app=app)
    assert nag_findings(app) == []
