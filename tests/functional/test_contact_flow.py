"""The Connect contact-flow function against moto DynamoDB with recorded Connect events."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from bot.models import KST
from bot.personal_data import to_e164
from handlers import contact_flow
from handlers.contact_flow import callback_reference
from tests.functional.conftest import TABLE_NAMES, CapturedOutput, FakeLambdaContext, load_event

CUSTOMERS = TABLE_NAMES["CUSTOMERS_TABLE_NAME"]
CALLBACKS = TABLE_NAMES["CALLBACKS_TABLE_NAME"]


def put_customer(client: Any, phone_number: str, tier: str, name: str | None = None) -> None:
    item = {"phone_number": {"S": phone_number}, "tier": {"S": tier}}
    if name is not None:
        item["name"] = {"S": name}
    client.put_item(TableName=CUSTOMERS, Item=item)


def fixed_clock(moment: datetime) -> contact_flow.Clock:
    return lambda: moment


def assert_flat_string_map(response: Any) -> None:
    assert isinstance(response, dict)
    assert all(isinstance(key, str) and isinstance(value, str) for key, value in response.items())
    assert len(json.dumps(response, ensure_ascii=False).encode("utf-8")) < 32 * 1024


def test_lookup_known_vip_customer(dynamodb: Any, lambda_context: FakeLambdaContext) -> None:
    put_customer(dynamodb, "+821012345678", "VIP", "김민지")

    response = contact_flow.lambda_handler(load_event("connect_lookup_customer_vip"), lambda_context)

    assert response == {"result": "ok", "tier": "VIP", "name": "김민지", "known": "true"}
    assert_flat_string_map(response)


def test_unknown_caller_is_a_standard_customer(dynamodb: Any, lambda_context: FakeLambdaContext) -> None:
    response = contact_flow.lambda_handler(load_event("connect_lookup_customer_unknown"), lambda_context)

    assert response == {"result": "ok", "tier": "STANDARD", "name": "", "known": "false"}


def test_chat_lookup_uses_the_phone_number_parameter(
    dynamodb: Any, lambda_context: FakeLambdaContext
) -> None:
    put_customer(dynamodb, "+821012345678", "STANDARD", "이서준")

    response = contact_flow.lambda_handler(
        load_event("connect_lookup_customer_chat_parameter"), lambda_context
    )

    assert response == {"result": "ok", "tier": "STANDARD", "name": "이서준", "known": "true"}


def test_unrecognised_stored_tier_counts_as_standard(
    dynamodb: Any, lambda_context: FakeLambdaContext
) -> None:
    put_customer(dynamodb, "+821012345678", "PLATINUM")

    response = contact_flow.lambda_handler(load_event("connect_lookup_customer_vip"), lambda_context)

    assert response["tier"] == "STANDARD"
    assert response["known"] == "true"


def _app(clock_moment: datetime) -> contact_flow.ContactFlowApp:
    return contact_flow.build_app_from_env(clock=fixed_clock(clock_moment))


def test_register_callback_after_hours_schedules_the_next_opening(dynamodb: Any) -> None:
    # Friday 2025-11-28 19:10 in Seoul → Monday 2025-12-01 09:00.
    app = _app(datetime(2025, 11, 28, 19, 10, tzinfo=KST))
    event = load_event("connect_register_callback")

    response = app.handle(event)

    contact_id = event["Details"]["ContactData"]["ContactId"]
    reference = callback_reference(contact_id)
    assert response == {
        "result": "ok",
        "reference": reference,
        "referenceSpoken": f"{' '.join(reference[:4])}, {' '.join(reference[4:])}",
        "callbackTime": "12월 1일 월요일 오전 9시",
        "callbackAt": "2025-12-01T09:00+09:00",
        # What the flow creates in Connect (bot.callback_plan): a task released at the opening.
        "callbackKind": "task",
        "releaseAt": "2025-12-01T09:00:00+09:00",
        "releaseDelaySeconds": str((2 * 24 + 13) * 3600 + 50 * 60),
        "callbackNumberMasked": "010-****-5678",
        "reasonLabel": "상담 요청",
    }
    stored = dynamodb.get_item(TableName=CALLBACKS, Key={"contact_id": {"S": contact_id}})["Item"]
    assert stored["phone_number"] == {"S": "+821012345678"}
    assert stored["callback_at"] == {"S": "2025-12-01T09:00:00+09:00"}
    assert stored["status"] == {"S": "PENDING"}
    assert stored["reference"] == {"S": reference}


def test_register_callback_respects_holidays(dynamodb: Any) -> None:
    # 2025-12-24 is a Wednesday; 2025-12-25 is in BUSINESS_HOLIDAYS of the test environment.
    app = _app(datetime(2025, 12, 24, 20, 0, tzinfo=KST))

    response = app.handle(load_event("connect_register_callback"))

    assert response["callbackTime"] == "12월 26일 금요일 오전 9시"


def test_register_callback_during_hours_is_as_soon_as_possible(dynamodb: Any) -> None:
    app = _app(datetime(2025, 11, 24, 14, 5, tzinfo=KST))

    response = app.handle(load_event("connect_register_callback"))

    assert response["callbackTime"] == "11월 24일 월요일 오후 2시 30분"


def test_register_callback_retry_returns_the_first_request(dynamodb: Any) -> None:
    event = load_event("connect_register_callback")
    first = _app(datetime(2025, 11, 28, 19, 10, tzinfo=KST)).handle(event)
    # Connect retries a few seconds later, or the caller asks again on the same contact after the
    # next opening moved: the stored request wins and nothing is duplicated.
    retry = _app(datetime(2025, 12, 1, 10, 40, tzinfo=KST)).handle(event)

    # Only the delay is relative to the moment of asking: the release time itself stays the first.
    assert {**retry, "releaseDelaySeconds": ""} == {**first, "releaseDelaySeconds": ""}
    assert retry["releaseDelaySeconds"] == "1"  # the release time has passed: at once
    assert dynamodb.scan(TableName=CALLBACKS)["Count"] == 1


def test_register_callback_without_a_number_is_an_error(
    dynamodb: Any, lambda_context: FakeLambdaContext
) -> None:
    response = contact_flow.lambda_handler(
        load_event("connect_register_callback_task_without_number"), lambda_context
    )

    assert response == {"result": "error", "reason": "missing_phone_number"}
    assert dynamodb.scan(TableName=CALLBACKS)["Count"] == 0


def test_unknown_action_is_an_error(dynamodb: Any, lambda_context: FakeLambdaContext) -> None:
    assert contact_flow.lambda_handler(load_event("connect_unknown_action"), lambda_context) == {
        "result": "error",
        "reason": "unknown_action",
    }


def test_storage_failure_is_an_error_not_an_exception(
    dynamodb: Any, lambda_context: FakeLambdaContext, captured: CapturedOutput
) -> None:
    dynamodb.delete_table(TableName=CUSTOMERS)

    response = contact_flow.lambda_handler(load_event("connect_lookup_customer_vip"), lambda_context)

    assert response == {"result": "error", "reason": "internal_error"}
    assert "ContactFlowError" in captured.metric_names()


def test_missing_configuration_is_reported_by_name(
    environment: dict[str, str],
    fresh_containers: None,
    monkeypatch: pytest.MonkeyPatch,
    lambda_context: FakeLambdaContext,
    captured: CapturedOutput,
) -> None:
    monkeypatch.delenv("CALLBACKS_TABLE_NAME")

    response = contact_flow.lambda_handler(load_event("connect_register_callback"), lambda_context)

    assert response == {"result": "error", "reason": "configuration_error"}
    errors = [record for record in captured.log_records() if record["level"] == "ERROR"]
    assert "CALLBACKS_TABLE_NAME" in errors[0]["reason"]


def test_logs_carry_the_contact_id_and_mask_the_caller_number(
    dynamodb: Any, lambda_context: FakeLambdaContext, captured: CapturedOutput
) -> None:
    put_customer(dynamodb, "+821012345678", "VIP", "김민지")

    contact_flow.lambda_handler(load_event("connect_lookup_customer_vip"), lambda_context)

    records = captured.log_records()
    assert records
    assert {record["contact_id"] for record in records} == {"5ca32fbd-8f92-46af-92a5-6b0f970f0efe"}
    text = captured.log_stream.getvalue()
    assert "010-****-5678" in text
    assert "12345678" not in text
    assert "1234-5678" not in text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+821012345678", "+821012345678"),
        ("010-1234-5678", "+821012345678"),
        ("010 1234 5678", "+821012345678"),
        ("02-123-4567", "+8221234567"),
        ("+1 (480) 202-1091", "+14802021091"),
        ("anonymous", None),
        ("", None),
        (None, None),
        (821012345678, None),
    ],
)
def test_normalize_phone_number(raw: object, expected: str | None) -> None:
    assert to_e164(raw) == expected


def test_callback_reference_is_stable_and_numeric() -> None:
    reference = callback_reference("5ca32fbd-8f92-46af-92a5-6b0f970f0efe")
    assert reference == callback_reference("5ca32fbd-8f92-46af-92a5-6b0f970f0efe")
    assert reference != callback_reference("0b7e5f55-2b1d-4b8e-a9f0-2c8f1f0a4c11")
    assert len(reference) == 8
    assert reference.isdigit()


# --- handle_event: the entry point with an injected app (the call simulator uses it) -----------------


class _ExplodingApp(contact_flow.ContactFlowApp):
    """An app whose dispatch itself fails (a bug outside the per-action guard)."""

    def __init__(self) -> None:  # no dependencies: handle() never gets to them
        pass

    def handle(self, event: Any) -> contact_flow.StringMap:
        raise RuntimeError("dispatch bug")


def test_handle_event_answers_with_the_provided_app_and_its_clock(
    dynamodb: Any, lambda_context: FakeLambdaContext
) -> None:
    app = _app(datetime(2025, 11, 28, 19, 10, tzinfo=KST))

    response = contact_flow.handle_event(
        load_event("connect_register_callback"), lambda_context, app_provider=lambda: app
    )

    assert response["result"] == "ok"
    assert response["callbackAt"] == "2025-12-01T09:00+09:00"  # the injected Friday-evening clock


def test_handle_event_logs_with_the_contact_and_request_ids(
    dynamodb: Any, lambda_context: FakeLambdaContext, captured: CapturedOutput
) -> None:
    app = _app(datetime(2025, 11, 24, 14, 5, tzinfo=KST))

    contact_flow.handle_event(
        load_event("connect_lookup_customer_vip"), lambda_context, app_provider=lambda: app
    )

    records = captured.log_records()
    assert records
    assert {record["contact_id"] for record in records} == {"5ca32fbd-8f92-46af-92a5-6b0f970f0efe"}
    assert {record["function_request_id"] for record in records} == {lambda_context.aws_request_id}
    answered = [record for record in records if record["message"] == "contact-flow action answered"]
    assert [record["result"] for record in answered] == ["ok"]


def test_handle_event_catches_an_exploding_app(
    lambda_context: FakeLambdaContext, captured: CapturedOutput
) -> None:
    response = contact_flow.handle_event(
        load_event("connect_lookup_customer_vip"), lambda_context, app_provider=_ExplodingApp
    )

    assert response == {"result": "error", "reason": "internal_error"}
    assert_flat_string_map(response)
    failure = next(record for record in captured.log_records() if record["level"] == "ERROR")
    assert "RuntimeError: dispatch bug" in failure["exception"]


def test_handle_event_catches_a_failing_app_provider(lambda_context: FakeLambdaContext) -> None:
    def provider() -> contact_flow.ContactFlowApp | None:
        raise RuntimeError("cannot build")

    response = contact_flow.handle_event(
        load_event("connect_register_callback"), lambda_context, app_provider=provider
    )

    assert response == {"result": "error", "reason": "internal_error"}


def test_handle_event_without_an_app_is_a_configuration_error(lambda_context: FakeLambdaContext) -> None:
    response = contact_flow.handle_event(
        load_event("connect_register_callback"), lambda_context, app_provider=lambda: None
    )

    assert response == {"result": "error", "reason": "configuration_error"}


def test_handle_event_reports_the_cold_start_it_is_given(
    lambda_context: FakeLambdaContext, captured: CapturedOutput
) -> None:
    event = load_event("connect_register_callback")
    contact_flow.handle_event(event, lambda_context, app_provider=_ExplodingApp, cold_start=True)
    contact_flow.handle_event(event, lambda_context, app_provider=_ExplodingApp)

    errors = [record for record in captured.log_records() if record["level"] == "ERROR"]
    assert [record["cold_start"] for record in errors] == [True, False]


def test_lambda_handler_delegates_to_handle_event_with_the_container_app(
    environment: dict[str, str],
    fresh_containers: None,
    monkeypatch: pytest.MonkeyPatch,
    lambda_context: FakeLambdaContext,
) -> None:
    calls: list[tuple[Any, Any, contact_flow.ContactFlowApp | None, bool]] = []

    def recording_handle_event(
        event: Any, context: Any, *, app_provider: Any, cold_start: bool = False
    ) -> contact_flow.StringMap:
        calls.append((event, context, app_provider(), cold_start))
        return {"result": "ok"}

    monkeypatch.setattr(contact_flow, "handle_event", recording_handle_event)
    event = load_event("connect_lookup_customer_vip")

    assert contact_flow.lambda_handler(event, lambda_context) == {"result": "ok"}
    contact_flow.lambda_handler(event, lambda_context)

    (first_event, first_context, first_app, first_cold), (_, _, second_app, second_cold) = calls
    assert (first_event, first_context) == (event, lambda_context)
    assert isinstance(first_app, contact_flow.ContactFlowApp)
    assert second_app is first_app  # built once per container
    assert (first_cold, second_cold) == (True, False)
