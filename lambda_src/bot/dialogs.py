"""The bot's short dialogs as small explicit state machines (CONTENT.md "Dialogs").

=================  ==========================================================================
dialog             steps
=================  ==========================================================================
product_inquiry    ``category`` (1–4) → ``product`` (2–100 characters) → ``question`` (1–4):
                   1–3 complete the request, 4 (기타) escalates to the general queue
reservation        ``service`` (1–4) → ``date`` (a future day in Korea time) → ``phone``
                   (01X-XXXX-XXXX) → stored with a reference number that is read back; the
                   number is stored in E.164 (the business calls it back), never kept in the
                   session
order_inquiry      ``order_number`` → looked up → status spoken; not found twice → escalation
=================  ==========================================================================

Everything here is a pure function of (state, caller text, context): the state is a small
immutable :class:`DialogState` that the engine serializes into the Lex session, and storage is
reached only through the repositories in :class:`DialogContext`. A step that cannot use the
caller's answer re-prompts with an explanation; the third failure of one step escalates
(``validation_failed``).

The menus below are content; reading the caller's Korean — menu choices, product names, dates,
phone and order numbers — is :mod:`bot.entities`' job. The module stays whole at about 500 lines
because it is one thing: the three dialogs, their shared state and step machinery, and their
completions, which only make sense together.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from bot import messages, personal_data
from bot.entities import (
    Choice,
    parse_choice,
    parse_date,
    parse_mobile_number,
    parse_order_number,
    parse_product_name,
)
from bot.escalation import MAX_STEP_FAILURES, Escalation, escalate
from bot.models import KST
from bot.ports import Order, OrderRepository, Reservation, ReservationRepository
from contract import EscalationReason

logger = logging.getLogger(__name__)


class DialogName(StrEnum):
    """The dialogs; the values are the intents that start them."""

    PRODUCT_INQUIRY = "product_inquiry"
    RESERVATION = "reservation"
    ORDER_INQUIRY = "order_inquiry"


class Step(StrEnum):
    """Dialog steps; each is also the key of the value it collects."""

    CATEGORY = "category"
    PRODUCT = "product"
    QUESTION = "question"
    SERVICE = "service"
    DATE = "date"
    PHONE = "phone"
    ORDER_NUMBER = "order_number"


STEPS: Final[dict[DialogName, tuple[Step, ...]]] = {
    DialogName.PRODUCT_INQUIRY: (Step.CATEGORY, Step.PRODUCT, Step.QUESTION),
    DialogName.RESERVATION: (Step.SERVICE, Step.DATE, Step.PHONE),
    DialogName.ORDER_INQUIRY: (Step.ORDER_NUMBER,),
}

#: Steps that take free text: almost any answer is valid, so the engine first checks whether
#: the caller asked something else.
FREE_TEXT_STEPS: Final = frozenset({Step.PRODUCT})
#: Largest counter accepted from the session (turn numbers included); more means corruption.
MAX_COUNTER: Final = 100_000
#: Order lookups that may miss before the contact is escalated (``order_not_found``).
MAX_ORDER_MISSES: Final = 2
#: Storage failures in one dialog before the contact is escalated (``system_error``).
MAX_STORAGE_ERRORS: Final = 2
PRODUCT_NAME_MIN_LENGTH: Final = 2
PRODUCT_NAME_MAX_LENGTH: Final = 100
# Reference numbers that collide with another contact's booking are re-derived this often.
_MAX_REFERENCE_ATTEMPTS: Final = 5


class Outcome(StrEnum):
    """What a dialog turn did."""

    #: The answer was used; the next question is asked.
    CONTINUE = "continue"
    #: The dialog finished successfully (request taken, booking stored, status spoken).
    COMPLETED = "completed"
    #: The dialog hands the contact to an agent (``DialogTurn.escalation``).
    ESCALATE = "escalate"
    #: The answer was not usable; the same question is asked again.
    INVALID = "invalid"
    #: Storage failed; the same question is asked again.
    ERROR = "error"


def is_counter(value: object) -> bool:
    """A counter restored from the session: a non-negative int (not a bool) up to ``MAX_COUNTER``."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNTER


@dataclass(frozen=True, slots=True)
class DialogState:
    """Where one running dialog stands. Serialized into the Lex session between turns."""

    name: DialogName
    step: Step
    #: Collected answers by step key, as strings (dates in ISO form, choices as "1".."4").
    values: Mapping[str, str] = field(default_factory=dict)
    #: Failed validations of the current step.
    failures: int = 0
    #: Order numbers that were not found.
    misses: int = 0
    #: Storage failures in this dialog.
    errors: int = 0
    #: Turn number that started the dialog: identifies the dialog within the contact.
    started_turn: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Compact JSON-ready form (short keys keep the Lex session small)."""
        return {
            "n": self.name.value,
            "s": self.step.value,
            "v": dict(self.values),
            "f": self.failures,
            "m": self.misses,
            "e": self.errors,
            "t": self.started_turn,
        }

    @classmethod
    def from_dict(cls, data: Any) -> DialogState:
        """Rebuild a state from :meth:`to_dict` output; ValueError on anything inconsistent."""
        if not isinstance(data, dict):
            raise ValueError("dialog state must be an object")
        name_value, step_value = data.get("n"), data.get("s")
        if not isinstance(name_value, str) or not isinstance(step_value, str):
            raise ValueError("dialog name and step must be strings")
        name, step = DialogName(name_value), Step(step_value)
        if step not in STEPS[name]:
            raise ValueError(f"step {step} does not belong to {name}")
        values = data.get("v", {})
        if not isinstance(values, dict) or not all(
            key in STEPS[name] and key != Step.PHONE and _valid_value(Step(key), value)
            for key, value in values.items()
        ):
            raise ValueError("invalid dialog values")
        counters = [data.get(key, 0) for key in ("f", "m", "e", "t")]
        if not all(is_counter(value) for value in counters):
            raise ValueError("invalid dialog counters")
        failures, misses, errors, started_turn = counters
        return cls(name, step, dict(values), failures, misses, errors, started_turn)


def _valid_value(step: Step, value: Any) -> bool:
    """Whether a value restored from the session is one this module could have stored."""
    if not isinstance(value, str):
        return False
    if step in _MENUS:
        return value.isdigit() and 1 <= int(value) <= len(_MENUS[step])
    if step is Step.DATE:
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return True
    if step is Step.PRODUCT:
        return PRODUCT_NAME_MIN_LENGTH <= len(value) <= PRODUCT_NAME_MAX_LENGTH
    return False


@dataclass(frozen=True, slots=True)
class DialogContext:
    """What a dialog turn may use besides the caller's words."""

    contact_id: str
    #: The turn's time in Korea time (dates are validated against its calendar day).
    now: datetime
    #: Voice callers hear reference numbers spelled out; chat users read them.
    voice: bool
    orders: OrderRepository
    reservations: ReservationRepository

    @property
    def today(self) -> date:
        """Today's date in Korea."""
        return self.now.astimezone(KST).date() if self.now.tzinfo else self.now.date()


@dataclass(frozen=True, slots=True)
class DialogTurn:
    """The result of giving one caller utterance to a dialog."""

    outcome: Outcome
    messages: tuple[str, ...]
    #: The state after the turn; None once the dialog is over (completed or escalated).
    state: DialogState | None
    escalation: Escalation | None = None
    #: Whether the dialog could use the caller's words (False for re-prompts and
    #: validation escalations: the engine may then treat the words as a new request).
    input_accepted: bool = True
    #: What a completed dialog collected, for the conversation log (no phone numbers).
    result: Mapping[str, str] = field(default_factory=dict)


# --- menus (CONTENT.md) --------------------------------------------------------------------------

_OTHER_WORDS: Final = "기타 그외 그밖 나머지"
CATEGORIES: Final = (
    Choice.of(
        "전자제품",
        "전자제품 전자 가전 전자기기 디지털 컴퓨터 노트북 휴대폰 핸드폰 스마트폰 태블릿 티비 tv 냉장고 "
        "세탁기 청소기 에어컨 이어폰 카메라",
    ),
    Choice.of("의류", "의류 옷 의복 패션 상의 하의 바지 셔츠 치마 원피스 자켓 코트"),
    Choice.of("생활용품", "생활용품 생활 주방 욕실 세제 청소용품 수납 리빙 침구"),
    Choice.of("기타", _OTHER_WORDS),
)
QUESTION_TYPES: Final = (
    Choice.of("가격 정보", "가격정보 가격 얼마 금액 할인"),
    Choice.of("재고 확인", "재고확인 재고 품절 입고 수량 남아있"),
    Choice.of("상품 상세정보", "상품상세정보 상세정보 상품정보 제품정보 상세 사양 스펙 자세한 기능"),
    Choice.of("기타", _OTHER_WORDS),
)
SERVICES: Final = (
    Choice.of("상담 예약", "상담예약 상담 대면상담 매장상담"),
    Choice.of("방문 서비스", "방문서비스 방문 출장 설치 기사"),
    Choice.of("전화 상담", "전화상담 전화 통화 유선"),
    Choice.of("기타", _OTHER_WORDS),
)
_MENUS: Final = {Step.CATEGORY: CATEGORIES, Step.QUESTION: QUESTION_TYPES, Step.SERVICE: SERVICES}
#: How each service is named in "… 예약을 도와드리겠습니다" (avoids "상담 예약 예약").
_SERVICE_BOOKING_NAMES: Final = ("상담", "방문 서비스", "전화 상담", "기타 서비스")


# --- dialog machinery ----------------------------------------------------------------------------


def start(name: DialogName, text: str, context: DialogContext, *, turn: int) -> DialogTurn:
    """Start ``name`` at turn ``turn``, using whatever the opening utterance already answers.

    "내일 방문 예약하고 싶어요" starts the reservation with service and date filled in; an opening
    with an order number is looked up at once. Menu numbers are not taken from an opening
    utterance ("이번에 예약하려고요" is not option 2), only unambiguous words. A phone number is
    always asked at its own step: it is used in the same turn and never kept in the session.
    """
    state = DialogState(name=name, step=STEPS[name][0], started_turn=turn)
    values: dict[str, str] = {}
    acknowledgements: list[str] = []
    if name is DialogName.PRODUCT_INQUIRY:
        category = parse_choice(text, CATEGORIES, allow_numbers=False)
        if category is not None:
            values[Step.CATEGORY] = str(category)
            acknowledgements.append(messages.product_category_selected(CATEGORIES[category - 1].label))
    elif name is DialogName.RESERVATION:
        service = parse_choice(text, SERVICES, allow_numbers=False)
        if service is not None:
            values[Step.SERVICE] = str(service)
            acknowledgements.append(
                messages.reservation_service_selected(_SERVICE_BOOKING_NAMES[service - 1])
            )
        day = parse_date(text, today=context.today)
        if day is not None and day > context.today:
            values[Step.DATE] = day.isoformat()
            acknowledgements.append(
                messages.reservation_date_selected(messages.spoken_date(day, today=context.today))
            )
    else:
        order_id = parse_order_number(text)
        if order_id is not None:
            return _look_up_order(state, order_id, context)
    return _ask_next(_with(state, values=values), context, tuple(acknowledgements))


def advance(state: DialogState, text: str, context: DialogContext) -> DialogTurn:
    """Give the caller's answer to the current step of a running dialog."""
    handler = _STEP_HANDLERS[state.step]
    return handler(state, text, context)


def prompt_for(state: DialogState) -> str:
    """The question of the current step (to ask again after answering something else)."""
    return _PROMPTS[state.step]


def _with(state: DialogState, **changes: Any) -> DialogState:
    """A copy of ``state`` with ``changes``; ``values`` are merged rather than replaced."""
    if "values" in changes:
        changes["values"] = {**state.values, **changes["values"]}
    return replace(state, **changes)


def _ask_next(state: DialogState, context: DialogContext, said: tuple[str, ...] = ()) -> DialogTurn:
    """Move to the first step without a value and ask it; finish when every value is there."""
    for step in STEPS[state.name]:
        if step not in state.values:
            moved = _with(state, step=step, failures=0) if step != state.step else state
            return DialogTurn(Outcome.CONTINUE, (*said, _PROMPTS[step]), moved)
    return _finish(state, context, said)


def _invalid(state: DialogState, reprompt: str) -> DialogTurn:
    """Count a failed validation: re-prompt, or escalate on the third failure of the step."""
    failures = state.failures + 1
    if failures >= MAX_STEP_FAILURES:
        return DialogTurn(
            Outcome.ESCALATE,
            (),
            None,
            escalation=escalate(EscalationReason.VALIDATION_FAILED),
            input_accepted=False,
        )
    return DialogTurn(Outcome.INVALID, (reprompt,), _with(state, failures=failures), input_accepted=False)


def _storage_error(state: DialogState) -> DialogTurn:
    """Storage failed: ask the same question again once, then hand over to an agent."""
    errors = state.errors + 1
    if errors >= MAX_STORAGE_ERRORS:
        return DialogTurn(Outcome.ESCALATE, (), None, escalation=escalate(EscalationReason.SYSTEM_ERROR))
    return DialogTurn(
        Outcome.ERROR, (messages.TEMPORARY_ERROR, _PROMPTS[state.step]), _with(state, errors=errors)
    )


# --- steps ---------------------------------------------------------------------------------------


def _category(state: DialogState, text: str, context: DialogContext) -> DialogTurn:
    choice = parse_choice(text, CATEGORIES)
    if choice is None:
        return _invalid(state, messages.PRODUCT_CATEGORY_REPROMPT)
    said = (messages.product_category_selected(CATEGORIES[choice - 1].label),)
    return _ask_next(_with(state, values={Step.CATEGORY: str(choice)}), context, said)


def _product(state: DialogState, text: str, context: DialogContext) -> DialogTurn:
    # The name is kept in the session and read back: no personal data in it, even by mistake.
    name = personal_data.mask_personal_data(parse_product_name(text))
    if len(name) < PRODUCT_NAME_MIN_LENGTH:
        return _invalid(state, messages.PRODUCT_NAME_TOO_SHORT)
    if len(name) > PRODUCT_NAME_MAX_LENGTH:
        return _invalid(state, messages.PRODUCT_NAME_TOO_LONG)
    return _ask_next(_with(state, values={Step.PRODUCT: name}), context)


def _question(state: DialogState, text: str, context: DialogContext) -> DialogTurn:
    choice = parse_choice(text, QUESTION_TYPES)
    if choice is None:
        return _invalid(state, messages.PRODUCT_QUESTION_REPROMPT)
    return _ask_next(_with(state, values={Step.QUESTION: str(choice)}), context)


def _service(state: DialogState, text: str, context: DialogContext) -> DialogTurn:
    choice = parse_choice(text, SERVICES)
    if choice is None:
        return _invalid(state, messages.RESERVATION_SERVICE_REPROMPT)
    said = (messages.reservation_service_selected(_SERVICE_BOOKING_NAMES[choice - 1]),)
    return _ask_next(_with(state, values={Step.SERVICE: str(choice)}), context, said)


def _date(state: DialogState, text: str, context: DialogContext) -> DialogTurn:
    day = parse_date(text, today=context.today)
    if day is None:
        return _invalid(state, messages.RESERVATION_DATE_REPROMPT)
    if day == context.today:
        return _invalid(state, messages.RESERVATION_DATE_TODAY)
    if day < context.today:
        return _invalid(state, messages.RESERVATION_DATE_PAST)
    said = (messages.reservation_date_selected(messages.spoken_date(day, today=context.today)),)
    return _ask_next(_with(state, values={Step.DATE: day.isoformat()}), context, said)


def _phone(state: DialogState, text: str, context: DialogContext) -> DialogTurn:
    phone = parse_mobile_number(text)  # CONTENT.md asks for 01X-XXXX-XXXX; E.164 from here on
    if phone is None:
        return _invalid(state, messages.RESERVATION_PHONE_REPROMPT)
    return _ask_next(_with(state, values={Step.PHONE: phone}), context)


def _order_number(state: DialogState, text: str, context: DialogContext) -> DialogTurn:
    order_id = parse_order_number(text)
    if order_id is None:
        return _invalid(state, messages.ORDER_NUMBER_REPROMPT)
    return _look_up_order(state, order_id, context)


_STEP_HANDLERS: Final = {
    Step.CATEGORY: _category,
    Step.PRODUCT: _product,
    Step.QUESTION: _question,
    Step.SERVICE: _service,
    Step.DATE: _date,
    Step.PHONE: _phone,
    Step.ORDER_NUMBER: _order_number,
}
_PROMPTS: Final = {
    Step.CATEGORY: messages.PRODUCT_CATEGORY_PROMPT,
    Step.PRODUCT: messages.PRODUCT_NAME_PROMPT,
    Step.QUESTION: messages.PRODUCT_QUESTION_PROMPT,
    Step.SERVICE: messages.RESERVATION_SERVICE_PROMPT,
    Step.DATE: messages.RESERVATION_DATE_PROMPT,
    Step.PHONE: messages.RESERVATION_PHONE_PROMPT,
    Step.ORDER_NUMBER: messages.ORDER_NUMBER_PROMPT,
}


# --- completions ---------------------------------------------------------------------------------


def _finish(state: DialogState, context: DialogContext, said: tuple[str, ...]) -> DialogTurn:
    if state.name is DialogName.PRODUCT_INQUIRY:
        return _finish_product_inquiry(state, said)
    return _finish_reservation(state, context, said)


def _finish_product_inquiry(state: DialogState, said: tuple[str, ...]) -> DialogTurn:
    category = CATEGORIES[int(state.values[Step.CATEGORY]) - 1].label
    product = state.values[Step.PRODUCT]
    question = int(state.values[Step.QUESTION])
    result = {"category": category, "product": product, "question": QUESTION_TYPES[question - 1].label}
    if question == len(QUESTION_TYPES):  # 기타: nothing the bot can take down
        return DialogTurn(
            Outcome.ESCALATE, said, None, escalation=escalate(EscalationReason.PRODUCT_OTHER), result=result
        )
    confirmation = messages.product_inquiry_received(product, QUESTION_TYPES[question - 1].label)
    return DialogTurn(Outcome.COMPLETED, (*said, confirmation, messages.COMPLETE), None, result=result)


def reservation_reference(contact_id: str, started_turn: int, day: date, attempt: int = 0) -> str:
    """Reference number of a booking: ``R-YYYY-MMDD-NNNN`` (reservation date + 4 hashed digits).

    Derived only from the contact, the turn that started the dialog and the date, so a retried
    Lex turn (same session, same input) derives the same reference and the repository's
    idempotent ``save`` returns the booking stored the first time. ``attempt`` re-derives it
    after a collision with another contact's booking.
    """
    seed = f"{contact_id}|{started_turn}|{attempt}".encode()
    digits = int.from_bytes(hashlib.sha256(seed).digest()[:8], "big") % 10_000
    return f"R-{day:%Y}-{day:%m%d}-{digits:04d}"


def _finish_reservation(state: DialogState, context: DialogContext, said: tuple[str, ...]) -> DialogTurn:
    service_index = int(state.values[Step.SERVICE])
    day = date.fromisoformat(state.values[Step.DATE])
    phone = state.values[Step.PHONE]
    stored: Reservation | None = None
    try:
        for attempt in range(_MAX_REFERENCE_ATTEMPTS):
            wanted = Reservation(
                reference=reservation_reference(context.contact_id, state.started_turn, day, attempt),
                contact_id=context.contact_id,
                service=SERVICES[service_index - 1].label,
                reservation_date=day,
                phone_number=phone,
                created_at=context.now,
            )
            saved = context.reservations.save(wanted)
            if (saved.contact_id, saved.reservation_date, saved.phone_number, saved.service) == (
                wanted.contact_id,
                wanted.reservation_date,
                wanted.phone_number,
                wanted.service,
            ):
                stored = saved
                break
    except Exception:
        # Any storage failure (throttling, network, a bug in the adapter) must not reach Lex.
        logger.exception("Storing the reservation failed", extra={"contact_id": context.contact_id})
        return _storage_error(_without_phone(state))
    if stored is None:
        logger.error("No free reservation reference", extra={"contact_id": context.contact_id})
        return _storage_error(_without_phone(state))
    confirmation = messages.reservation_confirmed(
        service=_SERVICE_BOOKING_NAMES[service_index - 1],
        day_spoken=messages.spoken_date(day, today=context.today),
        reference=stored.reference,
        phone_last4=phone[-4:],
        voice=context.voice,
    )
    result = {"service": stored.service, "date": day.isoformat(), "reference": stored.reference}
    return DialogTurn(Outcome.COMPLETED, (*said, confirmation), None, result=result)


def _without_phone(state: DialogState) -> DialogState:
    """Back to the phone step; the number is never kept in the session (personal data)."""
    values = {key: value for key, value in state.values.items() if key != Step.PHONE}
    return replace(state, step=Step.PHONE, values=values, failures=0)


def _look_up_order(state: DialogState, order_id: str, context: DialogContext) -> DialogTurn:
    try:
        order: Order | None = context.orders.get(order_id)
    except Exception:
        logger.exception("Order lookup failed", extra={"contact_id": context.contact_id})
        return _storage_error(replace(state, step=Step.ORDER_NUMBER))
    if order is None:
        misses = state.misses + 1
        if misses >= MAX_ORDER_MISSES:
            return DialogTurn(
                Outcome.ESCALATE, (), None, escalation=escalate(EscalationReason.ORDER_NOT_FOUND)
            )
        reprompt = messages.order_not_found(order_id, voice=context.voice)
        return DialogTurn(Outcome.INVALID, (reprompt,), replace(state, misses=misses, failures=0))
    status = messages.order_status(order.order_id, order.status, order.detail, voice=context.voice)
    return DialogTurn(
        Outcome.COMPLETED, (status,), None, result={"order_id": order.order_id, "status": order.status}
    )
