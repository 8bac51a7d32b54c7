"""How a contact ended for the bot, read from Amazon Connect's contact event and what the bot left.

Why a module of its own: the containment rate, the escalations by reason and the abandonment the
business steers by are counted from one decision per contact, and that decision must be the same
wherever it is made (the contact-records function, tests, a later re-computation). Pure and total:
standard library and the contract only, every function accepts any input and never raises.

**The event** is EventBridge's ``Amazon Connect Contact Event`` (source ``aws.connect``): the
``detail`` holds ``eventType``, ``contactId``, ``initialContactId``, ``previousContactId``,
``relatedContactId``, ``channel``, ``initiationMethod``, ``instanceArn``, timestamps (``initiationTimestamp``,
``disconnectTimestamp``), ``queueInfo`` (``queueArn``, ``enqueueTimestamp``), ``agentInfo``
(``connectedToAgentTimestamp``) and, on some events, ``disconnectReason``. Connect adds fields
over time: unknown ones are ignored, known ones of the wrong type read as absent. Contact
attributes are **not** in the event: the function reads them (``GetContactAttributes``) and the
callback the contact-flow function booked (callbacks table, keyed by contact id) and hands them in.

**The outcome** (:func:`decide_outcome`), first rule that holds:

=====================================================  ==============================
what is known                                          outcome
=====================================================  ==============================
a callback was booked by the (inbound) contact        ``callback``
an agent took it (``connectedToAgentTimestamp``)       ``transferred``
the bot escalated for ``system_error``                 ``error``
it waited in a queue, or the bot escalated             ``abandoned`` (left unserved)
the bot closed with ``nextAction = end``               ``contained``
no ``nextAction``: the customer hung up                ``abandoned``
no ``nextAction`` otherwise (flow/bot failure, or      ``error``
attributes missing)
=====================================================  ==============================

Attributes are read once the contact has ended, so a missing ``nextAction`` is not "late": the bot
sets it before the flow goes on, and a contact without it never got the bot's decision.

**Which contacts count** (:func:`is_customer_initiated`). Connect raises a ``DISCONNECTED`` event
for every contact, and the work the bot hands on is made of contacts of its own: a queued
callback (``initiationMethod`` ``CALLBACK``), a callback task (``API``, channel ``TASK``), a
transfer (``TRANSFER``, ``QUEUE_TRANSFER``), an agent's outbound call. Each is recorded, with its
initiation method, ``previousContactId``, ``relatedContactId`` and the callback reference its
attributes carry, so it can be joined to the promise (the callbacks table keeps the task's
contact id too). Only contacts a customer started are the bot's contacts, counted in the
containment rate and the outcome metrics: ``INBOUND`` (a call to us), ``WEBRTC_API`` (an in-app
call), ``API`` on the ``CHAT`` channel (``StartChatContact``, how the web chat starts) and, when
Connect sent no initiation method, a voice call or chat. Counting the others would count one
customer twice (an inbound call that booked a callback, then the callback an agent made).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from bot.models import KST
from bot.personal_data import mask_personal_data, mask_phone_number, to_e164
from contract import (
    OTHER_CHANNEL,
    ContactAttribute,
    ContactChannel,
    ContactEventProblem,
    ContactOutcome,
    EscalationReason,
    NextAction,
    Queue,
)

#: EventBridge's ``source`` and ``detail-type`` of Connect's contact events.
CONTACT_EVENT_SOURCE: Final = "aws.connect"
CONTACT_EVENT_DETAIL_TYPE: Final = "Amazon Connect Contact Event"
#: The event type that ends a contact: the one the rule forwards and the record is written on.
DISCONNECTED: Final = "DISCONNECTED"
#: ``initiationMethod`` of a contact the customer started (a call or chat to us).
INBOUND: Final = "INBOUND"
#: ``initiationMethod`` of an in-app, web or video call a customer started (``StartWebRTCContact``).
WEBRTC_API: Final = "WEBRTC_API"
#: ``initiationMethod`` of a contact started by API: a customer's chat (``StartChatContact``) on
#: ``CHAT``, the business's own work otherwise (a task, an outbound call).
API: Final = "API"
#: ``disconnectReason`` when the customer hung up.
CUSTOMER_DISCONNECT: Final = "CUSTOMER_DISCONNECT"

#: The dimension value of an escalation whose reason is not one of the contract's.
UNKNOWN_REASON: Final = "none"

_MAX_ID_LENGTH: Final = 256
_MAX_TEXT_LENGTH: Final = 128


@dataclass(frozen=True, slots=True)
class ContactEvent:
    """The facts of a ``DISCONNECTED`` contact event that a record keeps (times in Korea time)."""

    contact_id: str
    initial_contact_id: str | None
    instance_arn: str | None
    #: As Connect sent it (upper-cased, masked, cut to 128 characters); may be a new channel.
    channel: str
    initiation_method: str | None
    initiated_at: datetime | None
    disconnected_at: datetime | None
    enqueued_at: datetime | None
    agent_connected_at: datetime | None
    queue_arn: str | None
    disconnect_reason: str | None
    #: The caller's number masked (``010-****-5678``), when the event carries one.
    caller: str | None
    #: The contact this one follows (a transfer's, a callback's), and the one it was created for.
    previous_contact_id: str | None = None
    related_contact_id: str | None = None

    @property
    def channel_dimension(self) -> str:
        """The channel as a bounded metric dimension value: a :class:`ContactChannel` or ``OTHER``."""
        return self.channel if self.channel in _KNOWN_CHANNELS else OTHER_CHANNEL


_KNOWN_CHANNELS: Final = frozenset(channel.value for channel in ContactChannel)


@dataclass(frozen=True, slots=True)
class ParsedEvent:
    """A contact event that can be recorded, with what was wrong with it but did not stop it."""

    event: ContactEvent
    problems: tuple[ContactEventProblem, ...]


@dataclass(frozen=True, slots=True)
class RejectedEvent:
    """An event that cannot be recorded: why, and a short, masked description for the log."""

    problem: ContactEventProblem
    detail: str


@dataclass(frozen=True, slots=True)
class BotTrace:
    """What the bot and the flows left for the contact (all optional)."""

    attributes: Mapping[str, str]
    callback_reference: str | None = None
    last_intent: str | None = None


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """One contact as the contact-records table keeps it (no personal data but a masked number)."""

    contact_id: str
    initial_contact_id: str | None
    channel: str
    initiation_method: str | None
    outcome: ContactOutcome
    initiated_at: datetime | None
    disconnected_at: datetime | None
    duration_seconds: int | None
    queue_wait_seconds: int | None
    queue: str | None
    queue_arn: str | None
    reason: str | None
    intent: str | None
    callback_reference: str | None
    disconnect_reason: str | None
    caller: str | None
    previous_contact_id: str | None = None
    related_contact_id: str | None = None
    #: A contact a customer started (:func:`is_customer_initiated`): the only ones metrics count.
    customer_initiated: bool = True

    @property
    def escalation_reason(self) -> str | None:
        """The escalation's reason as a bounded dimension value, or None when the bot did not escalate."""
        if self.reason is None:
            return None
        return self.reason if self.reason in _KNOWN_REASONS else UNKNOWN_REASON


_KNOWN_REASONS: Final = frozenset(reason.value for reason in EscalationReason)
_KNOWN_QUEUES: Final = frozenset(queue.value for queue in Queue)


def parse_contact_event(event: Any) -> ParsedEvent | RejectedEvent:
    """Read an EventBridge contact event; never raises.

    Rejected: anything that is not a Connect contact event, one without a usable contact id, and
    contact events of another type than ``DISCONNECTED``. Recorded with a problem noted: a
    channel that is not (yet) one of the contract's, missing or unreadable timestamps.
    """
    envelope = _mapping(event)
    source = _text(envelope.get("source"))
    detail_type = _text(envelope.get("detail-type"))
    if source != CONTACT_EVENT_SOURCE or detail_type != CONTACT_EVENT_DETAIL_TYPE:
        return RejectedEvent(
            ContactEventProblem.MALFORMED, f"not a contact event: {source!r} {detail_type!r}"
        )
    detail = _mapping(envelope.get("detail"))
    contact_id = _identifier(detail.get("contactId"))
    if contact_id is None:
        return RejectedEvent(ContactEventProblem.MALFORMED, "contact event without a usable contactId")
    event_type = _text(detail.get("eventType")).upper()
    if event_type != DISCONNECTED:
        return RejectedEvent(ContactEventProblem.NOT_ENDED, f"event type {event_type or 'missing'!r}")

    problems: list[ContactEventProblem] = []
    channel = _text(detail.get("channel")).strip().upper()
    if channel not in _KNOWN_CHANNELS:
        problems.append(ContactEventProblem.UNKNOWN_CHANNEL)
    queue_info = _mapping(detail.get("queueInfo"))
    agent_info = _mapping(detail.get("agentInfo"))
    endpoint = _mapping(detail.get("customerEndpoint"))
    initiated_at = _timestamp(detail.get("initiationTimestamp"))
    disconnected_at = _timestamp(detail.get("disconnectTimestamp"))
    if initiated_at is None or disconnected_at is None:
        problems.append(ContactEventProblem.MISSING_FIELDS)
    number = to_e164(endpoint.get("address"))
    return ParsedEvent(
        event=ContactEvent(
            contact_id=contact_id,
            initial_contact_id=_identifier(detail.get("initialContactId")),
            instance_arn=_identifier(detail.get("instanceArn")),
            channel=_clean(channel) or "UNKNOWN",
            initiation_method=_clean(detail.get("initiationMethod")),
            initiated_at=initiated_at,
            disconnected_at=disconnected_at,
            enqueued_at=_timestamp(queue_info.get("enqueueTimestamp")),
            agent_connected_at=_timestamp(agent_info.get("connectedToAgentTimestamp")),
            queue_arn=_identifier(queue_info.get("queueArn")),
            disconnect_reason=_clean(detail.get("disconnectReason")),
            caller=mask_phone_number(number) if number else None,
            previous_contact_id=_identifier(detail.get("previousContactId")),
            related_contact_id=_identifier(detail.get("relatedContactId")),
        ),
        problems=tuple(problems),
    )


def decide_outcome(event: ContactEvent, trace: BotTrace) -> ContactOutcome:
    """The contact's outcome: the first rule of the module's table that holds."""
    attributes = trace.attributes
    next_action = _text(attributes.get(ContactAttribute.NEXT_ACTION)).strip()
    reason = _text(attributes.get(ContactAttribute.REASON)).strip()
    escalated = next_action == NextAction.ESCALATE
    rules = (
        (bool(trace.callback_reference) and is_customer_initiated(event), ContactOutcome.CALLBACK),
        (event.agent_connected_at is not None, ContactOutcome.TRANSFERRED),
        (escalated and reason == EscalationReason.SYSTEM_ERROR, ContactOutcome.ERROR),
        (event.enqueued_at is not None or escalated, ContactOutcome.ABANDONED),
        (next_action == NextAction.END, ContactOutcome.CONTAINED),
        (event.disconnect_reason == CUSTOMER_DISCONNECT, ContactOutcome.ABANDONED),
    )
    return next((outcome for holds, outcome in rules if holds), ContactOutcome.ERROR)


def is_customer_initiated(event: ContactEvent) -> bool:
    """A contact a customer started (see "Which contacts count" in the module docs).

    The callback, task or transfer made for an inbound contact later carries its attributes (the
    callback reference among them) but is the business's own contact: not a new booking, and not
    counted in the containment rate or the outcome metrics.
    """
    method = (event.initiation_method or "").upper()
    if method in {INBOUND, WEBRTC_API}:
        return True
    if method == API:
        return event.channel == ContactChannel.CHAT
    if not method:
        return event.channel in {ContactChannel.VOICE, ContactChannel.CHAT}
    return False


def build_record(event: ContactEvent, trace: BotTrace) -> ContactRecord:
    """The record of an ended contact: the event's facts, the bot's trace and the outcome."""
    attributes = trace.attributes
    escalated = _text(attributes.get(ContactAttribute.NEXT_ACTION)).strip() == NextAction.ESCALATE
    queue = _text(attributes.get(ContactAttribute.QUEUE)).strip()
    wait_end = event.agent_connected_at or event.disconnected_at
    return ContactRecord(
        contact_id=event.contact_id,
        initial_contact_id=event.initial_contact_id,
        channel=event.channel,
        initiation_method=event.initiation_method,
        outcome=decide_outcome(event, trace),
        initiated_at=event.initiated_at,
        disconnected_at=event.disconnected_at,
        duration_seconds=_seconds_between(event.initiated_at, event.disconnected_at),
        queue_wait_seconds=_seconds_between(event.enqueued_at, wait_end),
        queue=queue if queue in _KNOWN_QUEUES else None,
        queue_arn=event.queue_arn,
        reason=(_clean(attributes.get(ContactAttribute.REASON)) or UNKNOWN_REASON) if escalated else None,
        intent=_clean(trace.last_intent),
        callback_reference=_clean(trace.callback_reference),
        disconnect_reason=event.disconnect_reason,
        caller=event.caller,
        previous_contact_id=event.previous_contact_id,
        related_contact_id=event.related_contact_id,
        customer_initiated=is_customer_initiated(event),
    )


# --- defensive reading ------------------------------------------------------------------------------


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _clean(value: Any) -> str | None:
    """A short free-text value as stored: masked (it may hold a number), cut, or None when empty."""
    text = _text(value).strip()
    return mask_personal_data(text)[:_MAX_TEXT_LENGTH] or None if text else None


def _identifier(value: Any) -> str | None:
    text = _text(value).strip()
    return text if text and len(text) <= _MAX_ID_LENGTH else None


def _timestamp(value: Any) -> datetime | None:
    """An ISO-8601 timestamp (``2026-03-20T01:02:03.456Z``) in Korea time; None when unreadable."""
    text = _text(value).strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None  # Connect always sends UTC with a zone; a naive time is not one of its
    return moment.astimezone(KST)


def _seconds_between(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None or end < start:
        return None
    return round((end - start).total_seconds())
