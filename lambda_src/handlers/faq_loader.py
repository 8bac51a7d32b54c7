"""The FAQ loader: makes the faq table hold exactly ``bot/data/faq.json`` at deploy time.

``lambda_handler`` is the ``on_event`` handler of a CDK ``custom_resources.Provider``
(``constructs_lib.faq_loader``): the provider framework invokes it for ``Custom::FaqContent`` and
answers CloudFormation itself — success with what this handler returns, failure with the message
of whatever it raises (a timeout of this function included). Nothing here talks to CloudFormation.

Create and Update make the table equal to the file: entries that are new or whose content changed
are put, entries no longer in the file are deleted, unchanged ones are left alone — so a second
run writes nothing. Delete leaves the data where it is (the table belongs to the stateful stack and
is retained in production).

The items are written in the shape ``storage.dynamodb.DynamoDbFaqRepository`` reads (``faq_id``,
``category``, ``question``, ``answer``, ``keywords`` as a list of strings), so the Lex hook reads
exactly what was loaded. The local simulator seeds its tables with :func:`sync_faq_table` too.

Throttling: DynamoDB's own throttling errors are retried by botocore (standard mode, several
attempts); items a ``BatchWriteItem`` call returns as ``UnprocessedItems`` are retried here with
exponential backoff.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from bot.models import FaqEntry
from contract import FAQ
from handlers.observability import logger

REQUEST_CREATE: Final = "Create"
REQUEST_UPDATE: Final = "Update"
REQUEST_DELETE: Final = "Delete"

#: DynamoDB accepts at most 25 write requests per BatchWriteItem call.
BATCH_SIZE = 25
#: Calls per batch before giving up on items DynamoDB keeps returning as unprocessed.
MAX_BATCH_ATTEMPTS = 8
BATCH_BACKOFF_BASE_SECONDS = 0.1
BATCH_BACKOFF_MAX_SECONDS = 5.0

#: botocore client: standard retry mode retries throttling with backoff, attempts included.
CLIENT_MAX_ATTEMPTS = 8
CLIENT_CONNECT_TIMEOUT_SECONDS = 2.0
CLIENT_READ_TIMEOUT_SECONDS = 5.0

#: The faq table's key attribute (the contract's table definition).
_KEY: Final = FAQ.partition_key.name

Item = dict[str, dict[str, Any]]
ClientFactory = Callable[[], Any]
EntriesLoader = Callable[[], Sequence[FaqEntry]]
Sleep = Callable[[float], None]


class FaqLoaderError(RuntimeError):
    """The FAQ could not be written; the provider framework reports the message to CloudFormation."""


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one run did to the table."""

    written: int
    deleted: int
    unchanged: int

    def as_data(self) -> dict[str, str]:
        """The custom resource's ``Data`` (attribute values are strings for ``Fn::GetAtt``)."""
        return {"Written": str(self.written), "Deleted": str(self.deleted), "Unchanged": str(self.unchanged)}


# --- the FAQ as table items ---------------------------------------------------------------------------


def faq_item(entry: FaqEntry) -> Item:
    """The table item of ``entry``, as ``storage.dynamodb.DynamoDbFaqRepository`` reads it."""
    return {
        _KEY: {"S": entry.faq_id},
        "category": {"S": entry.category},
        "question": {"S": entry.question},
        "answer": {"S": entry.answer},
        "keywords": {"L": [{"S": keyword} for keyword in entry.keywords]},
    }


def desired_items(entries: Iterable[FaqEntry]) -> dict[str, Item]:
    """Items by FAQ id; an empty FAQ or a repeated id is refused (it would wipe or hide entries)."""
    items: dict[str, Item] = {}
    for entry in entries:
        if not entry.faq_id.strip():
            raise FaqLoaderError("the FAQ file has an entry without an id")
        if entry.faq_id in items:
            raise FaqLoaderError(f"the FAQ file repeats the id {entry.faq_id!r}")
        items[entry.faq_id] = faq_item(entry)
    if not items:
        raise FaqLoaderError("the FAQ file has no entries; refusing to empty the faq table")
    return items


# --- syncing the table --------------------------------------------------------------------------------


def scan_items(client: Any, table_name: str) -> dict[str, Item]:
    """Every item of the table by ``faq_id`` (strongly consistent: a rerun sees the last write)."""
    items: dict[str, Item] = {}
    paginator = client.get_paginator("scan")
    for page in paginator.paginate(TableName=table_name, ConsistentRead=True):
        for item in page.get("Items", []):
            faq_id = item.get(_KEY, {}).get("S")
            if isinstance(faq_id, str):
                items[faq_id] = item
    return items


def sync_faq_table(
    client: Any,
    table_name: str,
    entries: Iterable[FaqEntry],
    *,
    sleep: Sleep = time.sleep,
) -> SyncResult:
    """Make the table hold exactly ``entries``; writes only what differs."""
    desired = desired_items(entries)
    existing = scan_items(client, table_name)
    puts = [item for faq_id, item in sorted(desired.items()) if existing.get(faq_id) != item]
    deletes = sorted(faq_id for faq_id in existing if faq_id not in desired)
    requests: list[dict[str, Any]] = [{"PutRequest": {"Item": item}} for item in puts]
    requests += [{"DeleteRequest": {"Key": {_KEY: {"S": faq_id}}}} for faq_id in deletes]
    for start in range(0, len(requests), BATCH_SIZE):
        write_batch(client, table_name, requests[start : start + BATCH_SIZE], sleep=sleep)
    return SyncResult(written=len(puts), deleted=len(deletes), unchanged=len(desired) - len(puts))


def write_batch(
    client: Any, table_name: str, requests: Sequence[Mapping[str, Any]], *, sleep: Sleep = time.sleep
) -> None:
    """One BatchWriteItem, retrying the unprocessed part with exponential backoff."""
    pending = list(requests)
    for attempt in range(MAX_BATCH_ATTEMPTS):
        if attempt:
            sleep(min(BATCH_BACKOFF_MAX_SECONDS, BATCH_BACKOFF_BASE_SECONDS * 2 ** (attempt - 1)))
        response = client.batch_write_item(RequestItems={table_name: pending})
        pending = list(response.get("UnprocessedItems", {}).get(table_name, []))
        if not pending:
            return
        logger.warning(
            "DynamoDB left FAQ writes unprocessed, retrying",
            extra={"unprocessed": len(pending), "attempt": attempt + 1},
        )
    raise FaqLoaderError(
        f"{len(pending)} FAQ writes still unprocessed after {MAX_BATCH_ATTEMPTS} attempts (throttled)"
    )


def dynamodb_client() -> Any:
    """A DynamoDB client that retries throttling (standard mode) with short network timeouts."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "dynamodb",
        config=Config(
            connect_timeout=CLIENT_CONNECT_TIMEOUT_SECONDS,
            read_timeout=CLIENT_READ_TIMEOUT_SECONDS,
            retries={"mode": "standard", "total_max_attempts": CLIENT_MAX_ATTEMPTS},
        ),
    )


# --- the provider framework's on_event handler -----------------------------------------------------------


def physical_resource_id(table_name: str) -> str:
    """Stable per table: an Update with the same table keeps the resource, another table replaces it."""
    return f"faq-content-{table_name}"


@dataclass(frozen=True, slots=True)
class FaqLoaderDependencies:
    """What the handler talks to; tests inject fakes."""

    client_factory: ClientFactory
    load_entries: EntriesLoader
    sleep: Sleep = time.sleep


def _default_entries() -> Sequence[FaqEntry]:
    from bot.faq import load_faq_entries

    return load_faq_entries()


def default_dependencies() -> FaqLoaderDependencies:
    """The real DynamoDB client and the bundled FAQ file."""
    return FaqLoaderDependencies(client_factory=dynamodb_client, load_entries=_default_entries)


def lambda_handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """``on_event`` of the provider framework: ``PhysicalResourceId`` and ``Data``, or raises."""
    return handle_event(event, default_dependencies())


def handle_event(event: Mapping[str, Any], dependencies: FaqLoaderDependencies) -> dict[str, Any]:
    """Serve one Create/Update/Delete; raising makes the framework answer ``FAILED`` with the message."""
    request_type = event.get("RequestType")
    logger.info(
        "FAQ custom-resource request",
        extra={"request_type": request_type, "logical_resource_id": event.get("LogicalResourceId")},
    )
    if request_type == REQUEST_DELETE:
        # The table and its data belong to the stateful stack; removing this resource keeps them.
        # The framework requires a Delete to answer the id it was given.
        return {"PhysicalResourceId": event["PhysicalResourceId"]}
    if request_type not in (REQUEST_CREATE, REQUEST_UPDATE):
        raise FaqLoaderError(f"unknown RequestType {request_type!r}")
    properties = event.get("ResourceProperties")
    table_name = properties.get("TableName") if isinstance(properties, Mapping) else None
    if not isinstance(table_name, str) or not table_name:
        raise FaqLoaderError("ResourceProperties.TableName is required")
    result = sync_faq_table(
        dependencies.client_factory(), table_name, dependencies.load_entries(), sleep=dependencies.sleep
    )
    logger.info("FAQ table synchronized", extra=result.as_data())
    return {"PhysicalResourceId": physical_resource_id(table_name), "Data": result.as_data()}
