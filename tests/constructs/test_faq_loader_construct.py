"""FaqLoader: the custom resource, its hash of the FAQ file, the loader function's permissions, and
CDK's provider framework in front of it (its role, its logs, its cdk-nag acknowledgement)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App

from constructs_lib.compliance import add_rule_packs
from constructs_lib.faq_loader import FAQ_FILE, FaqLoader, faq_content_hash
from tests.constructs.test_bot_functions import (
    ScratchBuild,
    config_for,
    function_resource,
    permission_pairs,
    policies_of_role,
    render,
    resources_of_type,
    role_logical_id,
    scratch,
)
from tests.support.cdk_nag import nag_findings, probe_acknowledgements

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Loaded(ScratchBuild):
    loader: FaqLoader

    @property
    def function(self) -> dict[str, Any]:
        return function_resource(self.template, self.ref(self.loader.function))

    @property
    def framework_function_id(self) -> str:
        """The provider framework's function: the custom resource's service token."""
        properties = self.template["Resources"][self.ref(self.loader.resource)]["Properties"]
        return str(properties["ServiceToken"]["Fn::GetAtt"][0])

    @property
    def framework_function(self) -> dict[str, Any]:
        return function_resource(self.template, self.framework_function_id)


def build(environment: str = "dev", *, app: App | None = None) -> Loaded:
    built = scratch(config_for(environment), app=app)
    loader = FaqLoader(
        built.stack,
        "FaqContent",
        code=built.functions.code,
        layer=built.functions.powertools_layer,
        faq_table=built.tables.tables["faq"],
        data_key=built.key,
        config=built.config,
    )
    return Loaded(scratch=built, template=built.template() if app is None else {}, loader=loader)


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    """FaqLoader next to BotFunctions in dev."""
    return build()


def test_the_custom_resource_carries_the_faq_hash_and_table(loaded: Loaded) -> None:
    resources = resources_of_type(loaded.template, "Custom::FaqContent")
    assert list(resources) == [loaded.ref(loaded.loader.resource)]
    properties = next(iter(resources.values()))["Properties"]
    assert properties == {
        "ServiceToken": {"Fn::GetAtt": [loaded.framework_function_id, "Arn"]},
        "ContentHash": hashlib.sha256((REPO_ROOT / "lambda_src/bot/data/faq.json").read_bytes()).hexdigest(),
        "TableName": {"Ref": loaded.ref(loaded.scratch.tables.tables["faq"])},
    }


def test_the_hash_follows_the_file_content(tmp_path: Path) -> None:
    edited = tmp_path / "faq.json"
    edited.write_bytes(FAQ_FILE.read_bytes().replace(b"1588-0000", b"1588-1111"))

    assert faq_content_hash() == faq_content_hash(FAQ_FILE)
    assert faq_content_hash(edited) != faq_content_hash()
    assert len(faq_content_hash()) == 64


#: Logical ids of the hand-written resource and its function that this construct replaced.
PREVIOUS_RESOURCE_ID = "FaqContent6800536E"
PREVIOUS_FUNCTION_ID = "FaqContentFunctionB21CB5D8"


def test_the_resource_and_function_have_logical_ids_of_their_own(loaded: Loaded) -> None:
    # CloudFormation refuses to change the ServiceToken of an existing custom resource. With new
    # logical ids the resource is created anew, and the old one's Delete still reaches the old,
    # unchanged function (a no-op for Delete), which CloudFormation removes after it.
    assert loaded.ref(loaded.loader.resource) != PREVIOUS_RESOURCE_ID
    assert loaded.ref(loaded.loader.function) != PREVIOUS_FUNCTION_ID
    assert PREVIOUS_RESOURCE_ID not in loaded.template["Resources"]


# --- the loader function --------------------------------------------------------------------------------


def test_the_loader_runs_the_shared_asset_like_every_function(loaded: Loaded) -> None:
    function = loaded.function
    hook = function_resource(loaded.template, loaded.ref(loaded.scratch.functions.lex_hook))
    assert function["Handler"] == "handlers.faq_loader.lambda_handler"
    for same in ("Code", "Runtime", "Architectures", "Layers", "TracingConfig"):
        assert function[same] == hook[same], same
    assert function["Timeout"] == 120
    assert function["LoggingConfig"]["LogFormat"] == "JSON"
    assert function["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == "aicc-dev-faq-loader"
    log_group = loaded.template["Resources"][loaded.ref(loaded.loader.log_group)]
    assert log_group["Properties"]["RetentionInDays"] == 14


def test_the_loader_may_only_scan_and_batch_write_the_faq_table(loaded: Loaded) -> None:
    faq_arn = f"<{loaded.ref(loaded.scratch.tables.tables['faq'])}.Arn>"
    key_arn = f"<{loaded.ref(loaded.scratch.key)}.Arn>"
    log_arn = f"<{loaded.ref(loaded.loader.log_group)}.Arn>"

    assert permission_pairs(loaded.template, role_logical_id(loaded.function)) == {
        ("dynamodb:Scan", faq_arn),
        ("dynamodb:BatchWriteItem", faq_arn),
        ("kms:Decrypt", key_arn),
        ("kms:DescribeKey", key_arn),
        ("kms:GenerateDataKey", key_arn),
        ("logs:CreateLogStream", log_arn),
        ("logs:PutLogEvents", log_arn),
        ("xray:PutTraceSegments", "*"),
        ("xray:PutTelemetryRecords", "*"),
    }


def test_the_loader_runs_only_once_it_has_its_permissions(loaded: Loaded) -> None:
    depends_on = loaded.template["Resources"][loaded.ref(loaded.loader.function)]["DependsOn"]
    permissions = policies_of_role(loaded.template, role_logical_id(loaded.function))
    assert permissions and set(permissions) <= set(depends_on)


# --- CDK's provider framework ------------------------------------------------------------------------


def test_the_framework_function_invokes_our_loader(loaded: Loaded) -> None:
    framework = loaded.framework_function
    assert framework["Handler"] == "framework.onEvent"
    assert framework["Runtime"].startswith("nodejs")
    assert framework["Environment"]["Variables"]["USER_ON_EVENT_FUNCTION_ARN"] == {
        "Fn::GetAtt": [loaded.ref(loaded.loader.function), "Arn"]
    }
    assert framework["Role"] == {"Fn::GetAtt": [loaded.ref(loaded.loader.provider_role), "Arn"]}
    assert framework["LoggingConfig"]["LogGroup"] == {"Ref": loaded.ref(loaded.loader.provider_log_group)}


def test_the_framework_may_only_invoke_the_loader_and_write_its_own_logs(loaded: Loaded) -> None:
    role_id = loaded.ref(loaded.loader.provider_role)
    role = loaded.template["Resources"][role_id]["Properties"]
    loader_arn = f"<{loaded.ref(loaded.loader.function)}.Arn>"
    log_arn = f"<{loaded.ref(loaded.loader.provider_log_group)}.Arn>"

    # No AWS managed policy (AWSLambdaBasicExecutionRole would write to every log group).
    assert "ManagedPolicyArns" not in role
    key_arn = f"<{loaded.ref(loaded.scratch.key)}.Arn>"
    queue_arn = f"<{loaded.ref(loaded.loader.dead_letter_queue)}.Arn>"
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
    assert permission_pairs(loaded.template, role_id) == {
        ("lambda:InvokeFunction", loader_arn),
        ("lambda:InvokeFunction", f"{loader_arn}:*"),
        ("lambda:GetFunction", loader_arn),
    }


def test_the_framework_runs_only_once_it_may_invoke_the_loader(loaded: Loaded) -> None:
    depends_on = loaded.template["Resources"][loaded.framework_function_id]["DependsOn"]
    permissions = policies_of_role(loaded.template, loaded.ref(loaded.loader.provider_role))
    assert permissions and set(permissions) <= set(depends_on)


def test_the_framework_logs_like_every_function(loaded: Loaded) -> None:
    key = {"Fn::GetAtt": [loaded.ref(loaded.scratch.key), "Arn"]}
    for log_group in (loaded.loader.log_group, loaded.loader.provider_log_group):
        properties = loaded.template["Resources"][loaded.ref(log_group)]["Properties"]
        assert properties["RetentionInDays"] == 14
        assert properties["KmsKeyId"] == key


def test_cloudformations_asynchronous_events_the_framework_fails_on_land_in_a_dead_letter_queue(
    loaded: Loaded,
) -> None:
    queue_id = loaded.ref(loaded.loader.dead_letter_queue)
    assert loaded.framework_function["DeadLetterConfig"] == {"TargetArn": {"Fn::GetAtt": [queue_id, "Arn"]}}
    queue = loaded.template["Resources"][queue_id]["Properties"]
    assert queue["KmsMasterKeyId"] == {"Fn::GetAtt": [loaded.ref(loaded.scratch.key), "Arn"]}
    # The loader is invoked synchronously by the framework: no queue of its own, no reservation.
    assert "DeadLetterConfig" not in loaded.function
    assert "ReservedConcurrentExecutions" not in loaded.function


def test_prod_keeps_the_loader_and_framework_logs() -> None:
    prod = build("prod")
    for log_group in (prod.loader.log_group, prod.loader.provider_log_group):
        resource = prod.template["Resources"][prod.ref(log_group)]
        assert resource["DeletionPolicy"] == "Retain"
        assert resource["Properties"]["RetentionInDays"] == 365


# --- cdk-nag -------------------------------------------------------------------------------------------


def test_cdk_nag_finds_nothing(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path), analytics_reporting=False)
    build("prod", app=app)
    # The scratch's tables have no backup plan here (the stateful stack's job): not under test.
    assert [finding for finding in nag_findings(app) if "/Tables/" not in finding] == []


def test_each_acknowledgement_of_the_loader_silences_one_finding_of_its_own(tmp_path: Path) -> None:
    built: list[Loaded] = []

    def build_app(app: App) -> None:
        built.append(build("prod", app=app))
        add_rule_packs(app)

    probe = probe_acknowledgements(build_app, outdir=tmp_path, context={})
    ours = [ack for ack in probe.acknowledgements if ack.path.startswith("Scratch/FaqContent/")]
    assert {ack.path: len({f.path for f in probe.silenced_by(ack)}) for ack in ours} == {
        ack.path: 1 for ack in ours
    }
    assert [f for f in probe.unacknowledged() if f.path.startswith("Scratch/FaqContent/")] == []
    # The provider's grant to invoke the loader's versions and aliases, silenced where it is made.
    loader_id = built[0].scratch.logical_id(built[0].loader.function)
    (grant,) = [ack for ack in ours if ack.rule == f"AwsSolutions-IAM5[Resource::<{loader_id}.Arn>:*]"]
    assert [f.path for f in probe.silenced_by(grant)] == [
        "Scratch/FaqContent/ProviderRole/DefaultPolicy/Resource"
    ]
