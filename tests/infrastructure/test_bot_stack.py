"""Bot stack: functions, the Lex bot, Connect integrations, resolved flows, FAQ content, alarms.

Each test reads the synthesized templates of every environment: what is asserted here is what a
deploy would create, wired to the stateful and Connect stacks of the same environment.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from config import EnvironmentConfig
from constructs_lib.faq_loader import FAQ_FILE
from constructs_lib.function_environment import powertools_layer_parameter_name
from contract import FALLBACK_INTENT, QUEUE_KEYS, Intent
from flowlang import FLOWS, KNOWN_PLACEHOLDERS, check_flow, placeholders_in
from flowlang.templates import CONNECT_FLOWS, placeholder_output_key
from lexbot import load_bot_definition
from tests.infrastructure.conftest import SynthResult


def _resources(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: value for name, value in template["Resources"].items() if value["Type"] == resource_type}


def _function(template: dict[str, Any], handler: str) -> tuple[str, dict[str, Any]]:
    matches = [
        (name, resource)
        for name, resource in _resources(template, "AWS::Lambda::Function").items()
        if resource["Properties"]["Handler"] == handler
    ]
    assert len(matches) == 1, handler
    return matches[0]


def _role_statements(template: dict[str, Any], function: dict[str, Any]) -> list[dict[str, Any]]:
    role = function["Properties"]["Role"]["Fn::GetAtt"][0]
    statements = []
    for policy in _resources(template, "AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return statements


def _actions(statement: dict[str, Any]) -> set[str]:
    actions = statement["Action"]
    return {actions} if isinstance(actions, str) else set(actions)


def _output_name(value: Any) -> str:
    """The stateful/connect output a weak cross-stack reference reads (``Fn::GetStackOutput``)."""
    return str(value["Fn::GetStackOutput"]["OutputName"])


def _table_grants(template: dict[str, Any], function: dict[str, Any]) -> dict[str, set[str]]:
    """DynamoDB actions by table key, read from the stateful outputs the statements reference."""
    grants: dict[str, set[str]] = {}
    for statement in _role_statements(template, function):
        actions = _actions(statement)
        if not all(action.startswith("dynamodb:") for action in actions):
            continue
        output = _output_name(statement["Resource"])
        table = output.removeprefix("PublishOutputFnGetAttTables").split("Arn")[0].rstrip("0123456789ABCDEF")
        grants.setdefault(table.lower(), set()).update(actions)
    return grants


# --- functions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "handler", ["handlers.lex_hook.lambda_handler", "handlers.contact_flow.lambda_handler"]
)
def test_functions_run_python_on_arm64_with_the_pinned_powertools_layer(
    synth: SynthResult, configs: dict[str, EnvironmentConfig], environment: str, handler: str
) -> None:
    template = synth.raw(environment, "bot")
    _, function = _function(template, handler)
    properties = function["Properties"]
    assert properties["Runtime"] == "python3.13"
    assert properties["Architectures"] == ["arm64"]
    (layer,) = properties["Layers"]
    assert template["Parameters"][layer["Ref"]] == {
        "Type": "AWS::SSM::Parameter::Value<String>",
        "Default": powertools_layer_parameter_name(),
    }
    assert properties["TracingConfig"] == {"Mode": "Active"}
    assert properties["LoggingConfig"]["LogFormat"] == "JSON"
    log_group = template["Resources"][properties["LoggingConfig"]["LogGroup"]["Ref"]]
    assert log_group["Properties"]["RetentionInDays"] == configs[environment].log_retention_days


def test_timeouts_fit_connect_and_the_turn_budget(synth: SynthResult, environment: str) -> None:
    template = synth.raw(environment, "bot")
    _, contact_flow = _function(template, "handlers.contact_flow.lambda_handler")
    _, lex_hook = _function(template, "handlers.lex_hook.lambda_handler")
    # Connect abandons a Lambda call after 8 s; the code hook needs Bedrock's budget plus a reserve.
    assert contact_flow["Properties"]["Timeout"] <= 8
    assert lex_hook["Properties"]["Timeout"] >= 5


def test_each_function_gets_only_the_table_actions_it_uses(synth: SynthResult, environment: str) -> None:
    template = synth.raw(environment, "bot")
    _, lex_hook = _function(template, "handlers.lex_hook.lambda_handler")
    _, contact_flow = _function(template, "handlers.contact_flow.lambda_handler")
    assert _table_grants(template, lex_hook) == {
        "faq": {"dynamodb:Scan"},
        "orders": {"dynamodb:GetItem"},
        "reservations": {"dynamodb:GetItem", "dynamodb:PutItem"},
        "conversations": {"dynamodb:PutItem"},
    }
    assert _table_grants(template, contact_flow) == {
        "customers": {"dynamodb:GetItem"},
        "callbacks": {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"},
    }


def test_code_hook_may_invoke_only_the_configured_profile_and_its_models(
    synth: SynthResult, configs: dict[str, EnvironmentConfig], environment: str
) -> None:
    config = configs[environment]
    template = synth.raw(environment, "bot")
    _, lex_hook = _function(template, "handlers.lex_hook.lambda_handler")
    _, contact_flow = _function(template, "handlers.contact_flow.lambda_handler")
    bedrock = [
        s for s in _role_statements(template, lex_hook) if any(a.startswith("bedrock:") for a in _actions(s))
    ]
    assert len(bedrock) == 1
    assert _actions(bedrock[0]) == {"bedrock:InvokeModel"}
    model_id = config.bedrock_model_id.split(".", 1)[1]
    resources = bedrock[0]["Resource"]
    expected_models = {
        f"arn:aws:bedrock:{region}::foundation-model/{model_id}" for region in config.bedrock_model_regions
    }
    assert {arn for arn in resources if isinstance(arn, str)} == expected_models
    (profile,) = [arn for arn in resources if not isinstance(arn, str)]
    assert json.dumps(profile).endswith(f':inference-profile/{config.bedrock_model_id}"]]}}')
    assert "*" not in json.dumps(resources)
    # The Connect-invoked function never reaches Bedrock.
    assert not any(
        action.startswith("bedrock:")
        for statement in _role_statements(template, contact_flow)
        for action in _actions(statement)
    )


def test_connect_and_lex_may_invoke_only_their_own_function_from_their_own_source(
    synth: SynthResult, environment: str
) -> None:
    template = synth.raw(environment, "bot")
    contact_flow_id, _ = _function(template, "handlers.contact_flow.lambda_handler")
    lex_hook_id, _ = _function(template, "handlers.lex_hook.lambda_handler")
    (alias_id,) = _resources(template, "AWS::Lex::BotAlias")
    permissions = {
        permission["Properties"]["Principal"]: permission["Properties"]
        for permission in _resources(template, "AWS::Lambda::Permission").values()
    }
    assert set(permissions) == {"connect.amazonaws.com", "lexv2.amazonaws.com", "events.amazonaws.com"}
    connect = permissions["connect.amazonaws.com"]
    assert connect["FunctionName"] == {"Fn::GetAtt": [contact_flow_id, "Arn"]}
    assert (
        connect["SourceArn"]["Fn::GetStackOutput"]["StackName"] == synth.stack_names[environment]["connect"]
    )
    assert "ContactCenterInstance" in _output_name(connect["SourceArn"])
    lex = permissions["lexv2.amazonaws.com"]
    assert lex["FunctionName"] == {"Fn::GetAtt": [lex_hook_id, "Arn"]}
    assert lex["SourceArn"] == {"Fn::GetAtt": [alias_id, "Arn"]}
    # EventBridge may invoke the contact-records function from its one rule.
    records_id, _ = _function(template, "handlers.contact_events.lambda_handler")
    (rule_id,) = _resources(template, "AWS::Events::Rule")
    events = permissions["events.amazonaws.com"]
    assert events["FunctionName"] == {"Fn::GetAtt": [records_id, "Arn"]}
    assert events["SourceArn"] == {"Fn::GetAtt": [rule_id, "Arn"]}


# --- Lex bot ----------------------------------------------------------------------------------


def test_bot_is_korean_with_seoyeon_and_every_intent_calls_the_code_hook(
    synth: SynthResult, environment: str
) -> None:
    definition = load_bot_definition()
    template = synth.raw(environment, "bot")
    (bot,) = _resources(template, "AWS::Lex::Bot").values()
    (locale,) = bot["Properties"]["BotLocales"]
    assert locale["LocaleId"] == "ko_KR"
    assert locale["VoiceSettings"]["VoiceId"] == "Seoyeon"
    assert locale["NluConfidenceThreshold"] == definition.nlu_confidence_threshold
    intents = {intent["Name"]: intent for intent in locale["Intents"]}
    # The contract's intents and Lex's fallback, each deployed once.
    deployed = sorted(intent["Name"] for intent in locale["Intents"])
    assert deployed == sorted([*(intent.value for intent in Intent), FALLBACK_INTENT])
    for name, intent in intents.items():
        assert intent["DialogCodeHook"] == {"Enabled": True}, name
        assert intent["FulfillmentCodeHook"]["Enabled"] is True, name


def test_live_alias_points_at_the_definition_version_with_the_ko_kr_code_hook(
    synth: SynthResult, environment: str
) -> None:
    template = synth.raw(environment, "bot")
    lex_hook_id, _ = _function(template, "handlers.lex_hook.lambda_handler")
    (version_id,) = _resources(template, "AWS::Lex::BotVersion")
    assert load_bot_definition().content_hash()[:12] in version_id
    (alias,) = _resources(template, "AWS::Lex::BotAlias").values()
    properties = alias["Properties"]
    assert properties["BotAliasName"] == "live"
    assert properties["BotVersion"] == {"Fn::GetAtt": [version_id, "BotVersion"]}
    (locale_settings,) = properties["BotAliasLocaleSettings"]
    assert locale_settings["LocaleId"] == "ko_KR"
    code_hook = locale_settings["BotAliasLocaleSetting"]["CodeHookSpecification"]["LambdaCodeHook"]
    assert code_hook["LambdaArn"] == {"Fn::GetAtt": [lex_hook_id, "Arn"]}


def test_instance_is_associated_with_the_bot_alias_and_the_contact_flow_function(
    synth: SynthResult, environment: str
) -> None:
    template = synth.raw(environment, "bot")
    contact_flow_id, _ = _function(template, "handlers.contact_flow.lambda_handler")
    (alias_id,) = _resources(template, "AWS::Lex::BotAlias")
    associations = {
        association["Properties"]["IntegrationType"]: association["Properties"]
        for association in _resources(template, "AWS::Connect::IntegrationAssociation").values()
    }
    assert associations["LEX_BOT"]["IntegrationArn"] == {"Fn::GetAtt": [alias_id, "Arn"]}
    assert associations["LAMBDA_FUNCTION"]["IntegrationArn"] == {"Fn::GetAtt": [contact_flow_id, "Arn"]}
    for association in associations.values():
        assert "ContactCenterInstance" in _output_name(association["InstanceId"])
    assert len(associations) == 2


# --- contact flows ----------------------------------------------------------------------------


def _resolved_content(content: Any) -> str:
    """The flow JSON with every CloudFormation reference replaced by a readable marker."""
    if isinstance(content, str):
        return content
    separator, parts = content["Fn::Join"]
    return separator.join(part if isinstance(part, str) else _marker(part) for part in parts)


def _marker(reference: dict[str, Any]) -> str:
    """``<GetAtt:Id.Attr>``, ``<Output:Stack.Name>`` or ``<Ref:Id>``: JSON-safe and easy to assert."""
    if "Fn::GetAtt" in reference:
        logical_id, attribute = reference["Fn::GetAtt"]
        return f"<GetAtt:{logical_id}.{attribute}>"
    if "Fn::GetStackOutput" in reference:
        output = reference["Fn::GetStackOutput"]
        return f"<Output:{output['StackName']}.{output['OutputName']}>"
    return f"<Ref:{reference['Ref']}>"


def _flows(synth: SynthResult, environment: str) -> dict[str, dict[str, Any]]:
    template = synth.raw(environment, "bot")
    return {
        flow["Properties"]["Type"]: flow
        for flow in _resources(template, "AWS::Connect::ContactFlow").values()
    }


def test_both_flows_are_deployed_resolved_and_pass_the_checker(synth: SynthResult, environment: str) -> None:
    flows = _flows(synth, environment)
    assert set(flows) == {spec.flow_type for spec in FLOWS}
    for spec in FLOWS:
        properties = flows[spec.flow_type]["Properties"]
        assert properties["State"] == "ACTIVE"
        text = _resolved_content(properties["Content"])
        assert placeholders_in(text) == set()
        document = json.loads(text)
        assert check_flow(document, flow_name=spec.key, flow_type=spec.flow_type) == []


def test_every_placeholder_arn_is_a_stack_output_for_flow_import(
    synth: SynthResult, environment: str
) -> None:
    # ``python -m flowlang import`` maps an environment's ARNs back to placeholders from these.
    outputs = synth.raw(environment, "bot")["Outputs"]
    for name in KNOWN_PLACEHOLDERS:
        output = outputs[placeholder_output_key(name)]
        assert f"%{name}%" in output["Description"]
        assert output["Value"], name


def test_inbound_flow_targets_every_queue_the_bot_alias_and_the_function(
    synth: SynthResult, environment: str
) -> None:
    template = synth.raw(environment, "bot")
    inbound = _flows(synth, environment)["CONTACT_FLOW"]
    text = _resolved_content(inbound["Properties"]["Content"])
    connect_stack = synth.stack_names[environment]["connect"]
    for queue in QUEUE_KEYS:
        assert f"<Output:{connect_stack}.PublishOutputFnGetAttQueues{queue.title().replace('_', '')}" in text
    (alias_id,) = _resources(template, "AWS::Lex::BotAlias")
    contact_flow_id, _ = _function(template, "handlers.contact_flow.lambda_handler")
    (queue_flow_id,) = [
        name
        for name, flow in _resources(template, "AWS::Connect::ContactFlow").items()
        if flow["Properties"]["Type"] == "CUSTOMER_QUEUE"
    ]
    assert f"<GetAtt:{alias_id}.Arn>" in text
    assert f"<GetAtt:{contact_flow_id}.Arn>" in text
    assert f"<GetAtt:{queue_flow_id}.ContactFlowArn>" in text


def test_flows_are_created_after_the_integrations_they_reference(
    synth: SynthResult, environment: str
) -> None:
    template = synth.raw(environment, "bot")
    associations = set(_resources(template, "AWS::Connect::IntegrationAssociation"))
    for name, flow in _resources(template, "AWS::Connect::ContactFlow").items():
        assert associations <= set(flow.get("DependsOn", [])), name


# --- FAQ content and monitoring ---------------------------------------------------------------


def test_faq_file_is_loaded_into_the_faq_table_and_a_content_change_triggers_an_update(
    synth: SynthResult, environment: str
) -> None:
    template = synth.raw(environment, "bot")
    (faq,) = _resources(template, "Custom::FaqContent").values()
    properties = faq["Properties"]
    assert properties["ContentHash"] == hashlib.sha256(FAQ_FILE.read_bytes()).hexdigest()
    assert "TablesFaq" in _output_name(properties["TableName"])
    # CDK's provider framework answers CloudFormation and invokes the loader.
    loader_id, _ = _function(template, "handlers.faq_loader.lambda_handler")
    framework_id, framework = _function(template, "framework.onEvent")
    assert properties["ServiceToken"] == {"Fn::GetAtt": [framework_id, "Arn"]}
    assert framework["Properties"]["Environment"]["Variables"]["USER_ON_EVENT_FUNCTION_ARN"] == {
        "Fn::GetAtt": [loader_id, "Arn"]
    }


def test_alarms_go_to_an_encrypted_topic_and_email_only_where_configured(
    synth: SynthResult, configs: dict[str, EnvironmentConfig], environment: str
) -> None:
    template = synth.raw(environment, "bot")
    (topic_id, topic), *_ = _resources(template, "AWS::SNS::Topic").items()
    assert "KmsMasterKeyId" in topic["Properties"]
    alarms = _resources(template, "AWS::CloudWatch::Alarm").values()
    assert len(alarms) >= 8
    for alarm in alarms:
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}]
        assert alarm["Properties"]["TreatMissingData"] == "notBreaching"
    metric_names = {alarm["Properties"].get("MetricName") for alarm in alarms}
    assert {"Errors", "Throttles", "ConversationLogWriteFailed"} <= metric_names
    subscriptions = _resources(template, "AWS::SNS::Subscription").values()
    email = configs[environment].alarm_email
    assert [s["Properties"]["Endpoint"] for s in subscriptions] == ([email] if email else [])
    assert len(_resources(template, "AWS::CloudWatch::Dashboard")) == 1


def test_every_log_group_is_encrypted_with_the_data_key(synth: SynthResult, environment: str) -> None:
    template = synth.raw(environment, "bot")
    log_groups = _resources(template, "AWS::Logs::LogGroup")
    assert len(log_groups) == 5  # three functions, the FAQ loader, its provider framework
    keys = {_output_name(log_group["Properties"]["KmsKeyId"]) for log_group in log_groups.values()}
    assert len(keys) == 1
    (key_output,) = keys
    assert "DataKey" in key_output  # the stateful stack's customer-managed key
    # The bot's conversation logs no longer have a key of their own: the only key is the alarm topic's.
    assert [name for name in _resources(template, "AWS::KMS::Key") if "ConversationLog" in name] == []


def test_no_environment_keeps_lex_text_conversation_logs(
    synth: SynthResult, configs: dict[str, EnvironmentConfig], environment: str
) -> None:
    # lex_text_logs is false everywhere: the live alias logs no raw transcript, and nothing that
    # only served those logs (log group, delivery policy) is deployed.
    assert configs[environment].lex_text_logs is False
    template = synth.raw(environment, "bot")
    (alias,) = _resources(template, "AWS::Lex::BotAlias").values()
    assert "ConversationLogSettings" not in alias["Properties"]
    assert not [name for name in _resources(template, "AWS::IAM::Policy") if "ConversationLog" in name]
    assert not [name for name in _resources(template, "AWS::Logs::LogGroup") if "LexBot" in name]


def test_the_functions_lex_and_connect_call_reserve_concurrency_and_alarm_on_throttles(
    synth: SynthResult, configs: dict[str, EnvironmentConfig], environment: str
) -> None:
    template = synth.raw(environment, "bot")
    reserved = configs[environment].reserved_concurrency
    throttled = {
        alarm["Properties"]["Dimensions"][0]["Value"]["Ref"]
        for alarm in _resources(template, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("MetricName") == "Throttles"
    }
    for handler, expected in (
        ("handlers.lex_hook.lambda_handler", reserved.lex_hook),
        ("handlers.contact_flow.lambda_handler", reserved.contact_flow),
    ):
        name, function = _function(template, handler)
        assert function["Properties"]["ReservedConcurrentExecutions"] == expected
        assert name in throttled


def test_only_cloudformations_asynchronous_invocations_have_dead_letter_queues_with_alarms(
    synth: SynthResult, environment: str
) -> None:
    template = synth.raw(environment, "bot")
    functions = _resources(template, "AWS::Lambda::Function")
    with_queue = {
        name: function["Properties"]["DeadLetterConfig"]["TargetArn"]["Fn::GetAtt"][0]
        for name, function in functions.items()
        if "DeadLetterConfig" in function["Properties"]
    }
    # The provider framework's function (the custom resource's service token) and the
    # contact-records function (EventBridge invokes it asynchronously) have one.
    (service_token,) = [
        resource["Properties"]["ServiceToken"]["Fn::GetAtt"][0]
        for resource in template["Resources"].values()
        if resource["Type"] == "Custom::FaqContent"
    ]
    records_id, _ = _function(template, "handlers.contact_events.lambda_handler")
    assert sorted(with_queue) == sorted([service_token, records_id])
    watched = {
        alarm["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for alarm in _resources(template, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
    }
    assert watched == set(with_queue.values())


def _connect_alarms(template: dict[str, Any]) -> list[dict[str, Any]]:
    alarms = _resources(template, "AWS::CloudWatch::Alarm").values()
    return [a["Properties"] for a in alarms if a["Properties"].get("Namespace") == "AWS/Connect"]


def test_connect_alarms_watch_every_deployed_queue_and_flow_by_its_name(
    synth: SynthResult, configs: dict[str, EnvironmentConfig], environment: str
) -> None:
    bot = synth.raw(environment, "bot")
    connect = synth.raw(environment, "connect")
    queue_names = sorted(q["Properties"]["Name"] for q in _resources(connect, "AWS::Connect::Queue").values())
    # Every flow the environment deploys, whichever stack holds it (the connect stack's outbound
    # whisper, which the queues name, included).
    flow_names = sorted(
        f["Properties"]["Name"]
        for role in synth.stack_names[environment]
        for f in _resources(synth.raw(environment, role), "AWS::Connect::ContactFlow").values()
    )
    assert len(queue_names) == len(QUEUE_KEYS) and len(flow_names) == len(FLOWS) + len(CONNECT_FLOWS)
    alarms = _connect_alarms(bot)
    by_metric: dict[str, list[dict[str, Any]]] = {}
    for alarm in alarms:
        by_metric.setdefault(alarm["MetricName"], []).append(alarm)
        assert alarm["TreatMissingData"] == "notBreaching"
        dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
        # The instance id comes from the connect stack (its instance's Id attribute, exported).
        assert "ContactCenter" in _output_name(dimensions["InstanceId"])

    def names(metric: str, dimension: str) -> list[str]:
        return sorted(
            next(d["Value"] for d in alarm["Dimensions"] if d["Name"] == dimension)
            for alarm in by_metric[metric]
        )

    assert names("LongestQueueWaitTime", "QueueName") == queue_names
    assert names("QueueSize", "QueueName") == queue_names
    assert names("ContactFlowErrors", "ContactFlowName") == flow_names
    assert names("ContactFlowFatalErrors", "ContactFlowName") == flow_names
    wait_limit = configs[environment].queue_wait_alarm_seconds
    assert {alarm["Threshold"] for alarm in by_metric["LongestQueueWaitTime"]} == {wait_limit}
    for metric in (
        "CallsBreachingConcurrencyQuota",
        "ThrottledCalls",
        "MissedCalls",
        "CallRecordingUploadError",
    ):
        assert len(by_metric[metric]) == 1, metric
    assert len(alarms) == 2 * len(QUEUE_KEYS) + 2 * len(flow_names) + 4
