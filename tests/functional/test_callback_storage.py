"""The callbacks table links the promise to what Connect owns (moto): kind, release, queue, status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.models import KST
from bot.ports import CallbackRequest
from contract import CALLBACK_NOT_CREATED
from storage.dynamodb import DynamoDbCallbackRepository
from tests.functional.conftest import TABLE_NAMES

PLANNED = CallbackRequest(
    contact_id="contact-1",
    phone_number="+821012345678",
    callback_at=datetime(2026, 3, 10, 10, 30, tzinfo=KST),
    reference="12345678",
    kind="queued_callback",
    release_at=datetime(2026, 3, 10, 10, 8, tzinfo=KST),
    queue="payment",
    reason="payment_security",
)


def repository() -> DynamoDbCallbackRepository:
    return DynamoDbCallbackRepository(TABLE_NAMES["CALLBACKS_TABLE_NAME"])


def test_the_plan_is_stored_with_the_promise_and_read_back(dynamodb: Any) -> None:
    assert repository().save(PLANNED) == PLANNED
    item = dynamodb.get_item(
        TableName=TABLE_NAMES["CALLBACKS_TABLE_NAME"], Key={"contact_id": {"S": "contact-1"}}
    )["Item"]
    assert item["kind"] == {"S": "queued_callback"}
    assert item["release_at"] == {"S": "2026-03-10T10:08:00+09:00"}
    assert (item["queue"], item["reason"]) == ({"S": "payment"}, {"S": "payment_security"})
    # A retry with another plan returns the first one, read back whole.
    assert (
        repository().save(CallbackRequest("contact-1", "+821012345678", PLANNED.callback_at, "1")) == PLANNED
    )


def test_the_kind_and_status_change_in_place_and_only_for_a_stored_request(dynamodb: Any) -> None:
    repository().save(PLANNED)

    as_task = repository().set_kind("contact-1", "task")
    again = repository().set_kind("contact-1", "task")
    refused = repository().mark_not_created("contact-1")

    assert as_task is not None and as_task.kind == "task" and as_task == again
    assert refused is not None and refused.status == CALLBACK_NOT_CREATED and refused.kind == "task"
    assert dynamodb.scan(TableName=TABLE_NAMES["CALLBACKS_TABLE_NAME"])["Count"] == 1
    assert repository().set_kind("contact-2", "task") is None
    assert repository().mark_not_created("contact-2") is None
    assert dynamodb.scan(TableName=TABLE_NAMES["CALLBACKS_TABLE_NAME"])["Count"] == 1


def test_the_created_contact_id_links_the_row_in_place_and_only_for_a_stored_request(dynamodb: Any) -> None:
    repository().save(PLANNED)

    linked = repository().link("contact-1", "task-contact-9")
    again = repository().link("contact-1", "task-contact-9")

    assert linked is not None and linked.connect_contact_id == "task-contact-9" and linked == again
    assert linked.reference == PLANNED.reference and linked.kind == PLANNED.kind
    item = dynamodb.get_item(
        TableName=TABLE_NAMES["CALLBACKS_TABLE_NAME"], Key={"contact_id": {"S": "contact-1"}}
    )["Item"]
    assert item["connect_contact_id"] == {"S": "task-contact-9"}
    assert repository().link("contact-2", "task-contact-9") is None
    assert dynamodb.scan(TableName=TABLE_NAMES["CALLBACKS_TABLE_NAME"])["Count"] == 1
