"""DynamoDB implementations of the storage ports in ``bot.ports``.

Design notes:

* **Low-level clients, created lazily and shared.** ``boto3`` is imported and a client built on
  the first storage call, not at module import, so importing a handler stays cheap; the clients are
  cached per container and reused by every repository and warm invocation. The low-level client
  is used instead of the ``Table`` resource because it loads faster and the item shapes here are
  few and fixed, so they are marshalled explicitly.
* **Every call within the invocation's deadline.** Each call asks the container's
  :class:`~storage.deadline.DeadlineClients` for its client: timeouts and attempts derived from the
  time the invocation has left (``storage.deadline``), or no call at all when too little is left.
* **Idempotent writes.** Lex and Connect retry: every write is a conditional put, and a condition
  failure means "already stored", never an error.
* **Datetimes** are stored as ISO-8601 strings in Korea time (``+09:00``) so they read naturally
  and sort correctly (the callbacks GSI sorts on ``callback_at``).

Keys, index keys and the TTL attribute are the contract's table definitions (``contract.CONVERSATIONS``...).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from bot.models import KST, FaqEntry
from bot.ports import (
    CallbackRequest,
    ConversationTurn,
    CustomerProfile,
    Order,
    Reservation,
)
from contract import (
    CALLBACK_NOT_CREATED,
    CALLBACKS,
    CONVERSATIONS,
    CUSTOMERS,
    FAQ,
    ORDERS,
    RESERVATIONS,
    CustomerItem,
    CustomerTier,
    OrderItem,
    TableDefinition,
)
from storage.deadline import UNBOUNDED_PLAN, CallPlan, DeadlineClients

logger = logging.getLogger(__name__)

#: botocore client settings outside any invocation's deadline (``storage.deadline.UNBOUNDED_PLAN``).
CONNECT_TIMEOUT_SECONDS = UNBOUNDED_PLAN.connect_timeout
READ_TIMEOUT_SECONDS = UNBOUNDED_PLAN.read_timeout
MAX_ATTEMPTS = UNBOUNDED_PLAN.max_attempts

_CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailedException"


def _ttl_attribute(definition: TableDefinition) -> str:
    if definition.ttl_attribute is None:
        raise ValueError(f"the {definition.key} table has no TTL attribute")
    return definition.ttl_attribute


# Key and TTL attributes as the tables are deployed (the contract's table definitions).
_CONVERSATION_KEY, _CONVERSATION_TURN = CONVERSATIONS.key_names
_CONVERSATION_TTL = _ttl_attribute(CONVERSATIONS)
_RESERVATION_KEY = RESERVATIONS.partition_key.name
_CALLBACK_KEY = CALLBACKS.partition_key.name
_FAQ_KEY = FAQ.partition_key.name

Item = dict[str, dict[str, Any]]
ClientFactory = Callable[[], Any]


def make_dynamodb_client(
    *,
    region: str | None = None,
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
    read_timeout: float = READ_TIMEOUT_SECONDS,
    max_attempts: int = MAX_ATTEMPTS,
    endpoint_url: str | None = None,
) -> Any:
    """A new low-level DynamoDB client with short timeouts and standard-mode retries.

    The one DynamoDB client factory: the handlers' clients and the simulator's local tables are
    built here. ``region`` defaults to ``AWS_REGION`` (set in every Lambda); ``endpoint_url``
    only serves benchmarks against a local endpoint.
    """
    import boto3
    from botocore.config import Config

    return boto3.client(
        "dynamodb",
        region_name=region,
        endpoint_url=endpoint_url,
        config=Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"total_max_attempts": max_attempts, "mode": "standard"},
        ),
    )


def dynamodb_clients(
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    customize: Callable[[Any], None] | None = None,
) -> DeadlineClients:
    """DynamoDB clients per call plan (``storage.deadline``): a client factory for the repositories.

    ``customize`` sees every client once, when it is built (the simulator's fault injection).
    """

    def build(plan: CallPlan) -> Any:
        client = make_dynamodb_client(
            region=region,
            connect_timeout=plan.connect_timeout,
            read_timeout=plan.read_timeout,
            max_attempts=plan.max_attempts,
            endpoint_url=endpoint_url,
        )
        if customize is not None:
            customize(client)
        return client

    return DeadlineClients(build)


#: The container's DynamoDB clients (region from ``AWS_REGION``), shared by every repository.
_shared_clients = dynamodb_clients()


def shared_dynamodb_client() -> Any:
    """The container's DynamoDB client for a call started now, within the active deadline.

    Raises ``storage.deadline.DeadlineExceeded`` (before any request) when too little time is left.
    """
    return _shared_clients.client()


def reset_shared_dynamodb_client() -> None:
    """Forget the shared clients (tests start a fresh moto backend per test)."""
    _shared_clients.reset()


class _DynamoDbTable:
    """Base: a table name plus a client resolved lazily from ``client_factory``."""

    def __init__(self, table_name: str, *, client_factory: ClientFactory = shared_dynamodb_client) -> None:
        self._table_name = table_name
        self._client_factory = client_factory

    @property
    def table_name(self) -> str:
        """The DynamoDB table this repository reads and writes."""
        return self._table_name

    @property
    def _client(self) -> Any:
        return self._client_factory()

    def _get(self, key: Item, *, consistent: bool = False) -> Item | None:
        response = self._client.get_item(TableName=self._table_name, Key=key, ConsistentRead=consistent)
        item: Item | None = response.get("Item")
        return item

    def _put_if_absent(self, item: Item, key_attribute: str) -> Item | None:
        """Put ``item`` unless an item with its key exists; returns the existing item, or None."""
        try:
            self._client.put_item(
                TableName=self._table_name,
                Item=item,
                ConditionExpression="attribute_not_exists(#key)",
                ExpressionAttributeNames={"#key": key_attribute},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except Exception as error:
            if _error_code(error) != _CONDITIONAL_CHECK_FAILED:
                raise
            existing: Item | None = getattr(error, "response", {}).get("Item")
            return existing if existing else {}
        return None


class DynamoDbConversationLog(_DynamoDbTable):
    """``ConversationLog`` on the conversations table (``contact_id`` + ``turn``, TTL ``expires_at``)."""

    def __init__(
        self, table_name: str, *, ttl_days: int, client_factory: ClientFactory = shared_dynamodb_client
    ) -> None:
        super().__init__(table_name, client_factory=client_factory)
        if ttl_days < 1:
            raise ValueError("ttl_days must be at least 1")
        self._ttl = timedelta(days=ttl_days)

    def record(self, turn: ConversationTurn) -> None:
        """Write one turn; a retry of the same (contact_id, turn) finds it stored and succeeds."""
        timestamp = _aware(turn.timestamp)
        item: Item = {
            _CONVERSATION_KEY: _s(turn.contact_id),
            _CONVERSATION_TURN: _n(turn.turn),
            "timestamp": _s(_iso(timestamp)),
            "channel": _s(turn.channel),
            "caller_text": _s(turn.caller_text),
            "confidence": _n(turn.confidence),
            "bot_reply": _s(turn.bot_reply),
            "action": _s(turn.action),
            # The turn's own time, not the wall clock, so a retried write is byte-identical.
            _CONVERSATION_TTL: _n(int((timestamp + self._ttl).timestamp())),
        }
        _put_optional(item, "intent", turn.intent)
        _put_optional(item, "classifier_source", turn.classifier_source)
        _put_optional(item, "faq_id", turn.faq_id)
        # The condition on the partition key alone is enough: it is evaluated against the item
        # with this exact (contact_id, turn) key, so another turn of the contact does not match.
        if self._put_if_absent(item, _CONVERSATION_KEY) is not None:
            logger.debug("conversation turn already stored", extra={"turn": turn.turn})


class DynamoDbFaqRepository(_DynamoDbTable):
    """``FaqRepository`` on the faq table (``faq_id``); entries come back sorted by id."""

    def all_entries(self) -> list[FaqEntry]:
        """Scan the (small) table; items missing a required field are skipped and logged."""
        entries: list[FaqEntry] = []
        request: dict[str, Any] = {"TableName": self._table_name, "ConsistentRead": True}
        while True:
            # Page by page, each a call of its own within the deadline (a paginator keeps one client).
            page = self._client.scan(**request)
            for item in page.get("Items", []):
                entry = _faq_entry(item)
                if entry is None:
                    logger.warning("skipping malformed FAQ item", extra={"faq_item_keys": sorted(item)})
                else:
                    entries.append(entry)
            last_key = page.get("LastEvaluatedKey")
            if not last_key:
                break
            request["ExclusiveStartKey"] = last_key
        return sorted(entries, key=lambda entry: entry.faq_id)


class DynamoDbCustomerRepository(_DynamoDbTable):
    """``CustomerRepository`` on the customers table (``phone_number`` in E.164)."""

    def get(self, phone_number: str) -> CustomerProfile | None:
        """The caller's profile, or None for an unknown number. An unknown tier counts as STANDARD."""
        item = self._get({CUSTOMERS.partition_key.name: _s(phone_number)})
        if item is None:
            return None
        raw_tier = _str_attr(item, CustomerItem.TIER) or CustomerTier.STANDARD.value
        try:
            tier = CustomerTier(raw_tier.strip().upper())
        except ValueError:
            logger.warning("unknown customer tier, treating as STANDARD", extra={"tier": raw_tier})
            tier = CustomerTier.STANDARD
        name = _str_attr(item, CustomerItem.NAME) or None
        return CustomerProfile(phone_number=phone_number, tier=tier, name=name)


class DynamoDbOrderRepository(_DynamoDbTable):
    """``OrderRepository`` on the orders table (``order_id``)."""

    def get(self, order_id: str) -> Order | None:
        """The order, or None when there is no such order (or the stored item has no status)."""
        item = self._get({ORDERS.partition_key.name: _s(order_id)})
        if item is None:
            return None
        status = _str_attr(item, OrderItem.STATUS)
        if not status:
            logger.warning("order item without status", extra={"order_id": order_id})
            return None
        return Order(order_id=order_id, status=status, detail=_str_attr(item, OrderItem.DETAIL) or None)


class DynamoDbReservationRepository(_DynamoDbTable):
    """``ReservationRepository`` on the reservations table (``reference``; GSI by phone number + date)."""

    def save(self, reservation: Reservation) -> Reservation:
        """Store the booking once; saving the same reference again returns the stored booking."""
        item: Item = {
            _RESERVATION_KEY: _s(reservation.reference),
            "contact_id": _s(reservation.contact_id),
            "service": _s(reservation.service),
            "reservation_date": _s(reservation.reservation_date.isoformat()),
            "phone_number": _s(reservation.phone_number),
            "created_at": _s(_iso(_aware(reservation.created_at))),
        }
        existing = self._put_if_absent(item, _RESERVATION_KEY)
        if existing is None:
            return reservation
        stored = existing or self._get({_RESERVATION_KEY: item[_RESERVATION_KEY]}, consistent=True)
        return _reservation(stored) if stored else reservation


class DynamoDbCallbackRepository(_DynamoDbTable):
    """``CallbackRepository`` on the callbacks table (``contact_id``; GSI ``status`` + ``callback_at``)."""

    def save(self, request: CallbackRequest) -> CallbackRequest:
        """Store one request per contact; a retry (Connect retries) returns the first stored request."""
        item: Item = {
            _CALLBACK_KEY: _s(request.contact_id),
            "phone_number": _s(request.phone_number),
            "callback_at": _s(_iso(_aware(request.callback_at))),
            "reference": _s(request.reference),
            "status": _s(request.status),
        }
        _put_optional(item, "kind", request.kind)
        _put_optional(item, "release_at", _iso(_aware(request.release_at)) if request.release_at else None)
        _put_optional(item, "queue", request.queue)
        _put_optional(item, "reason", request.reason)
        existing = self._put_if_absent(item, _CALLBACK_KEY)
        if existing is None:
            return request
        stored = existing or self._get({_CALLBACK_KEY: item[_CALLBACK_KEY]}, consistent=True)
        return _callback_request(stored) if stored else request

    def set_kind(self, contact_id: str, kind: str) -> CallbackRequest | None:
        """Set ``kind`` of the contact's request (a retry sets the same value); None without one."""
        return self._update(contact_id, "SET #field = :value", "kind", kind)

    def mark_not_created(self, contact_id: str) -> CallbackRequest | None:
        """Set the request's ``status`` to NOT_CREATED (idempotent); None without one."""
        return self._update(contact_id, "SET #field = :value", "status", CALLBACK_NOT_CREATED)

    def link(self, contact_id: str, connect_contact_id: str) -> CallbackRequest | None:
        """Set ``connect_contact_id``, the contact Connect created (idempotent); None without a request."""
        return self._update(contact_id, "SET #field = :value", "connect_contact_id", connect_contact_id)

    def _update(self, contact_id: str, expression: str, field: str, value: str) -> CallbackRequest | None:
        try:
            response = self._client.update_item(
                TableName=self._table_name,
                Key={_CALLBACK_KEY: _s(contact_id)},
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(#key)",
                ExpressionAttributeNames={"#field": field, "#key": _CALLBACK_KEY},
                ExpressionAttributeValues={":value": _s(value)},
                ReturnValues="ALL_NEW",
            )
        except Exception as error:
            if _error_code(error) != _CONDITIONAL_CHECK_FAILED:
                raise
            return None
        return _callback_request(response.get("Attributes", {}))


# --- marshalling ------------------------------------------------------------------------------------


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: float) -> dict[str, str]:
    return {"N": repr(value) if isinstance(value, float) else str(value)}


def _put_optional(item: Item, name: str, value: str | None) -> None:
    # DynamoDB rejects empty key strings only, but absent beats "" for optional fields.
    if value:
        item[name] = _s(value)


def _str_attr(item: Mapping[str, Mapping[str, Any]], name: str) -> str | None:
    value = item.get(name, {}).get("S")
    return value if isinstance(value, str) else None


def _aware(moment: datetime) -> datetime:
    """Korea time; a naive datetime is taken to be Korea time already (the bot's only zone)."""
    return moment.replace(tzinfo=KST) if moment.tzinfo is None else moment.astimezone(KST)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _faq_entry(item: Mapping[str, Mapping[str, Any]]) -> FaqEntry | None:
    faq_id, question, answer = (_str_attr(item, name) for name in (_FAQ_KEY, "question", "answer"))
    if not faq_id or not question or not answer:
        return None
    return FaqEntry(
        faq_id=faq_id,
        category=_str_attr(item, "category") or "",
        question=question,
        answer=answer,
        keywords=_keywords(item.get("keywords", {})),
    )


def _keywords(attribute: Mapping[str, Any]) -> tuple[str, ...]:
    """Keywords stored as a list of strings, a string set, or one comma-separated string."""
    if "L" in attribute:
        values = [element.get("S") for element in attribute["L"] if isinstance(element, Mapping)]
    elif "SS" in attribute:
        values = sorted(attribute["SS"])
    elif "S" in attribute:
        values = attribute["S"].split(",")
    else:
        values = []
    return tuple(value.strip() for value in values if isinstance(value, str) and value.strip())


def _reservation(item: Mapping[str, Mapping[str, Any]]) -> Reservation:
    return Reservation(
        reference=_str_attr(item, "reference") or "",
        contact_id=_str_attr(item, "contact_id") or "",
        service=_str_attr(item, "service") or "",
        reservation_date=date.fromisoformat(_str_attr(item, "reservation_date") or ""),
        phone_number=_str_attr(item, "phone_number") or "",
        created_at=datetime.fromisoformat(_str_attr(item, "created_at") or ""),
    )


def _callback_request(item: Mapping[str, Mapping[str, Any]]) -> CallbackRequest:
    return CallbackRequest(
        contact_id=_str_attr(item, "contact_id") or "",
        phone_number=_str_attr(item, "phone_number") or "",
        callback_at=datetime.fromisoformat(_str_attr(item, "callback_at") or ""),
        reference=_str_attr(item, "reference") or "",
        status=_str_attr(item, "status") or "PENDING",
        kind=_str_attr(item, "kind"),
        release_at=datetime.fromisoformat(release_at)
        if (release_at := _str_attr(item, "release_at"))
        else None,
        queue=_str_attr(item, "queue"),
        reason=_str_attr(item, "reason"),
        connect_contact_id=_str_attr(item, "connect_contact_id"),
    )


def _error_code(error: Exception) -> str | None:
    """The AWS error code of a botocore ``ClientError`` (duck-typed to keep botocore imports lazy)."""
    response = getattr(error, "response", None)
    if not isinstance(response, Mapping):
        return None
    code = response.get("Error", {}).get("Code")
    return code if isinstance(code, str) else None
