"""The dialogs of CONTENT.md as state machines (bot.dialogs), driven step by step.

How the caller's Korean is read (choices, product names, dates, numbers) is tested in test_entities.py.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot import messages
from bot.dialogs import (
    CATEGORIES,
    QUESTION_TYPES,
    SERVICES,
    DialogContext,
    DialogName,
    DialogState,
    DialogTurn,
    Outcome,
    Step,
    advance,
    prompt_for,
    reservation_reference,
    start,
)
from bot.models import KST
from bot.ports import Order, Reservation
from contract import EscalationReason, Queue
from tests.support.memory import InMemoryOrderRepository, InMemoryReservationRepository

# A Monday, late evening in Korea: "내일" is Tuesday 24 November.
NOW = datetime(2026, 11, 23, 23, 30, tzinfo=KST)
ORDER = Order(order_id="ORD20261123001", status="배송 중", detail="내일 도착 예정입니다.")


def make_context(
    *,
    now: datetime = NOW,
    voice: bool = True,
    reservations: object | None = None,
    orders: object | None = None,
    contact_id: str = "contact-1",
) -> DialogContext:
    return DialogContext(
        contact_id=contact_id,
        now=now,
        voice=voice,
        orders=orders if orders is not None else InMemoryOrderRepository([ORDER]),  # type: ignore[arg-type]
        reservations=reservations if reservations is not None else InMemoryReservationRepository(),  # type: ignore[arg-type]
    )


def run(
    name: DialogName, answers: list[str], context: DialogContext, *, opening: str = ""
) -> list[DialogTurn]:
    """Start a dialog and feed it answers until it ends; returns every turn."""
    turns = [start(name, opening, context, turn=1)]
    for answer in answers:
        state = turns[-1].state
        assert state is not None, f"dialog ended before {answer!r}"
        turns.append(advance(state, answer, context))
    return turns


# --- menus -----------------------------------------------------------------------------------------


def test_menus_of_content_md() -> None:
    assert [choice.label for choice in CATEGORIES] == ["전자제품", "의류", "생활용품", "기타"]
    assert [choice.label for choice in QUESTION_TYPES] == ["가격 정보", "재고 확인", "상품 상세정보", "기타"]
    assert [choice.label for choice in SERVICES] == ["상담 예약", "방문 서비스", "전화 상담", "기타"]


# --- product inquiry -------------------------------------------------------------------------------


def test_product_inquiry_complete_path() -> None:
    turns = run(DialogName.PRODUCT_INQUIRY, ["1번이요", "무선 청소기요", "가격이요"], make_context())
    assert turns[0].messages == (messages.PRODUCT_CATEGORY_PROMPT,)
    assert turns[1].outcome is Outcome.CONTINUE
    assert turns[1].messages[-1] == messages.PRODUCT_NAME_PROMPT
    assert turns[2].messages == (messages.PRODUCT_QUESTION_PROMPT,)
    final = turns[3]
    assert final.outcome is Outcome.COMPLETED
    assert final.state is None
    assert final.messages[-1] == "요청이 완료되었습니다. 담당자가 검토 후 연락드리겠습니다."
    assert "무선 청소기" in final.messages[0]
    assert dict(final.result) == {"category": "전자제품", "product": "무선 청소기", "question": "가격 정보"}


def test_product_inquiry_other_question_escalates_to_general() -> None:
    final = run(DialogName.PRODUCT_INQUIRY, ["의류", "겨울 코트", "4번"], make_context())[-1]
    assert final.outcome is Outcome.ESCALATE
    assert final.escalation is not None
    assert (final.escalation.queue, final.escalation.reason) == (
        Queue.GENERAL,
        EscalationReason.PRODUCT_OTHER,
    )
    assert final.state is None


def test_opening_with_a_category_word_skips_the_category_question() -> None:
    turn = start(DialogName.PRODUCT_INQUIRY, "의류 상품 문의하려고요", make_context(), turn=4)
    assert turn.state is not None
    assert (turn.state.step, dict(turn.state.values), turn.state.started_turn) == (
        Step.PRODUCT,
        {"category": "2"},
        4,
    )
    assert turn.messages[-1] == messages.PRODUCT_NAME_PROMPT


@pytest.mark.parametrize(
    ("answer", "reprompt"),
    [
        ("", messages.PRODUCT_NAME_TOO_SHORT),
        ("음", messages.PRODUCT_NAME_TOO_SHORT),
        ("가" * 101, messages.PRODUCT_NAME_TOO_LONG),
    ],
)
def test_product_name_must_be_2_to_100_characters(answer: str, reprompt: str) -> None:
    turn = run(DialogName.PRODUCT_INQUIRY, ["1", answer], make_context())[-1]
    assert turn.outcome is Outcome.INVALID
    assert turn.messages == (reprompt,)
    assert turn.state is not None
    assert (turn.state.step, turn.state.failures) == (Step.PRODUCT, 1)


def test_the_product_step_keeps_the_name_without_fillers_and_endings() -> None:
    # How names are read is tested in tests/unit/test_entities.py (TestProductName).
    turn = run(DialogName.PRODUCT_INQUIRY, ["1", "음, 삼성 노트북입니다"], make_context())[-1]
    assert turn.state is not None and turn.state.values["product"] == "삼성 노트북"


def test_product_name_of_exactly_100_characters_is_accepted() -> None:
    turn = run(DialogName.PRODUCT_INQUIRY, ["1", "가" * 100], make_context())[-1]
    assert turn.outcome is Outcome.CONTINUE
    assert turn.state is not None
    assert turn.state.values["product"] == "가" * 100


def test_third_failure_of_one_step_escalates_validation_failed() -> None:
    turns = run(DialogName.PRODUCT_INQUIRY, ["모르겠어요", "글쎄요", "음"], make_context())
    assert [turn.outcome for turn in turns[1:]] == [Outcome.INVALID, Outcome.INVALID, Outcome.ESCALATE]
    assert turns[1].messages == (messages.PRODUCT_CATEGORY_REPROMPT,)
    final = turns[-1]
    assert final.escalation is not None
    assert (final.escalation.queue, final.escalation.reason) == (
        Queue.GENERAL,
        EscalationReason.VALIDATION_FAILED,
    )
    assert final.input_accepted is False


def test_failures_are_counted_per_step() -> None:
    turns = run(DialogName.PRODUCT_INQUIRY, ["몰라요", "몰라요", "2번", "음", "음"], make_context())
    assert turns[3].state is not None and turns[3].state.failures == 0  # moved on: counter reset
    assert turns[-1].outcome is Outcome.INVALID  # second failure of the product step only
    assert turns[-1].state is not None and turns[-1].state.failures == 2


# --- reservation -----------------------------------------------------------------------------------


def test_reservation_is_stored_and_read_back() -> None:
    repository = InMemoryReservationRepository()
    context = make_context(reservations=repository)
    turns = run(DialogName.RESERVATION, ["2번", "내일", "010-1234-5678"], context)
    assert turns[0].messages == (messages.RESERVATION_SERVICE_PROMPT,)
    assert turns[1].messages == ("방문 서비스 예약을 도와드리겠습니다.", messages.RESERVATION_DATE_PROMPT)
    assert turns[2].messages == ("11월 24일 화요일로 확인했습니다.", messages.RESERVATION_PHONE_PROMPT)
    final = turns[3]
    assert final.outcome is Outcome.COMPLETED
    [stored] = repository.all()
    assert stored.contact_id == "contact-1"
    assert stored.service == "방문 서비스"
    assert stored.reservation_date == date(2026, 11, 24)
    assert stored.phone_number == "+821012345678"  # E.164, as the business calls it back
    assert stored.created_at == NOW
    assert re.fullmatch(r"R-2026-1124-\d{4}", stored.reference)
    confirmation = final.messages[-1]
    assert f"예약번호는 {stored.reference}입니다." in confirmation
    assert "2 0 2 6, 1 1 2 4" in confirmation  # spelled out for the phone
    assert "끝자리 5678" in confirmation
    assert "1234" not in confirmation  # the full number is not read back
    assert dict(final.result) == {
        "service": "방문 서비스",
        "date": "2026-11-24",
        "reference": stored.reference,
    }


def test_chat_users_are_not_read_the_reference_digit_by_digit() -> None:
    final = run(DialogName.RESERVATION, ["1", "모레", "01012345678"], make_context(voice=False))[-1]
    assert final.outcome is Outcome.COMPLETED
    assert "한 자리씩" not in final.messages[-1]


@pytest.mark.parametrize(
    "phone",
    [
        "010-9876-5432",
        "01098765432",
        "010 9876 5432",
        "공일공 구팔칠육 오사삼이",
        "０１０－９８７６－５４３２",
        "+82 10 9876 5432",
    ],
)
def test_phone_numbers_with_or_without_hyphens_or_spoken(phone: str) -> None:
    repository = InMemoryReservationRepository()
    final = run(
        DialogName.RESERVATION, ["3", "다음 주 화요일", phone], make_context(reservations=repository)
    )[-1]
    assert final.outcome is Outcome.COMPLETED
    assert repository.all()[0].phone_number == "+821098765432"
    assert repository.all()[0].reservation_date == date(2026, 12, 1)


@pytest.mark.parametrize("phone", ["123", "02-123-4567", "011-123-4567", "잘 모르겠어요"])
def test_invalid_phone_numbers_are_reprompted(phone: str) -> None:
    turn = run(DialogName.RESERVATION, ["1", "내일", phone], make_context())[-1]
    assert turn.outcome is Outcome.INVALID
    assert turn.messages == (messages.RESERVATION_PHONE_REPROMPT,)


@pytest.mark.parametrize(
    ("answer", "reprompt"),
    [
        ("오늘", messages.RESERVATION_DATE_TODAY),
        ("2026-11-23", messages.RESERVATION_DATE_TODAY),
        ("어제", messages.RESERVATION_DATE_PAST),
        ("2026-11-20", messages.RESERVATION_DATE_PAST),
        ("아무 때나요", messages.RESERVATION_DATE_REPROMPT),
    ],
)
def test_only_future_dates_are_accepted(answer: str, reprompt: str) -> None:
    turn = run(DialogName.RESERVATION, ["1", answer], make_context())[-1]
    assert turn.outcome is Outcome.INVALID
    assert turn.messages == (reprompt,)
    assert turn.state is not None and turn.state.step is Step.DATE


@pytest.mark.parametrize(
    ("answer", "expected"), [("내일", date(2026, 11, 24)), ("2026-12-01", date(2026, 12, 1))]
)
def test_future_dates_at_half_past_eleven_in_korea(answer: str, expected: date) -> None:
    turn = run(DialogName.RESERVATION, ["1", answer], make_context())[-1]
    assert turn.outcome is Outcome.CONTINUE
    assert turn.state is not None and turn.state.values["date"] == expected.isoformat()


def test_dates_are_judged_in_korea_time_not_utc() -> None:
    # 15:30 UTC on the 23rd is 00:30 on the 24th in Korea: the 24th is already today.
    context = make_context(now=datetime(2026, 11, 23, 15, 30, tzinfo=UTC))
    today = run(DialogName.RESERVATION, ["1", "11월 24일"], context)[-1]
    assert today.messages == (messages.RESERVATION_DATE_TODAY,)
    tomorrow = run(DialogName.RESERVATION, ["1", "내일"], context)[-1]
    assert tomorrow.state is not None and tomorrow.state.values["date"] == "2026-11-25"


def test_new_year_dates_roll_into_next_year_and_are_read_with_the_year() -> None:
    context = make_context(now=datetime(2026, 12, 31, 10, 0, tzinfo=KST))
    turn = run(DialogName.RESERVATION, ["1", "1월 2일"], context)[-1]
    assert turn.state is not None and turn.state.values["date"] == "2027-01-02"
    assert turn.messages[0] == "2027년 1월 2일 토요일로 확인했습니다."


def test_opening_utterance_fills_service_and_date() -> None:
    turn = start(DialogName.RESERVATION, "내일 방문 서비스 예약하고 싶어요", make_context(), turn=2)
    assert turn.state is not None
    assert turn.state.step is Step.PHONE
    assert dict(turn.state.values) == {"service": "2", "date": "2026-11-24"}
    assert turn.messages[-1] == messages.RESERVATION_PHONE_PROMPT


def test_opening_utterance_with_today_asks_for_the_date_again() -> None:
    turn = start(DialogName.RESERVATION, "오늘 상담 예약 돼요?", make_context(), turn=2)
    assert turn.state is not None
    assert (turn.state.step, dict(turn.state.values)) == (Step.DATE, {"service": "1"})


def test_opening_utterance_numbers_are_not_menu_choices() -> None:
    turn = start(DialogName.RESERVATION, "이번에 예약 좀 하려고요", make_context(), turn=2)
    assert turn.state is not None and turn.state.step is Step.SERVICE


def test_retried_final_turn_stores_the_same_booking_once() -> None:
    repository = InMemoryReservationRepository()
    context = make_context(reservations=repository)
    before_phone = run(DialogName.RESERVATION, ["1", "모레"], context)[-1].state
    assert before_phone is not None
    first = advance(before_phone, "01012345678", context)
    retried = advance(before_phone, "01012345678", replace(context, now=NOW.replace(minute=31)))
    assert first.messages == retried.messages
    assert len(repository.all()) == 1


def test_reference_is_deterministic_per_contact_and_dialog() -> None:
    day = date(2026, 12, 1)
    reference = reservation_reference("contact-1", 3, day)
    assert reference == reservation_reference("contact-1", 3, day)
    assert re.fullmatch(r"R-2026-1201-\d{4}", reference)
    others = {
        reservation_reference(contact, turn, day)
        for contact in ("contact-1", "contact-2")
        for turn in range(1, 6)
    }
    assert len(others) > 5  # different contacts / dialogs get different numbers


def test_reference_collision_with_another_contact_gets_a_new_reference() -> None:
    repository = InMemoryReservationRepository()
    day = date(2026, 11, 25)
    taken = reservation_reference("contact-1", 1, day)
    repository.save(
        Reservation(taken, "someone-else", "전화 상담", day, "01099998888", datetime(2026, 11, 1, tzinfo=KST))
    )
    final = run(DialogName.RESERVATION, ["1", "모레", "01012345678"], make_context(reservations=repository))[
        -1
    ]
    assert final.outcome is Outcome.COMPLETED
    mine = [booking for booking in repository.all() if booking.contact_id == "contact-1"]
    assert [booking.reference for booking in mine] == [reservation_reference("contact-1", 1, day, attempt=1)]
    assert repository.get(taken) is not None and repository.get(taken).contact_id == "someone-else"  # type: ignore[union-attr]


class FailingReservations:
    def __init__(self) -> None:
        self.calls = 0

    def save(self, reservation: Reservation) -> Reservation:
        self.calls += 1
        raise ConnectionError("DynamoDB unavailable")


def test_storage_failure_asks_again_then_escalates() -> None:
    failing = FailingReservations()
    context = make_context(reservations=failing)
    turns = run(DialogName.RESERVATION, ["1", "모레", "01012345678"], context)
    first = turns[-1]
    assert first.outcome is Outcome.ERROR
    assert first.messages == (messages.TEMPORARY_ERROR, messages.RESERVATION_PHONE_PROMPT)
    assert first.state is not None
    assert first.state.step is Step.PHONE and "phone" not in first.state.values
    second = advance(first.state, "01012345678", context)
    assert second.outcome is Outcome.ESCALATE
    assert second.escalation is not None and second.escalation.reason is EscalationReason.SYSTEM_ERROR
    assert failing.calls == 2


# --- order inquiry ---------------------------------------------------------------------------------


def test_order_number_in_the_opening_is_looked_up_at_once() -> None:
    turn = start(DialogName.ORDER_INQUIRY, "주문번호 20261123001 배송 조회해 주세요", make_context(), turn=1)
    assert turn.outcome is Outcome.COMPLETED
    assert turn.messages == (
        "주문번호 2 0 2 6, 1 1 2 3, 0 0 1 주문은 현재 배송 중 상태입니다. 내일 도착 예정입니다.",
    )
    assert dict(turn.result) == {"order_id": "ORD20261123001", "status": "배송 중"}


def test_order_status_in_chat_shows_the_order_number() -> None:
    turn = start(DialogName.ORDER_INQUIRY, "ORD20261123001 조회", make_context(voice=False), turn=1)
    assert turn.messages[0].startswith("주문번호 ORD20261123001 주문은 현재 배송 중 상태입니다.")


def test_order_number_is_asked_when_missing() -> None:
    turns = run(DialogName.ORDER_INQUIRY, ["이공이육 일일이삼 공공일"], make_context(), opening="배송 조회요")
    assert turns[0].messages == (messages.ORDER_NUMBER_PROMPT,)
    assert turns[1].outcome is Outcome.COMPLETED


def test_order_not_found_asks_again_then_escalates() -> None:
    turns = run(DialogName.ORDER_INQUIRY, ["99999999", "88888888"], make_context(), opening="주문 조회")
    miss = turns[1]
    assert miss.outcome is Outcome.INVALID
    assert miss.state is not None and miss.state.misses == 1
    assert "찾지 못했습니다" in miss.messages[0]
    final = turns[2]
    assert final.outcome is Outcome.ESCALATE
    assert final.escalation is not None
    assert (final.escalation.queue, final.escalation.reason) == (
        Queue.GENERAL,
        EscalationReason.ORDER_NOT_FOUND,
    )


def test_found_after_one_miss() -> None:
    final = run(DialogName.ORDER_INQUIRY, ["99999999", "20261123001"], make_context(), opening="주문 조회")[
        -1
    ]
    assert final.outcome is Outcome.COMPLETED


def test_unreadable_order_numbers_count_as_validation_failures() -> None:
    turns = run(
        DialogName.ORDER_INQUIRY, ["몰라요", "123", "잘 모르겠는데요"], make_context(), opening="주문 조회"
    )
    assert turns[1].messages == (messages.ORDER_NUMBER_REPROMPT,)
    assert (
        turns[-1].escalation is not None and turns[-1].escalation.reason is EscalationReason.VALIDATION_FAILED
    )


class FailingOrders:
    def get(self, order_id: str) -> Order | None:
        raise TimeoutError("read timed out")


def test_order_lookup_failure_asks_again() -> None:
    turn = start(DialogName.ORDER_INQUIRY, "20261123001 조회", make_context(orders=FailingOrders()), turn=1)
    assert turn.outcome is Outcome.ERROR
    assert turn.messages == (messages.TEMPORARY_ERROR, messages.ORDER_NUMBER_PROMPT)


# --- state -----------------------------------------------------------------------------------------


def test_state_round_trips_and_prompts_match_steps() -> None:
    state = DialogState(
        DialogName.RESERVATION, Step.PHONE, {"service": "2", "date": "2026-12-01"}, 1, 0, 0, 5
    )
    assert DialogState.from_dict(state.to_dict()) == state
    assert prompt_for(state) == messages.RESERVATION_PHONE_PROMPT


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"n": "reservation"},
        {"n": "nope", "s": "date"},
        {"n": "reservation", "s": "category"},  # step of another dialog
        {"n": "reservation", "s": "date", "v": {"service": "9"}},
        {"n": "reservation", "s": "date", "v": {"date": "not a date"}},
        {"n": "reservation", "s": "date", "v": {"phone": "01012345678"}},  # never kept in the session
        {"n": "product_inquiry", "s": "question", "v": {"product": "x"}},
        {"n": "order_inquiry", "s": "order_number", "f": -1},
        {"n": "order_inquiry", "s": "order_number", "m": True},
        {"n": "order_inquiry", "s": "order_number", "t": "3"},
        {"n": "order_inquiry", "s": "order_number", "t": 10**9},
    ],
)
def test_inconsistent_states_are_rejected(data: object) -> None:
    with pytest.raises(ValueError):
        DialogState.from_dict(data)
