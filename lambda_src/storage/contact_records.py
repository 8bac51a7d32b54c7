"""What the contact-records function reads and writes: its table, a contact's callback and last turn,
and the contact's attributes in Amazon Connect.

Why apart from :mod:`storage.dynamodb`: only this asynchronous function uses these calls, and the
Connect client (``GetContactAttributes``) belongs to nothing else. The DynamoDB access goes through
the same shared, deadline-aware clients (``storage.dynamodb.shared_dynamodb_client``).

**Idempotent record.** The record is a conditional put on ``contact_id``: a redelivered event (or a
retry after a lost response) finds the first record stored and writes nothing; the caller is told
so. The first record of a contact wins, whatever a later event would compute.

**Errors.** Whatever DynamoDB or Connect raise is raised on, except Connect's
``ResourceNotFoundException`` (no attributes for the contact: None), so the handler can let the
event be retried and, after the retries, land in the dead-letter queue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from bot.contact_outcome import ContactRecord
from contract import CALLBACKS, CONTACT_RECORDS, CONVERSATIONS
from storage.dynamodb import ClientFactory, Item, _aware, _DynamoDbTable, _error_code, _iso, _n, _s, _str_attr
from storage.dynamodb import shared_dynamodb_client as _shared_dynamodb_client

logger = logging.getLogger(__name__)

_RECORD_KEY = CONTACT_RECORDS.partition_key.name
_RECORD_TTL: Final = CONTACT_RECORDS.ttl_attribute or "expires_at"
_CALLBACK_KEY = CALLBACKS.partition_key.name
_PENDING_INDEX = CALLBACKS.indexes[0]
#: ``status`` of a callback nobody has made yet (``bot.ports.CallbackRequest``'s default).
PENDING_STATUS: Final = "PENDING"
_CONVERSATION_KEY, _CONVERSATION_TURN = CONVERSATIONS.key_names

#: botocore settings of the Connect client: the function is asynchronous and has 30 s, but a
#: stalled call should fail fast and let EventBridge's retry try again.
CONNECT_CONNECT_TIMEOUT_SECONDS: Final = 1.0
CONNECT_READ_TIMEOUT_SECONDS: Final = 3.0
CONNECT_MAX_ATTEMPTS: Final = 3

_RESOURCE_NOT_FOUND = "ResourceNotFoundException"


class DynamoDbContactRecords(_DynamoDbTable):
    """The contact-records table (``contact_id``, TTL ``expires_at``)."""

    def __init__(
        self, table_name: str, *, ttl_days: int, client_factory: ClientFactory = _shared_dynamodb_client
    ) -> None:
        super().__init__(table_name, client_factory=client_factory)
        if ttl_days < 1:
            raise ValueError("ttl_days must be at least 1")
        self._ttl = timedelta(days=ttl_days)

    def save_if_absent(self, record: ContactRecord, *, recorded_at: datetime) -> bool:
        """Store the record unless the contact has one; True when this call stored it.

        The TTL counts from the contact's end (``recorded_at`` when the event has no end time), so
        a redelivered event computes the same item.
        """
        ended = _aware(record.disconnected_at or recorded_at)
        item: Item = {
            _RECORD_KEY: _s(record.contact_id),
            "channel": _s(record.channel),
            "outcome": _s(record.outcome.value),
            "recorded_at": _s(_iso(_aware(recorded_at))),
            _RECORD_TTL: _n(int((ended + self._ttl).timestamp())),
        }
        for name, moment in (
            ("initiated_at", record.initiated_at),
            ("disconnected_at", record.disconnected_at),
        ):
            if moment is not None:
                item[name] = _s(_iso(_aware(moment)))
        for name, number in (
            ("duration_seconds", record.duration_seconds),
            ("queue_wait_seconds", record.queue_wait_seconds),
        ):
            if number is not None:
                item[name] = _n(number)
        for name, text in (
            ("initial_contact_id", record.initial_contact_id),
            ("initiation_method", record.initiation_method),
            ("queue", record.queue),
            ("queue_arn", record.queue_arn),
            ("reason", record.reason),
            ("intent", record.intent),
            ("callback_reference", record.callback_reference),
            ("disconnect_reason", record.disconnect_reason),
            ("caller", record.caller),
            ("previous_contact_id", record.previous_contact_id),
            ("related_contact_id", record.related_contact_id),
        ):
            if text:
                item[name] = _s(text)
        # Counted in the containment rate and outcome metrics (bot.contact_outcome, which contacts count).
        item["customer_initiated"] = {"BOOL": record.customer_initiated}
        return self._put_if_absent(item, _RECORD_KEY) is None


class DynamoDbCallbackLookup(_DynamoDbTable):
    """The callbacks table, read by contact id: the reference of the callback booked for a contact."""

    def reference_for(self, contact_id: str) -> str | None:
        """The booked callback's reference, or None when the contact booked none."""
        item = self._get({_CALLBACK_KEY: _s(contact_id)}, consistent=True)
        if item is None:
            return None
        return _str_attr(item, "reference") or "unknown"

    def pending_count(self) -> int:
        """Callbacks still waiting (``status`` PENDING on the ``pending_by_time`` index), page by page."""
        request: dict[str, Any] = {
            "TableName": self._table_name,
            "IndexName": _PENDING_INDEX.name,
            "KeyConditionExpression": "#status = :pending",
            "ExpressionAttributeNames": {"#status": _PENDING_INDEX.partition_key.name},
            "ExpressionAttributeValues": {":pending": _s(PENDING_STATUS)},
            "Select": "COUNT",
        }
        total = 0
        while True:
            page = self._client.query(**request)
            total += int(page.get("Count", 0))
            last_key = page.get("LastEvaluatedKey")
            if not last_key:
                return total
            request["ExclusiveStartKey"] = last_key


class DynamoDbLastIntent(_DynamoDbTable):
    """The conversations table, read by contact id: the intent of the contact's last classified turn."""

    #: Turns read from the newest back: enough to pass the closing turns without an intent.
    TURNS_READ: Final = 5

    def last_intent(self, contact_id: str) -> str | None:
        """The intent of the newest of the contact's last turns that has one, or None."""
        response = self._client.query(
            TableName=self._table_name,
            KeyConditionExpression="#key = :contact",
            ExpressionAttributeNames={"#key": _CONVERSATION_KEY},
            ExpressionAttributeValues={":contact": _s(contact_id)},
            ScanIndexForward=False,
            Limit=self.TURNS_READ,
        )
        for item in response.get("Items", []):
            intent = _str_attr(item, "intent")
            if intent:
                return intent
        return None


def make_connect_client(*, region: str | None = None) -> Any:
    """A Connect client with short timeouts and standard-mode retries (boto3 imported on first use)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "connect",
        region_name=region,
        config=Config(
            connect_timeout=CONNECT_CONNECT_TIMEOUT_SECONDS,
            read_timeout=CONNECT_READ_TIMEOUT_SECONDS,
            retries={"total_max_attempts": CONNECT_MAX_ATTEMPTS, "mode": "standard"},
        ),
    )


class ConnectContactAttributes:
    """``GetContactAttributes`` of one instance's contacts."""

    def __init__(self, *, client_factory: Callable[[], Any] = make_connect_client) -> None:
        self._client_factory = client_factory
        self._client: Any = None

    def attributes(self, *, instance_id: str, initial_contact_id: str) -> Mapping[str, str] | None:
        """The contact's attributes, or None when Connect has none for it (not found)."""
        if self._client is None:
            self._client = self._client_factory()
        try:
            response = self._client.get_contact_attributes(
                InstanceId=instance_id, InitialContactId=initial_contact_id
            )
        except Exception as error:
            if _error_code(error) == _RESOURCE_NOT_FOUND:
                return None
            raise
        attributes = response.get("Attributes")
        if not isinstance(attributes, Mapping):
            return {}
        return {
            key: value for key, value in attributes.items() if isinstance(key, str) and isinstance(value, str)
        }
