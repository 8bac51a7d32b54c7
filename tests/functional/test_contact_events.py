"""The contact-records function on moto tables, with Connect's GetContactAttributes stubbed (moto has
no Connect contacts): one record per contact, idempotent, masked, TTL; bad events; retries; metrics."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from bot.models import KST
from constructs_lib.function_environment import contact_records_environment
from contract import (
    CALLBACKS,
    CONTACT_RECORDS,
    CONTACT_RECORDS_METRICS,
    CONVERSATIONS,
    TABLE_DEFINITIONS,
    ContactAttribute,
    EnvVar,
)
from handlers import contact_events
from handlers.settings import ContactRecordsSettings
from storage.contact_records import (
    ConnectContactAttributes,
    DynamoDbCallbackLookup,
    DynamoDbContactRecords,
    DynamoDbLastIntent,
)
from tests.functional.conftest import CONFIG, TABLE_NAMES, CapturedOutput, FakeLambdaContext
from tests.functional.test_metrics import assert_published_as_the_contract_says, published
from tests.unit.test_contact_outcome import DISCONNECTED_EVENT, INSTANCE_ARN

INSTANCE_ID = "11111111-2222-3333-4444-555555555555"
CONTACT_ID = DISCONNECTED_EVENT["detail"]["contactId"]
NOW = datetime(2026, 3, 20, 10, 6, tzinfo=KST)
TTL_DAYS = 30


def event(**detail: Any) -> dict[str, Any]:
    built = copy.deepcopy(DISCONNECTED_EVENT)
    built["detail"].update(detail)
    return built


@pytest.fixture
def records_environment(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The function's variables as the CDK app sets them (service name as the other handlers' here)."""
    names = {definition.key: TABLE_NAMES[definition.environment_variable] for definition in TABLE_DEFINITIONS}
    for name, value in contact_records_environment(CONFIG, names).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(EnvVar.CONTACT_RECORD_TTL_DAYS, str(TTL_DAYS))
    monkeypatch.setenv(EnvVar.POWERTOOLS_SERVICE_NAME, "aicc-test")
    contact_events.reset_container()


@pytest.fixture
def connect() -> Iterator[Stubber]:
    client = boto3.client("connect", region_name="ap-northeast-2")
    with Stubber(client) as stubber:
        stubber.client = client  # type: ignore[attr-defined]
        yield stubber


@pytest.fixture
def app(records_environment: None, connect: Stubber) -> contact_events.ContactEventsApp:
    settings = ContactRecordsSettings.from_env()
    from handlers.observability import MetricsPublisher

    return contact_events.ContactEventsApp(
        records=DynamoDbContactRecords(
            settings.contact_records_table_name, ttl_days=settings.contact_record_ttl_days
        ),
        callbacks=DynamoDbCallbackLookup(settings.callbacks_table_name),
        intents=DynamoDbLastIntent(settings.conversations_table_name),
        attributes=ConnectContactAttributes(client_factory=lambda: connect.client),  # type: ignore[attr-defined]
        metrics=MetricsPublisher(namespace=settings.observability.metrics_namespace, service="aicc-test"),
        clock=lambda: NOW,
    )


def expect_attributes(connect: Stubber, attributes: dict[str, str], contact_id: str = CONTACT_ID) -> None:
    connect.add_response(
        "get_contact_attributes",
        {"Attributes": attributes},
        {"InstanceId": INSTANCE_ID, "InitialContactId": contact_id},
    )


def handle(app: contact_events.ContactEventsApp, raw: Any, context: FakeLambdaContext) -> dict[str, Any]:
    return contact_events.handle_event(raw, context, app_provider=lambda: app)


def stored(dynamodb: Any, contact_id: str = CONTACT_ID) -> dict[str, Any] | None:
    item: dict[str, Any] | None = dynamodb.get_item(
        TableName=TABLE_NAMES[CONTACT_RECORDS.environment_variable], Key={"contact_id": {"S": contact_id}}
    ).get("Item")
    return item


def record_count(dynamodb: Any) -> int:
    return int(dynamodb.scan(TableName=TABLE_NAMES[CONTACT_RECORDS.environment_variable])["Count"])


ESCALATED = {
    ContactAttribute.NEXT_ACTION: "escalate",
    ContactAttribute.QUEUE: "complaint",
    ContactAttribute.REASON: "complaint",
    ContactAttribute.PRIORITY: "HIGH",
}


def test_an_ended_contact_is_recorded_once_with_its_outcome_masked_and_with_a_ttl(
    app: contact_events.ContactEventsApp,
    dynamodb: Any,
    connect: Stubber,
    lambda_context: FakeLambdaContext,
    captured: CapturedOutput,
) -> None:
    dynamodb.put_item(
        TableName=TABLE_NAMES[CONVERSATIONS.environment_variable],
        Item={"contact_id": {"S": CONTACT_ID}, "turn": {"N": "1"}, "intent": {"S": "complaint"}},
    )
    dynamodb.put_item(
        TableName=TABLE_NAMES[CONVERSATIONS.environment_variable],
        Item={"contact_id": {"S": CONTACT_ID}, "turn": {"N": "2"}},  # the closing turn has no intent
    )
    raw = event(
        customerEndpoint={"address": "+821012345678", "type": "TELEPHONE_NUMBER"},
        queueInfo={"queueArn": f"{INSTANCE_ARN}/queue/q-1", "enqueueTimestamp": "2026-03-20T01:02:00Z"},
    )
    expect_attributes(connect, ESCALATED)
    expect_attributes(connect, ESCALATED)

    first = handle(app, raw, lambda_context)
    again = handle(app, raw, lambda_context)  # EventBridge delivers at least once

    assert first == {"status": "recorded", "outcome": "abandoned", "problems": []}
    assert again == {"status": "duplicate", "outcome": "abandoned", "problems": ["duplicate"]}
    assert record_count(dynamodb) == 1
    item = stored(dynamodb)
    assert item is not None
    assert {name: value.get("S", value.get("N", value.get("BOOL"))) for name, value in item.items()} == {
        "contact_id": CONTACT_ID,
        "customer_initiated": True,
        "initial_contact_id": CONTACT_ID,
        "channel": "VOICE",
        "initiation_method": "INBOUND",
        "outcome": "abandoned",
        "initiated_at": "2026-03-20T10:00:00+09:00",
        "disconnected_at": "2026-03-20T10:04:30+09:00",
        "recorded_at": "2026-03-20T10:06:00+09:00",
        "duration_seconds": "270",
        "queue_wait_seconds": "150",
        "queue": "complaint",
        "queue_arn": f"{INSTANCE_ARN}/queue/q-1",
        "reason": "complaint",
        "intent": "complaint",
        "disconnect_reason": "CUSTOMER_DISCONNECT",
        "caller": "010-****-5678",
        "expires_at": str(
            int((datetime(2026, 3, 20, 10, 4, 30, tzinfo=KST) + timedelta(days=TTL_DAYS)).timestamp())
        ),
    }
    metrics = list(published(captured))
    assert [name for name, _ in metrics].count("ContactRecorded") == 1
    assert ("ContactEventProblem", {"service": "aicc-test", "problem": "duplicate"}) in metrics
    logs = [record["message"] for record in captured.log_records()]
    assert "contact already recorded: redelivered event ignored" in logs
    assert not any("1234" in line for line in captured.log_stream.getvalue().splitlines())


def test_a_callback_the_function_booked_makes_the_outcome_callback(
    app: contact_events.ContactEventsApp, dynamodb: Any, connect: Stubber, lambda_context: FakeLambdaContext
) -> None:
    dynamodb.put_item(
        TableName=TABLE_NAMES[CALLBACKS.environment_variable],
        Item={
            "contact_id": {"S": CONTACT_ID},
            "reference": {"S": "12345678"},
            "status": {"S": "PENDING"},
            "callback_at": {"S": "2026-03-20T14:00:00+09:00"},
            "phone_number": {"S": "+821012345678"},
        },
    )
    expect_attributes(connect, ESCALATED)
    assert handle(app, event(), lambda_context)["outcome"] == "callback"
    item = stored(dynamodb)
    assert item is not None and item["callback_reference"] == {"S": "12345678"}
    assert "phone_number" not in item  # the number to call stays in the callbacks table only


def test_the_flows_callback_attribute_counts_too(
    app: contact_events.ContactEventsApp, dynamodb: Any, connect: Stubber, lambda_context: FakeLambdaContext
) -> None:
    expect_attributes(connect, {**ESCALATED, ContactAttribute.CALLBACK_REFERENCE: "87654321"})
    assert handle(app, event(), lambda_context)["outcome"] == "callback"
    item = stored(dynamodb)
    assert item is not None and item["callback_reference"] == {"S": "87654321"}


def test_a_contact_connect_has_no_attributes_for_is_recorded_from_the_event(
    app: contact_events.ContactEventsApp,
    dynamodb: Any,
    connect: Stubber,
    lambda_context: FakeLambdaContext,
    captured: CapturedOutput,
) -> None:
    connect.add_client_error("get_contact_attributes", "ResourceNotFoundException", http_status_code=404)
    answer = handle(app, event(), lambda_context)
    assert answer == {"status": "recorded", "outcome": "abandoned", "problems": ["attributes_unavailable"]}
    assert record_count(dynamodb) == 1
    assert ("ContactEventProblem", {"service": "aicc-test", "problem": "attributes_unavailable"}) in list(
        published(captured)
    )


@pytest.mark.parametrize(("channel", "dimension"), [("EMAIL", "EMAIL"), ("TASK", "TASK"), ("VIDEO", "OTHER")])
def test_channels_not_served_by_the_bot_are_recorded_as_given(
    app: contact_events.ContactEventsApp,
    dynamodb: Any,
    connect: Stubber,
    lambda_context: FakeLambdaContext,
    captured: CapturedOutput,
    channel: str,
    dimension: str,
) -> None:
    expect_attributes(connect, {})
    answer = handle(app, event(channel=channel), lambda_context)
    assert answer["status"] == "recorded"
    item = stored(dynamodb)
    assert item is not None and item["channel"] == {"S": channel}
    recorded = [dims for name, dims in published(captured) if name == "ContactRecorded"]
    assert [dims["channel"] for dims in recorded] == [dimension]
    problems = [dims["problem"] for name, dims in published(captured) if name == "ContactEventProblem"]
    assert problems == (["unknown_channel"] if dimension == "OTHER" else [])


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"source": "aws.connect", "detail-type": "Amazon Connect Contact Event", "detail": {}}, "malformed"),
        ({"hello": "world"}, "malformed"),
        ([], "malformed"),
        (event(eventType="QUEUED"), "not_ended"),
    ],
)
def test_unreadable_events_are_dropped_logged_and_counted(
    app: contact_events.ContactEventsApp,
    dynamodb: Any,
    lambda_context: FakeLambdaContext,
    captured: CapturedOutput,
    raw: Any,
    problem: str,
) -> None:
    assert handle(app, raw, lambda_context) == {"status": "dropped", "outcome": None, "problems": [problem]}
    assert record_count(dynamodb) == 0
    assert list(published(captured)) == [
        ("ContactEventProblem", {"service": "aicc-test", "problem": problem})
    ]
    assert "contact event dropped" in [record["message"] for record in captured.log_records()]


def test_a_failing_table_raises_so_the_event_is_retried_then_dead_lettered(
    app: contact_events.ContactEventsApp, dynamodb: Any, connect: Stubber, lambda_context: FakeLambdaContext
) -> None:
    expect_attributes(connect, ESCALATED)
    dynamodb.delete_table(TableName=TABLE_NAMES[CONTACT_RECORDS.environment_variable])
    with pytest.raises(Exception, match="ResourceNotFound"):
        handle(app, event(), lambda_context)


def test_a_throttled_connect_api_raises_so_the_event_is_retried(
    app: contact_events.ContactEventsApp, dynamodb: Any, connect: Stubber, lambda_context: FakeLambdaContext
) -> None:
    connect.add_client_error("get_contact_attributes", "ThrottlingException", http_status_code=429)
    with pytest.raises(Exception, match="ThrottlingException"):
        handle(app, event(), lambda_context)
    assert record_count(dynamodb) == 0


def test_a_misconfigured_function_keeps_the_event_for_the_dead_letter_queue(
    records_environment: None, monkeypatch: pytest.MonkeyPatch, lambda_context: FakeLambdaContext
) -> None:
    monkeypatch.delenv(CONTACT_RECORDS.environment_variable)
    contact_events.reset_container()
    with pytest.raises(contact_events.ContactRecordsMisconfigured):
        contact_events.lambda_handler(event(), lambda_context)


def test_the_function_publishes_exactly_its_contract_metrics(
    app: contact_events.ContactEventsApp,
    dynamodb: Any,
    connect: Stubber,
    lambda_context: FakeLambdaContext,
    captured: CapturedOutput,
) -> None:
    expect_attributes(connect, ESCALATED)
    handle(app, event(), lambda_context)  # ContactRecorded, ContactEscalated, CallbacksPending
    handle(app, {"nothing": "here"}, lambda_context)  # ContactEventProblem
    assert_published_as_the_contract_says(captured, CONTACT_RECORDS_METRICS)
    pending = [blob for blob in captured.metric_blobs() if "CallbacksPending" in blob]
    assert [blob["CallbacksPending"] for blob in pending] == [[0.0]]


def test_the_pending_callbacks_gauge_counts_the_pending_ones(
    app: contact_events.ContactEventsApp,
    dynamodb: Any,
    connect: Stubber,
    lambda_context: FakeLambdaContext,
    captured: CapturedOutput,
) -> None:
    for index, status in enumerate(("PENDING", "PENDING", "DONE")):
        dynamodb.put_item(
            TableName=TABLE_NAMES[CALLBACKS.environment_variable],
            Item={
                "contact_id": {"S": f"other-{index}"},
                "status": {"S": status},
                "callback_at": {"S": f"2026-03-2{index}T09:00:00+09:00"},
            },
        )
    expect_attributes(connect, {ContactAttribute.NEXT_ACTION: "end"})
    assert handle(app, event(), lambda_context)["outcome"] == "contained"
    assert [blob["CallbacksPending"] for blob in captured.metric_blobs() if "CallbacksPending" in blob] == [
        [2.0]
    ]


def test_the_deployed_handler_wires_the_tables_from_its_settings(
    records_environment: None,
    dynamodb: Any,
    lambda_context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """lambda_handler on its own container app: a dropped event needs no AWS call at all."""
    answer = contact_events.lambda_handler(event(eventType="CONNECTED_TO_AGENT"), lambda_context)
    assert answer == {"status": "dropped", "outcome": None, "problems": ["not_ended"]}


def test_instance_ids_are_read_from_connect_instance_arns_only() -> None:
    assert contact_events.instance_id_of(INSTANCE_ARN) == INSTANCE_ID
    for bad in (
        None,
        "",
        "arn:aws:lambda:ap-northeast-2:1:function:x",
        f"{INSTANCE_ARN}/queue/q",
        "instance/x",
    ):
        assert contact_events.instance_id_of(bad) is None


def test_a_later_event_for_a_recorded_contact_changes_nothing(
    app: contact_events.ContactEventsApp, dynamodb: Any, connect: Stubber, lambda_context: FakeLambdaContext
) -> None:
    expect_attributes(connect, {ContactAttribute.NEXT_ACTION: "end"})
    expect_attributes(connect, ESCALATED)
    assert handle(app, event(), lambda_context)["outcome"] == "contained"
    later = event(
        agentInfo={"connectedToAgentTimestamp": "2026-03-20T01:03:00Z"},
        disconnectTimestamp="2026-03-20T01:09:00Z",
    )
    assert handle(app, later, lambda_context) == {
        "status": "duplicate",
        "outcome": "transferred",
        "problems": ["duplicate"],
    }
    item = stored(dynamodb)
    assert item is not None
    assert (item["outcome"], item["disconnected_at"]) == (
        {"S": "contained"},
        {"S": "2026-03-20T10:04:30+09:00"},
    )


TASK_ID = "7a5c0000-1111-2222-3333-444455556666"
CALLBACK_CONTACT_ID = "7a5c0000-9999-2222-3333-444455556666"


@pytest.mark.parametrize(
    ("detail", "contact_id"),
    [
        # The callback task the flow created (CreateTask: initiated by API on TASK); an agent took it.
        (
            {"channel": "TASK", "initiationMethod": "API", "relatedContactId": CONTACT_ID},
            TASK_ID,
        ),
        # A queued callback Connect dialled (CALLBACK), following the contact that booked it.
        ({"initiationMethod": "CALLBACK", "previousContactId": CONTACT_ID}, CALLBACK_CONTACT_ID),
    ],
    ids=["task", "queued_callback"],
)
def test_a_callback_or_task_contact_is_recorded_joinable_and_counted_in_no_outcome_metric(
    app: contact_events.ContactEventsApp,
    dynamodb: Any,
    connect: Stubber,
    lambda_context: FakeLambdaContext,
    captured: CapturedOutput,
    detail: dict[str, str],
    contact_id: str,
) -> None:
    # It carries the booking contact's callback attributes (the task's Attributes, or inherited).
    expect_attributes(
        connect,
        {
            **ESCALATED,
            ContactAttribute.CALLBACK_REFERENCE: "12345678",
            ContactAttribute.CALLBACK_KIND: "task",
        },
        contact_id=contact_id,
    )
    raw = event(
        contactId=contact_id,
        initialContactId=contact_id,
        agentInfo={"connectedToAgentTimestamp": "2026-03-20T01:03:00Z"},
        **detail,
    )

    answer = handle(app, raw, lambda_context)

    assert answer["status"] == "recorded"
    item = stored(dynamodb, contact_id)
    assert item is not None
    assert item["initiation_method"] == {"S": detail["initiationMethod"]}
    assert item["customer_initiated"] == {"BOOL": False}
    assert item["callback_reference"] == {"S": "12345678"}  # joins it to the promise
    for field, name in (
        ("related_contact_id", "relatedContactId"),
        ("previous_contact_id", "previousContactId"),
    ):
        if name in detail:
            assert item[field] == {"S": CONTACT_ID}
        else:
            assert field not in item
    # Not a booking of its own, and not the bot's contact: the containment rate never sees it.
    assert item["outcome"] != {"S": "callback"}
    names = [name for name, _ in published(captured)]
    assert "ContactRecorded" not in names and "ContactEscalated" not in names
    assert "CallbacksPending" in names


@pytest.mark.parametrize(
    ("channel", "method", "counted"),
    [
        ("CHAT", "API", True),
        ("VOICE", "INBOUND", True),
        ("VOICE", "TRANSFER", False),
        ("VOICE", "OUTBOUND", False),
    ],
)
def test_only_contacts_a_customer_started_count_in_the_outcome_metrics(
    app: contact_events.ContactEventsApp,
    dynamodb: Any,
    connect: Stubber,
    lambda_context: FakeLambdaContext,
    captured: CapturedOutput,
    channel: str,
    method: str,
    counted: bool,
) -> None:
    expect_attributes(connect, ESCALATED)
    handle(app, event(channel=channel, initiationMethod=method), lambda_context)
    recorded = [dims for name, dims in published(captured) if name == "ContactRecorded"]
    escalated = [dims for name, dims in published(captured) if name == "ContactEscalated"]
    assert len(recorded) == len(escalated) == (1 if counted else 0)
    item = stored(dynamodb)
    assert item is not None and item["customer_initiated"] == {"BOOL": counted}
