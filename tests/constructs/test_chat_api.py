"""ChatApi in a scratch stack: WAF association, throttling, CORS from config, encrypted logs, exact IAM."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Template

from constructs_lib.chat_api import ACCESS_LOG_FORMAT, TIMEOUT, ChatApi
from constructs_lib.chat_api_waf import MANAGED_RULE_GROUPS
from contract import ChatEnvVar, ChatErrorCode
from tests.constructs.test_bot_functions import (
    ACCOUNT,
    INSTANCE_ARN,
    REGION,
    config_for,
    render,
    resources_of_type,
)
from tests.support.cdk_nag import nag_findings
from webchat import deadlines
from webchat.messages import CHAT_ERROR_MESSAGES

FLOW_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
FLOW_ARN = f"{INSTANCE_ARN}/contact-flow/{FLOW_ID}"
INSTANCE_ID = INSTANCE_ARN.rsplit("/", 1)[1]


class Built:
    def __init__(self, environment: str, app: App | None = None, page_origins: tuple[str, ...] = ()) -> None:
        self.config = config_for(environment)
        self.app = app or App(analytics_reporting=False)
        self.stack = Stack(self.app, "Scratch", env=Environment(account=ACCOUNT, region=REGION))
        self.key = kms.Key(self.stack, "DataKey", enable_key_rotation=True)
        self.chat = ChatApi(
            self.stack,
            "ChatApi",
            config=self.config,
            instance_arn=INSTANCE_ARN,
            instance_id=INSTANCE_ID,
            flow_arn=FLOW_ARN,
            data_key=self.key,
            page_origins=page_origins,
        )

    def template(self) -> dict[str, Any]:
        return dict(Template.from_stack(self.stack).to_json())

    def ref(self, construct: Any) -> str:
        child = construct.node.default_child if construct.node.default_child is not None else construct
        return str(self.stack.get_logical_id(child))


@pytest.fixture(scope="module", params=["dev", "prod"])
def built(request: pytest.FixtureRequest) -> tuple[Built, dict[str, Any]]:
    result = Built(request.param)
    return result, result.template()


def only(template: dict[str, Any], resource_type: str) -> dict[str, Any]:
    (resource,) = resources_of_type(template, resource_type).values()
    properties: dict[str, Any] = resource["Properties"]
    return properties


def test_the_web_acl_is_associated_with_the_stage(built: tuple[Built, dict[str, Any]]) -> None:
    chat, template = built
    association = only(template, "AWS::WAFv2::WebACLAssociation")
    assert association["WebACLArn"] == {"Fn::GetAtt": [chat.ref(chat.chat.firewall.web_acl), "Arn"]}
    api, stage = chat.ref(chat.chat.api), chat.ref(chat.chat.api.deployment_stage)
    assert (
        render(association["ResourceArn"])
        == f"arn:aws:apigateway:{REGION}::/restapis/<{api}>/stages/<{stage}>"
    )


def test_the_rate_rule_limits_each_ip_with_a_korean_429(built: tuple[Built, dict[str, Any]]) -> None:
    chat, template = built
    acl = only(template, "AWS::WAFv2::WebACL")
    assert acl["Scope"] == "REGIONAL"
    assert acl["DefaultAction"] == {"Allow": {}}
    rate, *managed = sorted(acl["Rules"], key=lambda rule: rule["Priority"])
    assert rate["Statement"]["RateBasedStatement"] == {
        "Limit": chat.config.chat_api.rate_limit_per_5min,
        "AggregateKeyType": "IP",
        "EvaluationWindowSec": 300,
    }
    response = rate["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 429
    body = json.loads(acl["CustomResponseBodies"][response["CustomResponseBodyKey"]]["Content"])
    assert body == {"message": CHAT_ERROR_MESSAGES[ChatErrorCode.RATE_LIMITED], "code": "rate_limited"}
    assert [rule["Statement"]["ManagedRuleGroupStatement"] for rule in managed] == [
        {"VendorName": "AWS", "Name": name} for name in MANAGED_RULE_GROUPS
    ]
    assert all(rule["OverrideAction"] == {"None": {}} for rule in managed)


def test_waf_logs_go_to_an_encrypted_group(built: tuple[Built, dict[str, Any]]) -> None:
    chat, template = built
    logging = only(template, "AWS::WAFv2::LoggingConfiguration")
    (destination,) = logging["LogDestinationConfigs"]
    name = f"aws-waf-logs-{chat.config.name_prefix}-chat-api"
    assert render(destination) == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}"
    group = template["Resources"][chat.ref(chat.chat.firewall.log_group)]["Properties"]
    assert group["LogGroupName"] == name
    assert group["KmsKeyId"] == {"Fn::GetAtt": [chat.ref(chat.key), "Arn"]}


def test_the_stage_is_throttled_as_configured(built: tuple[Built, dict[str, Any]]) -> None:
    chat, template = built
    stage = only(template, "AWS::ApiGateway::Stage")
    (settings,) = stage["MethodSettings"]
    assert (settings["HttpMethod"], settings["ResourcePath"]) == ("*", "/*")
    assert settings["ThrottlingRateLimit"] == chat.config.chat_api.throttle_rate
    assert settings["ThrottlingBurstLimit"] == chat.config.chat_api.throttle_burst
    assert settings["DataTraceEnabled"] is False  # request bodies (names, tokens) never logged
    assert stage["TracingEnabled"] is True


def test_access_logs_are_json_in_a_group_encrypted_with_the_key(built: tuple[Built, dict[str, Any]]) -> None:
    chat, template = built
    stage = only(template, "AWS::ApiGateway::Stage")
    destination = render(stage["AccessLogSetting"]["DestinationArn"])
    group_id = chat.ref(chat.chat.access_logs)
    # CDK names the group by its ARN or, with the app's feature flags, by an ARN built from its name.
    assert destination in {f"<{group_id}.Arn>", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:<{group_id}>"}
    assert json.loads(stage["AccessLogSetting"]["Format"]) == ACCESS_LOG_FORMAT
    group = template["Resources"][group_id]["Properties"]
    assert group["KmsKeyId"] == {"Fn::GetAtt": [chat.ref(chat.key), "Arn"]}
    assert group["RetentionInDays"] == chat.config.log_retention_days


def test_cors_allows_exactly_the_configured_origins(built: tuple[Built, dict[str, Any]]) -> None:
    chat, template = built
    origins = chat.config.chat_api.allowed_origins
    preflights = [
        method
        for method in resources_of_type(template, "AWS::ApiGateway::Method").values()
        if method["Properties"]["HttpMethod"] == "OPTIONS"
    ]
    assert preflights
    for method in preflights:
        (response,) = method["Properties"]["Integration"]["IntegrationResponses"]
        assert response["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"] == (
            f"'{origins[0]}'"
        )
        # Other allowed origins are echoed by the mapping template only when they match exactly.
        template_text = response.get("ResponseTemplates", {}).get("application/json", "")
        assert sorted(re.findall(r'"(https?://[^"]+)"', template_text)) == sorted(origins[1:])
        assert "'*'" not in json.dumps(method)
    function = only(template, "AWS::Lambda::Function")
    assert function["Environment"]["Variables"][ChatEnvVar.ALLOWED_ORIGINS] == ",".join(origins)


def test_the_function_is_fixed_to_the_instance_and_the_inbound_flow(
    built: tuple[Built, dict[str, Any]],
) -> None:
    chat, template = built
    function = only(template, "AWS::Lambda::Function")
    variables = function["Environment"]["Variables"]
    assert variables[ChatEnvVar.INSTANCE_ID] == INSTANCE_ID
    assert variables[ChatEnvVar.CONTACT_FLOW_ARN] == FLOW_ARN
    assert variables[ChatEnvVar.CHAT_DURATION_MINUTES] == str(chat.config.chat_api.chat_duration_minutes)
    assert variables[ChatEnvVar.TOKEN_AUDIENCE] == f"{chat.config.name_prefix}-chat"
    assert function["ReservedConcurrentExecutions"] == chat.config.chat_api.reserved_concurrency
    assert function["Handler"] == "handlers.start_chat.lambda_handler"


def test_the_role_holds_exactly_what_the_function_calls(built: tuple[Built, dict[str, Any]]) -> None:
    chat, template = built
    role = chat.ref(chat.chat.function.role)
    statements = sorted(
        (
            json.dumps(render(statement), sort_keys=True)
            for policy in resources_of_type(template, "AWS::IAM::Policy").values()
            if {"Ref": role} in policy["Properties"]["Roles"]
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        ),
    )
    key = f"<{chat.ref(chat.key)}.Arn>"
    expected: list[dict[str, Any]] = [
        {
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"<{chat.ref(chat.chat.function_log_group)}.Arn>",
        },
        {"Action": "secretsmanager:GetSecretValue", "Resource": f"<{chat.ref(chat.chat.token_secret)}>"},
        {
            "Action": "kms:Decrypt",
            "Resource": key,
            "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}},
        },
        {"Action": "connect:StartChatContact", "Resource": [FLOW_ARN, f"{INSTANCE_ARN}/contact/*"]},
        {"Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
    ]
    assert statements == sorted(
        json.dumps({**statement, "Effect": "Allow"}, sort_keys=True) for statement in expected
    )


def test_only_the_stage_may_invoke_the_function(built: tuple[Built, dict[str, Any]]) -> None:
    chat, template = built
    (permission,) = resources_of_type(template, "AWS::Lambda::Permission").values()
    api, stage = chat.ref(chat.chat.api), chat.ref(chat.chat.api.deployment_stage)
    assert permission["Properties"]["Principal"] == "apigateway.amazonaws.com"
    assert render(permission["Properties"]["SourceArn"]) == (
        f"arn:aws:execute-api:{REGION}:{ACCOUNT}:<{api}>/<{stage}>/POST/chats"
    )


def test_the_function_timeout_covers_its_slowest_aws_calls(built: tuple[Built, dict[str, Any]]) -> None:
    _, template = built
    (function,) = (
        resource["Properties"]
        for resource in resources_of_type(template, "AWS::Lambda::Function").values()
        if resource["Properties"].get("Handler") == "handlers.start_chat.lambda_handler"
    )
    assert function["Timeout"] == TIMEOUT.to_seconds() == deadlines.FUNCTION_TIMEOUT_SECONDS
    assert deadlines.worst_case_seconds() + deadlines.ANSWER_ROOM_SECONDS <= TIMEOUT.to_seconds()
    assert deadlines.worst_case_seconds() < TIMEOUT.to_seconds()


def test_api_gateway_refusals_answer_in_korean_json(built: tuple[Built, dict[str, Any]]) -> None:
    _, template = built
    responses = {
        response["Properties"]["ResponseType"]: response["Properties"]
        for response in resources_of_type(template, "AWS::ApiGateway::GatewayResponse").values()
    }
    assert set(responses) >= {"THROTTLED", "WAF_FILTERED", "BAD_REQUEST_BODY", "DEFAULT_4XX", "DEFAULT_5XX"}
    assert responses["THROTTLED"]["StatusCode"] == "429"
    for response in responses.values():
        body = json.loads(response["ResponseTemplates"]["application/json"])
        assert body["message"] == CHAT_ERROR_MESSAGES[ChatErrorCode(body["code"])]


def test_api_gateway_refusals_are_readable_by_the_calling_page(built: tuple[Built, dict[str, Any]]) -> None:
    _, template = built
    responses = resources_of_type(template, "AWS::ApiGateway::GatewayResponse").values()
    assert len(responses) == 6
    for response in responses:
        assert response["Properties"]["ResponseParameters"] == {
            "gatewayresponse.header.Access-Control-Allow-Origin": "method.request.header.origin",
            "gatewayresponse.header.Vary": "'Origin'",
        }


def rate_limited_headers(template: dict[str, Any]) -> dict[str, str]:
    rate = min(only(template, "AWS::WAFv2::WebACL")["Rules"], key=lambda rule: rule["Priority"])
    headers = rate["Action"]["Block"]["CustomResponse"]["ResponseHeaders"]
    return {header["Name"]: render(header["Value"]) for header in headers}


def test_wafs_429_is_readable_by_the_chat_page_only() -> None:
    page = "https://d111111abcdef8.cloudfront.net"
    with_page = Built("dev", page_origins=(page,)).template()
    assert rate_limited_headers(with_page) == {
        "Retry-After": "300",
        "Access-Control-Allow-Origin": page,
        "Vary": "Origin",
    }
    # Without a chat page WAF names no origin (its headers are static: it cannot echo the caller's).
    assert rate_limited_headers(Built("dev").template()) == {"Retry-After": "300"}


def test_the_token_secret_is_generated_and_encrypted_with_the_key(
    built: tuple[Built, dict[str, Any]],
) -> None:
    chat, template = built
    secret = only(template, "AWS::SecretsManager::Secret")
    assert secret["KmsKeyId"] == {"Fn::GetAtt": [chat.ref(chat.key), "Arn"]}
    generated = secret["GenerateSecretString"]
    assert json.loads(generated["SecretStringTemplate"]) == {"previous": ""}
    assert generated["GenerateStringKey"] == "current"
    assert generated["PasswordLength"] >= 32


def test_cdk_nag_finds_nothing_in_the_chat_api(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path), analytics_reporting=False)
    Built("prod", app=app)
    findings = [finding for finding in nag_findings(app) if "/DataKey" not in finding]
    assert findings == []
