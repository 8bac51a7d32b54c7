"""Amazon Lex V2 code hook: one caller turn in, one valid Lex V2 response out.

Every intent of the bot (dialog and fulfillment code hooks, including ``FallbackIntent``) calls
this function. It reads the caller's words (``inputTranscript``) and the session attributes the
contact flow passes (``customerTier``, ``channel``, ``contactId``; the contact id falls back to
the Lex ``sessionId``), lets the bot engine decide the turn, writes the turn to the conversation
log and answers Lex.

Response contract:

* ``dialogAction.type`` is ``ElicitIntent`` while the conversation goes on (the next utterance is
  classified again and the engine finds its dialog state in the session attributes) and
  ``Close`` when it ends or goes to an agent.
* A ``Close`` carries ``intent {name, state: "Fulfilled"}``, the invoked intent's name (or
  ``FallbackIntent``). Connect routes on the session attributes ``nextAction``, ``queue``,
  ``reason`` and ``priority``, not on the intent state, so ``Fulfilled`` is used for escalations
  as well: ``Failed`` would make Lex report the conversation as failed in its analytics even
  though the bot did what it should (hand over).
* ``messages`` is never empty, each ``PlainText`` and at most 1,000 characters (Lex's limit);
  session attribute values are always strings.
* On voice an ``ElicitIntent`` also carries Lex's listening settings for the prompt it plays
  (barge-in, speech timeouts, keypad input: ``bot.voice_input``) and, after a number, date or menu
  prompt, a note that the keypad works; keypad digits (``inputMode`` ``DTMF``) are read like words.
* Any exception anywhere becomes a ``Close`` with the temporary-error apology and the escalate
  message, and ``nextAction=escalate``, ``queue=general`` (``priority`` for a VIP caller, per the
  escalation rules), ``reason=system_error``; the exception is logged with the reason.

Personal data (``bot.personal_data``: phone, resident registration, card and account numbers in any
form) is masked in the caller's text and the bot's reply before the turn is written to the
conversation log. A failed conversation-log write never fails the turn: it is logged with the full
(masked) record and counted in the ``ConversationLogWriteFailed`` metric.

Deadline: every AWS call of a turn derives its timeouts and attempts from the time the invocation
has left, less :data:`ANSWER_MARGIN_SECONDS` for answering (``storage.deadline``). A stalled or
failing table costs at most what is left: the FAQ read of a cold start gets
:data:`FAQ_READ_SECONDS` (then the bundled FAQ file answers), the conversation-log write
:data:`CONVERSATION_LOG_SECONDS`, an order or reservation call what remains (then the dialog
apologises, and hands over on the second failure). Bedrock keeps its own rule: one attempt sized to
its budget, started only when the budget fits in the time left (``bot.classifier_chain``).

Cold start: this module imports only the standard library, Powertools' logger and metrics and
small bot modules. boto3, the engine, the classifiers and the X-Ray SDK are loaded on the first
invocation (see ``benchmarks/``).
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot import messages
from bot.escalation import escalate, for_customer
from bot.models import KST, FaqEntry
from bot.personal_data import mask_personal_data
from bot.ports import ConversationLog, ConversationTurn, FaqRepository
from contract import (
    BEDROCK_FAILURE_REASONS,
    FALLBACK_INTENT,
    ContactAttribute,
    CustomerTier,
    Dimension,
    EscalationReason,
    FallbackReason,
    Intent,
    Metric,
    NextAction,
)
from handlers.event_reading import as_mapping, as_string
from handlers.lambda_context import ContainerApp, remaining_seconds
from handlers.observability import MetricsPublisher, logger, start_invocation, traced
from handlers.settings import LexHookSettings
from storage.deadline import Deadline, deadline_scope, narrowed_deadline

if TYPE_CHECKING:
    from bot.engine import BotEngine, TurnOutcome

#: Lex V2 limits a message's content to 1,000 characters.
MAX_MESSAGE_CHARS = 1000
#: Lex intent names: letters, digits, single ``_``/``-`` separators, at most 100 of them.
_INTENT_NAME_RE = re.compile(r"(?:[0-9a-zA-Z][_-]?){1,100}")
#: Caller text kept in the conversation log and log lines (Lex itself caps text input at 1,024).
MAX_LOGGED_TEXT_CHARS = 2000
#: Used when the context cannot say how much time is left (it always can on Lambda).
DEFAULT_REMAINING_SECONDS = 3.0
#: Seconds kept before the Lambda timeout for answering Lex (response, metrics, Lambda's overhead).
ANSWER_MARGIN_SECONDS = 0.5
#: Most the FAQ table read of a cold start may take before the bundled FAQ file is used instead.
FAQ_READ_SECONDS = 1.0
#: Most a turn's conversation-log write may take: the record matters less than the caller's answer.
CONVERSATION_LOG_SECONDS = 2.0
_MAX_SESSION_VALUE_CHARS = 1000
_MAX_CONTACT_ID_CHARS = 256

Clock = Callable[[], datetime]


@dataclasses.dataclass(frozen=True, slots=True)
class LexRequest:
    """The fields of a Lex V2 event the hook uses, read defensively (any shape is accepted)."""

    text: str
    contact_id: str
    channel: str
    customer_tier: CustomerTier
    intent_name: str
    invocation_source: str
    session: dict[str, str]
    #: Lex's ``inputMode``: ``Speech``, ``DTMF`` (keypad digits on voice) or ``Text``.
    input_mode: str = ""

    @classmethod
    def from_event(cls, event: Any, *, fallback_contact_id: str = "unknown") -> LexRequest:
        """Read an event; missing fields and wrong types get safe defaults instead of errors."""
        root = as_mapping(event)
        session_state = as_mapping(root.get("sessionState"))
        session = string_attributes(session_state.get("sessionAttributes"))
        contact_id = (
            _bounded_id(session.get(ContactAttribute.CONTACT_ID))
            or _bounded_id(root.get("sessionId"))
            or fallback_contact_id
        )
        channel = session.get(ContactAttribute.CHANNEL, "").strip().upper() or _channel_from_input_mode(
            root.get("inputMode")
        )
        intent_name = as_string(as_mapping(session_state.get("intent")).get("name"))
        return cls(
            text=as_string(root.get("inputTranscript")),
            contact_id=contact_id,
            channel=channel[:32],
            customer_tier=_tier(session.get(ContactAttribute.CUSTOMER_TIER)),
            intent_name=intent_name if _INTENT_NAME_RE.fullmatch(intent_name) else FALLBACK_INTENT,
            invocation_source=as_string(root.get("invocationSource"))[:32],
            session=session,
            input_mode=as_string(root.get("inputMode"))[:16],
        )


def string_attributes(raw: Any) -> dict[str, str]:
    """Session attributes as Lex requires them: string keys and string values.

    Scalars are converted (booleans as ``true``/``false``); nested values are dropped.
    """
    attributes: dict[str, str] = {}
    for key, value in as_mapping(raw).items():
        if not isinstance(key, str) or not key:
            continue
        if isinstance(value, bool):
            attributes[key] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            attributes[key] = str(value)[:_MAX_SESSION_VALUE_CHARS]
    return attributes


def lex_response(
    *, dialog_action: str, messages_out: list[str], session: Mapping[str, str], intent_name: str
) -> dict[str, Any]:
    """A valid Lex V2 response (see the module docstring for the contract)."""
    contents = [
        message.strip()[:MAX_MESSAGE_CHARS] for message in messages_out if message and message.strip()
    ]
    if not contents:
        contents = [messages.CLARIFY]
    action_type = "Close" if dialog_action == "Close" else "ElicitIntent"
    session_state: dict[str, Any] = {
        "sessionAttributes": string_attributes(session),
        "dialogAction": {"type": action_type},
    }
    if action_type == "Close":
        session_state["intent"] = {"name": intent_name, "state": "Fulfilled"}
    return {
        "sessionState": session_state,
        "messages": [{"contentType": "PlainText", "content": content} for content in contents],
    }


def system_error_response(request: LexRequest | None) -> dict[str, Any]:
    """The safe answer when anything fails: apologise and hand the caller to an agent.

    The escalation rules still apply (``system_error`` goes to the general queue, a VIP caller's
    to the priority queue); the message is the temporary-error apology joined to the escalate
    message, without "try again later", which would contradict the transfer.
    """
    tier = request.customer_tier if request is not None else CustomerTier.STANDARD
    escalation = for_customer(escalate(EscalationReason.SYSTEM_ERROR), tier)
    session = dict(request.session) if request is not None else {}
    session.update(
        {
            ContactAttribute.NEXT_ACTION: NextAction.ESCALATE.value,
            ContactAttribute.QUEUE: escalation.queue.value,
            ContactAttribute.REASON: escalation.reason.value,
            ContactAttribute.PRIORITY: escalation.priority,
        }
    )
    session.update(_system_error_summary(request, session, escalation.priority))
    return lex_response(
        dialog_action="Close",
        messages_out=[escalation.message],
        session=session,
        intent_name=request.intent_name if request is not None else FALLBACK_INTENT,
    )


def _system_error_summary(
    request: LexRequest | None, session: Mapping[str, str], priority: str
) -> dict[str, str]:
    """The agent's handoff summary for the safe answer; nothing (logged) should even that fail."""
    try:
        from bot.faq import load_faq_entries
        from bot.handoff import system_error_summary

        return system_error_summary(
            session,
            text=request.text if request is not None else "",
            tier=request.customer_tier if request is not None else CustomerTier.STANDARD,
            priority=priority,
            faq_questions={entry.faq_id: entry.question for entry in load_faq_entries()},
        )
    except Exception:
        logger.exception("Handoff summary of the system error failed; transferring without it")
        return {}


class LexHookApp:
    """The hook's logic with its dependencies injected: the engine, the conversation log, metrics, clock."""

    def __init__(
        self,
        *,
        engine: BotEngine,
        conversation_log: ConversationLog,
        metrics: MetricsPublisher | None = None,
        clock: Clock | None = None,
        bedrock_enabled: bool = False,
        faq_questions: Mapping[str, str] | None = None,
    ) -> None:
        self._engine = engine
        #: FAQ id -> question, how the agent's summary names the answers already given.
        self._faq_questions: Mapping[str, str] = dict(faq_questions or {})
        self._conversation_log = conversation_log
        self._metrics = metrics
        self._clock: Clock = clock or (lambda: datetime.now(KST))
        self._bedrock_enabled = bedrock_enabled

    @property
    def metrics(self) -> MetricsPublisher | None:
        """The metrics publisher (None when metrics are not wanted, e.g. in benchmarks)."""
        return self._metrics

    def handle(self, request: LexRequest, context: Any) -> dict[str, Any]:
        """Run one turn and answer Lex. Exceptions propagate to ``lambda_handler``'s safety net."""
        from bot.engine import TurnInput
        from bot.handoff import session_after_turn

        now = self._clock()
        voice = request.channel == "VOICE"
        turn_input = TurnInput(
            text=_keyed_text(request) if voice else request.text,
            contact_id=request.contact_id,
            channel=request.channel,
            customer_tier=request.customer_tier,
            now=now,
            session=request.session,
            remaining_time_seconds=remaining_seconds(context, default=DEFAULT_REMAINING_SECONDS),
        )
        with traced("## handle_turn"):
            outcome = self._engine.handle_turn(turn_input)
        # The FAQ answers given so far and, when the bot hands over, the agent's summary.
        session = session_after_turn(
            request.session,
            outcome.session,
            text=request.text,
            tier=request.customer_tier,
            record=outcome.record,
            faq_questions=self._faq_questions,
        )
        messages_out = list(outcome.messages)
        if voice and outcome.dialog_action != "Close":
            messages_out, session = _listen_for_next_prompt(outcome, messages_out, session)
        response = lex_response(
            dialog_action=outcome.dialog_action,
            messages_out=messages_out,
            session=session,
            intent_name=request.intent_name,
        )
        self._record_turn(request, outcome, response, now)
        self._publish_metrics(outcome)
        return response

    def _record_turn(
        self, request: LexRequest, outcome: TurnOutcome, response: Mapping[str, Any], now: datetime
    ) -> None:
        record = outcome.record
        reply = " ".join(message["content"] for message in response["messages"])
        turn = ConversationTurn(
            contact_id=request.contact_id,
            turn=int(record.turn),
            timestamp=now.astimezone(KST),
            channel=request.channel or "UNKNOWN",
            # Mask before cutting, so a number split by the cut cannot escape the mask.
            caller_text=mask_personal_data(request.text)[:MAX_LOGGED_TEXT_CHARS],
            intent=_enum_value(record.intent),
            confidence=float(record.confidence),
            classifier_source=_enum_value(record.classifier_source),
            faq_id=record.faq_id,
            # The reply may read back what the caller said (a product name): masked the same way.
            bot_reply=mask_personal_data(reply),
            action=str(record.action),
        )
        logger.info(
            "turn answered",
            extra={
                "turn": turn.turn,
                "intent": turn.intent,
                "confidence": turn.confidence,
                "classifier_source": turn.classifier_source,
                "faq_id": turn.faq_id,
                "action": turn.action,
                "invocation_source": request.invocation_source,
            },
        )
        try:
            with traced("## conversation_log"), narrowed_deadline(CONVERSATION_LOG_SECONDS):
                self._conversation_log.record(turn)
        except Exception:
            # The caller's turn matters more than the record, but nothing may be lost silently:
            # the full record goes to the log (masked by the formatter) and a metric alarms.
            logger.exception(
                "conversation log write failed", extra={"conversation_turn": _turn_as_dict(turn)}
            )
            if self._metrics is not None:
                self._metrics.count(Metric.CONVERSATION_LOG_WRITE_FAILED)

    def _publish_metrics(self, outcome: TurnOutcome) -> None:
        if self._metrics is None:
            return
        record = outcome.record
        self._metrics.count(
            Metric.TURNS,
            dimensions={
                Dimension.INTENT: _enum_value(record.intent) or "none",
                Dimension.SOURCE: _enum_value(record.classifier_source) or "none",
            },
        )
        if record.faq_id:
            self._metrics.count(Metric.FAQ_HIT)
        elif _enum_value(record.intent) == Intent.GENERAL_INQUIRY:
            self._metrics.count(Metric.FAQ_MISS)
        # Only Bedrock's failures: silence is never sent to Bedrock, so it is no fallback worth an alarm.
        if self._bedrock_enabled and record.fallback_reason in BEDROCK_FAILURE_REASONS:
            self._metrics.count(
                Metric.CLASSIFIER_FALLBACK, dimensions={Dimension.REASON: record.fallback_reason}
            )
        # The share of classified turns that asked Bedrock (local first: bot.classifier_chain).
        if self._bedrock_enabled and record.classifier_source is not None:
            if record.fallback_reason == FallbackReason.LOCAL_CONFIDENT:
                self._metrics.count(Metric.LOCAL_CONFIDENT)
            elif record.fallback_reason is None or record.fallback_reason in BEDROCK_FAILURE_REASONS:
                self._metrics.count(Metric.BEDROCK_CONSULTED)
        if record.faq_first is not None:
            self._metrics.count(
                Metric.FAQ_BEFORE_ESCALATION, dimensions={Dimension.OUTCOME: record.faq_first}
            )
        if record.escalation_queue:
            self._metrics.count(
                Metric.ESCALATION,
                dimensions={
                    Dimension.REASON: record.escalation_reason,
                    Dimension.QUEUE: record.escalation_queue,
                },
            )


def _keyed_text(request: LexRequest) -> str:
    """Keypad digits as the running dialog step reads them (``bot.voice_input.keyed_text``)."""
    if request.input_mode != "DTMF":
        return request.text
    from bot.engine import BOT_STATE_KEY, ConversationState
    from bot.voice_input import keyed_text

    dialog = ConversationState.decode(request.session.get(BOT_STATE_KEY)).dialog
    step = dialog.step.value if dialog is not None else None
    return keyed_text(request.text, input_mode=request.input_mode, dialog_step=step)


def _listen_for_next_prompt(
    outcome: TurnOutcome, messages_out: list[str], session: Mapping[str, str]
) -> tuple[list[str], dict[str, str]]:
    """On voice: Lex's listening settings for the prompt just produced, and the keypad note."""
    from bot.voice_input import input_settings, keypad_hint, prompt_kind

    record = outcome.record
    kind = prompt_kind(dialog_step=record.dialog_step, read_back=bool(record.dialog_result))
    hint = keypad_hint(kind)
    return ([*messages_out, hint] if hint else messages_out), {**session, **input_settings(kind)}


# --- container wiring ---------------------------------------------------------------------------------


def load_faq_entries_with_fallback(repository: FaqRepository) -> list[FaqEntry]:
    """FAQ entries from the faq table; the bundled data file when the table is empty or unreadable."""
    from bot.faq import load_faq_entries

    try:
        with narrowed_deadline(FAQ_READ_SECONDS):
            entries = repository.all_entries()
    except Exception:
        logger.exception("FAQ table unreadable, using the bundled FAQ file")
        return load_faq_entries()
    if not entries:
        logger.warning("FAQ table is empty, using the bundled FAQ file")
        return load_faq_entries()
    return entries


def build_app(
    settings: LexHookSettings,
    *,
    clock: Clock | None = None,
    bedrock_client: Any | None = None,
    dynamodb_clients: Callable[[], Any] | None = None,
) -> LexHookApp:
    """Wire the engine, classifiers and DynamoDB repositories for ``settings``.

    Called once per container. The FAQ is read here, so it is cached for the container's life.
    ``bedrock_client`` replaces the ``bedrock-runtime`` client built from the settings when
    Bedrock is enabled (the simulator's throttled stand-in); ``dynamodb_clients`` replaces the
    container's DynamoDB client factory (the simulator's faulty tables). Lambda always uses its own.
    """
    from bot.classifier_chain import ClassifierChain
    from bot.engine import BotEngine
    from bot.faq import FaqMatcher
    from bot.local_classifier import default_classifier
    from storage.dynamodb import (
        DynamoDbConversationLog,
        DynamoDbFaqRepository,
        DynamoDbOrderRepository,
        DynamoDbReservationRepository,
        shared_dynamodb_client,
    )

    tables = dynamodb_clients if dynamodb_clients is not None else shared_dynamodb_client

    bedrock = None
    if settings.bedrock_enabled and settings.bedrock_model_id:
        from bot.bedrock_classifier import BedrockClassifier, make_bedrock_runtime_client

        client = (
            bedrock_client
            if bedrock_client is not None
            else make_bedrock_runtime_client(
                region=settings.aws_region, timeout_seconds=settings.bedrock_timeout_seconds
            )
        )
        bedrock = BedrockClassifier(client, settings.bedrock_model_id)
    classifier = ClassifierChain(
        default_classifier(),
        bedrock,
        bedrock_budget_seconds=settings.bedrock_timeout_seconds,
        policy=settings.bedrock_consult,
    )
    faq_entries = load_faq_entries_with_fallback(
        DynamoDbFaqRepository(settings.faq_table_name, client_factory=tables)
    )
    engine = BotEngine(
        classifier=classifier,
        faq_matcher=FaqMatcher(faq_entries),
        orders=DynamoDbOrderRepository(settings.orders_table_name, client_factory=tables),
        reservations=DynamoDbReservationRepository(settings.reservations_table_name, client_factory=tables),
        faq_first_enabled=settings.faq_first,
    )
    return LexHookApp(
        engine=engine,
        conversation_log=DynamoDbConversationLog(
            settings.conversations_table_name, ttl_days=settings.conversation_ttl_days, client_factory=tables
        ),
        metrics=MetricsPublisher(
            namespace=settings.observability.metrics_namespace, service=settings.observability.service_name
        ),
        clock=clock,
        bedrock_enabled=bedrock is not None,
        faq_questions={entry.faq_id: entry.question for entry in faq_entries},
    )


def _build_app_from_env() -> LexHookApp:
    return build_app(LexHookSettings.from_env())


_container = ContainerApp(_build_app_from_env, name="Lex hook")


def reset_container() -> None:
    """Forget the cached app and settings error, as if the container were new (tests)."""
    _container.reset()


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    """Lex V2 code hook entry point; always returns a valid Lex V2 response."""
    return handle_event(event, context, app_provider=_container.get, cold_start=_container.take_cold_start())


def handle_event(
    event: Any, context: Any, *, app_provider: Callable[[], LexHookApp | None], cold_start: bool = False
) -> dict[str, Any]:
    """Parse the event, run the turn on the provided app and answer Lex; never raises.

    ``lambda_handler`` provides the container's app; tests and benchmarks provide their own.
    """
    started = time.perf_counter()
    request: LexRequest | None = None
    app: LexHookApp | None = None
    try:
        request = LexRequest.from_event(event, fallback_contact_id=_fallback_contact_id(context))
        start_invocation(contact_id=request.contact_id, context=context, cold_start=cold_start)
        with deadline_scope(invocation_deadline(context)):
            app = app_provider()
            if app is None:
                return system_error_response(request)
            response = app.handle(request, context)
    except Exception:
        logger.exception(
            "turn failed, handing the caller to an agent",
            extra={
                "reason": EscalationReason.SYSTEM_ERROR.value,
                "caller_text": mask_personal_data(request.text)[:MAX_LOGGED_TEXT_CHARS] if request else None,
            },
        )
        response = system_error_response(request)
        if app is not None and app.metrics is not None:
            queue = response["sessionState"]["sessionAttributes"][ContactAttribute.QUEUE]
            app.metrics.count(
                Metric.ESCALATION,
                dimensions={Dimension.REASON: EscalationReason.SYSTEM_ERROR.value, Dimension.QUEUE: queue},
            )
        return response
    finally:
        if app is not None and app.metrics is not None:
            app.metrics.flush()
    logger.debug("turn took", extra={"duration_ms": round((time.perf_counter() - started) * 1000, 2)})
    return response


def invocation_deadline(context: Any) -> Deadline:
    """The deadline of the turn's AWS calls: the Lambda's remaining time less the answer margin."""
    return Deadline.from_context(
        context, margin_seconds=ANSWER_MARGIN_SECONDS, default_seconds=DEFAULT_REMAINING_SECONDS
    )


# --- defensive event reading --------------------------------------------------------------------------


def _bounded_id(value: Any) -> str:
    text = as_string(value).strip()
    return text if len(text) <= _MAX_CONTACT_ID_CHARS else ""


def _tier(value: str | None) -> CustomerTier:
    try:
        return CustomerTier((value or "").strip().upper())
    except ValueError:
        return CustomerTier.STANDARD


def _channel_from_input_mode(input_mode: Any) -> str:
    # Without the contact flow's attribute: speech and keypad input come from a phone call.
    mode = as_string(input_mode)
    if mode in {"Speech", "DTMF"}:
        return "VOICE"
    if mode == "Text":
        return "CHAT"
    return "UNKNOWN"


def _fallback_contact_id(context: Any) -> str:
    request_id = getattr(context, "aws_request_id", None)
    return f"unknown-{request_id}" if isinstance(request_id, str) and request_id else "unknown"


def _enum_value(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value)) or None


def _turn_as_dict(turn: ConversationTurn) -> dict[str, Any]:
    record = dataclasses.asdict(turn)
    record["timestamp"] = turn.timestamp.isoformat()
    return record
