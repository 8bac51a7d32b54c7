"""The DynamoDB repositories against moto tables keyed as bot/ports.py documents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from bot.models import KST, FaqEntry
from bot.ports import CallbackRequest, Order, Reservation
from contract import CustomerTier
from storage.dynamodb import (
    DynamoDbCallbackRepository,
    DynamoDbCustomerRepository,
    DynamoDbFaqRepository,
    DynamoDbOrderRepository,
    DynamoDbReservationRepository,
)
from tests.functional.conftest import TABLE_NAMES

CREATED_AT = datetime(2025, 11, 24, 10, 15, 30, tzinfo=KST)


def reservation(reference: str = "R-20251124-0001", **changes: Any) -> Reservation:
    values: dict[str, Any] = {
        "reference": reference,
        "contact_id": "contact-1",
        "service": "방문 서비스",
        "reservation_date": date(2025, 12, 1),
        "phone_number": "01012345678",
        "created_at": CREATED_AT,
    }
    values.update(changes)
    return Reservation(**values)


def test_reservation_is_stored_with_gsi_attributes(dynamodb: Any) -> None:
    repository = DynamoDbReservationRepository(TABLE_NAMES["RESERVATIONS_TABLE_NAME"])

    assert repository.save(reservation()) == reservation()

    found = dynamodb.query(
        TableName=TABLE_NAMES["RESERVATIONS_TABLE_NAME"],
        IndexName="by_phone_number",
        KeyConditionExpression="phone_number = :phone AND reservation_date = :day",
        ExpressionAttributeValues={":phone": {"S": "01012345678"}, ":day": {"S": "2025-12-01"}},
    )["Items"]
    assert len(found) == 1
    assert found[0]["created_at"] == {"S": "2025-11-24T10:15:30+09:00"}
    assert found[0]["service"] == {"S": "방문 서비스"}


def test_saving_a_reference_again_returns_the_stored_reservation(dynamodb: Any) -> None:
    repository = DynamoDbReservationRepository(TABLE_NAMES["RESERVATIONS_TABLE_NAME"])
    first = reservation()
    repository.save(first)

    again = repository.save(reservation(service="상담 예약", reservation_date=date(2025, 12, 2)))

    assert again == first
    assert dynamodb.scan(TableName=TABLE_NAMES["RESERVATIONS_TABLE_NAME"])["Count"] == 1


def test_callback_saved_once_per_contact(dynamodb: Any) -> None:
    repository = DynamoDbCallbackRepository(TABLE_NAMES["CALLBACKS_TABLE_NAME"])
    first = CallbackRequest("contact-1", "+821012345678", datetime(2025, 12, 1, 9, 0, tzinfo=KST), "12345678")

    assert repository.save(first) == first
    retry = repository.save(
        CallbackRequest("contact-1", "+821012345678", datetime(2025, 12, 2, 9, 0, tzinfo=KST), "99999999")
    )

    assert retry == first
    assert retry.callback_at.utcoffset() == first.callback_at.utcoffset()
    pending = dynamodb.query(
        TableName=TABLE_NAMES["CALLBACKS_TABLE_NAME"],
        IndexName="pending_by_time",
        KeyConditionExpression="#status = :pending AND callback_at <= :until",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":pending": {"S": "PENDING"},
            ":until": {"S": "2025-12-01T09:00:00+09:00"},
        },
    )["Items"]
    assert [item["reference"]["S"] for item in pending] == ["12345678"]


def test_customer_lookup(dynamodb: Any) -> None:
    table = TABLE_NAMES["CUSTOMERS_TABLE_NAME"]
    dynamodb.put_item(
        TableName=table,
        Item={"phone_number": {"S": "+821012345678"}, "tier": {"S": "vip"}, "name": {"S": "김민지"}},
    )
    dynamodb.put_item(TableName=table, Item={"phone_number": {"S": "+821011112222"}})
    repository = DynamoDbCustomerRepository(table)

    vip = repository.get("+821012345678")
    assert vip is not None
    assert (vip.tier, vip.name) == (CustomerTier.VIP, "김민지")
    bare = repository.get("+821011112222")
    assert bare is not None
    assert (bare.tier, bare.name) == (CustomerTier.STANDARD, None)
    assert repository.get("+821099998888") is None


def test_order_lookup(dynamodb: Any) -> None:
    table = TABLE_NAMES["ORDERS_TABLE_NAME"]
    dynamodb.put_item(
        TableName=table,
        Item={
            "order_id": {"S": "ORD20251123001"},
            "status": {"S": "배송 중"},
            "detail": {"S": "내일 도착 예정입니다."},
        },
    )
    dynamodb.put_item(TableName=table, Item={"order_id": {"S": "ORD20251123002"}})
    repository = DynamoDbOrderRepository(table)

    assert repository.get("ORD20251123001") == Order("ORD20251123001", "배송 중", "내일 도착 예정입니다.")
    assert repository.get("ORD20251123002") is None  # no status: nothing speakable
    assert repository.get("ORD00000000000") is None


def test_faq_entries_accept_every_keyword_encoding_and_skip_broken_items(dynamodb: Any) -> None:
    table = TABLE_NAMES["FAQ_TABLE_NAME"]
    common = {"category": {"S": "일반"}, "question": {"S": "질문?"}, "answer": {"S": "답변입니다."}}
    dynamodb.put_item(
        TableName=table,
        Item={"faq_id": {"S": "b_list"}, **common, "keywords": {"L": [{"S": "가"}, {"S": "나"}]}},
    )
    dynamodb.put_item(
        TableName=table, Item={"faq_id": {"S": "c_set"}, **common, "keywords": {"SS": ["나", "가"]}}
    )
    dynamodb.put_item(
        TableName=table, Item={"faq_id": {"S": "a_text"}, **common, "keywords": {"S": "가, 나"}}
    )
    dynamodb.put_item(TableName=table, Item={"faq_id": {"S": "broken"}, "question": {"S": "답 없음"}})

    entries = DynamoDbFaqRepository(table).all_entries()

    assert entries == [
        FaqEntry("a_text", "일반", "질문?", "답변입니다.", ("가", "나")),
        FaqEntry("b_list", "일반", "질문?", "답변입니다.", ("가", "나")),
        FaqEntry("c_set", "일반", "질문?", "답변입니다.", ("가", "나")),
    ]


def test_missing_table_raises_for_the_caller_to_handle(dynamodb: Any) -> None:
    repository = DynamoDbOrderRepository("no-such-table")
    with pytest.raises(Exception, match="ResourceNotFoundException"):
        repository.get("ORD20251123001")
