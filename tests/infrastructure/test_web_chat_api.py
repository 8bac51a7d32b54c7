"""The start-chat API in the whole app: every environment's web stack, wired to its own stacks."""

from __future__ import annotations

import json
from typing import Any

from config import EnvironmentConfig
from contract import CHAT_API_URL_OUTPUT, ChatEnvVar
from tests.infrastructure.conftest import SynthResult


def resources(template: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template["Resources"].values() if r["Type"] == resource_type]


def test_each_environment_starts_chats_on_its_own_inbound_flow_and_instance(
    synth: SynthResult, configs: dict[str, EnvironmentConfig], environment: str
) -> None:
    names = synth.stack_names[environment]
    web = synth.templates[names["web"]]
    (function,) = [
        f
        for f in resources(web, "AWS::Lambda::Function")
        if f.get("Handler") == "handlers.start_chat.lambda_handler"
    ]
    variables = function["Environment"]["Variables"]
    flow_id = variables[ChatEnvVar.CONTACT_FLOW_ARN]
    assert flow_id["Fn::GetStackOutput"]["StackName"] == names["bot"]
    assert "FlowInbound" in flow_id["Fn::GetStackOutput"]["OutputName"]
    assert variables[ChatEnvVar.INSTANCE_ID]["Fn::GetStackOutput"]["StackName"] == names["connect"]
    chat_api = configs[environment].chat_api
    # The configured sites, then our own chat page's CloudFront origin.
    configured, page = variables[ChatEnvVar.ALLOWED_ORIGINS]["Fn::Join"][1]
    assert configured == ",".join(chat_api.allowed_origins)
    (distribution,) = [
        key for key, r in web["Resources"].items() if r["Type"] == "AWS::CloudFront::Distribution"
    ]
    assert page == {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution, "DomainName"]}]]}
    (preflight,) = [r for r in resources(web, "AWS::ApiGateway::Method") if r.get("HttpMethod") == "OPTIONS"]
    assert "DomainName" in json.dumps(preflight["Integration"])
    (policy,) = [p for p in resources(web, "AWS::IAM::Policy") if "connect:StartChatContact" in json.dumps(p)]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == "connect:StartChatContact"
    flow, contacts = statement["Resource"]
    assert flow == flow_id
    assert contacts["Fn::Join"][1][1] == "/contact/*"


def test_each_environment_outputs_the_api_url_and_limits_it_as_configured(
    synth: SynthResult, configs: dict[str, EnvironmentConfig], environment: str
) -> None:
    web = synth.templates[synth.stack_names[environment]["web"]]
    assert CHAT_API_URL_OUTPUT in web["Outputs"]
    chat_api = configs[environment].chat_api
    (acl,) = resources(web, "AWS::WAFv2::WebACL")
    assert acl["Rules"][0]["Statement"]["RateBasedStatement"]["Limit"] == chat_api.rate_limit_per_5min
    (stage,) = resources(web, "AWS::ApiGateway::Stage")
    (settings,) = stage["MethodSettings"]
    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (
        chat_api.throttle_rate,
        chat_api.throttle_burst,
    )
    assert len(resources(web, "AWS::WAFv2::WebACLAssociation")) == 1
    if environment == "prod":
        assert all(origin.startswith("https://") for origin in chat_api.allowed_origins)
