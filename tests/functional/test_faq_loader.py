"""The FAQ custom resource against moto DynamoDB, with CloudFormation's ResponseURL faked.

Items are read back through ``storage.dynamodb.DynamoDbFaqRepository``, the reader the Lex hook
uses, so "written" means "readable by the bot".
"""

from __future__ import annotations

import dataclasses
import http.server
import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

import pytest

from bot.faq import load_faq_entries
from bot.models import FaqEntry
from handlers import faq_loader
from handlers.faq_loader import (
    STATUS_FAILED,
    STATUS_SUCCESS,
    FaqLoaderDependencies,
    FaqLoaderError,
    build_response,
    handle_event,
    send_response,
)
from storage.dynamodb import DynamoDbFaqRepository
from tests.functional.conftest import TABLE_NAMES
from tests.functional.custom_resource_support import (
    LOG_STREAM_NAME,
    RESPONSE_URL,
    FakeResourceContext,
    ResponseSink,
)

FAQ_TABLE = TABLE_NAMES["FAQ_TABLE_NAME"]


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
    """A CloudFormation custom-resource request as CloudFormation sends it."""
    properties: dict[str, Any] = {"ServiceToken": "arn:aws:lambda:ap-northeast-2:123456789012:function:faq"}
    if table_name is not None:
        properties["TableName"] = table_name
        properties["ContentHash"] = "0" * 64
    return {
        "RequestType": request_type,
        "ResponseURL": RESPONSE_URL,
        "StackId": "arn:aws:cloudformation:ap-northeast-2:123456789012:stack/aicc-dev-bot/guid",
        "RequestId": "request-1",
        "ResourceType": "Custom::FaqContent",
        "LogicalResourceId": "FaqContentResource",
        "ResourceProperties": properties,
        **extra,
    }


@pytest.fixture
def sleeps() -> list[float]:
    """Every backoff the loader asked for (never really slept)."""
    return []


def dependencies(
    client: Any, sink: ResponseSink, sleeps: list[float], entries: Sequence[FaqEntry] | None = None
) -> FaqLoaderDependencies:
    """Dependencies on moto, a fixed FAQ and the sink."""
    faq = list(entries) if entries is not None else load_faq_entries()
    return FaqLoaderDependencies(
        client_factory=lambda: client, load_entries=lambda: faq, send=sink, sleep=sleeps.append
    )


def stored_entries(client: Any) -> list[FaqEntry]:
    """The table as the Lex hook's repository reads it."""
    return DynamoDbFaqRepository(FAQ_TABLE, client_factory=lambda: client).all_entries()


def by_id(entries: Sequence[FaqEntry]) -> list[FaqEntry]:
    return sorted(entries, key=lambda entry: entry.faq_id)


# --- Create / Update / Delete ---------------------------------------------------------------------------


def test_create_writes_every_entry_readable_by_the_bot(
    dynamodb: Any, sink: ResponseSink, sleeps: list[float]
) -> None:
    handle_event(event("Create"), FakeResourceContext(), dependencies(dynamodb, sink, sleeps))

    body = sink.only
    assert body["Status"] == STATUS_SUCCESS
    assert body["PhysicalResourceId"] == f"faq-content-{FAQ_TABLE}"
    assert body["Data"] == {"Written": "10", "Deleted": "0", "Unchanged": "0"}
    assert body["StackId"].endswith("stack/aicc-dev-bot/guid")
    assert body["RequestId"] == "request-1"
    assert body["LogicalResourceId"] == "FaqContentResource"
    assert stored_entries(dynamodb) == by_id(load_faq_entries())


def test_a_second_run_writes_nothing(dynamodb: Any, sink: ResponseSink, sleeps: list[float]) -> None:
    handle_event(event("Create"), FakeResourceContext(), dependencies(dynamodb, sink, sleeps))
    counting = CountingClient(dynamodb)

    handle_event(
        event("Update", PhysicalResourceId=f"faq-content-{FAQ_TABLE}"),
        FakeResourceContext(),
        dependencies(counting, sink, sleeps),
    )

    _, body = sink.responses[1]
    assert body["Status"] == STATUS_SUCCESS
    assert body["Data"] == {"Written": "0", "Deleted": "0", "Unchanged": "10"}
    assert body["PhysicalResourceId"] == f"faq-content-{FAQ_TABLE}"
    assert counting.batch_calls == []


def test_update_rewrites_only_the_changed_entry(
    dynamodb: Any, sink: ResponseSink, sleeps: list[float]
) -> None:
    entries = load_faq_entries()
    handle_event(event("Create"), FakeResourceContext(), dependencies(dynamodb, sink, sleeps, entries))
    changed = [
        dataclasses.replace(entry, answer="평일 오전 9시부터 오후 7시까지 운영합니다.")
        if entry.faq_id == "hours"
        else entry
        for entry in entries
    ]
    counting = CountingClient(dynamodb)

    handle_event(event("Update"), FakeResourceContext(), dependencies(counting, sink, sleeps, changed))

    _, body = sink.responses[1]
    assert body["Data"] == {"Written": "1", "Deleted": "0", "Unchanged": "9"}
    assert counting.batch_calls == [1]
    stored = {entry.faq_id: entry for entry in stored_entries(dynamodb)}
    assert stored["hours"].answer == "평일 오전 9시부터 오후 7시까지 운영합니다."
    assert stored["phone"] == next(entry for entry in entries if entry.faq_id == "phone")


def test_update_deletes_entries_removed_from_the_file(
    dynamodb: Any, sink: ResponseSink, sleeps: list[float]
) -> None:
    entries = load_faq_entries()
    handle_event(event("Create"), FakeResourceContext(), dependencies(dynamodb, sink, sleeps, entries))
    remaining = [entry for entry in entries if entry.faq_id != "receipt"]

    handle_event(event("Update"), FakeResourceContext(), dependencies(dynamodb, sink, sleeps, remaining))

    _, body = sink.responses[1]
    assert body["Data"] == {"Written": "0", "Deleted": "1", "Unchanged": "9"}
    assert [entry.faq_id for entry in stored_entries(dynamodb)] == sorted(entry.faq_id for entry in remaining)


def test_an_item_in_another_shape_is_rewritten_in_the_readers_shape(
    dynamodb: Any, sink: ResponseSink, sleeps: list[float]
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

    handle_event(event("Create"), FakeResourceContext(), dependencies(dynamodb, sink, sleeps))

    assert sink.only["Data"] == {"Written": "10", "Deleted": "0", "Unchanged": "0"}
    item = dynamodb.get_item(TableName=FAQ_TABLE, Key={"faq_id": {"S": entry.faq_id}})["Item"]
    assert item["keywords"] == {"L": [{"S": keyword} for keyword in entry.keywords]}


def test_delete_answers_success_and_keeps_the_data(
    dynamodb: Any, sink: ResponseSink, sleeps: list[float]
) -> None:
    handle_event(event("Create"), FakeResourceContext(), dependencies(dynamodb, sink, sleeps))
    sink.responses.clear()

    def no_client() -> Any:
        raise AssertionError("Delete must not touch the table")

    handle_event(
        event("Delete", PhysicalResourceId=f"faq-content-{FAQ_TABLE}"),
        FakeResourceContext(),
        FaqLoaderDependencies(
            client_factory=no_client, load_entries=load_faq_entries, send=sink, sleep=sleeps.append
        ),
    )

    body = sink.only
    assert body["Status"] == STATUS_SUCCESS
    assert body["PhysicalResourceId"] == f"faq-content-{FAQ_TABLE}"
    assert len(stored_entries(dynamodb)) == 10


def test_delete_after_a_failed_create_without_table_name_succeeds(
    sink: ResponseSink, sleeps: list[float]
) -> None:
    failed_create = event("Create", table_name=None)
    handle_event(failed_create, FakeResourceContext(), dependencies(object(), sink, sleeps))
    failed_id = sink.responses[0][1]["PhysicalResourceId"]

    handle_event(
        event("Delete", table_name=None, PhysicalResourceId=failed_id),
        FakeResourceContext(),
        dependencies(object(), sink, sleeps),
    )

    assert sink.responses[0][1]["Status"] == STATUS_FAILED
    assert sink.responses[1][1] == {
        **sink.responses[1][1],
        "Status": STATUS_SUCCESS,
        "PhysicalResourceId": failed_id,
    }


# --- throttling ------------------------------------------------------------------------------------------


def test_unprocessed_items_are_retried_with_backoff(
    dynamodb: Any, sink: ResponseSink, sleeps: list[float]
) -> None:
    throttled = CountingClient(dynamodb, unprocessed_rounds=2)

    handle_event(event("Create"), FakeResourceContext(), dependencies(throttled, sink, sleeps))

    assert sink.only["Status"] == STATUS_SUCCESS
    assert throttled.batch_calls == [10, 5, 3]  # 5 handed back, then 2 of those, then the rest
    assert sleeps == [0.1, 0.2]
    assert stored_entries(dynamodb) == by_id(load_faq_entries())


def test_writes_dynamodb_keeps_refusing_fail_the_request(
    dynamodb: Any, sink: ResponseSink, sleeps: list[float]
) -> None:
    always_throttled = CountingClient(dynamodb, refuse_all=True)

    handle_event(event("Create"), FakeResourceContext(), dependencies(always_throttled, sink, sleeps))

    body = sink.only
    assert body["Status"] == STATUS_FAILED
    assert "unprocessed" in body["Reason"]
    assert len(always_throttled.batch_calls) == faq_loader.MAX_BATCH_ATTEMPTS


def test_the_client_retries_throttling_errors(
    dynamodb: Any, sink: ResponseSink, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
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

    handle_event(event("Create"), FakeResourceContext(), dependencies(client, sink, []))

    assert throttled_calls == ["throttled"]
    assert sink.only["Status"] == STATUS_SUCCESS
    assert len(sleeps) == 1  # one backoff before botocore's retry
    assert stored_entries(dynamodb) == by_id(load_faq_entries())


# --- failures always reach CloudFormation ------------------------------------------------------------


def test_a_missing_table_fails_with_a_reason(dynamodb: Any, sink: ResponseSink, sleeps: list[float]) -> None:
    handle_event(
        event("Create", table_name="no-such-table"),
        FakeResourceContext(),
        dependencies(dynamodb, sink, sleeps),
    )

    body = sink.only
    assert body["Status"] == STATUS_FAILED
    assert "ResourceNotFoundException" in body["Reason"]
    assert LOG_STREAM_NAME in body["Reason"]
    assert body["PhysicalResourceId"] == "faq-content-no-such-table"


def test_an_empty_faq_file_is_refused_instead_of_emptying_the_table(
    dynamodb: Any, sink: ResponseSink, sleeps: list[float]
) -> None:
    handle_event(event("Create"), FakeResourceContext(), dependencies(dynamodb, sink, sleeps))

    handle_event(event("Update"), FakeResourceContext(), dependencies(dynamodb, sink, sleeps, entries=[]))

    _, body = sink.responses[1]
    assert body["Status"] == STATUS_FAILED
    assert "no entries" in body["Reason"]
    assert len(stored_entries(dynamodb)) == 10


def test_a_repeated_faq_id_is_refused(dynamodb: Any, sink: ResponseSink, sleeps: list[float]) -> None:
    entries = load_faq_entries()
    handle_event(
        event("Create"), FakeResourceContext(), dependencies(dynamodb, sink, sleeps, [*entries, entries[0]])
    )

    assert sink.only["Status"] == STATUS_FAILED
    assert "repeats the id 'hours'" in sink.only["Reason"]


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_missing_table_name_fails(request_type: str, sink: ResponseSink, sleeps: list[float]) -> None:
    handle_event(
        event(request_type, table_name=None), FakeResourceContext(), dependencies(object(), sink, sleeps)
    )

    assert sink.only["Status"] == STATUS_FAILED
    assert "TableName is required" in sink.only["Reason"]


def test_unknown_request_type_fails(sink: ResponseSink, sleeps: list[float]) -> None:
    handle_event(event("Replace"), FakeResourceContext(), dependencies(object(), sink, sleeps))

    assert sink.only["Status"] == STATUS_FAILED
    assert "unknown RequestType 'Replace'" in sink.only["Reason"]


def test_work_that_overruns_the_deadline_is_answered_as_failed() -> None:
    release = threading.Event()

    def stuck() -> None:
        release.wait()

    try:
        outcome = faq_loader._run_with_deadline(stuck, 0.01)
    finally:
        release.set()

    assert isinstance(outcome, FaqLoaderError)
    assert "did not finish" in str(outcome)


def test_a_hanging_sync_is_answered_failed_before_the_lambda_times_out(
    sink: ResponseSink, sleeps: list[float]
) -> None:
    release = threading.Event()

    def hanging_client() -> Any:
        release.wait()
        raise AssertionError("released after the test")

    # Only the reserve for answering CloudFormation is left: the sync gets the 1 s minimum.
    context = FakeResourceContext(remaining_millis=int(faq_loader.RESPONSE_RESERVE_SECONDS * 1000))
    try:
        handle_event(
            event("Create"),
            context,
            FaqLoaderDependencies(
                client_factory=hanging_client, load_entries=load_faq_entries, send=sink, sleep=sleeps.append
            ),
        )
    finally:
        release.set()

    assert sink.only["Status"] == STATUS_FAILED
    assert "did not finish" in sink.only["Reason"]


def test_a_failing_sender_does_not_raise(dynamodb: Any, sleeps: list[float]) -> None:
    def broken_sender(url: str, body: Mapping[str, Any]) -> None:
        raise FaqLoaderError("network down")

    response = handle_event(
        event("Create"),
        FakeResourceContext(),
        FaqLoaderDependencies(
            client_factory=lambda: dynamodb,
            load_entries=load_faq_entries,
            send=broken_sender,
            sleep=sleeps.append,
        ),
    )

    assert response is not None and response["Status"] == STATUS_SUCCESS


def test_an_event_without_response_url_is_logged_not_raised(sink: ResponseSink, sleeps: list[float]) -> None:
    request = event("Create")
    del request["ResponseURL"]

    assert handle_event(request, FakeResourceContext(), dependencies(object(), sink, sleeps)) is None
    assert sink.responses == []


def test_reason_is_cut_to_keep_the_response_under_cloudformations_limit() -> None:
    body = build_response(event("Create"), status=STATUS_FAILED, reason="오류" * 5000)

    assert len(body["Reason"]) == faq_loader.MAX_REASON_CHARS
    assert len(faq_loader.encode_response(body)) < 4096


# --- the PUT to ResponseURL --------------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers PUTs with the next status of ``statuses`` and records each request."""

    statuses: ClassVar[list[int]] = []
    requests: ClassVar[list[dict[str, Any]]] = []

    def do_PUT(self) -> None:
        length = int(self.headers["Content-Length"])
        self.requests.append(
            {
                "path": self.path,
                "content_type": self.headers.get("Content-Type"),
                "body": json.loads(self.rfile.read(length)),
            }
        )
        self.send_response(self.statuses.pop(0))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def response_server() -> Iterator[tuple[str, type[_Recorder]]]:
    """A local HTTP server standing in for the pre-signed S3 URL."""
    handler = type("Recorder", (_Recorder,), {"statuses": [], "requests": []})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/signed?X-Amz-Signature=abc", handler
    finally:
        server.shutdown()
        server.server_close()


def test_send_response_puts_json_with_an_empty_content_type_and_retries_5xx(
    response_server: tuple[str, type[_Recorder]], sleeps: list[float]
) -> None:
    url, handler = response_server
    handler.statuses.extend([503, 200])
    body = build_response(event("Create"), status=STATUS_SUCCESS, data={"Written": "1"})

    send_response(url, body, timeout=2.0, sleep=sleeps.append)

    assert [request["body"] for request in handler.requests] == [body, body]
    assert all(request["path"] == "/signed?X-Amz-Signature=abc" for request in handler.requests)
    assert all(request["content_type"] == "" for request in handler.requests)
    assert sleeps == [faq_loader.RESPONSE_BACKOFF_SECONDS]


def test_send_response_gives_up_at_once_on_a_4xx(
    response_server: tuple[str, type[_Recorder]], sleeps: list[float]
) -> None:
    url, handler = response_server
    handler.statuses.extend([403, 200])

    with pytest.raises(FaqLoaderError, match="403"):
        send_response(
            url, build_response(event("Create"), status=STATUS_SUCCESS), timeout=2.0, sleep=sleeps.append
        )

    assert len(handler.requests) == 1


def test_send_response_refuses_a_non_http_url() -> None:
    with pytest.raises(FaqLoaderError, match="not an HTTP"):
        send_response("file:///etc/passwd", {}, sleep=lambda _: None)
