"""The contract between the infrastructure and the Lambda runtime: every shared name, defined once.

The CDK app (``config``, ``constructs_lib``, ``stacks``), the contact-flow tooling (``flowlang``),
the local simulator and the Lambda code (``handlers``, ``bot``, ``storage``) import the names below
from here; none of them types a shared name out again. The module lives in the Lambda asset
(``lambda_src/contract.py``, imported as ``contract`` as Lambda imports it) because the runtime
needs it; code outside the asset imports the very same file (:mod:`lambda_asset` puts the asset
root on ``sys.path``).

Rules: standard library only (``enum``, ``typing``, ``collections.abc``), no I/O, no logic beyond
deriving one name from another, so importing it costs nothing but its own few enums and tuples
(about 2 ms in a fresh interpreter, most of it enum creation, the bot's enums included). Enums are
the value domains the runtime works with; names (attributes, parameters, metrics, variables) are
plain strings. CDK takes plain strings only (jsii would serialize an enum member as a jsii enum
reference): hand it the ``*_KEYS`` tuples or ``.value``.

========================  =====================================================================
section                   who uses it
========================  =====================================================================
queues                    config validation, the Connect queues and routing profile, the inbound
                          flow's ``%QueueArn_<key>%`` placeholders, the escalation rules, alarms
intents                   the Lex bot definition, the classifiers, the engine
customer tiers            the customers table, the contact-flow function, the flow, the bot
escalation reasons        the bot's ``reason`` attribute and ``Escalation`` metric, alarms
fallback reasons          the classifier chain's ``ClassifierFallback`` metric, alarms
contact attributes        the inbound flow, the Lex hook, the engine
Lex input settings        the Lex hook (``bot.voice_input``), the inbound flow's Lex block, the
                          simulated Lex (barge-in, speech timeouts, keypad input on voice)
contact-flow function     the flow's ``InvokeLambdaFunction`` parameters and ``$.External`` fields
contact records           the contact-records function's outcome, channel and event problems
metrics                   the handlers' EMF metrics, the alarms and the dashboard
environment variables     ``constructs_lib.function_environment`` sets them, ``handlers.settings``
                          and ``bot.business_calendar`` read them
turn reserve              the classifier chain and the Lex hook's timeout
tables                    the stateful stack's tables, the functions' permissions and variables,
                          the storage layer, the simulator's tables and seeds
========================  =====================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final, Literal, NamedTuple

# --- queues ---------------------------------------------------------------------------------------


class Queue(StrEnum):
    """The agent queues, by key.

    A key is the deployed queue's name, its ``queues.<key>`` section of ``config/environments.json``,
    the ``queue`` attribute the bot sets when it escalates and the inbound flow routes on, and the
    ``%QueueArn_<key>%`` placeholder of the flow templates.
    """

    GENERAL = "general"
    COMPLAINT = "complaint"
    TECH_SUPPORT = "tech_support"
    PAYMENT = "payment"
    PRIORITY = "priority"


#: Every queue key as a plain string, in declaration order.
QUEUE_KEYS: Final[tuple[str, ...]] = tuple(queue.value for queue in Queue)

#: The Connect queue's description (shown to agents and supervisors).
QUEUE_DESCRIPTIONS: Final[Mapping[Queue, str]] = {
    Queue.GENERAL: "일반 문의",
    Queue.COMPLAINT: "불만 접수",
    Queue.TECH_SUPPORT: "기술 지원",
    Queue.PAYMENT: "결제·환불",
    Queue.PRIORITY: "VIP·긴급",
}

#: Where a contact goes when nothing more specific applies: the inbound flow's error path and
#: unknown-queue branch, a ``system_error`` escalation, the agents' default outbound queue.
DEFAULT_QUEUE: Final = Queue.GENERAL
#: Served first by every agent: VIP callers (whatever their reason) and urgent words go here.
PRIORITY_QUEUE: Final = Queue.PRIORITY


# --- intents --------------------------------------------------------------------------------------


class Intent(StrEnum):
    """The customer's 11 intents (CONTENT.md): the Lex bot's intent names and the classifiers' labels."""

    GREETING = "greeting"
    GOODBYE = "goodbye"
    PRODUCT_INQUIRY = "product_inquiry"
    ORDER_INQUIRY = "order_inquiry"
    RESERVATION = "reservation"
    CANCEL_REQUEST = "cancel_request"
    PAYMENT_INQUIRY = "payment_inquiry"
    TECHNICAL_SUPPORT = "technical_support"
    COMPLAINT = "complaint"
    AGENT_REQUEST = "agent_request"
    GENERAL_INQUIRY = "general_inquiry"


#: Lex's built-in intent for what no intent matches; the bot definition must have it.
FALLBACK_INTENT: Final = "FallbackIntent"


# --- customers ------------------------------------------------------------------------------------


class CustomerTier(StrEnum):
    """A customer's tier: the customers table's ``tier``, the ``customerTier`` contact attribute."""

    STANDARD = "STANDARD"
    VIP = "VIP"


# --- why the bot hands over, and why Bedrock did not answer -------------------------------------------


class EscalationReason(StrEnum):
    """Why a contact is handed to an agent: the ``reason`` attribute and metric dimension.

    The rules that pick a reason (and its queue) are ``bot.escalation``'s.
    """

    COMPLAINT = "complaint"
    URGENT = "urgent"
    AGENT_REQUEST = "agent_request"
    PAYMENT_SECURITY = "payment_security"
    TECH_SUPPORT = "tech_support"
    PRODUCT_OTHER = "product_other"
    BOT_LIMITATION = "bot_limitation"
    VALIDATION_FAILED = "validation_failed"
    ORDER_NOT_FOUND = "order_not_found"
    SYSTEM_ERROR = "system_error"


class FallbackReason(StrEnum):
    """Why the local classifier answered instead of Bedrock (``bot.classifier_chain.ChainResult``)."""

    #: The chain runs without Bedrock.
    DISABLED = "disabled"
    #: Nothing to classify: Bedrock is never asked about silence.
    EMPTY_INPUT = "empty_input"
    #: The local answer was sure (``bot.local_confidence``), so Bedrock was not asked
    #: (:attr:`ConsultPolicy.WHEN_UNSURE`).
    LOCAL_CONFIDENT = "local_confident"
    TIMEOUT = "timeout"
    THROTTLED = "throttled"
    ACCESS_DENIED = "access_denied"
    MALFORMED_OUTPUT = "malformed_output"
    OFF_TAXONOMY = "off_taxonomy"
    BUDGET_EXHAUSTED = "budget_exhausted"
    #: Any failure without a more specific reason.
    ERROR = "error"


#: The reasons that mean Bedrock failed: exactly the ones the Lex hook counts as ``ClassifierFallback``.
BEDROCK_FAILURE_REASONS: Final[tuple[FallbackReason, ...]] = tuple(
    reason
    for reason in FallbackReason
    if reason not in {FallbackReason.DISABLED, FallbackReason.EMPTY_INPUT, FallbackReason.LOCAL_CONFIDENT}
)


class ConsultPolicy(StrEnum):
    """When the classifier chain asks Bedrock (config ``bedrock_consult``, ``EnvVar.BEDROCK_CONSULT``)."""

    #: Only when the local classifier is not sure (``bot.local_confidence``): the default.
    WHEN_UNSURE = "when_unsure"
    #: On every turn with words, before the local classifier (the behaviour before issue 14).
    ALWAYS = "always"


class FaqFirstOutcome(StrEnum):
    """What became of an FAQ answered before an escalation (``bot.faq_first``).

    The ``outcome`` of the Lex hook's ``FaqBeforeEscalation`` metric: ``offered`` counts the answers,
    the other three what the caller did next (resolved and moved_on are contained so far).
    """

    #: A strongly matching FAQ was answered instead of escalating for the caller's intent.
    OFFERED = "offered"
    #: The caller said it helped, thanked the bot or said nothing: the call ended without an agent.
    RESOLVED = "resolved"
    #: The caller said no or asked for an agent: escalated with the original reason.
    ESCALATED = "escalated"
    #: The caller went on with something else (handled as any other turn).
    MOVED_ON = "moved_on"


# --- contact attributes ---------------------------------------------------------------------------


class ContactAttribute:
    """Contact attributes of the inbound flow and the Lex session attributes it exchanges with the bot."""

    #: Set by the flow from the customer lookup (``STANDARD`` without one); passed to the bot.
    CUSTOMER_TIER: Final = "customerTier"
    #: Set by the flow from the customer lookup.
    CUSTOMER_NAME: Final = "customerName"
    #: Passed to the bot: the contact's channel (``$.Channel``, VOICE or CHAT).
    CHANNEL: Final = "channel"
    #: Passed to the bot: the contact id (``$.ContactId``), the key of the conversation log.
    CONTACT_ID: Final = "contactId"
    #: Set by the bot when it closes: a :class:`NextAction`.
    NEXT_ACTION: Final = "nextAction"
    #: Set by the bot with ``escalate``: a :class:`Queue` key, what the flow routes on.
    QUEUE: Final = "queue"
    #: Set by the bot with ``escalate``: an :class:`EscalationReason`.
    REASON: Final = "reason"
    #: Set by the bot with ``escalate``: CRITICAL, HIGH or NORMAL.
    PRIORITY: Final = "priority"
    # The handoff summary (``bot.handoff``): Korean display strings, bounded, personal data masked,
    # set by the bot with ``escalate``; the agent whisper flow plays the first, the guide view shows all.
    #: What the agent hears when answering, e.g. "불만 접수로 연결된 VIP 고객입니다.".
    HANDOFF_WHISPER: Final = "handoffWhisper"
    #: The customer's tier for the agent ("VIP", "일반").
    HANDOFF_TIER: Final = "handoffTier"
    #: What the caller wanted, e.g. "결제 문의" ("파악되지 않음" when the bot did not understand).
    HANDOFF_INTENT: Final = "handoffIntent"
    #: Why the bot handed over, e.g. "불만 접수".
    HANDOFF_REASON: Final = "handoffReason"
    #: "긴급", "높음" or "보통".
    HANDOFF_PRIORITY: Final = "handoffPriority"
    #: The FAQ questions the bot already answered ("없음" when none).
    HANDOFF_FAQ: Final = "handoffFaq"
    #: Where a dialog stood, e.g. "예약 — 서비스: 상담 예약, 희망 날짜: 2026-12-01 (연락처 확인 중)".
    HANDOFF_PROGRESS: Final = "handoffProgress"
    #: The caller's last words, personal data masked.
    HANDOFF_LAST_WORDS: Final = "handoffLastWords"
    # A booked callback (``bot.callback_plan``): set on the contact before the flow creates the
    # queued callback or task, which carries them to the agent (task attributes, agent whisper).
    #: The callback's reference number (the callbacks table's ``reference``).
    CALLBACK_REFERENCE: Final = "callbackReference"
    #: The reference spaced out for text-to-speech (``3 0 3 7, 3 2 3 4``): what the whispers say.
    CALLBACK_REFERENCE_SPOKEN: Final = "callbackReferenceSpoken"
    #: The promised time as the caller is told it (register_callback's ``callbackTime``): the
    #: confirmation reads it here, since linking the task replaces ``$.External``.
    CALLBACK_TIME_SPOKEN: Final = "callbackTimeSpoken"
    #: A :class:`CallbackKind`: what the flow created in Connect.
    CALLBACK_KIND: Final = "callbackKind"
    #: The :class:`Queue` key the callback waits in.
    CALLBACK_QUEUE: Final = "callbackQueue"
    #: The queue's ARN (``$.Queue.ARN`` when booked): where the task flow puts a task.
    CALLBACK_QUEUE_ARN: Final = "callbackQueueArn"
    #: Why the caller wanted an agent: an :class:`EscalationReason` (the bot's ``reason``).
    CALLBACK_REASON: Final = "callbackReason"
    #: The number to call back, masked (``010-****-5678``): shown and whispered, never dialled.
    CALLBACK_NUMBER_MASKED: Final = "callbackNumberMasked"
    #: When Connect releases it to agents (ISO-8601, Korea time, ``+09:00``).
    CALLBACK_RELEASE_AT: Final = "callbackReleaseAt"
    #: The reason in Korean, as the outbound and agent whispers say it.
    CALLBACK_REASON_LABEL: Final = "callbackReasonLabel"
    #: On a callback task: the task flow's ARN, so that a task every queue refused can come back later.
    CALLBACK_TASK_FLOW_ARN: Final = "callbackTaskFlowArn"


#: Session attributes the inbound flow hands the bot.
BOT_INPUT_ATTRIBUTES: Final = (
    ContactAttribute.CUSTOMER_TIER,
    ContactAttribute.CHANNEL,
    ContactAttribute.CONTACT_ID,
)
#: Session attributes the bot sets when it closes; the flow saves them as contact attributes.
ROUTING_ATTRIBUTES: Final = (
    ContactAttribute.NEXT_ACTION,
    ContactAttribute.QUEUE,
    ContactAttribute.REASON,
    ContactAttribute.PRIORITY,
)

#: The handoff summary the bot sets with ``escalate``; the inbound flow saves it as contact attributes
#: for the agent whisper and guide flows (``save-handoff``).
HANDOFF_ATTRIBUTES: Final = (
    ContactAttribute.HANDOFF_WHISPER,
    ContactAttribute.HANDOFF_TIER,
    ContactAttribute.HANDOFF_INTENT,
    ContactAttribute.HANDOFF_REASON,
    ContactAttribute.HANDOFF_PRIORITY,
    ContactAttribute.HANDOFF_FAQ,
    ContactAttribute.HANDOFF_PROGRESS,
    ContactAttribute.HANDOFF_LAST_WORDS,
)


class LexInputSetting:
    """Lex V2's own session attributes for capturing the caller's next input on voice.

    Syntax ``x-amz-lex:<input type>:<behaviour>:<intent>:<slot>`` (Lex V2 guide "Configuring
    timeouts for capturing user input"; Connect's "Get customer input" block page). The bot never
    elicits slots, so every name here is the ``*:*`` default: the Lex hook sets them for the prompt
    it is about to play (``bot.voice_input``), the inbound flow's Lex block for the first prompt.
    Values are strings (milliseconds, digit counts, ``true``/``false``, one keypad character).
    """

    ALLOW_INTERRUPT: Final = "x-amz-lex:allow-interrupt:*:*"
    AUDIO_START_TIMEOUT_MS: Final = "x-amz-lex:audio:start-timeout-ms:*:*"
    AUDIO_END_TIMEOUT_MS: Final = "x-amz-lex:audio:end-timeout-ms:*:*"
    AUDIO_MAX_LENGTH_MS: Final = "x-amz-lex:audio:max-length-ms:*:*"
    DTMF_END_CHARACTER: Final = "x-amz-lex:dtmf:end-character:*:*"
    DTMF_DELETION_CHARACTER: Final = "x-amz-lex:dtmf:deletion-character:*:*"
    DTMF_END_TIMEOUT_MS: Final = "x-amz-lex:dtmf:end-timeout-ms:*:*"
    DTMF_MAX_LENGTH: Final = "x-amz-lex:dtmf:max-length:*:*"


#: Every Lex input setting the hook and the flow set, in a stable order.
LEX_INPUT_SETTINGS: Final = (
    LexInputSetting.ALLOW_INTERRUPT,
    LexInputSetting.AUDIO_START_TIMEOUT_MS,
    LexInputSetting.AUDIO_END_TIMEOUT_MS,
    LexInputSetting.AUDIO_MAX_LENGTH_MS,
    LexInputSetting.DTMF_END_CHARACTER,
    LexInputSetting.DTMF_DELETION_CHARACTER,
    LexInputSetting.DTMF_END_TIMEOUT_MS,
    LexInputSetting.DTMF_MAX_LENGTH,
)
#: The key that ends keypad input inside the bot (Lex's default too), and the one that clears it.
DTMF_END_KEY: Final = "#"
DTMF_DELETION_KEY: Final = "*"


class NextAction(StrEnum):
    """What the flow does after the bot closes (``nextAction``)."""

    END = "end"
    ESCALATE = "escalate"


# --- contact records ------------------------------------------------------------------------------


class ContactOutcome(StrEnum):
    """How a contact ended for the bot: the contact record's ``outcome`` and metric dimension.

    The rules that pick one are ``bot.contact_outcome``'s.
    """

    #: The bot answered and the contact ended without an agent or a callback.
    CONTAINED = "contained"
    #: An agent took the contact.
    TRANSFERRED = "transferred"
    #: A callback was booked.
    CALLBACK = "callback"
    #: The customer left before being served (in the bot, or waiting in a queue).
    ABANDONED = "abandoned"
    #: The bot or the flow failed and nobody served the customer.
    ERROR = "error"


class ContactChannel(StrEnum):
    """Connect channels as contact events spell them; any other value is recorded as given."""

    VOICE = "VOICE"
    CHAT = "CHAT"
    TASK = "TASK"
    EMAIL = "EMAIL"


#: The ``channel`` dimension of a contact whose channel is none of :class:`ContactChannel`.
OTHER_CHANNEL: Final = "OTHER"


class ContactEventProblem(StrEnum):
    """What was wrong with a contact event (the ``ContactEventProblem`` metric's ``problem``)."""

    #: Not a contact event, or no contact id: logged, counted and dropped (a retry cannot help).
    MALFORMED = "malformed"
    #: A contact event of a type other than ``DISCONNECTED``: logged, counted and dropped.
    NOT_ENDED = "not_ended"
    #: A channel that is not one of :class:`ContactChannel`: recorded with the channel as given.
    UNKNOWN_CHANNEL = "unknown_channel"
    #: Timestamps missing or unreadable: recorded without them.
    MISSING_FIELDS = "missing_fields"
    #: Connect had no attributes for the contact: recorded from the event's facts alone.
    ATTRIBUTES_UNAVAILABLE = "attributes_unavailable"
    #: The contact is already recorded (a redelivered event): nothing is written.
    DUPLICATE = "duplicate"


# --- the contact-flow function --------------------------------------------------------------------


class ContactFlowAction(StrEnum):
    """What the flow asks the contact-flow function (``LambdaInvocationAttributes.action``)."""

    LOOKUP_CUSTOMER = "lookup_customer"
    REGISTER_CALLBACK = "register_callback"
    #: The flow could not create what register_callback planned and created a task instead.
    UPDATE_CALLBACK = "update_callback"
    #: The flow created the callback's task: the row records the task's contact id (``$.Task.ContactId``).
    LINK_CALLBACK = "link_callback"


#: Every contact-flow action as a plain string.
CONTACT_FLOW_ACTIONS: Final[tuple[str, ...]] = tuple(action.value for action in ContactFlowAction)


class LambdaParameter:
    """``LambdaInvocationAttributes`` of the flow (``Details.Parameters`` in the function's event)."""

    ACTION: Final = "action"
    #: The number a chat customer typed (chat has no telephone endpoint).
    PHONE_NUMBER: Final = "phoneNumber"
    #: register_callback: the :class:`Queue` key the bot chose (``$.Attributes.queue``).
    QUEUE: Final = "queue"
    #: register_callback: the :class:`EscalationReason` (``$.Attributes.reason``).
    REASON: Final = "reason"
    #: update_callback: the :class:`CallbackKind` the flow created instead.
    CALLBACK_KIND: Final = "callbackKind"
    #: update_callback: a :class:`CallbackFallback`, why.
    FALLBACK: Final = "fallback"
    #: link_callback: the contact id of what the flow created in Connect (``$.Task.ContactId``).
    CONNECT_CONTACT_ID: Final = "connectContactId"


class CallbackKind(StrEnum):
    """What a booked callback becomes in Connect (``bot.callback_plan`` decides)."""

    #: ``CreateCallbackContact``: Connect dials the caller when an agent takes it (voice, agents working).
    QUEUED_CALLBACK = "queued_callback"
    #: ``CreateTask`` delayed to the release time: an agent calls back by hand.
    TASK = "task"


class CallbackFallback(StrEnum):
    """Why the flow created a task instead of the planned queued callback (``update_callback``)."""

    #: ``UpdateContactCallbackNumber`` took ``InvalidCallbackNumber`` or ``CallbackNumberNotDialable``.
    NOT_DIALABLE = "not_dialable"
    #: ``CreateCallbackContact`` failed (the queue at capacity, or any other error).
    NOT_QUEUED = "not_queued"
    #: ``CreateTask`` failed too: Connect owns nothing, the caller was told (row status NOT_CREATED).
    NOT_CREATED = "not_created"


#: The callbacks table's ``status`` of a request Connect owns (a queued callback or task waits).
CALLBACK_PENDING: Final = "PENDING"
#: ``status`` of a request the flow could not create in Connect (the caller was told it failed).
CALLBACK_NOT_CREATED: Final = "NOT_CREATED"


class LambdaResponse:
    """Fields of the contact-flow function's flat answer (``$.External.<field>`` in the flow)."""

    #: :data:`RESULT_OK` or :data:`RESULT_ERROR`; the flow compares it.
    RESULT: Final = "result"
    #: Why the action failed (with ``error``).
    REASON: Final = "reason"
    # lookup_customer
    TIER: Final = "tier"
    NAME: Final = "name"
    KNOWN: Final = "known"
    # register_callback
    REFERENCE: Final = "reference"
    REFERENCE_SPOKEN: Final = "referenceSpoken"
    CALLBACK_TIME: Final = "callbackTime"
    CALLBACK_AT: Final = "callbackAt"
    #: A :class:`CallbackKind`: what the flow should create in Connect.
    CALLBACK_KIND: Final = "callbackKind"
    #: When Connect should release it to agents (ISO-8601, ``+09:00``).
    RELEASE_AT: Final = "releaseAt"
    #: Seconds from now to ``releaseAt`` (CreateTask ``DelaySeconds``, 1-518,400).
    RELEASE_DELAY_SECONDS: Final = "releaseDelaySeconds"
    #: The number to call back, masked.
    CALLBACK_NUMBER_MASKED: Final = "callbackNumberMasked"
    #: The reason as the whispers say it (Korean, ``bot.messages.callback_reason_label``).
    REASON_LABEL: Final = "reasonLabel"


RESULT_OK: Final = "ok"
RESULT_ERROR: Final = "error"


# --- metrics --------------------------------------------------------------------------------------

#: CloudWatch namespace of the handlers' EMF metrics (``POWERTOOLS_METRICS_NAMESPACE``).
METRICS_NAMESPACE: Final = "AiccContactCenter"


class Metric:
    """Names of the handlers' EMF metrics (each a count)."""

    TURNS: Final = "Turns"
    FAQ_HIT: Final = "FaqHit"
    FAQ_MISS: Final = "FaqMiss"
    CLASSIFIER_FALLBACK: Final = "ClassifierFallback"
    ESCALATION: Final = "Escalation"
    CONVERSATION_LOG_WRITE_FAILED: Final = "ConversationLogWriteFailed"
    #: A turn whose words the chain sent to Bedrock (answered or failed: ``ClassifierFallback`` says which).
    BEDROCK_CONSULTED: Final = "BedrockConsulted"
    #: A turn the local classifier answered without asking Bedrock (``FallbackReason.LOCAL_CONFIDENT``).
    LOCAL_CONFIDENT: Final = "LocalConfident"
    CUSTOMER_LOOKUP: Final = "CustomerLookup"
    CALLBACK_REGISTERED: Final = "CallbackRegistered"
    CONTACT_FLOW_ERROR: Final = "ContactFlowError"
    #: A business-calendar decision (a callback time) past the last day the configured holidays
    #: cover (``EnvVar.BUSINESS_HOLIDAYS_UNTIL``): holidays there are unknown, so it may fall on one.
    HOLIDAY_CALENDAR_EXHAUSTED: Final = "HolidayCalendarExhausted"
    #: A booked callback Connect refused to create (no queued callback, no task): the caller was
    #: told, the row says NOT_CREATED, and somebody has to call back from the table.
    CALLBACK_NOT_CREATED: Final = "CallbackNotCreated"
    #: One per contact recorded, by channel and :class:`ContactOutcome` (the containment rate).
    CONTACT_RECORDED: Final = "ContactRecorded"
    #: One per recorded contact the bot escalated, by :class:`EscalationReason` (``none``: unknown).
    CONTACT_ESCALATED: Final = "ContactEscalated"
    #: A contact event with a :class:`ContactEventProblem`.
    CONTACT_EVENT_PROBLEM: Final = "ContactEventProblem"
    #: A gauge: callbacks waiting in the callbacks table (``status`` PENDING), counted as contacts end.
    CALLBACKS_PENDING: Final = "CallbacksPending"
    #: An FAQ answered before an escalation its intent would have caused, by :class:`FaqFirstOutcome`.
    FAQ_BEFORE_ESCALATION: Final = "FaqBeforeEscalation"


class Dimension:
    """Dimension names of the handlers' metrics, each with a small, bounded set of values."""

    #: Powertools' own: the function's ``POWERTOOLS_SERVICE_NAME``, on every metric.
    SERVICE: Final = "service"
    #: An :class:`Intent` value, or ``none``.
    INTENT: Final = "intent"
    #: The classifier that answered (``bedrock``, ``local``), or ``none``.
    SOURCE: Final = "source"
    #: An :class:`EscalationReason` (``Escalation``) or a :class:`FallbackReason` (``ClassifierFallback``).
    REASON: Final = "reason"
    #: A :class:`Queue` key.
    QUEUE: Final = "queue"
    #: A :class:`ContactFlowAction`.
    ACTION: Final = "action"
    #: A :class:`ContactChannel` value, or :data:`OTHER_CHANNEL`.
    CHANNEL: Final = "channel"
    #: A :class:`ContactOutcome` (``ContactRecorded``) or :class:`FaqFirstOutcome` (``FaqBeforeEscalation``).
    OUTCOME: Final = "outcome"
    #: A :class:`ContactEventProblem`.
    PROBLEM: Final = "problem"


#: What the Lex hook publishes: metric name -> its dimensions besides ``service``.
LEX_HOOK_METRICS: Final[Mapping[str, tuple[str, ...]]] = {
    Metric.TURNS: (Dimension.INTENT, Dimension.SOURCE),
    Metric.FAQ_HIT: (),
    Metric.FAQ_MISS: (),
    Metric.CLASSIFIER_FALLBACK: (Dimension.REASON,),
    Metric.ESCALATION: (Dimension.QUEUE, Dimension.REASON),
    Metric.CONVERSATION_LOG_WRITE_FAILED: (),
    Metric.FAQ_BEFORE_ESCALATION: (Dimension.OUTCOME,),
    Metric.BEDROCK_CONSULTED: (),
    Metric.LOCAL_CONFIDENT: (),
}
#: What the contact-flow function publishes: metric name -> its dimensions besides ``service``.
CONTACT_FLOW_METRICS: Final[Mapping[str, tuple[str, ...]]] = {
    Metric.CUSTOMER_LOOKUP: (Dimension.ACTION,),
    Metric.CALLBACK_REGISTERED: (Dimension.ACTION,),
    Metric.CONTACT_FLOW_ERROR: (Dimension.ACTION,),
    Metric.HOLIDAY_CALENDAR_EXHAUSTED: (Dimension.ACTION,),
    Metric.CALLBACK_NOT_CREATED: (Dimension.ACTION,),
}
#: What the contact-records function publishes: metric name -> its dimensions besides ``service``.
CONTACT_RECORDS_METRICS: Final[Mapping[str, tuple[str, ...]]] = {
    Metric.CONTACT_RECORDED: (Dimension.CHANNEL, Dimension.OUTCOME),
    Metric.CONTACT_ESCALATED: (Dimension.REASON,),
    Metric.CONTACT_EVENT_PROBLEM: (Dimension.PROBLEM,),
    Metric.CALLBACKS_PENDING: (),
}
#: Every handler metric: name -> its dimensions besides ``service``.
HANDLER_METRICS: Final[Mapping[str, tuple[str, ...]]] = {
    **LEX_HOOK_METRICS,
    **CONTACT_FLOW_METRICS,
    **CONTACT_RECORDS_METRICS,
}


# --- environment variables of the functions -------------------------------------------------------


class EnvVar:
    """Environment variables the deployment sets and the handlers read.

    Table names travel in ``<KEY>_TABLE_NAME`` (:attr:`TableDefinition.environment_variable`).
    """

    BEDROCK_ENABLED: Final = "BEDROCK_ENABLED"
    BEDROCK_MODEL_ID: Final = "BEDROCK_MODEL_ID"
    BEDROCK_TIMEOUT_SECONDS: Final = "BEDROCK_TIMEOUT_SECONDS"
    #: A :class:`ConsultPolicy` value: when the classifier chain asks Bedrock.
    BEDROCK_CONSULT: Final = "BEDROCK_CONSULT"
    #: ``true`` or ``false``: answer a strongly matching FAQ before escalating (``bot.faq_first``).
    FAQ_FIRST: Final = "FAQ_FIRST"
    CONVERSATION_TTL_DAYS: Final = "CONVERSATION_TTL_DAYS"
    CONTACT_RECORD_TTL_DAYS: Final = "CONTACT_RECORD_TTL_DAYS"
    BUSINESS_OPEN_TIME: Final = "BUSINESS_OPEN_TIME"
    BUSINESS_CLOSE_TIME: Final = "BUSINESS_CLOSE_TIME"
    #: Comma-separated ``MON``..``SUN``.
    BUSINESS_DAYS: Final = "BUSINESS_DAYS"
    #: Comma-separated ISO dates.
    BUSINESS_HOLIDAYS: Final = "BUSINESS_HOLIDAYS"
    #: The last day (ISO date, inclusive) ``BUSINESS_HOLIDAYS`` covers: Dec 31 of the last holiday year.
    BUSINESS_HOLIDAYS_UNTIL: Final = "BUSINESS_HOLIDAYS_UNTIL"
    #: ``true`` when the queues have an outbound caller id (a claimed number): queued callbacks can dial.
    CALLBACK_DIALING: Final = "CALLBACK_DIALING"
    #: Powertools' own: the logs' ``service`` and the metrics' ``service`` dimension.
    POWERTOOLS_SERVICE_NAME: Final = "POWERTOOLS_SERVICE_NAME"
    POWERTOOLS_METRICS_NAMESPACE: Final = "POWERTOOLS_METRICS_NAMESPACE"


#: Seconds the Lex hook keeps back after classification for the rest of the turn: the classifier
#: chain's reserve, and part of the timeout the deployment gives the function.
TURN_RESERVE_SECONDS: Final = 1.5


# --- tables ---------------------------------------------------------------------------------------

AttributeType = Literal["S", "N"]


class KeyAttribute(NamedTuple):
    """A key attribute: its name and DynamoDB type."""

    name: str
    type: AttributeType = "S"


class IndexDefinition(NamedTuple):
    """A global secondary index projecting all attributes."""

    name: str
    partition_key: KeyAttribute
    sort_key: KeyAttribute | None = None


class TableDefinition(NamedTuple):
    """One DynamoDB table: what the stateful stack deploys, the storage layer and the simulator use."""

    key: str  # logical name, also the suffix of outputs and environment variables
    description: str
    partition_key: KeyAttribute
    sort_key: KeyAttribute | None = None
    ttl_attribute: str | None = None
    indexes: tuple[IndexDefinition, ...] = ()

    @property
    def key_names(self) -> tuple[str, ...]:
        """The primary key's attribute names: the partition key, then the sort key if there is one."""
        return (
            (self.partition_key.name,)
            if self.sort_key is None
            else (self.partition_key.name, self.sort_key.name)
        )

    @property
    def environment_variable(self) -> str:
        """Name of the Lambda environment variable that carries the table name."""
        return f"{self.key.upper()}_TABLE_NAME"


CONVERSATIONS: Final = TableDefinition(
    key="conversations",
    description="One item per bot turn: what the caller said (masked) and what the bot did",
    partition_key=KeyAttribute("contact_id"),
    sort_key=KeyAttribute("turn", "N"),
    ttl_attribute="expires_at",
)
FAQ: Final = TableDefinition(
    key="faq",
    description="FAQ entries by id, loaded from the versioned FAQ file at deploy",
    partition_key=KeyAttribute("faq_id"),
)
CUSTOMERS: Final = TableDefinition(
    key="customers",
    description="Customer profile (tier, name) by E.164 phone number",
    partition_key=KeyAttribute("phone_number"),
)
CALLBACKS: Final = TableDefinition(
    key="callbacks",
    description="Callback requests, one per contact; pending ones listed by requested time",
    partition_key=KeyAttribute("contact_id"),
    indexes=(IndexDefinition("pending_by_time", KeyAttribute("status"), KeyAttribute("callback_at")),),
)
RESERVATIONS: Final = TableDefinition(
    key="reservations",
    description="Bookings made by the bot, by reference number; listed per caller by date",
    partition_key=KeyAttribute("reference"),
    indexes=(
        IndexDefinition("by_phone_number", KeyAttribute("phone_number"), KeyAttribute("reservation_date")),
    ),
)
ORDERS: Final = TableDefinition(
    key="orders",
    description="Order status by order number (written by the business's order system)",
    partition_key=KeyAttribute("order_id"),
)

CONTACT_RECORDS: Final = TableDefinition(
    key="contact_records",
    description="One record per ended contact: channel, times, the bot's outcome (masked, TTL)",
    partition_key=KeyAttribute("contact_id"),
    ttl_attribute="expires_at",
)

#: Every table, in deployment order.
TABLE_DEFINITIONS: Final = (CONVERSATIONS, FAQ, CUSTOMERS, CALLBACKS, RESERVATIONS, ORDERS, CONTACT_RECORDS)
#: The tables each function reads or writes (the ``*_TABLE_NAME`` variables it is given).
LEX_HOOK_TABLES: Final = (CONVERSATIONS, FAQ, RESERVATIONS, ORDERS)
CONTACT_FLOW_TABLES: Final = (CUSTOMERS, CALLBACKS)
#: The contact-records function writes records, reads a contact's callback and its last turn.
CONTACT_RECORDS_TABLES: Final = (CONTACT_RECORDS, CALLBACKS, CONVERSATIONS)


class CustomerItem:
    """Attributes of a customers item besides its key (written by the business's CRM)."""

    TIER: Final = "tier"  # a CustomerTier value
    NAME: Final = "name"


class OrderItem:
    """Attributes of an orders item besides its key (written by the business's order system)."""

    STATUS: Final = "status"  # Korean, speakable, e.g. "배송 중"
    DETAIL: Final = "detail"


# --- the start-chat API ---------------------------------------------------------------------------
# Shared by the web stack (constructs_lib/chat_api.py), the start-chat function
# (handlers/start_chat.py, webchat/), the contact-flow function's chat lookup and the chat page.

#: The API's one resource: ``POST {ChatApiUrl}chats`` (``ChatApiUrl`` ends in ``/``).
CHAT_API_RESOURCE: Final = "chats"
#: The API's stage, the last segment of ``ChatApiUrl``.
CHAT_API_STAGE: Final = "v1"
#: The web stack's output holding the API's base URL.
CHAT_API_URL_OUTPUT: Final = "ChatApiUrl"
#: What the chat accepts from the customer and sends to it (Connect's ``SupportedMessagingContentTypes``).
CHAT_CONTENT_TYPES: Final = ("text/plain", "text/markdown")
#: Locales the page may declare (the bot speaks ko_KR only).
CHAT_LOCALES: Final = ("ko_KR",)


class ChatAttribute:
    """Contact attributes the start-chat API sets (never taken verbatim from the page)."""

    #: The customers-table key (E.164 number) of a customer whose site-signed token the API
    #: verified; the contact-flow function's ``lookup_customer`` reads it on chat contacts.
    VERIFIED_CUSTOMER_ID: Final = "verifiedCustomerId"
    #: The page's ``attributes.locale`` (one of :data:`CHAT_LOCALES`).
    LOCALE: Final = "chatLocale"
    #: The page's ``attributes.page`` (where on the site the chat was opened, bounded).
    PAGE: Final = "chatPage"


#: The page's ``attributes`` keys the API accepts, and the contact attribute each becomes.
CHAT_CLIENT_ATTRIBUTES: Final[Mapping[str, str]] = {
    "locale": ChatAttribute.LOCALE,
    "page": ChatAttribute.PAGE,
}


class ChatErrorCode(StrEnum):
    """``code`` of an error answer of the start-chat API (its ``message`` is Korean, for the page)."""

    INVALID_REQUEST = "invalid_request"
    INVALID_DISPLAY_NAME = "invalid_display_name"
    INVALID_ATTRIBUTES = "invalid_attributes"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - a name, not a secret
    EXPIRED_TOKEN = "expired_token"  # noqa: S105 - a name, not a secret
    ORIGIN_NOT_ALLOWED = "origin_not_allowed"
    NOT_FOUND = "not_found"
    #: Too many start requests: the stage's throttling, WAF's rate rule or Connect's API rate.
    RATE_LIMITED = "rate_limited"
    #: Connect's concurrent active chats quota is reached.
    BUSY = "busy"
    UNAVAILABLE = "unavailable"
    INTERNAL_ERROR = "internal_error"


class ChatEnvVar:
    """Environment variables of the start-chat function."""

    INSTANCE_ID: Final = "CHAT_CONNECT_INSTANCE_ID"
    #: The inbound flow's ARN; the function takes the flow id off its end (a cross-stack ARN cannot be
    #: split in the template: cfn-lint rejects ``Fn::GetStackOutput`` inside ``Fn::Split``).
    CONTACT_FLOW_ARN: Final = "CHAT_CONTACT_FLOW_ARN"
    CHAT_DURATION_MINUTES: Final = "CHAT_DURATION_MINUTES"
    #: Comma-separated origins (``https://www.example.com``) whose pages may call the API.
    ALLOWED_ORIGINS: Final = "CHAT_ALLOWED_ORIGINS"
    #: The Secrets Manager secret ``{"current": ..., "previous": ...}`` that signs customer tokens.
    TOKEN_SECRET_ARN: Final = "CHAT_TOKEN_SECRET_ARN"  # noqa: S105 - a name, not a secret
    #: The ``aud`` claim a customer token must carry (``<name_prefix>-chat``).
    TOKEN_AUDIENCE: Final = "CHAT_TOKEN_AUDIENCE"  # noqa: S105 - a name, not a secret
