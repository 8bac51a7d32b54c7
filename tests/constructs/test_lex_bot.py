"""KoreanLexBot: the ko_KR bot, its version per definition, the live alias, role and permission, and
the text conversation logs (off unless asked for: they keep raw caller transcripts)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Match, Template

from constructs_lib.lex_bot import KoreanLexBot
from contract import FALLBACK_INTENT
from lexbot import BotDefinition, load_bot_definition
from tests.support.cdk_nag import nag_findings

ENV = {"account": "111122223333", "region": "ap-northeast-2"}


def _build(
    definition: BotDefinition,
    *,
    bot_name: str = "aicc-dev-bot",
    retain_logs: bool = False,
    with_key: bool = False,
    text_logs: bool = False,
    app: App | None = None,
) -> tuple[Stack, KoreanLexBot]:
    stack = Stack(app or App(), "LexProbe", env=ENV)
    hook = lambda_.Function(
        stack,
        "Hook",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return event\n"),
    )
    key = kms.Key(stack, "Key", enable_key_rotation=True) if with_key else None
    bot = KoreanLexBot(
        stack,
        "LexBot",
        definition=definition,
        bot_name=bot_name,
        code_hook_function=hook,
        log_retention_days=30,
        retain_logs=retain_logs,
        log_encryption_key=key,
        text_conversation_logs=text_logs,
    )
    return stack, bot


def _only(template: Template, resource_type: str) -> tuple[str, dict[str, Any]]:
    resources = template.find_resources(resource_type)
    assert len(resources) == 1, resources.keys()
    ((logical_id, resource),) = resources.items()
    return logical_id, dict(resource)


@pytest.fixture(scope="module")
def definition() -> BotDefinition:
    return load_bot_definition()


@pytest.fixture(scope="module")
def template(definition: BotDefinition) -> Template:
    stack, _ = _build(definition)
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def logging_template(definition: BotDefinition) -> Template:
    """The bot with text conversation logs on (a debugging session outside production)."""
    stack, _ = _build(definition, text_logs=True)
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def locale(template: Template) -> dict[str, Any]:
    _, bot = _only(template, "AWS::Lex::Bot")
    (bot_locale,) = bot["Properties"]["BotLocales"]
    result: dict[str, Any] = bot_locale
    return result


def _logical_id(template: Template, resource_type: str) -> str:
    return _only(template, resource_type)[0]


# --- the bot ----------------------------------------------------------------------------------


def test_bot_is_ko_kr_with_seoyeon_and_the_definitions_threshold(
    template: Template, locale: dict[str, Any], definition: BotDefinition
) -> None:
    assert locale["LocaleId"] == "ko_KR"
    assert locale["VoiceSettings"] == {"VoiceId": "Seoyeon", "Engine": definition.voice_engine}
    assert locale["NluConfidenceThreshold"] == definition.nlu_confidence_threshold
    template.has_resource_properties(
        "AWS::Lex::Bot",
        {
            "Name": "aicc-dev-bot",
            "DataPrivacy": {"ChildDirected": False},
            "IdleSessionTTLInSeconds": definition.idle_session_ttl_seconds,
            "AutoBuildBotLocales": True,
            "RoleArn": {"Fn::GetAtt": [Match.string_like_regexp("^LexBotRole"), "Arn"]},
        },
    )


def test_every_intent_calls_the_code_hook_for_dialog_and_fulfillment(
    locale: dict[str, Any], definition: BotDefinition
) -> None:
    intents = {intent["Name"]: intent for intent in locale["Intents"]}
    assert set(intents) == set(definition.intent_names)
    for name, intent in intents.items():
        assert intent["DialogCodeHook"] == {"Enabled": True}, name
        assert intent["FulfillmentCodeHook"] == {"Enabled": True}, name


def test_intents_carry_the_definitions_utterances(locale: dict[str, Any], definition: BotDefinition) -> None:
    for intent in locale["Intents"]:
        if intent["Name"] == FALLBACK_INTENT:
            continue
        rendered = [utterance["Utterance"] for utterance in intent["SampleUtterances"]]
        assert rendered == list(definition.intent(intent["Name"]).sample_utterances)


def test_fallback_intent_is_the_built_in_without_utterances_or_slots(locale: dict[str, Any]) -> None:
    (fallback,) = [intent for intent in locale["Intents"] if intent["Name"] == FALLBACK_INTENT]
    assert fallback["ParentIntentSignature"] == "AMAZON.FallbackIntent"
    assert "SampleUtterances" not in fallback
    assert "Slots" not in fallback
    assert "IntentConfirmationSetting" not in fallback


def test_slot_types_and_optional_slots(locale: dict[str, Any]) -> None:
    slot_types = {slot_type["Name"]: slot_type for slot_type in locale["SlotTypes"]}
    assert set(slot_types) == {"ProductCategory", "ReservationService"}
    for slot_type in slot_types.values():
        assert slot_type["ValueSelectionSetting"] == {"ResolutionStrategy": "TOP_RESOLUTION"}
    electronics = slot_types["ProductCategory"]["SlotTypeValues"][0]
    assert electronics["SampleValue"] == {"Value": "전자제품"}
    assert {"Value": "가전제품"} in electronics["Synonyms"]

    product = next(intent for intent in locale["Intents"] if intent["Name"] == "product_inquiry")
    assert product["Slots"] == [
        {
            "Name": "productCategory",
            "SlotTypeName": "ProductCategory",
            "ValueElicitationSetting": {"SlotConstraint": "Optional"},
        }
    ]
    assert product["SlotPriorities"] == [{"Priority": 1, "SlotName": "productCategory"}]
    slots = [slot for intent in locale["Intents"] for slot in intent.get("Slots", [])]
    assert {slot["ValueElicitationSetting"]["SlotConstraint"] for slot in slots} == {"Optional"}


def test_the_bot_declares_no_prompts_so_the_hook_alone_sets_how_lex_listens(locale: dict[str, Any]) -> None:
    # Voice turn-taking (bot.voice_input): barge-in, speech timeouts and keypad input are Lex
    # session attributes the code hook sets per prompt. A slot or intent prompt in the bot
    # (PromptSpecification: AllowInterrupt, PromptAttemptsSpecification, AudioAndDTMFInputSpecification)
    # would be a second place for the same settings.
    rendered = json.dumps(locale)
    for key in (
        "PromptSpecification",
        "AllowInterrupt",
        "AudioAndDTMFInputSpecification",
        "DTMFSpecification",
    ):
        assert key not in rendered


def test_bot_waits_for_its_speech_policy(template: Template) -> None:
    _, bot = _only(template, "AWS::Lex::Bot")
    assert any(name.startswith("LexBotSpeechPolicy") for name in bot["DependsOn"])


def test_invalid_bot_name_is_rejected(definition: BotDefinition) -> None:
    with pytest.raises(ValueError, match="not a Lex name"):
        _build(definition, bot_name="aicc dev bot")


# --- the version ------------------------------------------------------------------------------


def test_version_snapshots_draft_and_is_named_after_the_definition_hash(
    template: Template, definition: BotDefinition
) -> None:
    logical_id, version = _only(template, "AWS::Lex::BotVersion")
    assert definition.content_hash()[:12] in logical_id
    assert version["Properties"] == {
        "BotId": {"Fn::GetAtt": [_logical_id(template, "AWS::Lex::Bot"), "Id"]},
        "BotVersionLocaleSpecification": [
            {"LocaleId": "ko_KR", "BotVersionLocaleDetails": {"SourceBotVersion": "DRAFT"}}
        ],
        "Description": version["Properties"]["Description"],
    }
    assert len(version["Properties"]["Description"]) <= 200  # CloudFormation limit


def test_same_definition_gives_the_same_version_in_a_fresh_app(
    template: Template, definition: BotDefinition
) -> None:
    stack, _ = _build(load_bot_definition())
    assert _logical_id(Template.from_stack(stack), "AWS::Lex::BotVersion") == _logical_id(
        template, "AWS::Lex::BotVersion"
    )


def test_definition_change_creates_a_new_version(template: Template, definition: BotDefinition) -> None:
    greeting = definition.intent("greeting")
    changed_intent = dataclasses.replace(
        greeting, sample_utterances=(*greeting.sample_utterances, "안녕하세요 반가워요")
    )
    changed = dataclasses.replace(
        definition,
        intents=tuple(
            changed_intent if intent.name == "greeting" else intent for intent in definition.intents
        ),
    )
    stack, _ = _build(changed)
    new_id = _logical_id(Template.from_stack(stack), "AWS::Lex::BotVersion")
    assert new_id != _logical_id(template, "AWS::Lex::BotVersion")
    assert changed.content_hash()[:12] in new_id


def test_construct_input_that_reaches_the_bot_creates_a_new_version(template: Template) -> None:
    stack, bot = _build(load_bot_definition(), bot_name="aicc-staging-bot")
    assert _logical_id(Template.from_stack(stack), "AWS::Lex::BotVersion") != _logical_id(
        template, "AWS::Lex::BotVersion"
    )
    assert bot.definition.content_hash()[:12] in _logical_id(
        Template.from_stack(stack), "AWS::Lex::BotVersion"
    )


@pytest.mark.parametrize("text_logs", [False, True])
def test_alias_only_settings_do_not_create_a_new_version(template: Template, text_logs: bool) -> None:
    stack, _ = _build(load_bot_definition(), retain_logs=True, with_key=True, text_logs=text_logs)
    assert _logical_id(Template.from_stack(stack), "AWS::Lex::BotVersion") == _logical_id(
        template, "AWS::Lex::BotVersion"
    )


# --- the live alias and the Lambda permission -------------------------------------------------


def test_live_alias_points_at_the_version_with_the_ko_kr_code_hook(template: Template) -> None:
    version_id = _logical_id(template, "AWS::Lex::BotVersion")
    template.has_resource_properties(
        "AWS::Lex::BotAlias",
        {
            "BotAliasName": "live",
            "BotId": {"Fn::GetAtt": [_logical_id(template, "AWS::Lex::Bot"), "Id"]},
            "BotVersion": {"Fn::GetAtt": [version_id, "BotVersion"]},
            "BotAliasLocaleSettings": [
                {
                    "LocaleId": "ko_KR",
                    "BotAliasLocaleSetting": {
                        "Enabled": True,
                        "CodeHookSpecification": {
                            "LambdaCodeHook": {
                                "CodeHookInterfaceVersion": "1.0",
                                "LambdaArn": {"Fn::GetAtt": [Match.string_like_regexp("^Hook"), "Arn"]},
                            }
                        },
                    },
                }
            ],
            "SentimentAnalysisSettings": {"DetectSentiment": False},
        },
    )


def test_text_conversation_logs_are_off_by_default_and_nothing_serves_them(
    definition: BotDefinition, template: Template
) -> None:
    # Lex V2 logs each turn's inputTranscript verbatim (slot obfuscation hides slot values only):
    # no ConversationLogSettings at all, and no log group, key or delivery policy for them.
    _, alias = _only(template, "AWS::Lex::BotAlias")
    assert "ConversationLogSettings" not in alias["Properties"]
    assert "DependsOn" not in alias or not any("ConversationLog" in name for name in alias["DependsOn"])
    template.resource_count_is("AWS::Logs::LogGroup", 0)
    template.resource_count_is("AWS::KMS::Key", 0)
    assert not [name for name in template.find_resources("AWS::IAM::Policy") if "ConversationLog" in name]
    _, bot = _build(definition)
    assert bot.text_conversation_logs is False
    assert bot.conversation_log_group is None and bot.log_encryption_key is None


def test_a_given_key_is_left_untouched_when_text_logs_are_off(definition: BotDefinition) -> None:
    stack, _ = _build(definition, with_key=True)
    template = Template.from_stack(stack)
    (key,) = template.find_resources("AWS::KMS::Key").values()
    principals = [statement.get("Principal") for statement in key["Properties"]["KeyPolicy"]["Statement"]]
    assert {"Service": "logs.ap-northeast-2.amazonaws.com"} not in principals


def test_alias_logs_text_conversations_to_a_log_group_with_retention(logging_template: Template) -> None:
    template = logging_template
    log_group_id, log_group = _only(template, "AWS::Logs::LogGroup")
    assert log_group["Properties"]["RetentionInDays"] == 30
    assert log_group["DeletionPolicy"] == "Delete"
    template.has_resource_properties(
        "AWS::Lex::BotAlias",
        {
            "ConversationLogSettings": {
                "TextLogSettings": [
                    {
                        "Enabled": True,
                        "Destination": {
                            "CloudWatch": {
                                "CloudWatchLogGroupArn": {"Fn::GetAtt": [log_group_id, "Arn"]},
                                "LogPrefix": Match.any_value(),
                            }
                        },
                    }
                ]
            }
        },
    )
    _, alias = _only(template, "AWS::Lex::BotAlias")
    assert any(name.startswith("LexBotConversationLogPolicy") for name in alias["DependsOn"])


def _key_id(template: Template, prefix: str) -> str:
    return next(name for name in template.find_resources("AWS::KMS::Key") if name.startswith(prefix))


def test_conversation_logs_are_encrypted_with_a_key_of_their_own_by_default(
    logging_template: Template,
) -> None:
    template = logging_template
    key_id = _key_id(template, "LexBotConversationLogKey")
    _, log_group = _only(template, "AWS::Logs::LogGroup")
    assert log_group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert key_id in log_group["DependsOn"]  # the key policy must exist before the group
    key = template.find_resources("AWS::KMS::Key")[key_id]
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Delete"


def test_key_lets_cloudwatch_logs_of_this_account_and_region_use_it(logging_template: Template) -> None:
    template = logging_template
    key = template.find_resources("AWS::KMS::Key")[_key_id(template, "LexBotConversationLogKey")]
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    logs_statement = next(
        statement
        for statement in statements
        if statement["Principal"] == {"Service": "logs.ap-northeast-2.amazonaws.com"}
    )
    assert logs_statement["Condition"] == {
        "ArnLike": {
            "kms:EncryptionContext:aws:logs:arn": {
                "Fn::Join": [
                    "",
                    ["arn:", {"Ref": "AWS::Partition"}, ":logs:ap-northeast-2:111122223333:log-group:*"],
                ]
            }
        }
    }
    assert all("*" not in action for action in logs_statement["Action"])
    assert "kms:GenerateDataKey" in logs_statement["Action"]


def test_retained_logs_with_a_given_key(definition: BotDefinition) -> None:
    stack, bot = _build(definition, retain_logs=True, with_key=True, text_logs=True)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::KMS::Key", 1)  # the given key, no second one
    _, log_group = _only(template, "AWS::Logs::LogGroup")
    assert log_group["DeletionPolicy"] == "Retain"
    given_key_id = _logical_id(template, "AWS::KMS::Key")
    assert log_group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [given_key_id, "Arn"]}
    key_policy = template.find_resources("AWS::KMS::Key")[given_key_id]["Properties"]["KeyPolicy"]
    assert any(
        statement.get("Principal") == {"Service": "logs.ap-northeast-2.amazonaws.com"}
        for statement in key_policy["Statement"]
    )
    assert bot.log_encryption_key is not None
    assert stack.resolve(bot.log_encryption_key.key_arn) == {"Fn::GetAtt": [given_key_id, "Arn"]}


def test_only_the_live_alias_may_invoke_the_code_hook(template: Template) -> None:
    template.resource_count_is("AWS::Lambda::Permission", 1)
    template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [Match.string_like_regexp("^Hook"), "Arn"]},
            "Principal": "lexv2.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": [_logical_id(template, "AWS::Lex::BotAlias"), "Arn"]},
        },
    )


def test_alias_arn_attribute_is_the_alias_arn(definition: BotDefinition) -> None:
    stack, bot = _build(definition)
    assert stack.resolve(bot.alias_arn) == {"Fn::GetAtt": [stack.get_logical_id(bot.alias), "Arn"]}


# --- the role ---------------------------------------------------------------------------------


def _lex_role_statements(template: Template) -> list[dict[str, Any]]:
    role_id = next(
        name for name in template.find_resources("AWS::IAM::Role") if name.startswith("LexBotRole")
    )
    statements = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def test_role_is_assumed_by_lex_v2_only(template: Template) -> None:
    roles = template.find_resources("AWS::IAM::Role")
    lex_role = next(role for name, role in roles.items() if name.startswith("LexBotRole"))
    assert lex_role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lexv2.amazonaws.com"}}
    ]
    assert "ManagedPolicyArns" not in lex_role["Properties"]


def test_role_grants_speech_only_when_text_logs_are_off(template: Template) -> None:
    assert _lex_role_statements(template) == [
        {"Action": "polly:SynthesizeSpeech", "Effect": "Allow", "Resource": "*"}
    ]
    roles = template.find_resources("AWS::IAM::Role")
    (description,) = [
        role["Properties"]["Description"] for name, role in roles.items() if "LexBotRole" in name
    ]
    assert "conversation logs" not in description


def test_role_grants_speech_and_log_delivery_only(logging_template: Template) -> None:
    template = logging_template
    statements = _lex_role_statements(template)
    log_group_id = _logical_id(template, "AWS::Logs::LogGroup")
    assert sorted(statements, key=lambda statement: str(statement["Action"])) == [
        {
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [log_group_id, "Arn"]},
        },
        {"Action": "polly:SynthesizeSpeech", "Effect": "Allow", "Resource": "*"},
    ]


@pytest.mark.parametrize("text_logs", [False, True])
def test_no_statement_in_the_template_has_a_wildcard_action(
    definition: BotDefinition, text_logs: bool
) -> None:
    stack, _ = _build(definition, text_logs=text_logs)
    template = Template.from_stack(stack)
    documents = [
        policy["Properties"]["PolicyDocument"]
        for policy in template.find_resources("AWS::IAM::Policy").values()
    ]
    documents += [key["Properties"]["KeyPolicy"] for key in template.find_resources("AWS::KMS::Key").values()]
    documents += [
        role["Properties"]["AssumeRolePolicyDocument"]
        for role in template.find_resources("AWS::IAM::Role").values()
    ]
    for document in documents:
        for statement in document["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            wildcard = [action for action in actions if "*" in action]
            # CDK's default key policy delegates the key to the account's IAM (kms:* for root).
            is_key_root_delegation = wildcard == ["kms:*"] and "root" in json.dumps(statement["Principal"])
            assert not wildcard or is_key_root_delegation, statement


# --- cdk-nag ----------------------------------------------------------------------------------


def _findings_of_the_bot(
    outdir: Path,
    definition: BotDefinition,
    *,
    with_plain_speech_policy: bool,
    text_logs: bool = False,
    with_key: bool = False,
) -> list[str]:
    app = App(outdir=str(outdir), analytics_reporting=False)
    stack, bot = _build(definition, app=app, text_logs=text_logs, with_key=with_key)
    if with_plain_speech_policy:
        # Control: the same statement without the acknowledgement must be reported.
        iam.Policy(
            stack,
            "PlainSpeechPolicy",
            roles=[bot.role],
            statements=[iam.PolicyStatement(actions=["polly:SynthesizeSpeech"], resources=["*"])],
        )
    return [
        finding
        for finding in nag_findings(app)
        if "/Hook" not in finding  # the dummy hook function is not under test
    ]


@pytest.mark.parametrize(
    ("text_logs", "with_key"),
    [(False, False), (False, True), (True, False), (True, True)],
    ids=["text-logs-off", "text-logs-off-given-key", "text-logs-on", "text-logs-on-given-key"],
)
def test_cdk_nag_finds_nothing_with_or_without_text_logs(
    tmp_path: Path, definition: BotDefinition, text_logs: bool, with_key: bool
) -> None:
    # All five packs (constructs_lib.compliance.RULE_PACKS): the log group, its key and the
    # delivery policy exist only with text logs on, and are clean then too.
    findings = _findings_of_the_bot(
        tmp_path / "acknowledged",
        definition,
        with_plain_speech_policy=False,
        text_logs=text_logs,
        with_key=with_key,
    )
    assert findings == []


def test_cdk_nag_finds_nothing_and_the_polly_acknowledgement_takes_effect(
    tmp_path: Path, definition: BotDefinition
) -> None:
    assert _findings_of_the_bot(tmp_path / "acknowledged", definition, with_plain_speech_policy=False) == []
    control = _findings_of_the_bot(tmp_path / "control", definition, with_plain_speech_policy=True)
    assert sorted(control) == sorted(
        [
            "AwsSolutions-IAM5[Resource::*] LexProbe/PlainSpeechPolicy/Resource",
            *(
                f"{pack}-IAMNoInlinePolicy LexProbe/PlainSpeechPolicy/Resource"
                for pack in ("HIPAA.Security", "NIST.800.53.R5", "PCI.DSS.321")
            ),
        ]
    )
