"""Storage ports: what the bot logic needs from storage, as Protocols.

The DynamoDB implementations live in ``storage/``; in-memory test doubles
(``tests/support/memory.py``, outside the Lambda asset) serve unit tests and benchmarks. The
tables, their keys, indexes and TTL attribute are the contract's (``contract.TABLE_DEFINITIONS``),
as the stateful stack deploys them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.models import FaqEntry
from contract import CustomerTier


@dataclass(frozen=True, slots=True)
class ConversationTurn:
    """One bot turn as written to the conversations table."""

    contact_id: str
    turn: int
    timestamp: datetime  # Korea time
    channel: str
    caller_text: str  # personal data already masked (bot.personal_data)
    intent: str | None
    confidence: float
    classifier_source: str | None
    faq_id: str | None
    bot_reply: str
    action: str  # continue | end | escalate | dialog


@dataclass(frozen=True, slots=True)
class CustomerProfile:
    phone_number: str  # E.164
    tier: CustomerTier
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Reservation:
    reference: str
    contact_id: str
    service: str
    reservation_date: date
    # E.164 (+8210…), as in the customers and callbacks tables: the business calls the caller back
    # on it, so it is stored whole (the only personal data kept; see README "Personal data").
    phone_number: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    status: str  # Korean, speakable, e.g. "배송 중"
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class CallbackRequest:
    contact_id: str
    phone_number: str  # E.164
    callback_at: datetime  # Korea time, the next business opening
    reference: str
    status: str = "PENDING"
    # What Connect owns for it (bot.callback_plan): the link between the promise and the contact
    # the flow creates, which carries the reference and is found by it.
    kind: str | None = None  # a contract.CallbackKind
    release_at: datetime | None = None  # Korea time, when Connect offers it to agents
    queue: str | None = None  # a contract.Queue key
    reason: str | None = None  # a contract.EscalationReason
    # The contact id of the task the flow created for it ($.Task.ContactId, link_callback); a queued
    # callback's id is not exposed to the flow, so it stays None there.
    connect_contact_id: str | None = None


class ConversationLog(Protocol):
    def record(self, turn: ConversationTurn) -> None:
        """Write one turn; writing the same (contact_id, turn) twice leaves one item."""


class FaqRepository(Protocol):
    def all_entries(self) -> list[FaqEntry]: ...


class CustomerRepository(Protocol):
    def get(self, phone_number: str) -> CustomerProfile | None: ...


class ReservationRepository(Protocol):
    def save(self, reservation: Reservation) -> Reservation:
        """Store the booking; saving the same reference again returns the stored one."""


class OrderRepository(Protocol):
    def get(self, order_id: str) -> Order | None: ...


class CallbackRepository(Protocol):
    def save(self, request: CallbackRequest) -> CallbackRequest:
        """Store the request once per contact; a retry returns the first stored request."""

    def set_kind(self, contact_id: str, kind: str) -> CallbackRequest | None:
        """Record what Connect now owns for the contact's request (idempotent); None: no request."""

    def mark_not_created(self, contact_id: str) -> CallbackRequest | None:
        """Record that Connect owns nothing for the request (status NOT_CREATED); None: no request."""

    def link(self, contact_id: str, connect_contact_id: str) -> CallbackRequest | None:
        """Record the id of the contact Connect created for the request (idempotent); None: no request."""
