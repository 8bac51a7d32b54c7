"""The Lex V2 code hook end to end: recorded events, moto DynamoDB, Bedrock through a Stubber."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from bot import messages
from bot.models import KST
from handlers import lex_hook
from handlers.settings import LexHookSettings
from tests.functional.conftest import (
    TABLE_NAMES,
    CapturedOutput,
    FakeLambdaContext,
    assert_valid_lex_response,
    load_event,
)

#: A Monday morning in Seoul: reservations for "내일" resolve to Tuesday 2025-11-25.
NOW = datetime(2025, 11, 24, 10, 0, tzinfo=KST)
DELIVERY_TIME_ANSWER = "일반 배송은 주문 후 2-3일, 당일배송은 오후 2시 이전 주문 시 당일 배송됩니다."
ORDER_CANCEL_ANSWER = (
    "주문 취소는 배송 준비 전까지 가능합니다. 마이페이지에서 직접 취소하거나 고객센터로 연락주세요."
)
HOURS_ANSWER = "평일 오전 9시부터 오후 6시까지 운영합니다. 주말 및 공휴일은 휴무입니다."

Runner = Callable[[dict[str, Any]], dict[str, Any]]


@pytest.fixture
def run(dynamodb: Any, lambda_context: FakeLambdaContext) -> Runner:
    """Run events through the hook's full path on an app wired from the environment, clock fixed."""
    app = lex_hook.build_app(LexHookSettings.from_env(), clock=lambda: NOW)

    def runner(event: dict[str, Any]) -> dict[str, Any]:
        return lex_hook.handle_event(event, lambda_context, app_provider=lambda: app)

    return runner


def attributes(response: dict[str, Any]) -> dict[str, str]:
    return response["sessionState"]["sessionAttributes"]


def contents(response: dict[str, Any]) -> list[str]:
    return [message["content"] for message in response["messages"]]


def next_turn(previous: dict[str, Any], text: str, intent: str = "FallbackIntent") -> dict[str, Any]:
    """The caller's next utterance on the same Lex session, carrying the returned attributes."""
    event = load_event("lex_greeting")
    event["inputTranscript"] = text
    event["sessionState"]["intent"]["name"] = intent
    event["sessionState"]["sessionAttributes"] = dict(attributes(previous))
    return event


@pytest.mark.parametrize(
    ("event_name", "dialog_action", "routing", "first_message"),
    [
        ("lex_greeting", "ElicitIntent", {}, messages.GREETING),
        ("lex_faq_delivery_time", "ElicitIntent", {}, DELIVERY_TIME_ANSWER),
        ("lex_chat_text", "ElicitIntent", {}, HOURS_ANSWER),
        ("lex_goodbye", "Close", {"nextAction": "end"}, messages.GOODBYE),
        (
            "lex_complaint",
            "Close",
            {"nextAction": "escalate", "queue": "complaint", "reason": "complaint", "priority": "NORMAL"},
            messages.COMPLAINT,
        ),
        (
            "lex_agent_request",
            "Close",
            {"nextAction": "escalate", "queue": "general", "reason": "agent_request", "priority": "NORMAL"},
            messages.ESCALATE,
        ),
        # FAQ first (issue 14) changed this deliberately: the FAQ on cancelling is answered first
        # (the caller's "아니요" then goes to the payment queue: the test after this one).
        ("lex_cancel_request", "ElicitIntent", {}, ORDER_CANCEL_ANSWER),
        (
            "lex_vip_urgent",
            "Close",
            {"nextAction": "escalate", "queue": "priority", "reason": "urgent", "priority": "CRITICAL"},
            messages.ESCALATE_URGENT,
        ),
        ("lex_order_inquiry", "ElicitIntent", {}, messages.ORDER_NUMBER_PROMPT),
    ],
)
def test_recorded_events_through_the_lambda_handler(
    dynamodb: Any,
    lambda_context: FakeLambdaContext,
    event_name: str,
    dialog_action: str,
    routing: dict[str, str],
    first_message: str,
) -> None:
    event = load_event(event_name)

    response = lex_hook.lambda_handler(event, lambda_context)

    assert_valid_lex_response(response)
    assert response["sessionState"]["dialogAction"]["type"] == dialog_action
    assert contents(response)[0] == first_message
    routing_keys = ("nextAction", "queue", "reason", "priority")
    assert {key: value for key, value in attributes(response).items() if key in routing_keys} == routing
    # The contact flow's attributes pass through untouched.
    for key, value in event["sessionState"]["sessionAttributes"].items():
        assert attributes(response)[key] == value
    if dialog_action == "Close":
        assert response["sessionState"]["intent"] == {
            "name": event["sessionState"]["intent"]["name"],
            "state": "Fulfilled",
        }
    else:
        assert "intent" not in response["sessionState"]


def test_a_cancellation_answered_first_goes_to_the_payment_queue_on_no(run: Runner) -> None:
    first = run(load_event("lex_cancel_request"))
    assert contents(first) == [ORDER_CANCEL_ANSWER, messages.FAQ_FIRST_FOLLOW_UP]
    event = load_event("lex_cancel_request")
    event["inputTranscript"] = "아니요"
    event["sessionState"]["sessionAttributes"] = attributes(first)

    response = run(event)

    assert response["sessionState"]["dialogAction"]["type"] == "Close"
    assert contents(response) == [messages.ESCALATE_PAYMENT]
    routing = {key: attributes(response)[key] for key in ("nextAction", "queue", "reason", "priority")}
    assert routing == {
        "nextAction": "escalate",
        "queue": "payment",
        "reason": "payment_security",
        "priority": "NORMAL",
    }


def test_faq_answer_is_followed_by_anything_else(run: Runner) -> None:
    response = run(load_event("lex_faq_delivery_time"))

    assert contents(response) == [DELIVERY_TIME_ANSWER, messages.ANYTHING_ELSE]


def test_faq_comes_from_the_table_and_is_cached_per_container(
    dynamodb: Any, lambda_context: FakeLambdaContext
) -> None:
    table = TABLE_NAMES["FAQ_TABLE_NAME"]
    item = {
        "faq_id": {"S": "hours"},
        "category": {"S": "일반"},
        "question": {"S": "영업시간이 어떻게 되나요?"},
        "answer": {"S": "평일 오전 10시부터 오후 5시까지 운영합니다."},
        "keywords": {"L": [{"S": "영업시간"}, {"S": "운영시간"}]},
    }
    dynamodb.put_item(TableName=table, Item=item)

    first = lex_hook.lambda_handler(load_event("lex_chat_text"), lambda_context)
    dynamodb.delete_item(TableName=table, Key={"faq_id": {"S": "hours"}})
    second = lex_hook.lambda_handler(load_event("lex_chat_text"), lambda_context)

    assert contents(first)[0] == "평일 오전 10시부터 오후 5시까지 운영합니다."
    assert contents(second)[0] == contents(first)[0]


def test_unreadable_faq_table_falls_back_to_the_bundled_file(
    dynamodb: Any, lambda_context: FakeLambdaContext, captured: CapturedOutput
) -> None:
    dynamodb.delete_table(TableName=TABLE_NAMES["FAQ_TABLE_NAME"])

    response = lex_hook.lambda_handler(load_event("lex_chat_text"), lambda_context)

    assert contents(response)[0] == HOURS_ANSWER
    assert any("FAQ table unreadable" in record["message"] for record in captured.log_records())


def test_reservation_dialog_stores_the_booking_and_reads_the_reference_back(
    run: Runner, dynamodb: Any
) -> None:
    first = run(next_turn({"sessionState": {"sessionAttributes": {}}}, "예약 좀 하고 싶어요"))
    assert messages.RESERVATION_SERVICE_PROMPT in contents(first)  # then the keypad note on voice
    second = run(next_turn(first, "2번이요"))
    assert messages.RESERVATION_DATE_PROMPT in contents(second)  # then the keypad note on voice
    third = run(next_turn(second, "내일이요"))
    assert messages.RESERVATION_PHONE_PROMPT in contents(third)  # then the keypad note on voice
    fourth = run(next_turn(third, "공일공 일이삼사 오육칠팔이요"))

    stored = dynamodb.scan(TableName=TABLE_NAMES["RESERVATIONS_TABLE_NAME"])["Items"]
    assert len(stored) == 1
    booking = stored[0]
    assert booking["reservation_date"] == {"S": "2025-11-25"}
    assert booking["phone_number"] == {"S": "+821012345678"}
    assert booking["service"]["S"] == "방문 서비스"
    reply = " ".join(contents(fourth))
    assert booking["reference"]["S"] in reply
    assert "11월 25일 화요일" in reply
    assert_valid_lex_response(fourth)


def test_order_inquiry_speaks_the_stored_status(run: Runner, dynamodb: Any) -> None:
    dynamodb.put_item(
        TableName=TABLE_NAMES["ORDERS_TABLE_NAME"],
        Item={"order_id": {"S": "ORD20251123001"}, "status": {"S": "배송 중"}},
    )
    asked = run(load_event("lex_order_inquiry"))

    answered = run(next_turn(asked, "주문번호는 20251123001 이에요"))

    assert any("배송 중" in content for content in contents(answered))


def test_contact_id_falls_back_to_the_lex_session_id(run: Runner, dynamodb: Any) -> None:
    event = load_event("lex_test_console_no_attributes")

    response = run(event)

    assert_valid_lex_response(response)
    items = dynamodb.scan(TableName=TABLE_NAMES["CONVERSATIONS_TABLE_NAME"])["Items"]
    assert [(item["contact_id"]["S"], item["channel"]["S"]) for item in items] == [
        (event["sessionId"], "CHAT")
    ]


def test_missing_configuration_answers_safely_and_names_the_variable(
    environment: dict[str, str],
    fresh_containers: None,
    monkeypatch: pytest.MonkeyPatch,
    lambda_context: FakeLambdaContext,
    captured: CapturedOutput,
) -> None:
    monkeypatch.setenv("CONVERSATION_TTL_DAYS", "abc")

    response = lex_hook.lambda_handler(load_event("lex_greeting"), lambda_context)

    assert_valid_lex_response(response)
    assert response["sessionState"]["dialogAction"]["type"] == "Close"
    assert contents(response) == [messages.ESCALATE_SYSTEM_ERROR]
    assert attributes(response)["nextAction"] == "escalate"
    assert attributes(response)["queue"] == "general"
    assert attributes(response)["reason"] == "system_error"
    errors = [record for record in captured.log_records() if record["level"] == "ERROR"]
    assert "CONVERSATION_TTL_DAYS must be an integer between 1 and 3650, got 'abc'" in errors[0]["reason"]


class _ExplodingEngine:
    def handle_turn(self, turn: Any) -> Any:
        raise RuntimeError("engine bug")


@pytest.mark.parametrize(
    ("tier", "queue", "priority"), [("STANDARD", "general", "NORMAL"), ("VIP", "priority", "HIGH")]
)
def test_any_exception_becomes_a_safe_escalation(
    dynamodb: Any,
    lambda_context: FakeLambdaContext,
    captured: CapturedOutput,
    tier: str,
    queue: str,
    priority: str,
) -> None:
    settings = LexHookSettings.from_env()
    wired = lex_hook.build_app(settings)
    broken = lex_hook.LexHookApp(
        engine=_ExplodingEngine(),  # type: ignore[arg-type]
        conversation_log=wired._conversation_log,
        metrics=wired.metrics,
    )
    event = load_event("lex_greeting")
    event["sessionState"]["sessionAttributes"]["customerTier"] = tier

    response = lex_hook.handle_event(event, lambda_context, app_provider=lambda: broken)

    assert_valid_lex_response(response)
    assert response["sessionState"]["intent"] == {"name": "Greeting", "state": "Fulfilled"}
    assert contents(response) == [messages.ESCALATE_SYSTEM_ERROR]
    assert {key: attributes(response)[key] for key in ("nextAction", "queue", "reason", "priority")} == {
        "nextAction": "escalate",
        "queue": queue,
        "reason": "system_error",
        "priority": priority,
    }
    failure = next(record for record in captured.log_records() if record["level"] == "ERROR")
    assert failure["reason"] == "system_error"
    assert "RuntimeError: engine bug" in failure["exception"]
    escalations = [blob for blob in captured.metric_blobs() if "Escalation" in blob]
    assert [(blob["reason"], blob["queue"]) for blob in escalations] == [("system_error", queue)]


# --- Bedrock through botocore's Stubber -------------------------------------------------------------------


def _tool_answer(intent: str, confidence: float) -> dict[str, Any]:
    return {
        "output": {
            "message": {
                "role": "assistant",
                "content": [
                    {
                        "toolUse": {
                            "toolUseId": "t-1",
                            "name": "record_intent",
                            "input": {"intent": intent, "confidence": confidence},
                        }
                    }
                ],
            }
        },
        "stopReason": "tool_use",
        "usage": {"inputTokens": 420, "outputTokens": 24, "totalTokens": 444},
        "metrics": {"latencyMs": 612},
    }


@pytest.fixture
def bedrock_stub(environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Stubber:
    """Bedrock enabled and asked on every turn, answering from a Stubber.

    These tests are about what happens once Bedrock is asked; when it is asked (only when the local
    classifier is unsure, by default) is ``tests/functional/test_local_first_wiring.py``.
    """
    monkeypatch.setenv("BEDROCK_ENABLED", "true")
    monkeypatch.setenv("BEDROCK_MODEL_ID", "apac.anthropic.claude-haiku-4-5-20251001-v1:0")
    monkeypatch.setenv("BEDROCK_CONSULT", "always")
    from bot import bedrock_classifier

    client = boto3.client(
        "bedrock-runtime",
        region_name="ap-northeast-2",
        config=bedrock_classifier.bedrock_client_config(2.5),
    )
    stubber = Stubber(client)
    monkeypatch.setattr(bedrock_classifier, "make_bedrock_runtime_client", lambda **_: client)
    return stubber


def test_bedrock_answer_is_used_and_logged_with_its_source(
    bedrock_stub: Stubber, dynamodb: Any, lambda_context: FakeLambdaContext, captured: CapturedOutput
) -> None:
    bedrock_stub.add_response("converse", _tool_answer("agent_request", 0.97))
    with bedrock_stub:
        response = lex_hook.lambda_handler(load_event("lex_agent_request"), lambda_context)
    bedrock_stub.assert_no_pending_responses()

    assert attributes(response)["queue"] == "general"
    item = dynamodb.scan(TableName=TABLE_NAMES["CONVERSATIONS_TABLE_NAME"])["Items"][0]
    assert item["classifier_source"] == {"S": "bedrock"}
    assert item["confidence"] == {"N": "0.97"}
    assert "ClassifierFallback" not in captured.metric_names()


@pytest.mark.parametrize(
    ("stub", "reason"),
    [
        (lambda s: s.add_client_error("converse", "ThrottlingException", http_status_code=429), "throttled"),
        (
            lambda s: s.add_client_error("converse", "AccessDeniedException", http_status_code=403),
            "access_denied",
        ),
        (lambda s: s.add_response("converse", _tool_answer("vip_transfer", 0.99)), "off_taxonomy"),
    ],
)
def test_bedrock_failure_falls_back_to_the_local_classifier(
    bedrock_stub: Stubber,
    dynamodb: Any,
    lambda_context: FakeLambdaContext,
    captured: CapturedOutput,
    stub: Callable[[Stubber], None],
    reason: str,
) -> None:
    stub(bedrock_stub)
    with bedrock_stub:
        response = lex_hook.lambda_handler(load_event("lex_complaint"), lambda_context)

    assert attributes(response)["queue"] == "complaint"
    item = dynamodb.scan(TableName=TABLE_NAMES["CONVERSATIONS_TABLE_NAME"])["Items"][0]
    assert item["classifier_source"] == {"S": "local"}
    fallbacks = [blob for blob in captured.metric_blobs() if "ClassifierFallback" in blob]
    assert [blob["reason"] for blob in fallbacks] == [reason]


def test_bedrock_is_skipped_when_the_lambda_is_short_of_time(
    bedrock_stub: Stubber, dynamodb: Any, captured: CapturedOutput
) -> None:
    # 2 s left: after the 1.5 s reserve there is not enough for a 2.5 s Bedrock call.
    with bedrock_stub:
        response = lex_hook.lambda_handler(
            load_event("lex_greeting"), FakeLambdaContext(remaining_millis=2000)
        )

    assert contents(response) == [messages.GREETING]
    fallbacks = [blob for blob in captured.metric_blobs() if "ClassifierFallback" in blob]
    assert [blob["reason"] for blob in fallbacks] == ["budget_exhausted"]
