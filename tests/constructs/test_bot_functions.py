"""BotFunctions: runtime, layer, logging, timeouts, environment, exact IAM per function, Bedrock scope.

The helpers at the top (a scratch stack with the real table and key constructs, and readers that
render a template's IAM statements as (action, resource) pairs) are shared with the FAQ-loader
and monitoring construct tests.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version as installed_version
from typing import Any

import pytest
from aws_cdk import App, Environment, RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Template

from bot.classifier_chain import DEFAULT_RESERVE_SECONDS
from config import EnvironmentConfig, load_environment
from config.settings import LAMBDA_PYTHON_RUNTIME
from constructs_lib.bot_functions import BotFunctions
from constructs_lib.data_tables import DataTables
from constructs_lib.function_environment import (
    LAMBDA_REQUIREMENTS,
    LEX_HOOK_COLD_START_SECONDS,
    LEX_HOOK_TURN_RESERVE_SECONDS,
    lex_hook_timeout_seconds,
    powertools_layer_parameter_name,
)
from contract import METRICS_NAMESPACE, TABLE_DEFINITIONS
from handlers.settings import ContactFlowSettings, LexHookSettings

ACCOUNT = "123456789012"
REGION = "ap-northeast-2"
INSTANCE_ARN = f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/11111111-2222-3333-4444-555555555555"


@dataclass
class Scratch:
    """A stack holding tables, key and BotFunctions for one config."""

    app: App
    stack: Stack
    config: EnvironmentConfig
    functions: BotFunctions
    key: kms.Key
    tables: DataTables

    def template(self) -> dict[str, Any]:
        """The synthesized template as JSON."""
        return dict(Template.from_stack(self.stack).to_json())

    def logical_id(self, construct: Any) -> str:
        """The logical id of a construct's CloudFormation resource."""
        child = construct.node.default_child if construct.node.default_child is not None else construct
        return str(self.stack.get_logical_id(child))


def config_for(environment: str = "dev", **changes: Any) -> EnvironmentConfig:
    """An environment's config, optionally with fields changed."""
    config = load_environment(environment)
    return dataclasses.replace(config, **changes) if changes else config


def scratch(config: EnvironmentConfig | None = None, *, app: App | None = None) -> Scratch:
    """BotFunctions in a stack with the shared table and key constructs."""
    config = config or config_for()
    app = app or App(analytics_reporting=False)
    stack = Stack(app, "Scratch", env=Environment(account=ACCOUNT, region=REGION))
    key = kms.Key(stack, "DataKey", enable_key_rotation=True)
    tables = DataTables(
        stack, "Tables", encryption_key=key, removal_policy=RemovalPolicy.DESTROY, deletion_protection=False
    )
    functions = BotFunctions(stack, "Functions", config=config, tables=tables.tables, data_key=key)
    return Scratch(app, stack, config, functions, key, tables)


def render(value: Any) -> Any:
    """CloudFormation intrinsics as readable strings: ``aws`` partition, ``<Id>``, ``<Id.Attr>``."""
    if isinstance(value, list):
        return [render(item) for item in value]
    if not isinstance(value, Mapping):
        return value
    if set(value) == {"Ref"}:
        return {"AWS::Partition": "aws", "AWS::AccountId": ACCOUNT, "AWS::Region": REGION}.get(
            value["Ref"], f"<{value['Ref']}>"
        )
    if set(value) == {"Fn::GetAtt"}:
        resource, attribute = value["Fn::GetAtt"]
        return f"<{resource}.{attribute}>"
    if set(value) == {"Fn::Join"}:
        separator, parts = value["Fn::Join"]
        return separator.join(str(render(part)) for part in parts)
    return {key: render(item) for key, item in value.items()}


def resources_of_type(template: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Resources of one type by logical id."""
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def statements_of_role(template: Mapping[str, Any], role_logical_id: str) -> Iterator[dict[str, Any]]:
    """Every statement of every IAM::Policy attached to the role, rendered."""
    for policy in resources_of_type(template, "AWS::IAM::Policy").values():
        properties = policy["Properties"]
        if {"Ref": role_logical_id} in properties["Roles"]:
            for statement in properties["PolicyDocument"]["Statement"]:
                yield render(statement)


def permission_pairs(template: Mapping[str, Any], role_logical_id: str) -> set[tuple[str, str]]:
    """The role's permissions as (action, resource) pairs; every statement must be Allow."""
    pairs: set[tuple[str, str]] = set()
    for statement in statements_of_role(template, role_logical_id):
        assert statement["Effect"] == "Allow"
        assert "Condition" not in statement
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
        pairs.update((action, resource) for action in actions for resource in resources)
    return pairs


def function_resource(template: Mapping[str, Any], logical_id: str) -> dict[str, Any]:
    """The AWS::Lambda::Function's properties."""
    properties: dict[str, Any] = template["Resources"][logical_id]["Properties"]
    return properties


def role_logical_id(function_properties: Mapping[str, Any]) -> str:
    """The logical id of the function's execution role."""
    role = function_properties["Role"]["Fn::GetAtt"]
    return str(role[0])


def policies_of_role(template: Mapping[str, Any], role_logical_id: str) -> list[str]:
    """Logical ids of the IAM::Policy resources attached to the role."""
    return [
        policy_id
        for policy_id, policy in resources_of_type(template, "AWS::IAM::Policy").items()
        if {"Ref": role_logical_id} in policy["Properties"]["Roles"]
    ]


@dataclass
class ScratchBuild:
    """A construct under test, built next to BotFunctions in a scratch stack, and the template."""

    scratch: Scratch
    template: dict[str, Any]

    def ref(self, construct: Any) -> str:
        """The logical id of a construct's CloudFormation resource in the scratch stack."""
        return self.scratch.logical_id(construct)


# ================================================================================================
# Tests

FOUNDATION_MODEL = "anthropic.claude-haiku-4-5-20251001-v1:0"


class RecordingEnvironment(dict[str, str]):
    """An environment mapping that records every variable a settings class asks for."""

    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__(values)
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return super().__getitem__(key)


@dataclass
class Synthesized:
    scratch: Scratch
    template: dict[str, Any]

    def function(self, construct: Any) -> dict[str, Any]:
        return function_resource(self.template, self.scratch.logical_id(construct))

    def table_ref(self, key: str) -> str:
        return f"<{self.scratch.logical_id(self.scratch.tables.tables[key])}>"

    def table_arn(self, key: str) -> str:
        return f"<{self.scratch.logical_id(self.scratch.tables.tables[key])}.Arn>"

    def environment(self, construct: Any) -> dict[str, str]:
        """The function's variables with table references replaced by fake table names."""
        variables = render(self.function(construct)["Environment"]["Variables"])
        names = {self.table_ref(definition.key): f"aicc-{definition.key}" for definition in TABLE_DEFINITIONS}
        return {name: names.get(value, value) for name, value in variables.items()}

    def permissions(self, construct: Any) -> set[tuple[str, str]]:
        return permission_pairs(self.template, role_logical_id(self.function(construct)))


def synthesize(config: EnvironmentConfig, *, connect: bool = True) -> Synthesized:
    built = scratch(config)
    if connect:
        built.functions.allow_connect_instance(INSTANCE_ARN)
    return Synthesized(built, built.template())


@pytest.fixture(scope="module")
def dev() -> Synthesized:
    """dev (Bedrock on), with the Connect instance allowed."""
    return synthesize(config_for("dev"))


@pytest.fixture(scope="module")
def prod() -> Synthesized:
    """prod (data and logs retained)."""
    return synthesize(config_for("prod"))


@pytest.fixture(scope="module")
def without_bedrock() -> Synthesized:
    """dev with Bedrock switched off, and no Connect permission added."""
    return synthesize(config_for("dev", bedrock_enabled=False), connect=False)


def lambda_functions(synth: Synthesized) -> dict[str, dict[str, Any]]:
    return resources_of_type(synth.template, "AWS::Lambda::Function")


# --- runtime, packaging, logging, tracing -------------------------------------------------------


def layer_parameter(synth: Synthesized, construct: Any) -> dict[str, Any]:
    """The CloudFormation parameter the function's one layer ARN comes from."""
    (layer,) = synth.function(construct)["Layers"]
    assert set(layer) == {"Ref"}, f"the layer is not read from a parameter: {layer}"
    parameter: dict[str, Any] = synth.template["Parameters"][layer["Ref"]]
    return parameter


def test_both_functions_run_python_3_13_on_arm64_with_the_powertools_layer(dev: Synthesized) -> None:
    functions = dev.scratch.functions
    expected_handlers = {
        "handlers.lex_hook.lambda_handler": functions.lex_hook,
        "handlers.contact_flow.lambda_handler": functions.contact_flow,
    }
    for handler, construct in expected_handlers.items():
        properties = dev.function(construct)
        assert properties["Handler"] == handler
        assert properties["Runtime"] == LAMBDA_PYTHON_RUNTIME == "python3.13"
        assert properties["Architectures"] == ["arm64"]
        assert layer_parameter(dev, construct) == {
            "Type": "AWS::SSM::Parameter::Value<String>",
            "Default": powertools_layer_parameter_name(),
        }
        assert properties["TracingConfig"] == {"Mode": "Active"}
    assert len(lambda_functions(dev)) == 2


def test_the_functions_lex_and_connect_call_have_the_configured_reserved_concurrency(
    dev: Synthesized, prod: Synthesized
) -> None:
    for synth in (dev, prod):
        functions, reserved = synth.scratch.functions, synth.scratch.config.reserved_concurrency
        assert synth.function(functions.lex_hook)["ReservedConcurrentExecutions"] == reserved.lex_hook
        assert synth.function(functions.contact_flow)["ReservedConcurrentExecutions"] == reserved.contact_flow
    # Sized per environment in the config.
    assert dev.scratch.config.reserved_concurrency != prod.scratch.config.reserved_concurrency


_LAYER_PARAMETER = re.compile(
    r"/aws/service/powertools/python/(?P<architecture>arm64|x86_64)/(?P<runtime>python3\.\d+)/"
    r"(?P<version>\d+\.\d+\.\d+)"
)


def test_the_deployed_layer_is_the_tested_powertools_for_the_functions_runtime(dev: Synthesized) -> None:
    """AWS's public parameter for the pinned version, runtime and architecture (resolved at deploy)."""
    requirements = LAMBDA_REQUIREMENTS.read_text(encoding="utf-8")
    pinned = re.search(r"^aws-lambda-powertools(?:\[[^\]]*\])?==(\S+)$", requirements, re.M)
    assert pinned is not None, "lambda_src/requirements.txt does not pin aws-lambda-powertools"
    for construct in (dev.scratch.functions.lex_hook, dev.scratch.functions.contact_flow):
        properties = dev.function(construct)
        name = _LAYER_PARAMETER.fullmatch(layer_parameter(dev, construct)["Default"])
        assert name is not None
        # The tests (and the simulator) run the pinned Powertools; the functions get the same.
        assert name["version"] == pinned[1] == installed_version("aws-lambda-powertools")
        assert name["runtime"] == properties["Runtime"]
        assert [name["architecture"]] == properties["Architectures"]


def test_one_asset_serves_every_function(dev: Synthesized) -> None:
    codes = [properties["Properties"]["Code"] for properties in lambda_functions(dev).values()]
    assert len({json.dumps(code, sort_keys=True) for code in codes}) == 1
    assert dev.scratch.functions.code is not None


def test_json_logs_go_to_an_explicit_log_group_with_the_configured_retention(dev: Synthesized) -> None:
    functions = dev.scratch.functions
    for construct, log_group in (
        (functions.lex_hook, functions.lex_hook_log_group),
        (functions.contact_flow, functions.contact_flow_log_group),
    ):
        logging_config = dev.function(construct)["LoggingConfig"]
        assert logging_config["LogFormat"] == "JSON"
        assert logging_config["ApplicationLogLevel"] == "INFO"
        assert logging_config["SystemLogLevel"] == "WARN"
        assert logging_config["LogGroup"] == {"Ref": dev.scratch.logical_id(log_group)}
        resource = dev.template["Resources"][dev.scratch.logical_id(log_group)]
        assert resource["Properties"]["RetentionInDays"] == dev.scratch.config.log_retention_days == 14
        assert resource["DeletionPolicy"] == "Delete"
        # Logs may hold what callers said: encrypted with the data key.
        assert resource["Properties"]["KmsKeyId"] == {
            "Fn::GetAtt": [dev.scratch.logical_id(dev.scratch.key), "Arn"]
        }


def test_prod_keeps_its_logs_for_a_year(prod: Synthesized) -> None:
    log_group = prod.scratch.functions.lex_hook_log_group
    resource = prod.template["Resources"][prod.scratch.logical_id(log_group)]
    assert resource["Properties"]["RetentionInDays"] == 365
    assert resource["DeletionPolicy"] == "Retain"


# --- timeouts and memory -----------------------------------------------------------------------------


def test_the_contact_flow_function_answers_within_connects_8_seconds(dev: Synthesized) -> None:
    timeout = dev.function(dev.scratch.functions.contact_flow)["Timeout"]
    assert timeout == 7
    assert timeout < 8


def test_the_lex_hook_timeout_covers_cold_start_bedrock_budget_and_turn_reserve(dev: Synthesized) -> None:
    config = dev.scratch.config
    timeout = dev.function(dev.scratch.functions.lex_hook)["Timeout"]
    assert timeout == math.ceil(
        LEX_HOOK_COLD_START_SECONDS + config.bedrock_timeout_seconds + LEX_HOOK_TURN_RESERVE_SECONDS
    )
    assert timeout >= 5
    assert timeout >= config.bedrock_timeout_seconds + DEFAULT_RESERVE_SECONDS
    # The simulator enforces the same timeout: both come from function_environment.
    assert timeout == lex_hook_timeout_seconds(config, bedrock_enabled=config.bedrock_enabled)


def test_without_bedrock_the_hook_still_gets_the_minimum(without_bedrock: Synthesized) -> None:
    assert without_bedrock.function(without_bedrock.scratch.functions.lex_hook)["Timeout"] == 5


def test_a_longer_bedrock_budget_lengthens_the_hook_timeout() -> None:
    config = config_for("dev", bedrock_timeout_seconds=6.0)
    assert BotFunctions.lex_hook_timeout(config).to_seconds() == 9
    assert BotFunctions.lex_hook_timeout(config_for("dev")).to_seconds() == 6


def test_memory_sizes(dev: Synthesized) -> None:
    assert dev.function(dev.scratch.functions.lex_hook)["MemorySize"] == 512
    assert dev.function(dev.scratch.functions.contact_flow)["MemorySize"] == 256


# --- environment ---------------------------------------------------------------------------------------


def test_lex_hook_environment_is_exactly_what_its_settings_read(dev: Synthesized) -> None:
    variables = dev.environment(dev.scratch.functions.lex_hook)
    recording = RecordingEnvironment({**variables, "AWS_REGION": REGION})

    settings = LexHookSettings.from_env(recording)

    # Lambda sets AWS_REGION itself (it is reserved); everything else comes from the construct.
    assert set(variables) == recording.asked - {"AWS_REGION", "AWS_DEFAULT_REGION"}
    assert settings.conversations_table_name == "aicc-conversations"
    assert settings.faq_table_name == "aicc-faq"
    assert settings.reservations_table_name == "aicc-reservations"
    assert settings.orders_table_name == "aicc-orders"
    assert settings.bedrock_enabled is True
    assert settings.bedrock_model_id == "apac.anthropic.claude-haiku-4-5-20251001-v1:0"
    assert settings.bedrock_timeout_seconds == 2.5
    assert settings.conversation_ttl_days == 7
    assert settings.observability.service_name == "aicc-dev-lex-hook"
    assert settings.observability.metrics_namespace == METRICS_NAMESPACE


def test_lex_hook_without_bedrock_has_no_model_id(without_bedrock: Synthesized) -> None:
    variables = without_bedrock.environment(without_bedrock.scratch.functions.lex_hook)
    recording = RecordingEnvironment(variables)

    settings = LexHookSettings.from_env(recording)

    assert variables["BEDROCK_ENABLED"] == "false"
    assert "BEDROCK_MODEL_ID" not in variables
    assert settings.bedrock_model_id is None
    assert set(variables) == recording.asked - {"AWS_REGION", "AWS_DEFAULT_REGION"}


def test_contact_flow_environment_is_exactly_what_its_settings_read(dev: Synthesized) -> None:
    variables = dev.environment(dev.scratch.functions.contact_flow)
    recording = RecordingEnvironment(variables)

    settings = ContactFlowSettings.from_env(recording)

    assert set(variables) == recording.asked - {"AWS_REGION", "AWS_DEFAULT_REGION"}
    assert settings.customers_table_name == "aicc-customers"
    assert settings.callbacks_table_name == "aicc-callbacks"
    assert settings.observability.service_name == "aicc-dev-contact-flow"
    assert variables["BUSINESS_DAYS"] == "MON,TUE,WED,THU,FRI"
    assert (variables["BUSINESS_OPEN_TIME"], variables["BUSINESS_CLOSE_TIME"]) == ("09:00", "18:00")


def test_the_callback_calendar_knows_korean_holidays_of_the_configured_years(dev: Synthesized) -> None:
    variables = dev.environment(dev.scratch.functions.contact_flow)
    calendar = ContactFlowSettings.from_env(variables).calendar
    holidays = variables["BUSINESS_HOLIDAYS"].split(",")

    assert holidays == sorted(holidays)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) for day in holidays)
    assert {day[:4] for day in holidays} == {"2026", "2027", "2028"}
    # 추석 2026 (Sep 24-26), 설날 2027 (Feb 6-8, substitute Feb 9) and 추석 2028 are closed days.
    assert not calendar.is_business_day(date(2026, 9, 25))
    assert not calendar.is_business_day(date(2027, 2, 9))
    assert not calendar.is_business_day(date(2028, 10, 4))
    assert calendar.is_business_day(date(2026, 9, 29))
    # The function knows where the configured holidays end (it counts decisions past that day).
    assert variables["BUSINESS_HOLIDAYS_UNTIL"] == "2028-12-31"
    assert calendar.covers(date(2028, 12, 31))
    assert not calendar.covers(date(2029, 1, 1))


def test_only_the_needed_variables_each(dev: Synthesized) -> None:
    hook = dev.environment(dev.scratch.functions.lex_hook)
    flow = dev.environment(dev.scratch.functions.contact_flow)
    assert not any(name.startswith("BUSINESS_") for name in hook)
    assert not any(name.startswith("BEDROCK_") for name in flow)
    assert "CUSTOMERS_TABLE_NAME" not in hook
    assert "FAQ_TABLE_NAME" not in flow


# --- IAM -----------------------------------------------------------------------------------------------


def xray_and_logs(synth: Synthesized, log_group: Any) -> set[tuple[str, str]]:
    log_group_arn = f"<{synth.scratch.logical_id(log_group)}.Arn>"
    return {
        ("xray:PutTraceSegments", "*"),
        ("xray:PutTelemetryRecords", "*"),
        ("logs:CreateLogStream", log_group_arn),
        ("logs:PutLogEvents", log_group_arn),
    }


def key_pairs(synth: Synthesized) -> set[tuple[str, str]]:
    key_arn = f"<{synth.scratch.logical_id(synth.scratch.key)}.Arn>"
    return {("kms:Decrypt", key_arn), ("kms:DescribeKey", key_arn), ("kms:GenerateDataKey", key_arn)}


def bedrock_pairs() -> set[tuple[str, str]]:
    regions = (
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
    )
    return {
        (
            "bedrock:InvokeModel",
            f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/apac.anthropic.claude-haiku-4-5-20251001-v1:0",
        ),
        *(
            ("bedrock:InvokeModel", f"arn:aws:bedrock:{region}::foundation-model/{FOUNDATION_MODEL}")
            for region in regions
        ),
    }


def test_lex_hook_permissions_are_exactly_what_its_code_uses(dev: Synthesized) -> None:
    functions = dev.scratch.functions
    assert dev.permissions(functions.lex_hook) == {
        ("dynamodb:Scan", dev.table_arn("faq")),
        ("dynamodb:GetItem", dev.table_arn("orders")),
        ("dynamodb:PutItem", dev.table_arn("reservations")),
        ("dynamodb:GetItem", dev.table_arn("reservations")),
        ("dynamodb:PutItem", dev.table_arn("conversations")),
        *key_pairs(dev),
        *bedrock_pairs(),
        *xray_and_logs(dev, functions.lex_hook_log_group),
    }


def test_contact_flow_permissions_are_exactly_what_its_code_uses(dev: Synthesized) -> None:
    functions = dev.scratch.functions
    assert dev.permissions(functions.contact_flow) == {
        ("dynamodb:GetItem", dev.table_arn("customers")),
        ("dynamodb:PutItem", dev.table_arn("callbacks")),
        ("dynamodb:GetItem", dev.table_arn("callbacks")),
        # update_callback: the row says what Connect owns instead (kind) or that nothing was created.
        ("dynamodb:UpdateItem", dev.table_arn("callbacks")),
        *key_pairs(dev),
        *xray_and_logs(dev, functions.contact_flow_log_group),
    }


def test_without_bedrock_there_is_no_bedrock_statement(without_bedrock: Synthesized) -> None:
    actions = {
        action for action, _ in without_bedrock.permissions(without_bedrock.scratch.functions.lex_hook)
    }
    assert not any(action.startswith("bedrock:") for action in actions)


def test_a_plain_model_id_is_granted_in_its_own_region_only() -> None:
    synth = synthesize(config_for("dev", bedrock_model_id=FOUNDATION_MODEL))
    bedrock = {
        pair for pair in synth.permissions(synth.scratch.functions.lex_hook) if pair[0].startswith("bedrock:")
    }
    assert bedrock == {
        ("bedrock:InvokeModel", f"arn:aws:bedrock:{REGION}::foundation-model/{FOUNDATION_MODEL}")
    }


def test_no_wildcard_action_and_star_resources_only_for_xray(dev: Synthesized) -> None:
    for policy in resources_of_type(dev.template, "AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            resources = (
                statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            )
            assert not any("*" in action for action in actions), statement
            if "*" in resources:
                assert sorted(actions) == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], statement
                assert resources == ["*"]


def test_no_managed_policies(dev: Synthesized) -> None:
    for role in resources_of_type(dev.template, "AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]
        statement = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert statement == [
            {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}
        ]


def test_functions_wait_for_their_permissions(dev: Synthesized) -> None:
    for logical_id, resource in lambda_functions(dev).items():
        role = role_logical_id(resource["Properties"])
        policies = [
            policy_id
            for policy_id, policy in resources_of_type(dev.template, "AWS::IAM::Policy").items()
            if {"Ref": role} in policy["Properties"]["Roles"]
        ]
        assert set(policies) <= set(resource.get("DependsOn", [])), logical_id


# --- resource policy --------------------------------------------------------------------------------------


def test_only_the_connect_instance_may_invoke_the_contact_flow_function(dev: Synthesized) -> None:
    permissions = resources_of_type(dev.template, "AWS::Lambda::Permission")
    assert [render(permission["Properties"]) for permission in permissions.values()] == [
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": f"<{dev.scratch.logical_id(dev.scratch.functions.contact_flow)}.Arn>",
            "Principal": "connect.amazonaws.com",
            "SourceArn": INSTANCE_ARN,
            "SourceAccount": ACCOUNT,
        }
    ]


def test_no_resource_policy_until_asked(without_bedrock: Synthesized) -> None:
    assert resources_of_type(without_bedrock.template, "AWS::Lambda::Permission") == {}


def test_missing_tables_are_named() -> None:
    app = App(analytics_reporting=False)
    stack = Stack(app, "Missing", env=Environment(account=ACCOUNT, region=REGION))
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    tables = DataTables(
        stack, "Tables", encryption_key=key, removal_policy=RemovalPolicy.DESTROY, deletion_protection=False
    ).tables
    partial = {name: table for name, table in tables.items() if name not in {"orders", "callbacks"}}
    with pytest.raises(ValueError, match="callbacks, orders"):
        BotFunctions(stack, "Functions", config=config_for(), tables=partial, data_key=key)
