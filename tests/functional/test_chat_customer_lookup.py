"""VIP routing on chat: the customer lookup reads the id the start-chat API verified.

A chat contact has no caller number; the start-chat function sets ``verifiedCustomerId`` (E.164)
only after checking the site's signed token, and the contact-flow function's ``lookup_customer``
uses it on chat contacts — never on another channel, where only Connect's endpoint counts.
"""

from __future__ import annotations

import copy
from typing import Any

from contract import ChatAttribute
from handlers import contact_flow
from tests.functional.conftest import TABLE_NAMES, FakeLambdaContext, load_event

CUSTOMERS = TABLE_NAMES["CUSTOMERS_TABLE_NAME"]


def put_customer(client: Any, phone_number: str, tier: str, name: str) -> None:
    item = {"phone_number": {"S": phone_number}, "tier": {"S": tier}, "name": {"S": name}}
    client.put_item(TableName=CUSTOMERS, Item=item)


def verified_chat_event(customer_id: Any = "+821098765432") -> dict[str, Any]:
    event = copy.deepcopy(load_event("connect_lookup_customer_chat_verified"))
    event["Details"]["ContactData"]["Attributes"][ChatAttribute.VERIFIED_CUSTOMER_ID] = customer_id
    return event


def test_a_verified_chat_customer_gets_their_tier(dynamodb: Any, lambda_context: FakeLambdaContext) -> None:
    put_customer(dynamodb, "+821098765432", "VIP", "박지훈")

    response = contact_flow.lambda_handler(verified_chat_event(), lambda_context)

    assert response == {"result": "ok", "tier": "VIP", "name": "박지훈", "known": "true"}


def test_the_verified_id_wins_over_a_typed_number_on_chat(
    dynamodb: Any, lambda_context: FakeLambdaContext
) -> None:
    put_customer(dynamodb, "+821098765432", "VIP", "박지훈")
    put_customer(dynamodb, "+821012345678", "STANDARD", "이서준")
    event = verified_chat_event()
    event["Details"]["Parameters"]["phoneNumber"] = "010-1234-5678"

    response = contact_flow.lambda_handler(event, lambda_context)

    assert response["tier"] == "VIP"


def test_without_a_verified_id_a_chat_stays_without_a_number(
    dynamodb: Any, lambda_context: FakeLambdaContext
) -> None:
    event = verified_chat_event()
    del event["Details"]["ContactData"]["Attributes"][ChatAttribute.VERIFIED_CUSTOMER_ID]

    response = contact_flow.lambda_handler(event, lambda_context)

    # The flow's set-default-tier path: STANDARD.
    assert response == {"result": "error", "reason": "missing_phone_number"}


def test_a_malformed_verified_id_is_not_looked_up(dynamodb: Any, lambda_context: FakeLambdaContext) -> None:
    response = contact_flow.lambda_handler(verified_chat_event("VIP' OR 1=1"), lambda_context)

    assert response == {"result": "error", "reason": "missing_phone_number"}


def test_the_attribute_is_ignored_on_a_voice_contact(
    dynamodb: Any, lambda_context: FakeLambdaContext
) -> None:
    put_customer(dynamodb, "+821055556666", "VIP", "박지훈")
    event = copy.deepcopy(load_event("connect_lookup_customer_unknown"))
    event["Details"]["ContactData"].setdefault("Attributes", {})[ChatAttribute.VERIFIED_CUSTOMER_ID] = (
        "+821055556666"
    )

    response = contact_flow.lambda_handler(event, lambda_context)

    assert response["tier"] == "STANDARD"
    assert response["known"] == "false"
