"""In-memory test doubles of every storage port in :mod:`bot.ports`.

They keep the semantics of the DynamoDB adapters, first write wins: recording the same
conversation turn twice keeps the first item, and saving a reservation or callback whose key is
already stored returns the stored one unchanged. Unit tests and ``benchmarks/bench_turn.py`` use
them; they are thread-safe so threaded tests can share one instance. They live here, not under
``lambda_src/``, so that no test double ships in the Lambda asset
(``tests/unit/test_lambda_asset.py``); the simulator runs the real DynamoDB adapters on moto.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable
from typing import Generic, TypeVar

from bot.models import FaqEntry
from bot.ports import CallbackRequest, ConversationTurn, CustomerProfile, Order, Reservation
from contract import CALLBACK_NOT_CREATED

# Keys are table keys: a string, or (contact id, turn) for the conversation log; both sort.
KeyT = TypeVar("KeyT", str, tuple[str, int])
ValueT = TypeVar("ValueT")


class _KeyedStore(Generic[KeyT, ValueT]):
    """A lock-guarded dict: the one place the in-memory repositories keep items."""

    def __init__(self, items: Iterable[tuple[KeyT, ValueT]] = ()) -> None:
        self._items: dict[KeyT, ValueT] = dict(items)
        self._lock = threading.Lock()

    def put_if_absent(self, key: KeyT, value: ValueT) -> ValueT:
        """Store ``value`` unless ``key`` is taken; return what is stored (first write wins)."""
        with self._lock:
            return self._items.setdefault(key, value)

    def put(self, key: KeyT, value: ValueT) -> None:
        with self._lock:
            self._items[key] = value

    def get(self, key: KeyT) -> ValueT | None:
        with self._lock:
            return self._items.get(key)

    def sorted_items(self) -> list[tuple[KeyT, ValueT]]:
        with self._lock:
            return sorted(self._items.items(), key=lambda item: item[0])


class InMemoryConversationLog:
    """``ConversationLog`` keyed by (contact_id, turn)."""

    def __init__(self) -> None:
        self._turns: _KeyedStore[tuple[str, int], ConversationTurn] = _KeyedStore()

    def record(self, turn: ConversationTurn) -> None:
        """Store the turn unless (contact_id, turn) is already stored."""
        self._turns.put_if_absent((turn.contact_id, turn.turn), turn)

    def turns(self, contact_id: str | None = None) -> list[ConversationTurn]:
        """Stored turns in (contact, turn) order, optionally of one contact only."""
        return [
            turn
            for (contact, _), turn in self._turns.sorted_items()
            if contact_id is None or contact == contact_id
        ]


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
        self._profiles = _KeyedStore((profile.phone_number, profile) for profile in profiles)

    def put(self, profile: CustomerProfile) -> None:
        """Add or replace a profile (test set-up)."""
        self._profiles.put(profile.phone_number, profile)

    def get(self, phone_number: str) -> CustomerProfile | None:
        """The profile for the number, or None for an unknown caller."""
        return self._profiles.get(phone_number)


class InMemoryOrderRepository:
    """``OrderRepository`` keyed by order id."""

    def __init__(self, orders: Iterable[Order] = ()) -> None:
        self._orders = _KeyedStore((order.order_id, order) for order in orders)

    def put(self, order: Order) -> None:
        """Add or replace an order (test set-up)."""
        self._orders.put(order.order_id, order)

    def get(self, order_id: str) -> Order | None:
        """The order, or None when there is no such order."""
        return self._orders.get(order_id)


class InMemoryReservationRepository:
    """``ReservationRepository`` keyed by reference; the first booking saved under a reference wins."""

    def __init__(self) -> None:
        self._reservations: _KeyedStore[str, Reservation] = _KeyedStore()

    def save(self, reservation: Reservation) -> Reservation:
        """Store the booking; saving the same reference again returns the stored one."""
        return self._reservations.put_if_absent(reservation.reference, reservation)

    def get(self, reference: str) -> Reservation | None:
        """The stored booking with this reference, or None."""
        return self._reservations.get(reference)

    def all(self) -> list[Reservation]:
        """Every stored booking, sorted by reference."""
        return [reservation for _, reservation in self._reservations.sorted_items()]


class InMemoryCallbackRepository:
    """``CallbackRepository`` keyed by contact id; one request per contact, the first one wins."""

    def __init__(self) -> None:
        self._requests: _KeyedStore[str, CallbackRequest] = _KeyedStore()

    def save(self, request: CallbackRequest) -> CallbackRequest:
        """Store the request once per contact; a retry returns the first stored request."""
        return self._requests.put_if_absent(request.contact_id, request)

    def get(self, contact_id: str) -> CallbackRequest | None:
        """The stored request of the contact, or None."""
        return self._requests.get(contact_id)

    def set_kind(self, contact_id: str, kind: str) -> CallbackRequest | None:
        """Set the stored request's ``kind``; None when the contact has none."""
        stored = self._requests.get(contact_id)
        if stored is None:
            return None
        updated = dataclasses.replace(stored, kind=kind)
        self._requests.put(contact_id, updated)
        return updated

    def mark_not_created(self, contact_id: str) -> CallbackRequest | None:
        """Set the stored request's status to NOT_CREATED; None when the contact has none."""
        stored = self._requests.get(contact_id)
        if stored is None:
            return None
        updated = dataclasses.replace(stored, status=CALLBACK_NOT_CREATED)
        self._requests.put(contact_id, updated)
        return updated

    def link(self, contact_id: str, connect_contact_id: str) -> CallbackRequest | None:
        """Set the stored request's ``connect_contact_id``; None when the contact has none."""
        stored = self._requests.get(contact_id)
        if stored is None:
            return None
        updated = dataclasses.replace(stored, connect_contact_id=connect_contact_id)
        self._requests.put(contact_id, updated)
        return updated

    def all(self) -> list[CallbackRequest]:
        """Every stored request, sorted by contact id."""
        return [request for _, request in self._requests.sorted_items()]
