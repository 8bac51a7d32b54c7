"""The escalation rules of CONTENT.md as pure functions.

An :class:`Escalation` says which agent queue a contact goes to, why, how urgently, and what the
caller hears before the transfer. The contact flow routes on ``queue`` and copies ``reason`` and
``priority`` into contact attributes; metrics count escalations by reason and queue.

Reasons (:class:`contract.EscalationReason`, the ``reason`` attribute and metric dimension)
-------------------------------------------------------------------------------------------
``complaint``          anger / complaint: a negative keyword or the complaint intent → complaint queue
``urgent``             an urgent keyword (긴급, 당장, 즉시, 빨리, 응급) → priority queue, CRITICAL
``agent_request``      the caller asked for a human → general queue
``payment_security``   payment_inquiry or cancel_request: handled by agents for security → payment queue
``tech_support``       technical_support → tech_support queue
``product_other``      product inquiry about "기타" (other) → general queue
``bot_limitation``     3 consecutive turns not understood, or 8 turns without resolution → general
``validation_failed``  one dialog step failed validation 3 times → general queue
``order_not_found``    the order number was not found twice → general queue
``system_error``       storage failed while completing a request the bot cannot retry → general queue

A VIP caller keeps the reason of the escalation (so reports still say *why* the caller needed a
human) but always goes to the priority queue with at least HIGH priority: there is no separate
``vip`` reason; ``Escalation.vip`` says that the tier rule rerouted the contact.

Priorities: ``CRITICAL`` for urgent words, ``HIGH`` for VIP callers, ``NORMAL`` otherwise.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from typing import Final, Literal

from bot import messages
from bot.text import NOT_WORD_RE
from contract import DEFAULT_QUEUE, PRIORITY_QUEUE, CustomerTier, EscalationReason, Intent, Queue

Priority = Literal["CRITICAL", "HIGH", "NORMAL"]

#: Escalate after this many consecutive turns that were not understood.
MAX_CONSECUTIVE_NOT_UNDERSTOOD: Final = 3
#: Escalate when this many turns in a row ended without resolving anything.
MAX_TURNS_WITHOUT_RESOLUTION: Final = 8
#: Escalate when one dialog step has failed validation this many times.
MAX_STEP_FAILURES: Final = 3

#: CONTENT.md: negative keywords → complaint. Stems, so "화나요", "짜증나", "실망했어요" match.
NEGATIVE_KEYWORDS: Final = ("화나", "짜증", "최악", "불만", "화가", "열받", "실망")
#: CONTENT.md: urgent keywords → priority queue with CRITICAL priority.
URGENT_KEYWORDS: Final = ("긴급", "당장", "즉시", "빨리", "응급")


@dataclass(frozen=True, slots=True)
class Escalation:
    """A hand-over to an agent queue."""

    queue: Queue
    reason: EscalationReason
    priority: Priority
    message: str
    #: True when the VIP rule moved the contact to the priority queue.
    vip: bool = False


_ROUTES: Final[dict[EscalationReason, tuple[Queue, Priority, str]]] = {
    EscalationReason.COMPLAINT: (Queue.COMPLAINT, "NORMAL", messages.COMPLAINT),
    EscalationReason.URGENT: (PRIORITY_QUEUE, "CRITICAL", messages.ESCALATE_URGENT),
    EscalationReason.AGENT_REQUEST: (Queue.GENERAL, "NORMAL", messages.ESCALATE),
    EscalationReason.PAYMENT_SECURITY: (Queue.PAYMENT, "NORMAL", messages.ESCALATE_PAYMENT),
    EscalationReason.TECH_SUPPORT: (Queue.TECH_SUPPORT, "NORMAL", messages.ESCALATE_TECH_SUPPORT),
    EscalationReason.PRODUCT_OTHER: (Queue.GENERAL, "NORMAL", messages.ESCALATE),
    EscalationReason.BOT_LIMITATION: (Queue.GENERAL, "NORMAL", messages.ESCALATE_BOT_LIMITATION),
    EscalationReason.VALIDATION_FAILED: (Queue.GENERAL, "NORMAL", messages.ESCALATE_VALIDATION_FAILED),
    EscalationReason.ORDER_NOT_FOUND: (Queue.GENERAL, "NORMAL", messages.ESCALATE_ORDER_NOT_FOUND),
    EscalationReason.SYSTEM_ERROR: (DEFAULT_QUEUE, "NORMAL", messages.ESCALATE_SYSTEM_ERROR),
}

#: CONTENT.md routing: intents that are always handled by an agent.
INTENT_REASONS: Final[dict[Intent, EscalationReason]] = {
    Intent.COMPLAINT: EscalationReason.COMPLAINT,
    Intent.TECHNICAL_SUPPORT: EscalationReason.TECH_SUPPORT,
    Intent.PAYMENT_INQUIRY: EscalationReason.PAYMENT_SECURITY,
    Intent.CANCEL_REQUEST: EscalationReason.PAYMENT_SECURITY,
    Intent.AGENT_REQUEST: EscalationReason.AGENT_REQUEST,
}


def _compact(text: str) -> str:
    # Keywords are matched on text without spaces or punctuation: callers (and speech
    # recognition) split words freely ("열 받아", "짜 증 나").
    return NOT_WORD_RE.sub("", unicodedata.normalize("NFKC", text or ""))


def escalate(reason: EscalationReason) -> Escalation:
    """The escalation for ``reason`` with its queue, priority and message."""
    queue, priority, message = _ROUTES[reason]
    return Escalation(queue=queue, reason=reason, priority=priority, message=message)


def has_urgent_word(text: str) -> bool:
    """True when the caller uses one of the urgent keywords."""
    compact = _compact(text)
    return any(word in compact for word in URGENT_KEYWORDS)


def has_negative_word(text: str) -> bool:
    """True when the caller uses one of the negative (anger) keywords."""
    compact = _compact(text)
    return any(word in compact for word in NEGATIVE_KEYWORDS)


def keyword_escalation(text: str) -> Escalation | None:
    """Escalation required by the caller's words alone, whatever the intent or dialog.

    Urgent words win over anger (they decide the priority queue); an angry urgent caller still
    hears the apology first.
    """
    angry = has_negative_word(text)
    if has_urgent_word(text):
        urgent = escalate(EscalationReason.URGENT)
        return replace(urgent, message=messages.ESCALATE_URGENT_ANGRY) if angry else urgent
    if angry:
        return escalate(EscalationReason.COMPLAINT)
    return None


def intent_escalation(intent: Intent) -> Escalation | None:
    """CONTENT.md routing table: the escalation for an intent handled by agents, else None."""
    reason = INTENT_REASONS.get(intent)
    return escalate(reason) if reason is not None else None


def limit_escalation(*, consecutive_not_understood: int, turns_without_resolution: int) -> Escalation | None:
    """Bot-limitation escalation once the caller has been stuck long enough, else None."""
    if (
        consecutive_not_understood >= MAX_CONSECUTIVE_NOT_UNDERSTOOD
        or turns_without_resolution >= MAX_TURNS_WITHOUT_RESOLUTION
    ):
        return escalate(EscalationReason.BOT_LIMITATION)
    return None


def validation_escalation(step_failures: int) -> Escalation | None:
    """Escalation once one dialog step has failed validation ``MAX_STEP_FAILURES`` times."""
    return escalate(EscalationReason.VALIDATION_FAILED) if step_failures >= MAX_STEP_FAILURES else None


def for_customer(escalation: Escalation, tier: CustomerTier | str | None) -> Escalation:
    """Apply the VIP rule: a VIP caller escalating for any reason goes to the priority queue.

    The reason and message stay; the priority becomes at least HIGH (CRITICAL stays CRITICAL).
    """
    if tier != CustomerTier.VIP:
        return escalation
    priority: Priority = "CRITICAL" if escalation.priority == "CRITICAL" else "HIGH"
    return replace(escalation, queue=PRIORITY_QUEUE, priority=priority, vip=True)
