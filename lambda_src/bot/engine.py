"""The per-turn dialog engine: one caller utterance in, the bot's reply and next step out.

:meth:`BotEngine.handle_turn` is pure apart from the classifier it is given and the two
repositories (order lookups, reservation writes): no clock, no AWS client, no global state. All
conversation state travels in the Lex session attributes, as compact JSON under ``botState``.

Policy, in order, for every turn (CONTENT.md and issue 3 §3):

1. Escalations that override everything, even in the middle of a dialog or when an FAQ would
   answer: urgent words (→ priority, CRITICAL), negative words (→ complaint, with an apology),
   a confident complaint or agent_request intent.
2. A running dialog consumes the answer. When the answer does not fit the step and the caller
   confidently asked for something else (another dialog, a payment or technical question,
   goodbye), the dialog is dropped and the new request is handled; an FAQ question is answered
   and the step is asked again (at the free-text product-name step the FAQ is checked first,
   since any text would pass as a name).
3. After "더 궁금하신 점이 있으신가요?", a short "아니요" ends the call and a short "네" invites the
   next question.
4. An FAQ answer (verbatim, then "더 궁금하신 점이 있으신가요?") for general_inquiry or for any
   utterance no confident intent claims. FAQ first (``bot.faq_first``, switched by ``faq_first``):
   a technical_support, payment_inquiry or cancel_request whose words match an FAQ strongly gets
   the answer and "안내해 드린 내용으로 해결되셨을까요?" instead of the escalation; the next turn's
   "아니요" or agent request escalates with the original reason, thanks or silence ends the call
   (after the step-1 escalations, which still win; never for a VIP caller, who goes to an agent).
5. The intent: greeting → greeting; goodbye → close (``nextAction=end``); product_inquiry,
   reservation, order_inquiry → their dialog; cancel_request / payment_inquiry → payment queue;
   technical_support → tech_support; complaint → complaint; agent_request → general.
6. Otherwise the turn is not understood: the caller is asked to say it differently.

Before any of this, resident registration and card numbers are taken out of the caller's words
(``bot.personal_data``): nothing downstream — the classifier, Bedrock, the dialogs and their
session state — ever sees them, and the reply starts with a polite note that the bot does not need
them. When the rest of the words lead nowhere (nothing else was said, the turn is not understood, or
the dialog step cannot use them) the question is asked again and nothing is counted against the
caller; otherwise the rest of the words are handled as usual. The classifier is given the
words with phone and account numbers masked too: it does not need the digits.

Then the limits: the third consecutive turn not understood, or the eighth turn in a row without
resolving anything, escalates to the general queue (``bot_limitation``); a VIP caller's
escalation, whatever its reason, goes to the priority queue.

Session attributes written
--------------------------
``botState``
    Versioned compact JSON of :class:`ConversationState`. A missing, corrupt, unknown-version or
    oversized value starts a fresh conversation instead of failing the turn.
``nextAction``, ``queue``, ``reason``, ``priority``
    Only when the engine closes: ``nextAction`` is ``end`` or ``escalate``; the other three are
    set for ``escalate`` (``queue`` is a :class:`~bot.models.Queue` value, ``priority`` is
    CRITICAL, HIGH or NORMAL). They are removed on turns that do not close, so a stale routing
    decision never survives into a later turn.

Every other attribute (``customerTier``, ``channel``, ``contactId`` from the contact flow) is
passed through untouched.

The module stays whole past 500 lines because the policy above is one ordered decision per turn:
the steps read and write the same conversation state, and their order is the behaviour.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal, Protocol

from bot import dialogs, faq_first, messages, personal_data
from bot.dialogs import DialogContext, DialogName, DialogState, DialogTurn, Outcome, is_counter
from bot.escalation import (
    Escalation,
    escalate,
    for_customer,
    intent_escalation,
    keyword_escalation,
    limit_escalation,
)
from bot.models import KST, Classification, FaqEntry, FaqMatch
from bot.ports import OrderRepository, ReservationRepository
from bot.text import NOT_WORD_RE, normalize
from contract import (
    ROUTING_ATTRIBUTES,
    ContactAttribute,
    CustomerTier,
    EscalationReason,
    FallbackReason,
    FaqFirstOutcome,
    Intent,
    NextAction,
)

logger = logging.getLogger(__name__)

#: Session attribute holding the engine's state (the bot's own: the flow never reads it).
BOT_STATE_KEY: Final = "botState"

#: Version of the ``botState`` JSON; another version starts a fresh conversation.
STATE_VERSION: Final = 1
#: A ``botState`` longer than this is not parsed (it cannot be one the engine wrote).
MAX_STATE_CHARS: Final = 2048

DialogAction = Literal["ElicitIntent", "Close"]
TurnAction = Literal["continue", "dialog", "end", "escalate"]

_DIALOG_INTENTS: Final = {
    Intent.PRODUCT_INQUIRY: DialogName.PRODUCT_INQUIRY,
    Intent.RESERVATION: DialogName.RESERVATION,
    Intent.ORDER_INQUIRY: DialogName.ORDER_INQUIRY,
}
#: Intents that escalate whatever else is going on (after the keyword rules).
_OVERRIDING_INTENTS: Final = frozenset({Intent.COMPLAINT, Intent.AGENT_REQUEST})
#: Confident intents that may answer the FAQ instead (a greeting followed by a question).
_FAQ_INTENTS: Final = frozenset({Intent.GENERAL_INQUIRY, Intent.GREETING})
#: Intents that are not "a new request" when they come up during a dialog.
_NON_SWITCHING_INTENTS: Final = frozenset({Intent.GENERAL_INQUIRY, Intent.GREETING})

# Short answers to "더 궁금하신 점이 있으신가요?", matched on text without spaces/punctuation.
_NO_MORE_RE = re.compile(
    r"^(?:아니(?:요|오|에요|예요)?|아뇨|아녜요|없(?:어요|습니다|어|네요|는데요|어용)|괜찮(?:아요|습니다)"
    r"|됐(?:어요|습니다)|다됐(?:어요|습니다)|그게다(?:예요|에요|입니다)?|충분(?:해요|합니다))+"
    r"(?:감사합니다|감사해요|고맙습니다|고마워요|수고하세요|수고하셨습니다)*$"
)
_YES_MORE_RE = re.compile(r"^(?:네|예|응|넵|있어요|있습니다|네있어요|예있어요|하나더|더있어요)+$")


# --- ports -----------------------------------------------------------------------------------------


class ClassificationResult(Protocol):
    """What the classifier chain returns (``bot.classifier_chain.ChainResult``)."""

    @property
    def classification(self) -> Classification: ...

    @property
    def fallback_reason(self) -> FallbackReason | None: ...


class TurnClassifier(Protocol):
    """The classifier chain (``bot.classifier_chain.ClassifierChain``)."""

    def classify(self, text: str, *, remaining_time_seconds: float | None = None) -> ClassificationResult: ...


class FaqMatcherPort(Protocol):
    """The FAQ matcher (``bot.faq.FaqMatcher``)."""

    def match(self, text: str) -> FaqMatch | None: ...


# --- turn input and output -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TurnInput:
    """One caller utterance with what the engine needs to know about the contact."""

    text: str
    contact_id: str
    channel: str  # Connect channel: VOICE or CHAT
    customer_tier: CustomerTier
    now: datetime  # the turn's time; converted to Korea time (naive means Korea time)
    session: Mapping[str, str]  # Lex session attributes as received
    remaining_time_seconds: float | None = None  # Lambda time left, for the Bedrock budget


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """What the conversation log and metrics need to know about the turn."""

    turn: int
    intent: str | None  # the classifier's intent (see ``understood`` for its confidence verdict)
    confidence: float
    classifier_source: str | None  # bedrock | local; None when nothing was classified (silence)
    faq_id: str | None
    bot_reply: str  # the messages joined by a space
    action: TurnAction
    escalation_queue: str | None = None
    escalation_reason: str | None = None
    escalation_priority: str | None = None
    fallback_reason: FallbackReason | None = None  # why the local classifier answered (ChainResult)
    understood: bool = True  # False for turns counted as not understood
    resolved: bool = False  # an FAQ answered or a dialog completed
    dialog: str | None = None  # the dialog running after the turn
    dialog_step: str | None = None
    dialog_result: Mapping[str, str] = field(default_factory=dict)  # what a completed dialog collected
    vip_routed: bool = False  # the VIP rule sent the escalation to the priority queue
    faq_first: FaqFirstOutcome | None = None  # an FAQ answered before an escalation, and what came of it


@dataclass(frozen=True, slots=True)
class TurnOutcome:
    """The bot's answer: messages, whether the Lex session goes on, and the new session."""

    messages: list[str]
    dialog_action: DialogAction
    session: dict[str, str]
    record: TurnRecord


# --- conversation state ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConversationState:
    """Everything the engine remembers between turns (serialized into ``botState``).

    JSON keys: ``v`` version (1), ``t`` last turn number, ``nu`` consecutive turns not
    understood, ``nr`` consecutive turns without resolution, ``am`` 1 when the last reply asked
    "더 궁금하신 점이 있으신가요?" (absent otherwise), ``ff`` the FAQ answered before an escalation
    awaiting "해결되셨을까요?" (``bot.faq_first.PendingFaq``; absent otherwise), ``d`` the running
    dialog (absent when none):
    ``n`` name, ``s`` step, ``v`` collected values, ``f`` failures of the step, ``m`` orders not
    found, ``e`` storage errors, ``t`` turn that started it. Example:
    ``{"v":1,"t":3,"nu":0,"nr":2,"d":{"n":"reservation","s":"date","v":{"service":"2"},"f":1,"m":0,"e":0,"t":2}}``.
    Phone numbers are never stored in it.
    """

    turn: int = 0  # number of the last handled turn
    not_understood: int = 0  # consecutive turns not understood
    unresolved: int = 0  # consecutive turns without resolution
    awaiting_more: bool = False  # the last reply asked "더 궁금하신 점이 있으신가요?"
    dialog: DialogState | None = None
    pending_faq: faq_first.PendingFaq | None = None  # the last reply asked "해결되셨을까요?"

    def encode(self) -> str:
        """Compact JSON for the session attribute."""
        data: dict[str, Any] = {
            "v": STATE_VERSION,
            "t": self.turn,
            "nu": self.not_understood,
            "nr": self.unresolved,
        }
        if self.awaiting_more:
            data["am"] = 1
        if self.dialog is not None:
            data["d"] = self.dialog.to_dict()
        if self.pending_faq is not None:
            data["ff"] = self.pending_faq.to_dict()
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def decode(cls, raw: object) -> ConversationState:
        """Parse ``botState``; anything unusable gives a fresh state (logged, never raised)."""
        if raw is None or raw == "":
            return cls()
        if not isinstance(raw, str) or len(raw) > MAX_STATE_CHARS:
            logger.warning("Ignoring unusable botState", extra={"bot_state_type": type(raw).__name__})
            return cls()
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("v") != STATE_VERSION:
                raise ValueError("unknown botState version")
            counters = [data.get(key, 0) for key in ("t", "nu", "nr")]
            if not all(is_counter(value) for value in counters):
                raise ValueError("invalid botState counters")
            dialog = DialogState.from_dict(data["d"]) if "d" in data else None
            pending_faq = faq_first.PendingFaq.from_dict(data["ff"]) if "ff" in data else None
        except (ValueError, TypeError, KeyError, RecursionError):
            logger.warning("Ignoring corrupt botState", extra={"bot_state_length": len(raw)})
            return cls()
        turn, not_understood, unresolved = counters
        return cls(turn, not_understood, unresolved, bool(data.get("am")), dialog, pending_faq)


# --- the engine ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Decision:
    """What the policy decided for the turn, before the limits and the VIP rule."""

    messages: list[str]
    understood: bool = True
    resolved: bool = False
    escalation: Escalation | None = None
    end: bool = False
    dialog: DialogState | None = None
    awaiting_more: bool = False
    faq_id: str | None = None
    dialog_result: Mapping[str, str] = field(default_factory=dict)
    pending_faq: faq_first.PendingFaq | None = None  # an FAQ answered first, awaiting "해결되셨을까요?"
    faq_first: FaqFirstOutcome | None = None


class BotEngine:
    """Decides the bot's reply to one caller turn. Thread-safe and reusable across turns."""

    def __init__(
        self,
        *,
        classifier: TurnClassifier,
        faq_matcher: FaqMatcherPort,
        orders: OrderRepository,
        reservations: ReservationRepository,
        faq_entries: Iterable[FaqEntry] | None = None,
        faq_first_enabled: bool = True,
    ) -> None:
        """Create the engine.

        ``faq_entries`` supplies the verbatim answers for the matcher's ids; when omitted they
        are taken from the matcher's ``entries`` attribute. ``faq_first_enabled`` switches the
        FAQ-before-escalation policy (``bot.faq_first``; the environment's ``faq_first``).
        """
        self._classifier = classifier
        self._faq_matcher = faq_matcher
        self._orders = orders
        self._reservations = reservations
        if faq_entries is None:
            faq_entries = getattr(faq_matcher, "entries", None)
            if faq_entries is None:
                logger.warning("No FAQ entries given and the matcher has none: FAQ answers are off")
                faq_entries = ()
        self._faq_answers = {entry.faq_id: entry.answer for entry in faq_entries}
        self._faq_first_enabled = faq_first_enabled

    def handle_turn(self, turn: TurnInput) -> TurnOutcome:
        """Decide the reply to one utterance. Never raises for anything the caller says."""
        state = ConversationState.decode(turn.session.get(BOT_STATE_KEY))
        turn_number = state.turn + 1
        screened = personal_data.withhold_never_stored(turn.text)
        if screened.withheld:
            logger.info("personal data withheld from the turn", extra={"kinds": sorted(screened.withheld)})
        text = normalize(screened.text)
        now = turn.now.astimezone(KST) if turn.now.tzinfo is not None else turn.now.replace(tzinfo=KST)
        context = DialogContext(
            contact_id=turn.contact_id,
            now=now,
            voice=str(turn.channel).strip().upper() != "CHAT",
            orders=self._orders,
            reservations=self._reservations,
        )

        if screened.withheld and not NOT_WORD_RE.sub("", text):
            # Only the number was said: ask the same question again, nothing else happened.
            classification, fallback_reason = None, None
            decision = _personal_data_only(state)
        else:
            classification, fallback_reason = self._classify(
                personal_data.mask_personal_data(text), turn.remaining_time_seconds
            )
            vip = turn.customer_tier == CustomerTier.VIP
            decision = self._decide(text, classification, state, context, turn_number, vip=vip)
            if screened.withheld:
                decision = _with_personal_data_note(decision, state)

        if state.pending_faq is not None and decision.faq_first is None and decision.pending_faq is None:
            # The caller neither answered "해결되셨을까요?" nor was sent on: anger, urgency or a new request.
            decision.faq_first = (
                FaqFirstOutcome.ESCALATED if decision.escalation is not None else FaqFirstOutcome.MOVED_ON
            )

        # Counters and limits apply to turns that keep the conversation going.
        not_understood = 0 if decision.understood else state.not_understood + 1
        unresolved = 0 if decision.resolved else state.unresolved + 1
        if decision.escalation is None and not decision.end:
            limit = limit_escalation(
                consecutive_not_understood=not_understood, turns_without_resolution=unresolved
            )
            if limit is not None:
                decision.escalation, decision.messages, decision.dialog = limit, [], None

        escalation = decision.escalation
        if escalation is not None:
            escalation = for_customer(escalation, turn.customer_tier)
            decision.messages = [*decision.messages, escalation.message]

        closing = escalation is not None or decision.end
        new_state = (
            ConversationState(turn=turn_number)
            if closing
            else ConversationState(
                turn=turn_number,
                not_understood=not_understood,
                unresolved=unresolved,
                awaiting_more=decision.awaiting_more,
                dialog=decision.dialog,
                pending_faq=decision.pending_faq,
            )
        )
        session = {
            key: value
            for key, value in turn.session.items()
            if isinstance(key, str) and isinstance(value, str) and key not in ROUTING_ATTRIBUTES
        }
        session[BOT_STATE_KEY] = new_state.encode()
        action: TurnAction
        if escalation is not None:
            action = "escalate"
            session.update(
                {
                    ContactAttribute.NEXT_ACTION: NextAction.ESCALATE.value,
                    ContactAttribute.QUEUE: escalation.queue.value,
                    ContactAttribute.REASON: escalation.reason.value,
                    ContactAttribute.PRIORITY: escalation.priority,
                }
            )
        elif decision.end:
            action = "end"
            session[ContactAttribute.NEXT_ACTION] = NextAction.END.value
        else:
            action = "dialog" if decision.dialog is not None else "continue"

        record = TurnRecord(
            turn=turn_number,
            intent=classification.intent.value if classification is not None else None,
            confidence=classification.confidence if classification is not None else 0.0,
            classifier_source=classification.source if classification is not None else None,
            faq_id=decision.faq_id,
            bot_reply=" ".join(decision.messages),
            action=action,
            escalation_queue=escalation.queue.value if escalation is not None else None,
            escalation_reason=escalation.reason.value if escalation is not None else None,
            escalation_priority=escalation.priority if escalation is not None else None,
            fallback_reason=fallback_reason,
            understood=decision.understood,
            resolved=decision.resolved,
            dialog=new_state.dialog.name.value if new_state.dialog is not None else None,
            dialog_step=new_state.dialog.step.value if new_state.dialog is not None else None,
            dialog_result=dict(decision.dialog_result),
            vip_routed=escalation.vip if escalation is not None else False,
            faq_first=decision.faq_first,
        )
        return TurnOutcome(
            messages=decision.messages,
            dialog_action="Close" if closing else "ElicitIntent",
            session=session,
            record=record,
        )

    # --- steps of the policy ----------------------------------------------------------------------

    def _classify(
        self, text: str, remaining_time_seconds: float | None
    ) -> tuple[Classification | None, FallbackReason | None]:
        """Classify the utterance; silence is not classified, a classifier failure is a miss."""
        if not text:
            return None, None
        try:
            result = self._classifier.classify(text, remaining_time_seconds=remaining_time_seconds)
        except Exception:
            # The chain is built never to raise; should it anyway, the caller is asked to rephrase.
            logger.exception("Classifier failed; treating the turn as not understood")
            return None, FallbackReason.ERROR
        return result.classification, result.fallback_reason

    def _decide(
        self,
        text: str,
        classification: Classification | None,
        state: ConversationState,
        context: DialogContext,
        turn_number: int,
        *,
        vip: bool = False,
    ) -> _Decision:
        intent = classification.intent if classification is not None and classification.is_confident else None

        # 1. Escalations that override everything; between the keyword rules and the complaint or
        # agent request, the answer to "해결되셨을까요?" (an agent request there keeps its reason).
        if (overriding := _overriding_decision(text, intent, state.pending_faq)) is not None:
            return overriding

        # 2. A running dialog consumes the answer unless the caller asked for something else.
        if state.dialog is not None:
            decision = self._continue_dialog(state.dialog, text, intent, context)
            if decision is not None:
                return decision

        if not text:
            return _Decision(messages=[messages.SILENCE], understood=False)

        # 3. A short answer to "더 궁금하신 점이 있으신가요?".
        if state.awaiting_more and (reply := _reply_to_anything_else(text)) is not None:
            return reply

        # 4. An FAQ answer for a question no confident action intent claims, or FAQ first.
        if (answered := self._faq_answer(text, intent, vip=vip)) is not None:
            return answered

        # 5. The intent.
        return _decide_by_intent(intent, text, state, context, turn_number)

    def _faq_answer(self, text: str, intent: Intent | None, *, vip: bool) -> _Decision | None:
        """Step 4: the FAQ for a question, or FAQ first for an intent agents handle (``bot.faq_first``).

        A VIP caller is never answered first: the VIP rule sends their request to an agent at once.
        """
        if intent is None or intent in _FAQ_INTENTS:
            if (faq := self._faq(text)) is None:
                return None
            faq_id, answer = faq
            return _Decision(
                messages=[answer, messages.ANYTHING_ELSE], resolved=True, awaiting_more=True, faq_id=faq_id
            )
        if vip or not self._faq_first_enabled or intent not in faq_first.FAQ_FIRST_INTENTS:
            return None
        if (faq := self._faq(text, strong=True)) is None:
            return None
        faq_id, answer = faq
        return _Decision(
            messages=[answer, messages.FAQ_FIRST_FOLLOW_UP],
            resolved=True,
            faq_id=faq_id,
            pending_faq=faq_first.offer(intent, faq_id),
            faq_first=FaqFirstOutcome.OFFERED,
        )

    def _continue_dialog(
        self, dialog: DialogState, text: str, intent: Intent | None, context: DialogContext
    ) -> _Decision | None:
        """Give the answer to the running dialog; None when the caller moved on to a new request."""
        # A free-text step (the product name) would take a question as its answer: check first.
        if dialog.step in dialogs.FREE_TEXT_STEPS and (side := self._side_question(dialog, text, intent)):
            return side
        step = dialogs.advance(dialog, text, context)
        if step.input_accepted:
            return _from_dialog(step)
        if intent is not None and intent not in _NON_SWITCHING_INTENTS and intent.value != dialog.name.value:
            return None
        return self._side_question(dialog, text, intent) or _from_dialog(step)

    def _side_question(self, dialog: DialogState, text: str, intent: Intent | None) -> _Decision | None:
        """An FAQ question asked during a dialog: answer it and ask the step again (no failure)."""
        if intent is not Intent.GENERAL_INQUIRY or (faq := self._faq(text)) is None:
            return None
        faq_id, answer = faq
        return _Decision(
            messages=[answer, dialogs.prompt_for(dialog)], resolved=True, dialog=dialog, faq_id=faq_id
        )

    def _faq(self, text: str, *, strong: bool = False) -> tuple[str, str] | None:
        """The matching FAQ's id and verbatim answer, or None (``strong``: FAQ-first strength only)."""
        try:
            match = self._faq_matcher.match(text)
        except Exception:
            logger.exception("FAQ matcher failed; answering without the FAQ")
            return None
        if match is None or (strong and not faq_first.is_strong(match.score)):
            return None
        answer = self._faq_answers.get(match.faq_id)
        if answer is None:
            logger.warning("FAQ match without a known answer", extra={"faq_id": match.faq_id})
            return None
        return match.faq_id, answer


def _overriding_decision(
    text: str, intent: Intent | None, pending: faq_first.PendingFaq | None
) -> _Decision | None:
    """Step 1: urgent or angry words; the answer to "해결되셨을까요?"; a complaint or agent request."""
    answering = (
        pending is not None and intent is not Intent.COMPLAINT and not (text and keyword_escalation(text))
    )
    if answering and pending is not None and (reply := _after_faq_first(pending, text, intent)) is not None:
        return reply
    escalation = _overriding_escalation(text, intent)
    return _Decision(messages=[], escalation=escalation) if escalation is not None else None


def _overriding_escalation(text: str, intent: Intent | None) -> Escalation | None:
    """Urgent or angry words, or a confident complaint / agent request: escalate, whatever else."""
    if text and (escalation := keyword_escalation(text)) is not None:
        return escalation
    return intent_escalation(intent) if intent in _OVERRIDING_INTENTS else None


def _after_faq_first(pending: faq_first.PendingFaq, text: str, intent: Intent | None) -> _Decision | None:
    """The answer to "해결되셨을까요?": escalate with the original reason, end politely, or None."""
    follow_up = faq_first.understand_follow_up(text, intent)
    if follow_up is FaqFirstOutcome.ESCALATED:
        return _Decision(messages=[], escalation=escalate(pending.reason), faq_first=follow_up)
    if follow_up is FaqFirstOutcome.RESOLVED:
        said = [messages.GOODBYE] if text else [messages.FAQ_FIRST_SILENT_END, messages.GOODBYE]
        return _Decision(messages=said, resolved=True, end=True, faq_first=follow_up)
    return None  # the caller moved on: the turn goes through the rest of the policy


def _with_personal_data_note(decision: _Decision, state: ConversationState) -> _Decision:
    """The note first; a turn whose other words led nowhere is not counted against the caller."""
    failed_step = (
        state.dialog is not None
        and decision.dialog is not None
        and decision.dialog.name is state.dialog.name
        and decision.dialog.failures > state.dialog.failures
    )
    validation = (
        decision.escalation is not None and decision.escalation.reason is EscalationReason.VALIDATION_FAILED
    )
    if not decision.understood or failed_step or validation:
        return _personal_data_only(state)
    decision.messages = [messages.PERSONAL_DATA_NOT_NEEDED, *decision.messages]
    return decision


def _personal_data_only(state: ConversationState) -> _Decision:
    """The caller said only a number the bot never takes: say so, and ask the question again."""
    question = dialogs.prompt_for(state.dialog) if state.dialog is not None else messages.ASK_WHAT_FOR
    return _Decision(
        messages=[messages.PERSONAL_DATA_NOT_NEEDED, question],
        dialog=state.dialog,
        awaiting_more=state.awaiting_more,
        pending_faq=state.pending_faq,
    )


def _reply_to_anything_else(text: str) -> _Decision | None:
    """A short "아니요" ends the call, a short "네" invites the question; anything else is None."""
    compact = NOT_WORD_RE.sub("", text)
    if _NO_MORE_RE.match(compact):
        return _Decision(messages=[messages.GOODBYE], end=True)
    if _YES_MORE_RE.match(compact):
        return _Decision(messages=[messages.HOW_CAN_I_HELP])
    return None


def _decide_by_intent(
    intent: Intent | None, text: str, state: ConversationState, context: DialogContext, turn_number: int
) -> _Decision:
    """Steps 5 and 6 of the policy: act on a confident intent, or ask the caller to rephrase."""
    if intent in _DIALOG_INTENTS:
        started = dialogs.start(_DIALOG_INTENTS[intent], text, context, turn=turn_number)
        return _from_dialog(started)
    if intent is Intent.GREETING:
        return _Decision(messages=[messages.GREETING])
    if intent is Intent.GOODBYE:
        return _Decision(messages=[messages.GOODBYE], end=True)
    if intent is Intent.GENERAL_INQUIRY:
        # Understood as a question, but nothing in the FAQ answers it: the bot cannot help.
        return _Decision(messages=[messages.NO_FAQ_ANSWER], understood=False)
    escalation = intent_escalation(intent) if intent is not None else None
    if escalation is not None:
        return _Decision(messages=[], escalation=escalation)
    # Not understood. The second miss in a row adds examples; the third escalates (the limits).
    reply = messages.CLARIFY_WITH_EXAMPLES if state.not_understood >= 1 else messages.NOT_UNDERSTOOD
    return _Decision(messages=[reply], understood=False)


def _from_dialog(step: DialogTurn) -> _Decision:
    """Translate a dialog turn into the engine's decision."""
    if step.outcome is Outcome.COMPLETED:
        return _Decision(
            messages=[*step.messages, messages.ANYTHING_ELSE],
            resolved=True,
            awaiting_more=True,
            dialog_result=step.result,
        )
    if step.outcome is Outcome.ESCALATE:
        return _Decision(messages=list(step.messages), escalation=step.escalation, dialog_result=step.result)
    return _Decision(messages=list(step.messages), dialog=step.state)
