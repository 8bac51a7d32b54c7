"""The conversation log: one item per turn, idempotent under retries, masked, never failing a turn."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.models import KST
from bot.ports import ConversationTurn
from handlers import lex_hook
from handlers.settings import LexHookSettings
from storage.dynamodb import DynamoDbConversationLog
from tests.functional.conftest import (
    TABLE_NAMES,
    CapturedOutput,
    FakeLambdaContext,
    assert_valid_lex_response,
    load_event,
)

CONVERSATIONS = TABLE_NAMES["CONVERSATIONS_TABLE_NAME"]
NOW = datetime(2025, 11, 24, 14, 30, 5, 123456, tzinfo=KST)
CALLER_NUMBER_PARTS = ("1234-5678", "12345678", "1234 5678")


def items(client: Any) -> list[dict[str, Any]]:
    return sorted(
        client.scan(TableName=CONVERSATIONS)["Items"],
        key=lambda item: (item["contact_id"]["S"], int(item["turn"]["N"])),
    )


def run_event(event: dict[str, Any], context: FakeLambdaContext) -> dict[str, Any]:
    app = lex_hook.build_app(LexHookSettings.from_env(), clock=lambda: NOW)
    return lex_hook.handle_event(event, context, app_provider=lambda: app)


def test_a_turn_is_written_with_every_field(dynamodb: Any, lambda_context: FakeLambdaContext) -> None:
    response = run_event(load_event("lex_faq_delivery_time"), lambda_context)

    [item] = items(dynamodb)
    assert item["contact_id"] == {"S": "5ca32fbd-8f92-46af-92a5-6b0f970f0efe"}
    assert item["turn"] == {"N": "1"}
    assert item["timestamp"] == {"S": "2025-11-24T14:30:05+09:00"}
    assert item["channel"] == {"S": "VOICE"}
    assert item["caller_text"] == {"S": "배송 보통 며칠 걸려요?"}
    assert item["intent"] == {"S": "general_inquiry"}
    assert 0.0 <= float(item["confidence"]["N"]) <= 1.0
    assert item["classifier_source"] == {"S": "local"}
    assert item["faq_id"] == {"S": "delivery_time"}
    assert item["bot_reply"]["S"] == " ".join(message["content"] for message in response["messages"])
    assert item["action"] == {"S": "continue"}
    expected_expiry = int((NOW + timedelta(days=90)).timestamp())
    assert item["expires_at"] == {"N": str(expected_expiry)}


def test_the_same_event_twice_is_one_item(dynamodb: Any, lambda_context: FakeLambdaContext) -> None:
    event = load_event("lex_greeting")

    first = run_event(event, lambda_context)
    retry = run_event(load_event("lex_greeting"), lambda_context)  # Lex retries the identical request

    assert retry == first
    assert len(items(dynamodb)) == 1


def test_successive_turns_are_numbered(dynamodb: Any, lambda_context: FakeLambdaContext) -> None:
    first = run_event(load_event("lex_greeting"), lambda_context)
    second_event = load_event("lex_faq_delivery_time")
    second_event["sessionState"]["sessionAttributes"] = first["sessionState"]["sessionAttributes"]

    run_event(second_event, lambda_context)

    assert [(item["turn"]["N"], item.get("faq_id", {}).get("S")) for item in items(dynamodb)] == [
        ("1", None),
        ("2", "delivery_time"),
    ]


def test_phone_numbers_are_masked_in_the_item_and_in_every_log_line(
    dynamodb: Any, lambda_context: FakeLambdaContext, captured: CapturedOutput
) -> None:
    run_event(load_event("lex_phone_number_in_text"), lambda_context)

    [item] = items(dynamodb)
    assert item["caller_text"] == {"S": "제 번호는 010-****-5678이에요 상담원 연결해 주세요"}
    logs = captured.log_stream.getvalue()
    assert logs
    assert not any(part in logs for part in CALLER_NUMBER_PARTS)


def test_a_failed_write_never_fails_the_turn(
    dynamodb: Any, lambda_context: FakeLambdaContext, captured: CapturedOutput
) -> None:
    dynamodb.delete_table(TableName=CONVERSATIONS)

    response = run_event(load_event("lex_phone_number_in_text"), lambda_context)

    assert_valid_lex_response(response)
    assert response["sessionState"]["sessionAttributes"]["queue"] == "general"
    assert "ConversationLogWriteFailed" in captured.metric_names()
    [failure] = [
        record for record in captured.log_records() if record["message"] == "conversation log write failed"
    ]
    record = failure["conversation_turn"]
    assert record["contact_id"] == "5ca32fbd-8f92-46af-92a5-6b0f970f0efe"
    assert record["turn"] == 1
    assert record["caller_text"] == "제 번호는 010-****-5678이에요 상담원 연결해 주세요"
    assert record["action"] == "escalate"
    assert "ResourceNotFoundException" in failure["exception"]
    assert not any(part in captured.log_stream.getvalue() for part in CALLER_NUMBER_PARTS)


def test_the_log_masks_numbers_even_when_code_forgets(
    dynamodb: Any, lambda_context: FakeLambdaContext, captured: CapturedOutput
) -> None:
    # A debugging line that logs raw caller data: the formatter masks it anyway.
    from handlers.observability import logger

    logger.info(
        "raw number 010-9876-5432", extra={"nested": {"numbers": ["+82 10 9876 5432", "01098765432"]}}
    )

    line = captured.log_records()[-1]
    assert line["message"] == "raw number 010-****-5432"
    assert line["nested"] == {"numbers": ["010-****-5432", "010-****-5432"]}


def test_repository_write_is_idempotent_and_a_retry_is_not_an_error(dynamodb: Any) -> None:
    log = DynamoDbConversationLog(CONVERSATIONS, ttl_days=30)
    turn = ConversationTurn(
        contact_id="c-1",
        turn=3,
        timestamp=NOW,
        channel="CHAT",
        caller_text="안녕하세요",
        intent=None,
        confidence=0.0,
        classifier_source=None,
        faq_id=None,
        bot_reply="좀 더 자세히 말씀해 주시겠어요?",
        action="continue",
    )

    log.record(turn)
    log.record(turn)
    log.record(replace(turn, turn=4))

    stored = items(dynamodb)
    assert [item["turn"]["N"] for item in stored] == ["3", "4"]
    assert "intent" not in stored[0]  # absent rather than empty
    assert stored[0]["expires_at"] == {"N": str(int((NOW + timedelta(days=30)).timestamp()))}


def test_ttl_must_be_positive() -> None:
    with pytest.raises(ValueError, match="ttl_days"):
        DynamoDbConversationLog(CONVERSATIONS, ttl_days=0)
