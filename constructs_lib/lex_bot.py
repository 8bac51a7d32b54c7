"""The ko_KR Lex V2 bot, rendered from the versioned bot definition (``lexbot/``).

One ``AWS::Lex::Bot`` (DRAFT, built on deploy), one immutable ``AWS::Lex::BotVersion`` per
definition change, and the ``live`` alias that Connect calls, with the code hook Lambda for ko_KR
and the bot's least-privilege role. Text conversation logs are optional and off unless asked for
(``lex_text_logs`` in the config): they keep every caller turn verbatim.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, ClassVar

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Token, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lex as lex
from aws_cdk import aws_logs as logs
from constructs import Construct

from constructs_lib.compliance import HIPAA_NIST_PCI, acknowledge
from constructs_lib.encryption_key import CLOUDWATCH_LOGS_KEY_ACTIONS, cloudwatch_logs_key_statement
from lexbot import FALLBACK_PARENT_SIGNATURE, BotDefinition, IntentDefinition, SlotTypeDefinition

# Lex names: letters and digits, single "_"/"-" separators, at most 100 characters.
_LEX_NAME = re.compile(r"^(?:[0-9a-zA-Z][_-]?){1,100}$")
_LEX_SERVICE_PRINCIPAL = "lexv2.amazonaws.com"
_INLINE_POLICY_REASON = (
    "The bot's role and its policies belong together one-to-one (speech for the bot's voice, and "
    "delivery to its own conversation log group when text logs are on): inline, they cannot be "
    "attached to another identity and are deleted with the role."
)


class KoreanLexBot(Construct):
    """The Korean bot of the contact center: bot, version, ``live`` alias, role and logs.

    Every intent, ``FallbackIntent`` included, has its dialog and fulfillment code hooks enabled,
    so each caller turn reaches the code hook function, which answers with ``ElicitIntent`` or
    ``Close``. Slots are optional and never elicited by Lex. So the bot declares no prompts: how
    Lex listens after each prompt (barge-in, speech timeouts, keypad input) is set by the code
    hook per prompt through Lex's session attributes (``bot.voice_input``), in one place.

    A bot version is immutable, so the version's construct id carries the definition's content
    hash and a fingerprint of everything else this construct puts into the versioned bot (name,
    session TTL, data privacy, the rendered locale): any change creates a new version and moves
    the alias to it; CloudFormation deletes the old version after the alias has moved.

    **Text conversation logs** (``text_conversation_logs``) are off by default. Lex V2 writes each
    turn's ``inputTranscript`` to them as the caller said or typed it; slot obfuscation hides slot
    values only, never free text, so a resident registration or card number read out to the bot
    would be logged whole — the very numbers the code hook keeps out of every table and log. Off,
    the alias has no ``ConversationLogSettings`` at all (a ``TextLogSetting`` with ``Enabled``
    false still requires a ``Destination``), and nothing that only serves the logs is created: no
    log group, no delivery policy, no key or key-policy statement. On, the alias logs text to a
    KMS-encrypted log group of its own, delivered with the role's ``ConversationLogPolicy``.

    Attributes:
        bot: the ``AWS::Lex::Bot`` (its DRAFT is built on every deploy).
        bot_version: the version built from the current definition.
        alias: the ``live`` alias; Connect and the Lambda permission use its ARN.
        alias_arn: ``arn:aws:lex:<region>:<account>:bot-alias/<botId>/<aliasId>``.
        role: the role Lex assumes (Polly speech; conversation log delivery when text logs are on).
        text_conversation_logs: whether the alias writes text conversation logs.
        conversation_log_group: text conversation logs of the alias, KMS-encrypted (None when off).
        log_encryption_key: the key of the conversation logs, given or created here (None when off).
        code_hook_permission: lets the ``live`` alias (only) invoke the code hook function.
        version_fingerprint: SHA-256 hex of the versioned bot settings.
    """

    ALIAS_NAME: ClassVar[str] = "live"
    DRAFT_VERSION: ClassVar[str] = "DRAFT"
    #: The Lex V2 code hook request/response format our handler implements.
    CODE_HOOK_INTERFACE_VERSION: ClassVar[str] = "1.0"
    #: Resolve slot values to the defined value (a synonym resolves to its value).
    SLOT_RESOLUTION_STRATEGY: ClassVar[str] = "TOP_RESOLUTION"
    CONVERSATION_LOG_PREFIX: ClassVar[str] = "live/"
    #: Connect analyses sentiment itself (Contact Lens); Comprehend calls from Lex add cost only.
    DETECT_SENTIMENT: ClassVar[bool] = False
    #: COPPA: the contact center is not directed at children under 13.
    CHILD_DIRECTED: ClassVar[bool] = False
    LOG_KEY_PENDING_WINDOW: ClassVar[Duration] = Duration.days(30)
    #: What CloudWatch Logs does with a log group's key (``encryption_key.CLOUDWATCH_LOGS_KEY_ACTIONS``).
    CLOUDWATCH_LOGS_KEY_ACTIONS: ClassVar[tuple[str, ...]] = CLOUDWATCH_LOGS_KEY_ACTIONS

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        definition: BotDefinition,
        bot_name: str,
        code_hook_function: lambda_.IFunction,
        log_retention_days: int,
        retain_logs: bool,
        log_encryption_key: kms.IKey | None = None,
        text_conversation_logs: bool = False,
    ) -> None:
        """Create the bot.

        Args:
            definition: the validated bot definition (``lexbot.load_bot_definition()``).
            bot_name: the bot's name in Lex, e.g. ``aicc-dev-bot`` (Lex name rules).
            code_hook_function: the Lex code hook (``handlers.lex_hook.lambda_handler``).
            log_retention_days: retention of the conversation log group (a CloudWatch Logs value).
            retain_logs: keep the conversation log group when the stack is deleted.
            log_encryption_key: KMS key for the conversation logs (e.g. the data key); by default
                the construct creates its own. CloudWatch Logs (not Lex) uses it: the construct adds
                a key-policy statement for ``logs.<region>.amazonaws.com`` limited to log groups of
                this account and region. An imported key's policy must already allow that. Unused
                (and left untouched) when text conversation logs are off.
            text_conversation_logs: write text conversation logs (raw caller transcripts) — for a
                short debugging session outside production only; ``config`` refuses it in prod.
        """
        super().__init__(scope, construct_id)
        if not Token.is_unresolved(bot_name) and not _LEX_NAME.fullmatch(bot_name):
            raise ValueError(f"bot_name {bot_name!r} is not a Lex name (letters, digits, single '_'/'-')")
        self.definition = definition

        self.text_conversation_logs = text_conversation_logs
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal(_LEX_SERVICE_PRINCIPAL),
            description=(
                f"Runtime role of the Lex bot {bot_name}: speech synthesis"
                + (" and conversation logs" if text_conversation_logs else "")
            ),
        )
        speech_policy = iam.Policy(
            self,
            "SpeechPolicy",
            roles=[self.role],
            statements=[
                # The AWS-managed AmazonLexV2BotPolicy grants exactly this to Lex bots.
                iam.PolicyStatement(actions=["polly:SynthesizeSpeech"], resources=["*"])
            ],
        )
        Validations.of(speech_policy).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason=(
                    "Lex synthesizes the bot's Seoyeon voice with polly:SynthesizeSpeech; the only "
                    "resource type it can be scoped to is a Polly lexicon and the bot uses none "
                    "(AWS-managed AmazonLexV2BotPolicy grants the same on '*')."
                ),
            )
        )
        acknowledge(
            speech_policy,
            "IAMNoInlinePolicy",
            packs=HIPAA_NIST_PCI,
            reason=_INLINE_POLICY_REASON,
        )

        self.log_encryption_key: kms.IKey | None = None
        self.conversation_log_group: logs.CfnLogGroup | None = None
        log_policy: iam.Policy | None = None
        if text_conversation_logs:
            log_policy = self._add_text_conversation_logs(
                bot_name=bot_name,
                log_retention_days=log_retention_days,
                retain_logs=retain_logs,
                log_encryption_key=log_encryption_key,
            )

        bot_settings = render_versioned_bot_settings(definition, bot_name=bot_name)
        self.bot = lex.CfnBot(
            self,
            "Bot",
            name=bot_settings["name"],
            description=bot_settings["description"],
            role_arn=self.role.role_arn,
            data_privacy=bot_settings["dataPrivacy"],
            idle_session_ttl_in_seconds=bot_settings["idleSessionTtlInSeconds"],
            auto_build_bot_locales=True,
            bot_locales=bot_settings["botLocales"],
        )
        # The bot's locale is built (and may speak) as soon as it exists: give its role Polly first.
        self.bot.node.add_dependency(speech_policy)

        self.version_fingerprint = _fingerprint(bot_settings)
        content_hash = definition.content_hash()
        self.bot_version = lex.CfnBotVersion(
            self,
            f"Version{content_hash[:12]}{self.version_fingerprint[:8]}",
            bot_id=self.bot.attr_id,
            description=f"Bot definition {content_hash[:12]}, settings {self.version_fingerprint[:8]}",
            bot_version_locale_specification=[
                {
                    "localeId": definition.locale_id,
                    "botVersionLocaleDetails": {"sourceBotVersion": self.DRAFT_VERSION},
                }
            ],
        )

        self.alias = lex.CfnBotAlias(
            self,
            "LiveAlias",
            bot_alias_name=self.ALIAS_NAME,
            bot_id=self.bot.attr_id,
            bot_version=self.bot_version.attr_bot_version,
            description="The version Connect calls; moves to each new bot definition on deploy",
            bot_alias_locale_settings=[
                {
                    "localeId": definition.locale_id,
                    "botAliasLocaleSetting": {
                        "enabled": True,
                        "codeHookSpecification": {
                            "lambdaCodeHook": {
                                "codeHookInterfaceVersion": self.CODE_HOOK_INTERFACE_VERSION,
                                "lambdaArn": code_hook_function.function_arn,
                            }
                        },
                    },
                }
            ],
            # Off: no ConversationLogSettings at all. A TextLogSetting is {Destination, Enabled},
            # both required, so "Enabled: false" would still need a log group to name.
            conversation_log_settings=self._conversation_log_settings(),
            sentiment_analysis_settings={"DetectSentiment": self.DETECT_SENTIMENT},
        )
        if log_policy is not None:
            # Lex validates log delivery when the alias is created or updated.
            self.alias.node.add_dependency(log_policy)
        self.alias_arn: str = self.alias.attr_arn

        # Only this alias may invoke the hook: not TSTALIASID (DRAFT), not another bot.
        self.code_hook_permission = lambda_.CfnPermission(
            self,
            "CodeHookInvokePermission",
            action="lambda:InvokeFunction",
            function_name=code_hook_function.function_arn,
            principal=_LEX_SERVICE_PRINCIPAL,
            source_arn=self.alias_arn,
        )

    def _add_text_conversation_logs(
        self,
        *,
        bot_name: str,
        log_retention_days: int,
        retain_logs: bool,
        log_encryption_key: kms.IKey | None,
    ) -> iam.Policy:
        """The encrypted log group of the text conversation logs and the role's delivery policy."""
        # Conversation logs hold callers' words verbatim: encrypt them with a customer-managed key.
        key = log_encryption_key or kms.Key(
            self,
            "ConversationLogKey",
            description=f"Encrypts the conversation logs of the Lex bot {bot_name}",
            enable_key_rotation=True,
            pending_window=self.LOG_KEY_PENDING_WINDOW,
            removal_policy=RemovalPolicy.RETAIN if retain_logs else RemovalPolicy.DESTROY,
        )
        key.add_to_resource_policy(cloudwatch_logs_key_statement(self))
        log_group = logs.CfnLogGroup(
            self,
            "ConversationLogs",
            retention_in_days=log_retention_days,
            kms_key_id=key.key_arn,
        )
        log_group.apply_removal_policy(RemovalPolicy.RETAIN if retain_logs else RemovalPolicy.DESTROY)
        # CloudWatch Logs checks the key policy when the encrypted group is created.
        if isinstance(key, kms.Key):
            log_group.node.add_dependency(key)
        log_policy = iam.Policy(
            self,
            "ConversationLogPolicy",
            roles=[self.role],
            statements=[
                # Lex V2 "IAM policies for conversation logs": these two actions on the log group.
                iam.PolicyStatement(
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[log_group.attr_arn],
                )
            ],
        )
        acknowledge(
            log_policy,
            "IAMNoInlinePolicy",
            packs=HIPAA_NIST_PCI,
            reason=_INLINE_POLICY_REASON,
        )
        self.log_encryption_key = key
        self.conversation_log_group = log_group
        return log_policy

    def _conversation_log_settings(self) -> dict[str, Any] | None:
        """The alias's ``ConversationLogSettings``: text logs to the log group, or none at all."""
        if self.conversation_log_group is None:
            return None
        return {
            "textLogSettings": [
                {
                    "enabled": True,
                    "destination": {
                        "cloudWatch": {
                            "cloudWatchLogGroupArn": self.conversation_log_group.attr_arn,
                            "logPrefix": self.CONVERSATION_LOG_PREFIX,
                        }
                    },
                }
            ]
        }


def render_versioned_bot_settings(definition: BotDefinition, *, bot_name: str) -> dict[str, Any]:
    """Everything a bot version snapshots, as ``AWS::Lex::Bot`` properties (camelCase, no tokens).

    The same dictionary feeds the ``CfnBot`` and the version fingerprint, so the fingerprint
    cannot miss a setting that reaches the bot.
    """
    return {
        "name": bot_name,
        "description": definition.description,
        "dataPrivacy": {"ChildDirected": KoreanLexBot.CHILD_DIRECTED},
        "idleSessionTtlInSeconds": definition.idle_session_ttl_seconds,
        "botLocales": [render_bot_locale(definition)],
    }


def render_bot_locale(definition: BotDefinition) -> dict[str, Any]:
    """The ``BotLocale`` property of the definition's one locale."""
    return {
        "localeId": definition.locale_id,
        "nluConfidenceThreshold": definition.nlu_confidence_threshold,
        "voiceSettings": {"voiceId": definition.voice_id, "engine": definition.voice_engine},
        "slotTypes": [_render_slot_type(slot_type) for slot_type in definition.slot_types],
        "intents": [_render_intent(intent) for intent in definition.intents],
    }


def _render_slot_type(slot_type: SlotTypeDefinition) -> dict[str, Any]:
    values = []
    for value in slot_type.values:
        rendered: dict[str, Any] = {"sampleValue": {"value": value.value}}
        if value.synonyms:
            rendered["synonyms"] = [{"value": synonym} for synonym in value.synonyms]
        values.append(rendered)
    return {
        "name": slot_type.name,
        "valueSelectionSetting": {"resolutionStrategy": KoreanLexBot.SLOT_RESOLUTION_STRATEGY},
        "slotTypeValues": values,
    }


def _render_intent(intent: IntentDefinition) -> dict[str, Any]:
    rendered: dict[str, Any] = {
        "name": intent.name,
        "description": intent.description,
        # Every turn goes to the code hook: it decides ElicitIntent (keep talking) or Close.
        "dialogCodeHook": {"enabled": True},
        "fulfillmentCodeHook": {"enabled": True},
    }
    if intent.is_fallback:
        # Lex V2 allows no utterances, slots or confirmation prompt on the fallback intent; its
        # Lambda call is governed by the fulfillment code hook.
        rendered["parentIntentSignature"] = FALLBACK_PARENT_SIGNATURE
        return rendered
    rendered["sampleUtterances"] = [{"utterance": utterance} for utterance in intent.sample_utterances]
    if intent.slots:
        rendered["slots"] = [
            {
                "name": slot.name,
                "slotTypeName": slot.slot_type,
                "valueElicitationSetting": {"slotConstraint": "Required" if slot.required else "Optional"},
            }
            for slot in intent.slots
        ]
        rendered["slotPriorities"] = [
            {"priority": priority, "slotName": slot.name} for priority, slot in enumerate(intent.slots, 1)
        ]
    return rendered


def _fingerprint(settings: dict[str, Any]) -> str:
    canonical = json.dumps(settings, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
