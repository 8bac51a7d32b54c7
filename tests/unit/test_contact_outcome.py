"""bot.contact_outcome: reading Connect's contact events, the outcome table, masking."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pytest

from bot.contact_outcome import (
    BotTrace,
    ContactEvent,
    ParsedEvent,
    RejectedEvent,
    build_record,
    decide_outcome,
    is_customer_initiated,
    parse_contact_event,
)
from bot.models import KST
from contract import ContactAttribute, ContactEventProblem, ContactOutcome

INSTANCE_ARN = "arn:aws:connect:ap-northeast-2:123456789012:instance/11111111-2222-3333-4444-555555555555"

#: A DISCONNECTED event as EventBridge delivers it (the shape of Connect's documented samples).
DISCONNECTED_EVENT: dict[str, Any] = {
    "version": "0",
    "id": "6f1d0c3e-0000-4000-8000-000000000001",
    "detail-type": "Amazon Connect Contact Event",
    "source": "aws.connect",
    "account": "123456789012",
    "time": "2026-03-20T01:05:00Z",
    "region": "ap-northeast-2",
    "resources": [INSTANCE_ARN],
    "detail": {
        "eventType": "DISCONNECTED",
        "contactId": "c0ffee00-1111-2222-3333-444455556666",
        "initialContactId": "c0ffee00-1111-2222-3333-444455556666",
        "channel": "VOICE",
        "instanceArn": INSTANCE_ARN,
        "initiationMethod": "INBOUND",
        "initiationTimestamp": "2026-03-20T01:00:00.000Z",
        "disconnectTimestamp": "2026-03-20T01:04:30.000Z",
        "disconnectReason": "CUSTOMER_DISCONNECT",
    },
}


def event(**detail: Any) -> dict[str, Any]:
    """The sample event with ``detail`` fields replaced (None removes one)."""
    built = copy.deepcopy(DISCONNECTED_EVENT)
    for key, value in detail.items():
        if value is None:
            built["detail"].pop(key, None)
        else:
            built["detail"][key] = value
    return built


def parsed(raw: dict[str, Any]) -> ContactEvent:
    result = parse_contact_event(raw)
    assert isinstance(result, ParsedEvent), result
    return result.event


QUEUED = {"queueInfo": {"queueArn": f"{INSTANCE_ARN}/queue/q-1", "enqueueTimestamp": "2026-03-20T01:02:00Z"}}
AGENT = {
    "agentInfo": {
        "agentArn": f"{INSTANCE_ARN}/agent/a-1",
        "connectedToAgentTimestamp": "2026-03-20T01:03:00Z",
    }
}
ESCALATE = {
    ContactAttribute.NEXT_ACTION: "escalate",
    ContactAttribute.QUEUE: "complaint",
    ContactAttribute.REASON: "complaint",
}
SYSTEM_ERROR = {
    ContactAttribute.NEXT_ACTION: "escalate",
    ContactAttribute.QUEUE: "general",
    ContactAttribute.REASON: "system_error",
}
END = {ContactAttribute.NEXT_ACTION: "end"}


OUTCOME_TABLE: list[tuple[dict[str, Any], dict[str, str], str | None, ContactOutcome]] = [
    # the bot answered and the caller hung up
    ({}, END, None, ContactOutcome.CONTAINED),
    # a callback the function booked wins over everything
    ({**QUEUED}, ESCALATE, "12345678", ContactOutcome.CALLBACK),
    ({}, ESCALATE, "12345678", ContactOutcome.CALLBACK),
    # an agent took it
    ({**QUEUED, **AGENT}, ESCALATE, None, ContactOutcome.TRANSFERRED),
    ({**QUEUED, **AGENT}, SYSTEM_ERROR, None, ContactOutcome.TRANSFERRED),
    # the bot failed and nobody served the caller
    ({**QUEUED}, SYSTEM_ERROR, None, ContactOutcome.ERROR),
    # waited in the queue, hung up
    ({**QUEUED}, ESCALATE, None, ContactOutcome.ABANDONED),
    # escalated, left before the queue (e.g. after hours, declined the callback)
    ({}, ESCALATE, None, ContactOutcome.ABANDONED),
    # no decision of the bot: the caller hung up in the bot
    ({}, {}, None, ContactOutcome.ABANDONED),
    # no decision of the bot and not the caller: the flow or the bot failed
    ({"disconnectReason": "CONTACT_FLOW_DISCONNECT"}, {}, None, ContactOutcome.ERROR),
    ({"disconnectReason": None}, {}, None, ContactOutcome.ERROR),
    # the callback contact itself carries the reference but is not a new booking
    ({"initiationMethod": "CALLBACK", **AGENT}, ESCALATE, "12345678", ContactOutcome.TRANSFERRED),
    ({"initiationMethod": "CALLBACK"}, ESCALATE, "12345678", ContactOutcome.ABANDONED),
]


@pytest.mark.parametrize(("detail", "attributes", "callback", "expected"), OUTCOME_TABLE)
def test_the_outcome_table(
    detail: dict[str, Any], attributes: dict[str, str], callback: str | None, expected: ContactOutcome
) -> None:
    contact = parsed(event(**detail))
    assert decide_outcome(contact, BotTrace(attributes=attributes, callback_reference=callback)) is expected


def test_the_table_reaches_every_outcome_of_the_contract() -> None:
    assert {expected for *_, expected in OUTCOME_TABLE} == set(ContactOutcome)


def test_times_are_read_in_korea_time_and_durations_derived() -> None:
    record = build_record(
        parsed(event(**QUEUED, **AGENT)), BotTrace(attributes=ESCALATE, last_intent="complaint")
    )
    assert record.initiated_at == datetime(2026, 3, 20, 10, 0, tzinfo=KST)
    assert record.initiated_at is not None and record.initiated_at.utcoffset() == KST.utcoffset(None)
    assert record.duration_seconds == 270
    assert record.queue_wait_seconds == 60  # enqueued 01:02, agent 01:03
    assert (record.queue, record.reason, record.intent) == ("complaint", "complaint", "complaint")
    assert record.escalation_reason == "complaint"


def test_an_abandoned_wait_lasts_until_the_disconnect() -> None:
    record = build_record(parsed(event(**QUEUED)), BotTrace(attributes=ESCALATE))
    assert record.outcome is ContactOutcome.ABANDONED
    assert record.queue_wait_seconds == 150  # enqueued 01:02:00, gone 01:04:30


def test_no_reason_is_recorded_without_an_escalation_and_unknown_reasons_are_bounded() -> None:
    assert build_record(parsed(event()), BotTrace(attributes=END)).escalation_reason is None
    odd = {**ESCALATE, ContactAttribute.REASON: "something_new", ContactAttribute.QUEUE: "nowhere"}
    record = build_record(parsed(event()), BotTrace(attributes=odd))
    assert record.reason == "something_new"
    assert record.escalation_reason == "none"  # the metric dimension stays within the contract
    assert record.queue is None


def test_personal_data_is_masked_in_everything_a_record_keeps() -> None:
    raw = event(customerEndpoint={"address": "+821012345678", "type": "TELEPHONE_NUMBER"})
    attributes = {**ESCALATE, ContactAttribute.REASON: "고객 번호 010-1234-5678 로 연락"}
    record = build_record(parsed(raw), BotTrace(attributes=attributes, last_intent="공일공 1234 5678"))
    assert record.caller == "010-****-5678"
    assert record.reason is not None and "1234" not in record.reason and "010-****-5678" in record.reason
    assert record.intent is not None and "1234" not in record.intent


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (None, ContactEventProblem.MALFORMED),
        ("DISCONNECTED", ContactEventProblem.MALFORMED),
        ({**DISCONNECTED_EVENT, "source": "aws.lex"}, ContactEventProblem.MALFORMED),
        ({**DISCONNECTED_EVENT, "detail-type": "Something Else"}, ContactEventProblem.MALFORMED),
        ({**DISCONNECTED_EVENT, "detail": "not a mapping"}, ContactEventProblem.MALFORMED),
        (event(contactId=None), ContactEventProblem.MALFORMED),
        (event(contactId=12345), ContactEventProblem.MALFORMED),
        (event(contactId="x" * 300), ContactEventProblem.MALFORMED),
        (event(eventType="QUEUED"), ContactEventProblem.NOT_ENDED),
        (event(eventType=None), ContactEventProblem.NOT_ENDED),
    ],
)
def test_unreadable_events_are_rejected_with_their_problem(raw: Any, problem: ContactEventProblem) -> None:
    result = parse_contact_event(raw)
    assert isinstance(result, RejectedEvent)
    assert result.problem is problem


@pytest.mark.parametrize("channel", ["EMAIL", "TASK", "CHAT", "VOICE"])
def test_every_channel_of_the_contract_is_recorded_without_a_problem(channel: str) -> None:
    result = parse_contact_event(event(channel=channel))
    assert isinstance(result, ParsedEvent)
    assert result.problems == ()
    assert result.event.channel_dimension == channel


def test_a_channel_not_known_yet_is_recorded_as_given_with_a_bounded_dimension() -> None:
    result = parse_contact_event(event(channel="video"))
    assert isinstance(result, ParsedEvent)
    assert result.problems == (ContactEventProblem.UNKNOWN_CHANNEL,)
    assert result.event.channel == "VIDEO"
    assert result.event.channel_dimension == "OTHER"
    missing = parse_contact_event(event(channel=None))
    assert isinstance(missing, ParsedEvent)
    assert missing.event.channel == "UNKNOWN"
    assert ContactEventProblem.UNKNOWN_CHANNEL in missing.problems


def test_missing_or_unreadable_timestamps_are_recorded_without_them() -> None:
    result = parse_contact_event(event(initiationTimestamp="yesterday", disconnectTimestamp=None))
    assert isinstance(result, ParsedEvent)
    assert result.problems == (ContactEventProblem.MISSING_FIELDS,)
    record = build_record(result.event, BotTrace(attributes=END))
    assert (record.initiated_at, record.disconnected_at, record.duration_seconds) == (None, None, None)
    assert record.outcome is ContactOutcome.CONTAINED


def test_fields_of_the_wrong_type_read_as_absent() -> None:
    raw = event(queueInfo="q", agentInfo=["a"], initiationMethod=7, disconnectReason={"code": "x"})
    contact = parsed(raw)
    assert (contact.queue_arn, contact.enqueued_at, contact.agent_connected_at) == (None, None, None)
    assert (contact.initiation_method, contact.disconnect_reason) == (None, None)


@pytest.mark.parametrize(
    ("method", "channel", "customer"),
    [
        ("INBOUND", "VOICE", True),
        ("INBOUND", "CHAT", True),
        ("WEBRTC_API", "VOICE", True),
        ("API", "CHAT", True),  # StartChatContact: the web chat a customer opens
        (None, "VOICE", True),  # no initiation method sent: a call or chat counts as before
        (None, "CHAT", True),
        (None, "TASK", False),
        ("API", "TASK", False),  # the callback task the flow created (StartTaskContact/CreateTask)
        ("API", "VOICE", False),  # StartOutboundVoiceContact
        ("CALLBACK", "VOICE", False),  # the queued callback Connect dials
        ("TRANSFER", "VOICE", False),
        ("QUEUE_TRANSFER", "VOICE", False),
        ("OUTBOUND", "VOICE", False),
        ("EXTERNAL_OUTBOUND", "VOICE", False),
        ("DISCONNECT", "TASK", False),
        ("MONITOR", "VOICE", False),
        ("AGENT_REPLY", "EMAIL", False),
        ("FLOW", "EMAIL", False),
        ("SOMETHING_NEW", "VOICE", False),
    ],
)
def test_only_contacts_a_customer_started_are_the_bots(
    method: str | None, channel: str, customer: bool
) -> None:
    contact = parsed(event(initiationMethod=method, channel=channel))
    assert is_customer_initiated(contact) is customer
    assert build_record(contact, BotTrace(attributes=END)).customer_initiated is customer


def test_a_callback_task_keeps_its_initiation_method_and_the_contacts_it_joins() -> None:
    contact = parsed(
        event(
            channel="TASK",
            initiationMethod="API",
            previousContactId="prev-0001",
            relatedContactId="c0ffee00-1111-2222-3333-444455556666",
            **AGENT,
        )
    )
    trace = BotTrace(attributes=ESCALATE, callback_reference="12345678")
    record = build_record(contact, trace)
    assert (record.initiation_method, record.previous_contact_id, record.related_contact_id) == (
        "API",
        "prev-0001",
        "c0ffee00-1111-2222-3333-444455556666",
    )
    assert record.callback_reference == "12345678"
    assert record.customer_initiated is False
    # The task carries the reference but is no booking of its own: an agent took it.
    assert record.outcome is ContactOutcome.TRANSFERRED


def test_contact_ids_that_are_not_ids_read_as_absent() -> None:
    contact = parsed(event(previousContactId=["x"], relatedContactId="r" * 300))
    assert (contact.previous_contact_id, contact.related_contact_id) == (None, None)
