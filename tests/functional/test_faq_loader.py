"""The FAQ loader (the ``on_event`` handler of the ``Custom::FaqContent`` provider) against moto DynamoDB.

The handler returns ``PhysicalResourceId`` and ``Data`` or raises; CDK's provider framework
answers CloudFormation with either. Items are read back through
``storage.dynamodb.DynamoDbFaqRepository``, the reader the Lex hook uses, so "written" means
"readable by the bot".
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from botocore.exceptions import ClientError

from bot.faq import load_faq_entries
from bot.models import FaqEntry
from handlers import faq_loader
from handlers.faq_loader import FaqLoaderDependencies, FaqLoaderError, handle_event, lambda_handler
from storage.dynamodb import DynamoDbFaqRepository
from tests.functional.conftest import TABLE_NAMES

FAQ_TABLE = TABLE_NAMES["FAQ_TABLE_NAME"]
PHYSICAL_ID = f"faq-content-{FAQ_TABLE}"


class CountingClient:
    """A DynamoDB client proxy that counts write calls (and can leave writes unprocessed)."""

    def __init__(self, client: Any, *, unprocessed_rounds: int = 0, refuse_all: bool = False) -> None:
        self._client = client
        self._unprocessed_rounds = unprocessed_rounds
        self._refuse_all = refuse_all
        self.batch_calls: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def batch_write_item(self, *, RequestItems: dict[str, list[Any]]) -> dict[str, Any]:
        (table_name, requests), *_ = RequestItems.items()
        self.batch_calls.append(len(requests))
        if self._refuse_all:
            return {"UnprocessedItems": {table_name: requests}}
        if self._unprocessed_rounds and len(requests) > 1:
            # Like a throttled partition: DynamoDB writes part and hands the rest back.
            self._unprocessed_rounds -= 1
            half = len(requests) // 2
            self._client.batch_write_item(RequestItems={table_name: requests[:half]})
            return {"UnprocessedItems": {table_name: requests[half:]}}
        response: dict[str, Any] = self._client.batch_write_item(RequestItems=RequestItems)
        return response


def event(
    request_type: str = "Create", *, table_name: str | None = FAQ_TABLE, **extra: Any
) -> dict[str, Any]:
    """A request as the provider framework hands it to ``on_event``."""
    properties: dict[str, Any] = {
        "ServiceToken": "arn:aws:lambda:ap-northeast-2:123456789012:function:faq-provider-framework"
    }
    if table_name is not None:
        properties["TableName"] = table_name
        properties["ContentHash"] = "0" * 64
    return {
        "RequestType": request_type,
        "ServiceToken": properties["ServiceToken"],
        "StackId": "arn:aws:cloudformation:ap-northeast-2:123456789012:stack/aicc-dev-bot/guid",
        "RequestId": "request-1",
        "ResourceType": "Custom::FaqContent",
        "LogicalResourceId": "FaqContent8BB5314F",
        "ResourceProperties": properties,
        **extra,
    }


@pytest.fixture
def sleeps() -> list[float]:
    """Every backoff the loader asked for (never really slept)."""
    return []


def dependencies(
    client: Any, sleeps: list[float], entries: Sequence[FaqEntry] | None = None
) -> FaqLoaderDependencies:
    """Dependencies on moto and a fixed FAQ."""
    faq = list(entries) if entries is not None else load_faq_entries()
    return FaqLoaderDependencies(client_factory=lambda: client, load_entries=lambda: faq, sleep=sleeps.append)


def stored_entries(client: Any) -> list[FaqEntry]:
    """The table as the Lex hook's repository reads it."""
    return DynamoDbFaqRepository(FAQ_TABLE, client_factory=lambda: client).all_entries()


def by_id(entries: Sequence[FaqEntry]) -> list[FaqEntry]:
    return sorted(entries, key=lambda entry: entry.faq_id)


# --- Create / Update / Delete ---------------------------------------------------------------------------


def test_create_writes_every_entry_readable_by_the_bot(dynamodb: Any, sleeps: list[float]) -> None:
    response = handle_event(event("Create"), dependencies(dynamodb, sleeps))

    assert response == {
        "PhysicalResourceId": PHYSICAL_ID,
        "Data": {"Written": "10", "Deleted": "0", "Unchanged": "0"},
    }
    assert stored_entries(dynamodb) == by_id(load_faq_entries())


def test_the_lambda_entry_point_loads_the_bundled_faq(dynamodb: Any) -> None:
    """``lambda_handler`` with the real client and file; its answer survives the framework's JSON."""
    response = lambda_handler(event("Create"), None)

    assert json.loads(json.dumps(response)) == {
        "PhysicalResourceId": PHYSICAL_ID,
        "Data": {"Written": "10", "Deleted": "0", "Unchanged": "0"},
    }
    assert stored_entries(dynamodb) == by_id(load_faq_entries())


def test_a_second_run_writes_nothing(dynamodb: Any, sleeps: list[float]) -> None:
    handle_event(event("Create"), dependencies(dynamodb, sleeps))
    counting = CountingClient(dynamodb)

    response = handle_event(event("Update", PhysicalResourceId=PHYSICAL_ID), dependencies(counting, sleeps))

    assert response == {
        "PhysicalResourceId": PHYSICAL_ID,
        "Data": {"Written": "0", "Deleted": "0", "Unchanged": "10"},
    }
    assert counting.batch_calls == []


def test_update_rewrites_only_the_changed_entry(dynamodb: Any, sleeps: list[float]) -> None:
    entries = load_faq_entries()
    handle_event(event("Create"), dependencies(dynamodb, sleeps, entries))
    changed = [
        dataclasses.replace(entry, answer="평일 오전 9시부터 오후 7시까지 운영합니다.")
        if entry.faq_id == "hours"
        else entry
        for entry in entries
    ]
    counting = CountingClient(dynamodb)

    response = handle_event(
        event("Update", PhysicalResourceId=PHYSICAL_ID), dependencies(counting, sleeps, changed)
    )

    assert response["Data"] == {"Written": "1", "Deleted": "0", "Unchanged": "9"}
    assert counting.batch_calls == [1]
    stored = {entry.faq_id: entry for entry in stored_entries(dynamodb)}
    assert stored["hours"].answer == "평일 오전 9시부터 오후 7시까지 운영합니다."
    assert stored["phone"] == next(entry for entry in entries if entry.faq_id == "phone")


def test_update_deletes_entries_removed_from_the_file(dynamodb: Any, sleeps: list[float]) -> None:
    entries = load_faq_entries()
    handle_event(event("Create"), dependencies(dynamodb, sleeps, entries))
    remaining = [entry for entry in entries if entry.faq_id != "receipt"]

    response = handle_event(
        event("Update", PhysicalResourceId=PHYSICAL_ID), dependencies(dynamodb, sleeps, remaining)
    )

    assert response["Data"] == {"Written": "0", "Deleted": "1", "Unchanged": "9"}
    assert [entry.faq_id for entry in stored_entries(dynamodb)] == sorted(entry.faq_id for entry in remaining)


def test_another_table_is_a_new_physical_id(dynamodb: Any, sleeps: list[float]) -> None:
    """The framework treats a changed id as a replacement; the old resource's Delete keeps its data."""
    response = handle_event(
        event("Update", PhysicalResourceId="faq-content-old-table"), dependencies(dynamodb, sleeps)
    )

    assert response["PhysicalResourceId"] == PHYSICAL_ID


def test_an_item_in_another_shape_is_rewritten_in_the_readers_shape(
    dynamodb: Any, sleeps: list[float]
) -> None:
    entry = load_faq_entries()[0]
    dynamodb.put_item(
        TableName=FAQ_TABLE,
        Item={
            "faq_id": {"S": entry.faq_id},
            "category": {"S": entry.category},
            "question": {"S": entry.question},
            "answer": {"S": entry.answer},
            "keywords": {"S": ",".join(entry.keywords)},
        },
    )

    response = handle_event(event("Create"), dependencies(dynamodb, sleeps))

    assert response["Data"] == {"Written": "10", "Deleted": "0", "Unchanged": "0"}
    item = dynamodb.get_item(TableName=FAQ_TABLE, Key={"faq_id": {"S": entry.faq_id}})["Item"]
    assert item["keywords"] == {"L": [{"S": keyword} for keyword in entry.keywords]}


@pytest.mark.parametrize("table_name", [FAQ_TABLE, None])
def test_delete_keeps_the_data_and_answers_the_id_it_was_given(
    dynamodb: Any, sleeps: list[float], table_name: str | None
) -> None:
    handle_event(event("Create"), dependencies(dynamodb, sleeps))

    def no_client() -> Any:
        raise AssertionError("Delete must not touch the table")

    response = handle_event(
        event("Delete", table_name=table_name, PhysicalResourceId=PHYSICAL_ID),
        FaqLoaderDependencies(client_factory=no_client, load_entries=load_faq_entries, sleep=sleeps.append),
    )

    # The framework refuses a Delete that answers another id.
    assert response == {"PhysicalResourceId": PHYSICAL_ID}
    assert len(stored_entries(dynamodb)) == 10


# --- throttling ------------------------------------------------------------------------------------------


def test_unprocessed_items_are_retried_with_backoff(dynamodb: Any, sleeps: list[float]) -> None:
    throttled = CountingClient(dynamodb, unprocessed_rounds=2)

    response = handle_event(event("Create"), dependencies(throttled, sleeps))

    assert response["Data"]["Written"] == "10"
    assert throttled.batch_calls == [10, 5, 3]  # 5 handed back, then 2 of those, then the rest
    assert sleeps == [0.1, 0.2]
    assert stored_entries(dynamodb) == by_id(load_faq_entries())


def test_writes_dynamodb_keeps_refusing_fail_the_request(dynamodb: Any, sleeps: list[float]) -> None:
    always_throttled = CountingClient(dynamodb, refuse_all=True)

    with pytest.raises(FaqLoaderError, match="unprocessed"):
        handle_event(event("Create"), dependencies(always_throttled, sleeps))

    assert len(always_throttled.batch_calls) == faq_loader.MAX_BATCH_ATTEMPTS


def test_the_client_retries_throttling_errors(
    dynamodb: Any, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore's standard retry mode (configured by dynamodb_client) retries a throttled call."""
    import botocore.endpoint
    from botocore.awsrequest import AWSResponse

    client = faq_loader.dynamodb_client()
    throttled_calls: list[str] = []

    class _Raw:
        def __init__(self, body: bytes) -> None:
            self._body = body

        def stream(self, **_: Any) -> Iterator[bytes]:
            yield self._body

    def throttle_first_write(request: Any, **_: Any) -> AWSResponse | None:
        target = request.headers.get("X-Amz-Target", b"")
        if b"BatchWriteItem" in target and not throttled_calls:
            throttled_calls.append("throttled")
            body = json.dumps(
                {"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "slow down"}
            ).encode()
            return AWSResponse(request.url, 400, {"x-amzn-RequestId": "throttle-1"}, _Raw(body))
        return None

    client.meta.events.register_first("before-send.dynamodb.BatchWriteItem", throttle_first_write)
    monkeypatch.setattr(botocore.endpoint.time, "sleep", sleeps.append)

    response = handle_event(event("Create"), dependencies(client, []))

    assert throttled_calls == ["throttled"]
    assert response["Data"]["Written"] == "10"
    assert len(sleeps) == 1  # one backoff before botocore's retry
    assert stored_entries(dynamodb) == by_id(load_faq_entries())


# --- failures raise: the framework answers CloudFormation FAILED with the message -----------------------


def test_a_missing_table_raises_dynamodbs_error(dynamodb: Any, sleeps: list[float]) -> None:
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        handle_event(event("Create", table_name="no-such-table"), dependencies(dynamodb, sleeps))


def test_an_empty_faq_file_is_refused_instead_of_emptying_the_table(
    dynamodb: Any, sleeps: list[float]
) -> None:
    handle_event(event("Create"), dependencies(dynamodb, sleeps))

    with pytest.raises(FaqLoaderError, match="no entries"):
        handle_event(
            event("Update", PhysicalResourceId=PHYSICAL_ID), dependencies(dynamodb, sleeps, entries=[])
        )

    assert len(stored_entries(dynamodb)) == 10


def test_a_repeated_faq_id_is_refused(dynamodb: Any, sleeps: list[float]) -> None:
    entries = load_faq_entries()

    with pytest.raises(FaqLoaderError, match="repeats the id 'hours'"):
        handle_event(event("Create"), dependencies(dynamodb, sleeps, [*entries, entries[0]]))

    assert stored_entries(dynamodb) == []


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_missing_table_name_fails(request_type: str, sleeps: list[float]) -> None:
    with pytest.raises(FaqLoaderError, match="TableName is required"):
        handle_event(event(request_type, table_name=None), dependencies(object(), sleeps))


def test_unknown_request_type_fails(sleeps: list[float]) -> None:
    with pytest.raises(FaqLoaderError, match="unknown RequestType 'Replace'"):
        handle_event(event("Replace"), dependencies(object(), sleeps))
