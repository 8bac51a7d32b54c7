"""No phone, resident registration or card number reaches storage, in any form (property-based).

Hypothesis generates a number, writes it the ways callers and speech recognition do
(``tests/support/personal_data_forms.py``: separators, full-width and other scripts' digits, +82
forms, spoken Korean digits, inside a sentence) and says it to the REAL handlers on moto tables:
the Lex hook in the middle of the reservation dialog, the contact-flow function as a chat
callback number. Then every item of every table, every log line and metric written meanwhile and
the session handed back to Lex are read by the oracle of that module, which shares no code with
``bot.personal_data``: none of the number's secret digits may be there. The one place a phone
number belongs — the reservation's and the callback's ``phone_number``, in E.164 — is checked to
hold exactly the E.164 form the generator computed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import messages
from bot.models import KST
from handlers import contact_flow, lex_hook
from handlers.settings import LexHookSettings
from tests.functional.conftest import TABLE_NAMES, CapturedOutput, FakeLambdaContext, load_event
from tests.support.personal_data_forms import (
    BOOKING_MOBILES,
    NEVER_STORED,
    PHONES,
    PLAIN_SENTENCES,
    PersonalNumber,
    describe,
    leaks,
    rendered,
    strings_in,
)

NOW = datetime(2025, 11, 24, 10, 0, tzinfo=KST)
CONVERSATIONS = TABLE_NAMES["CONVERSATIONS_TABLE_NAME"]
RESERVATIONS = TABLE_NAMES["RESERVATIONS_TABLE_NAME"]
CALLBACKS = TABLE_NAMES["CALLBACKS_TABLE_NAME"]
#: The number the caller books under when the number under test is not one to book with.
BOOKING_NUMBER = "010-2468-1357"

# One moto backend and one wired app serve the examples of a test, as a warm container serves many
# contacts; each example is its own contact, and only what it wrote is checked.
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_contacts = itertools.count(1)


class Watch:
    """What one example leaves behind: table items, new log lines and metrics, Lex sessions.

    Every table is scanned, but the conversation log, which grows by every turn of every example,
    is read for the example's own contact (the turns of the others were checked in theirs).
    """

    def __init__(self, dynamodb: Any, captured: CapturedOutput, contact_id: str) -> None:
        self._dynamodb = dynamodb
        self._contact_id = contact_id
        self._captured = captured
        self._log_from = len(captured.log_stream.getvalue())
        self._stdout_from = len(captured.read_stdout())
        self.sessions: list[dict[str, str]] = []
        self.replies: list[str] = []
        self._items: list[tuple[str, dict[str, Any]]] | None = None

    def items(self) -> list[tuple[str, dict[str, Any]]]:
        """Every item of every table, as plain JSON (DynamoDB types deserialized), read once."""
        if self._items is None:
            deserializer = TypeDeserializer()
            self._items = [
                (name, {key: deserializer.deserialize(value) for key, value in item.items()})
                for name in TABLE_NAMES.values()
                for item in self._read(name)
            ]
        return self._items

    def _read(self, table: str) -> list[dict[str, Any]]:
        if table != CONVERSATIONS:
            return list(self._dynamodb.scan(TableName=table, ConsistentRead=True)["Items"])
        return list(
            self._dynamodb.query(
                TableName=table,
                KeyConditionExpression="contact_id = :contact",
                ExpressionAttributeValues={":contact": {"S": self._contact_id}},
                ConsistentRead=True,
            )["Items"]
        )

    def written(self, *, allowed: Callable[[str, dict[str, Any], str], bool]) -> list[tuple[str, str]]:
        """(where, text) of everything stored or logged, but the attributes ``allowed`` lets through."""
        found = [
            (f"{table}.{key}", text)
            for table, item in self.items()
            for key, value in item.items()
            if not allowed(table, item, key)
            for text in strings_in(value)
        ]
        found.append(("log", self._captured.log_stream.getvalue()[self._log_from :]))
        found.append(("metrics", self._captured.read_stdout()[self._stdout_from :]))
        found.extend(("lex session", text) for session in self.sessions for text in strings_in(session))
        return found

    def assert_nowhere(
        self,
        number: PersonalNumber,
        said: str,
        *,
        allowed: Callable[[str, dict[str, Any], str], bool] = lambda *_: False,
    ) -> None:
        for where, text in self.written(allowed=allowed):
            assert not leaks(number, text), f"{describe(number, said)} reached {where}: {text[:500]!r}"


@pytest.fixture
def lex(dynamodb: Any) -> Callable[[str, list[str], Watch], list[dict[str, Any]]]:
    """Say ``inputs`` on one contact through the real Lex hook; the responses."""
    app = lex_hook.build_app(LexHookSettings.from_env(), clock=lambda: NOW)
    context = FakeLambdaContext()

    def say(contact_id: str, inputs: list[str], watch: Watch) -> list[dict[str, Any]]:
        session = {"contactId": contact_id, "channel": "VOICE", "customerTier": "STANDARD"}
        responses = []
        for text in inputs:
            event = load_event("lex_greeting")
            event["sessionId"] = contact_id
            event["inputTranscript"] = text
            event["sessionState"]["sessionAttributes"] = session
            response = lex_hook.handle_event(event, context, app_provider=lambda: app)
            session = response["sessionState"]["sessionAttributes"]
            watch.sessions.append(session)
            watch.replies.extend(message["content"] for message in response["messages"])
            responses.append(response)
        return responses

    return say


def _booking(watch: Watch, contact_id: str) -> dict[str, Any] | None:
    bookings = [
        item for table, item in watch.items() if table == RESERVATIONS and item["contact_id"] == contact_id
    ]
    assert len(bookings) <= 1
    return bookings[0] if bookings else None


def _the_booking_number(table: str, item: dict[str, Any], key: str) -> bool:
    return table == RESERVATIONS and key == "phone_number"


@PROPERTY
@given(data=st.data(), number=st.one_of(PHONES, BOOKING_MOBILES))
def test_a_phone_number_is_stored_only_as_the_booking_number(
    lex: Any, dynamodb: Any, captured: CapturedOutput, data: st.DataObject, number: PersonalNumber
) -> None:
    said = data.draw(rendered(number, sentences=PLAIN_SENTENCES))
    contact_id = f"phone-{next(_contacts)}"
    watch = Watch(dynamodb, captured, contact_id)

    lex(contact_id, ["예약하고 싶어요", "1", "내일", said], watch)

    booking = _booking(watch, contact_id)
    if number.is_booking_mobile:
        assert booking is not None, f"{describe(number, said)} was not booked: {watch.replies}"
        assert booking["phone_number"] == number.e164
    else:
        assert booking is None  # landlines and foreign numbers are not what the dialog asks for
        assert messages.RESERVATION_PHONE_REPROMPT in watch.replies[-2:]  # then the keypad note
    watch.assert_nowhere(number, said, allowed=_the_booking_number)


@PROPERTY
@given(data=st.data(), number=PHONES)
def test_a_phone_number_in_any_sentence_is_never_logged(
    lex: Any, dynamodb: Any, captured: CapturedOutput, data: st.DataObject, number: PersonalNumber
) -> None:
    said = data.draw(rendered(number))
    contact_id = f"chatter-{next(_contacts)}"
    watch = Watch(dynamodb, captured, contact_id)

    lex(contact_id, [said, "상품 문의하려고요", "1", f"노트북 {said}"], watch)

    watch.assert_nowhere(number, said)


@PROPERTY
@given(
    data=st.data(),
    number=NEVER_STORED,
    step=st.sampled_from(["opening", "service", "date", "phone"]),
)
def test_resident_registration_and_card_numbers_are_never_stored_and_the_dialog_goes_on(
    lex: Any, dynamodb: Any, captured: CapturedOutput, data: st.DataObject, number: PersonalNumber, step: str
) -> None:
    said = data.draw(rendered(number))
    contact_id = f"never-{next(_contacts)}"
    watch = Watch(dynamodb, captured, contact_id)
    inputs = ["예약하고 싶어요", "1", "내일", BOOKING_NUMBER]
    position = {"opening": 0, "service": 1, "date": 2, "phone": 3}[step]
    inputs.insert(position, said)

    responses = lex(contact_id, inputs, watch)

    told = [message["content"] for message in responses[position]["messages"]]
    assert told[0] == messages.PERSONAL_DATA_NOT_NEEDED, (describe(number, said), told)
    booking = _booking(watch, contact_id)
    assert booking is not None, f"the dialog did not go on after {describe(number, said)}: {watch.replies}"
    assert booking["phone_number"] == "+821024681357"
    watch.assert_nowhere(number, said)
    for reply in watch.replies:  # nor is it ever read back
        assert not leaks(number, reply), reply


@PROPERTY
@given(data=st.data(), number=PHONES)
def test_a_typed_chat_callback_number_is_stored_in_e164_and_nowhere_else(
    dynamodb: Any,
    captured: CapturedOutput,
    lambda_context: FakeLambdaContext,
    data: st.DataObject,
    number: Any,
) -> None:
    said = data.draw(rendered(number, sentences=PLAIN_SENTENCES))
    contact_id = f"callback-{next(_contacts)}"
    watch = Watch(dynamodb, captured, contact_id)
    event = load_event("connect_register_callback")
    contact = event["Details"]["ContactData"]
    contact["ContactId"] = contact_id
    contact["Channel"] = "CHAT"
    contact["CustomerEndpoint"] = None
    event["Details"]["Parameters"]["phoneNumber"] = said
    app = contact_flow.build_app_from_env(clock=lambda: NOW)

    response = contact_flow.handle_event(event, lambda_context, app_provider=lambda: app)

    assert response["result"] == "ok", (describe(number, said), response)
    [stored] = [
        item for table, item in watch.items() if table == CALLBACKS and item["contact_id"] == contact_id
    ]
    assert stored["phone_number"] == number.e164
    watch.assert_nowhere(
        number, said, allowed=lambda table, item, key: table == CALLBACKS and key == "phone_number"
    )


# --- examples ---------------------------------------------------------------------------------------------


def test_the_conversation_log_keeps_labels_and_the_bot_says_it_does_not_need_them(
    dynamodb: Any, lambda_context: FakeLambdaContext, captured: CapturedOutput
) -> None:
    app = lex_hook.build_app(LexHookSettings.from_env(), clock=lambda: NOW)
    event = load_event("lex_greeting")
    event["inputTranscript"] = (
        "주민번호 900101-1234567 이고 카드는 ４１１１ １１１１ １１１１ １１１１ 입니다"
    )

    response = lex_hook.handle_event(event, lambda_context, app_provider=lambda: app)

    [item] = dynamodb.scan(TableName=CONVERSATIONS)["Items"]
    assert item["caller_text"] == {"S": "주민번호 [주민등록번호] 이고 카드는 [카드번호] 입니다"}
    assert response["messages"][0]["content"] == messages.PERSONAL_DATA_NOT_NEEDED
    assert item["bot_reply"]["S"].startswith(messages.PERSONAL_DATA_NOT_NEEDED)
    everything = str(item) + str(response) + captured.log_stream.getvalue()
    assert "1234567" not in everything and "1111" not in everything


def test_the_log_masks_every_kind_even_when_code_forgets(captured: CapturedOutput) -> None:
    from handlers.observability import logger

    logger.info(
        "raw 카드 4111-1111-1111-1111",
        extra={
            "nested": {
                "rrn": "９００１０１－１２３４５６７",
                "phones": ["+1 415 555 0100", "공일공 일이삼사 오육칠팔"],
            }
        },
    )

    line = captured.log_records()[-1]
    assert line["message"] == "raw 카드 [카드번호]"
    assert line["nested"] == {"rrn": "[주민등록번호]", "phones": ["+1-****-0100", "010-****-5678"]}


def test_metric_dimensions_are_masked(captured: CapturedOutput) -> None:
    from handlers.observability import MetricsPublisher

    MetricsPublisher(namespace="AICC/Test", service="aicc-test").count(
        "Turns", dimensions={"intent": "010-1234-5678"}
    )

    [blob] = captured.metric_blobs()
    assert blob["intent"] == "010-****-5678"
