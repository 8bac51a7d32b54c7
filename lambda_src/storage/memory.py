"""In-memory implementations of every storage port in :mod:`bot.ports`.

They keep the semantics of the DynamoDB adapters, first write wins: recording the same
conversation turn twice keeps the first item, and saving a reservation or callback whose key is
already stored returns the stored one unchanged. Unit tests, benchmarks and the local simulator
use them; they are thread-safe so a multi-threaded simulator can share one instance.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from bot.models import FaqEntry
from bot.ports import CallbackRequest, ConversationTurn, CustomerProfile, Order, Reservation


class InMemoryConversationLog:
    """``ConversationLog`` keyed by (contact_id, turn)."""

    def __init__(self) -> None:
        self._turns: dict[tuple[str, int], ConversationTurn] = {}
        self._lock = threading.Lock()

    def record(self, turn: ConversationTurn) -> None:
        """Store the turn unless (contact_id, turn) is already stored."""
        with self._lock:
            self._turns.setdefault((turn.contact_id, turn.turn), turn)

    def turns(self, contact_id: str | None = None) -> list[ConversationTurn]:
        """Stored turns in (contact, turn) order, optionally of one contact only."""
        with self._lock:
            stored = sorted(self._turns.items())
        return [turn for (contact, _), turn in stored if contact_id is None or contact == contact_id]


class InMemoryFaqRepository:
    """``FaqRepository`` over a fixed list of entries (returned sorted by id, like DynamoDB's)."""

    def __init__(self, entries: Iterable[FaqEntry] = ()) -> None:
        self._entries = sorted(entries, key=lambda entry: entry.faq_id)

    def all_entries(self) -> list[FaqEntry]:
        """Every entry, sorted by ``faq_id``."""
        return list(self._entries)


class InMemoryCustomerRepository:
    """``CustomerRepository`` keyed by E.164 phone number."""

    def __init__(self, profiles: Iterable[CustomerProfile] = ()) -> None:
        self._profiles = {profile.phone_number: profile for profile in profiles}
        self._lock = threading.Lock()

    def put(self, profile: CustomerProfile) -> None:
        """Add or replace a profile (test and simulator set-up)."""
        with self._lock:
            self._profiles[profile.phone_number] = profile

    def get(self, phone_number: str) -> CustomerProfile | None:
        """The profile for the number, or None for an unknown caller."""
        with self._lock:
            return self._profiles.get(phone_number)


class InMemoryOrderRepository:
    """``OrderRepository`` keyed by order id."""

    def __init__(self, orders: Iterable[Order] = ()) -> None:
        self._orders = {order.order_id: order for order in orders}
        self._lock = threading.Lock()

    def put(self, order: Order) -> None:
        """Add or replace an order (test and simulator set-up)."""
        with self._lock:
            self._orders[order.order_id] = order

    def get(self, order_id: str) -> Order | None:
        """The order, or None when there is no such order."""
        with self._lock:
            return self._orders.get(order_id)


class InMemoryReservationRepository:
    """``ReservationRepository`` keyed by reference; the first booking saved under a reference wins."""

    def __init__(self) -> None:
        self._reservations: dict[str, Reservation] = {}
        self._lock = threading.Lock()

    def save(self, reservation: Reservation) -> Reservation:
        """Store the booking; saving the same reference again returns the stored one."""
        with self._lock:
            return self._reservations.setdefault(reservation.reference, reservation)

    def get(self, reference: str) -> Reservation | None:
        """The stored booking with this reference, or None."""
        with self._lock:
            return self._reservations.get(reference)

    def all(self) -> list[Reservation]:
        """Every stored booking, sorted by reference."""
        with self._lock:
            return [self._reservations[reference] for reference in sorted(self._reservations)]


class InMemoryCallbackRepository:
    """``CallbackRepository`` keyed by contact id; one request per contact, the first one wins."""

    def __init__(self) -> None:
        self._requests: dict[str, CallbackRequest] = {}
        self._lock = threading.Lock()

    def save(self, request: CallbackRequest) -> CallbackRequest:
        """Store the request once per contact; a retry returns the first stored request."""
        with self._lock:
            return self._requests.setdefault(request.contact_id, request)

    def get(self, contact_id: str) -> CallbackRequest | None:
        """The stored request of the contact, or None."""
        with self._lock:
            return self._requests.get(contact_id)

    def all(self) -> list[CallbackRequest]:
        """Every stored request, sorted by contact id."""
        with self._lock:
            return [self._requests[contact_id] for contact_id in sorted(self._requests)]
