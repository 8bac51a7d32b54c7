"""FaqLoader: the custom resource, its hash of the FAQ file, the loader function's permissions, and
CDK's provider framework in front of it (its role, its logs, its cdk-nag acknowledgement)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App

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
from tests.support.cdk_nag import nag_findings

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
    assert [render(policy["PolicyDocument"]["Statement"]) for policy in role["Policies"]] == [
        [{"Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Effect": "Allow", "Resource": log_arn}]
    ]
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
    log_group = loaded.template["Resources"][loaded.ref(loaded.loader.provider_log_group)]
    assert log_group["Properties"]["RetentionInDays"] == 14


def test_prod_keeps_the_loader_and_framework_logs() -> None:
    prod = build("prod")
    for log_group in (prod.loader.log_group, prod.loader.provider_log_group):
        resource = prod.template["Resources"][prod.ref(log_group)]
        assert resource["DeletionPolicy"] == "Retain"
        assert resource["Properties"]["RetentionInDays"] == 365


# --- cdk-nag -------------------------------------------------------------------------------------------


class _NoAcknowledgements:
    """Stands in for ``Validations`` inside constructs_lib.faq_loader: acknowledgements are dropped."""

    class _Target:
        def acknowledge(self, *_: Any) -> None:
            return None

    @classmethod
    def of(cls, _construct: Any) -> _NoAcknowledgements._Target:
        return cls._Target()


def test_cdk_nag_finds_nothing(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path), analytics_reporting=False)
    build("prod", app=app)
    assert nag_findings(app) == []


def test_the_acknowledgement_is_what_silences_the_invoke_grant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from constructs_lib import faq_loader

    monkeypatch.setattr(faq_loader, "Validations", _NoAcknowledgements)
    app = App(outdir=str(tmp_path), analytics_reporting=False)
    built = build("prod", app=app)
    loader_id = built.scratch.logical_id(built.loader.function)

    policy_path = "Scratch/FaqContent/ProviderRole/DefaultPolicy/Resource"
    assert nag_findings(app) == [f"AwsSolutions-IAM5[Resource::<{loader_id}.Arn>:*] {policy_path}"]
