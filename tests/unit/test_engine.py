"""The per-turn dialog policy (bot.engine), driven through handle_turn with the session carried.

Most tests use small fakes for the classifier and the FAQ matcher (text → answer) so that they pin
the policy, not the accuracy of the classifiers; the last section runs the engine with the real
local classifier chain and FAQ matcher on CONTENT.md's own examples, and checks its speed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import messages
from bot.classifier_chain import ClassifierChain
from bot.engine import (
    BOT_STATE_KEY,
    MAX_STATE_CHARS,
    BotEngine,
    ConversationState,
    TurnInput,
    TurnOutcome,
)
from bot.faq import FaqMatcher, load_faq_entries
from bot.local_classifier import default_classifier
from bot.models import KST, Classification, FaqEntry, FaqMatch
from bot.ports import CallbackRequest, ConversationTurn, CustomerProfile, Order, Reservation
from contract import CustomerTier, Intent
from tests.support.memory import (
    InMemoryCallbackRepository,
    InMemoryConversationLog,
    InMemoryCustomerRepository,
    InMemoryFaqRepository,
    InMemoryOrderRepository,
    InMemoryReservationRepository,
)

NOW = datetime(2026, 11, 23, 23, 30, tzinfo=KST)
FLOW_INPUTS = {"customerTier": "STANDARD", "channel": "VOICE", "contactId": "contact-1"}

HOURS = FaqEntry(
    "hours",
    "일반",
    "영업시간이 어떻게 되나요?",
    "평일 오전 9시부터 오후 6시까지 운영합니다. 주말 및 공휴일은 휴무입니다.",
    ("영업시간",),
)
ORDER_CANCEL = FaqEntry(
    "order_cancel",
    "주문/배송",
    "주문 취소는 어떻게 하나요?",
    "주문 취소는 배송 준비 전까지 가능합니다. 마이페이지에서 직접 취소하거나 고객센터로 연락주세요.",
    ("주문취소",),
)


def confident(intent: Intent, confidence: float = 0.95) -> Classification:
    return Classification(intent=intent, confidence=confidence, source="local")


#: What the fake classifier answers; anything else is a low-confidence general_inquiry.
CLASSIFICATIONS: dict[str, Classification] = {
    "안녕하세요": confident(Intent.GREETING),
    "감사합니다 수고하세요": confident(Intent.GOODBYE),
    "영업시간이 어떻게 되나요?": confident(Intent.GENERAL_INQUIRY),
    "몇 시까지 해요": Classification(Intent.GENERAL_INQUIRY, 0.4, "local"),
    "해외 배송도 하나요?": confident(Intent.GENERAL_INQUIRY),
    "주문 취소해 주세요": confident(Intent.CANCEL_REQUEST),
    "환불해 주세요": confident(Intent.CANCEL_REQUEST),
    "결제가 두 번 됐어요": confident(Intent.PAYMENT_INQUIRY),
    "앱이 자꾸 꺼져요": confident(Intent.TECHNICAL_SUPPORT),
    "직원이 너무 불친절해요": confident(Intent.COMPLAINT),
    "상담원 연결해 주세요": confident(Intent.AGENT_REQUEST),
    "상품 문의하려고요": confident(Intent.PRODUCT_INQUIRY),
    "예약하고 싶어요": confident(Intent.RESERVATION),
    "주문 조회하고 싶어요": confident(Intent.ORDER_INQUIRY),
    "주문번호 20261123001 배송 조회해 주세요": confident(Intent.ORDER_INQUIRY),
    "결제용 카드 케이스": confident(Intent.PAYMENT_INQUIRY, 0.9),
    "그냥 끊을게요": confident(Intent.GOODBYE),
}
#: What the fake FAQ matcher answers.
FAQ_MATCHES = {
    "영업시간이 어떻게 되나요?": "hours",
    "몇 시까지 해요": "hours",
    "주문 취소해 주세요": "order_cancel",
    "영업시간이 왜 이렇게 짧아요 짜증나": "hours",
}


@dataclass
class FakeChainResult:
    classification: Classification
    fallback_reason: str | None = "disabled"


@dataclass
class FakeClassifier:
    answers: Mapping[str, Classification] = field(default_factory=lambda: CLASSIFICATIONS)
    calls: list[str] = field(default_factory=list)

    def classify(self, text: str, *, remaining_time_seconds: float | None = None) -> FakeChainResult:
        self.calls.append(text)
        return FakeChainResult(self.answers.get(text, Classification(Intent.GENERAL_INQUIRY, 0.1, "local")))


class FakeFaqMatcher:
    def match(self, text: str) -> FaqMatch | None:
        faq_id = FAQ_MATCHES.get(text)
        return FaqMatch(faq_id, 0.9) if faq_id else None


class Conversation:
    """One contact: every turn goes through handle_turn with the session of the previous turn."""

    def __init__(
        self,
        engine: BotEngine,
        *,
        tier: CustomerTier = CustomerTier.STANDARD,
        channel: str = "VOICE",
        now: datetime = NOW,
        session: Mapping[str, str] | None = None,
    ) -> None:
        self.engine = engine
        self.tier = tier
        self.channel = channel
        self.now = now
        self.session: dict[str, str] = dict(session if session is not None else FLOW_INPUTS)
        self.outcomes: list[TurnOutcome] = []

    def input(self, text: str) -> TurnInput:
        return TurnInput(
            text=text,
            contact_id="contact-1",
            channel=self.channel,
            customer_tier=self.tier,
            now=self.now,
            session=dict(self.session),
            remaining_time_seconds=5.0,
        )

    def say(self, text: str) -> TurnOutcome:
        outcome = self.engine.handle_turn(self.input(text))
        self.session = outcome.session
        self.outcomes.append(outcome)
        return outcome

    def state(self) -> ConversationState:
        return ConversationState.decode(self.session[BOT_STATE_KEY])


@pytest.fixture
def orders() -> InMemoryOrderRepository:
    return InMemoryOrderRepository([Order("ORD20261123001", "배송 중", "내일 도착 예정입니다.")])


@pytest.fixture
def reservations() -> InMemoryReservationRepository:
    return InMemoryReservationRepository()


@pytest.fixture
def classifier() -> FakeClassifier:
    return FakeClassifier()


@pytest.fixture
def engine(
    classifier: FakeClassifier, orders: InMemoryOrderRepository, reservations: InMemoryReservationRepository
) -> BotEngine:
    return BotEngine(
        classifier=classifier,
        faq_matcher=FakeFaqMatcher(),
        orders=orders,
        reservations=reservations,
        faq_entries=[HOURS, ORDER_CANCEL],
    )


@pytest.fixture
def call(engine: BotEngine) -> Conversation:
    return Conversation(engine)


def assert_escalated(outcome: TurnOutcome, *, queue: str, reason: str, priority: str = "NORMAL") -> None:
    assert outcome.dialog_action == "Close"
    assert outcome.record.action == "escalate"
    assert {key: outcome.session[key] for key in ("nextAction", "queue", "reason", "priority")} == {
        "nextAction": "escalate",
        "queue": queue,
        "reason": reason,
        "priority": priority,
    }
    assert (outcome.record.escalation_queue, outcome.record.escalation_reason) == (queue, reason)
    assert outcome.record.escalation_priority == priority


# --- basic turns -----------------------------------------------------------------------------------


@pytest.mark.parametrize("intent", list(Intent))
def test_every_intent_of_the_contract_is_understood_and_acted_on(
    intent: Intent, classifier: FakeClassifier, call: Conversation
) -> None:
    # An intent without a threshold or a decision would fail the turn (a system error for the caller).
    text = "무엇이든 말씀드릴게요"
    classifier.answers = {text: Classification(intent, 1.0, "local")}

    outcome = call.say(text)

    assert outcome.record.intent == intent.value
    assert outcome.messages
    assert messages.NOT_UNDERSTOOD not in outcome.messages  # acted on, not asked to rephrase


def test_greeting(call: Conversation) -> None:
    outcome = call.say("안녕하세요")
    assert outcome.messages == ["안녕하세요! 무엇을 도와드릴까요?"]
    assert outcome.dialog_action == "ElicitIntent"
    assert outcome.record.action == "continue"
    assert (outcome.record.turn, outcome.record.intent, outcome.record.confidence) == (1, "greeting", 0.95)
    assert (outcome.record.classifier_source, outcome.record.fallback_reason) == ("local", "disabled")
    assert outcome.record.bot_reply == "안녕하세요! 무엇을 도와드릴까요?"
    for key, value in FLOW_INPUTS.items():  # the flow's inputs pass through untouched
        assert outcome.session[key] == value
    assert "nextAction" not in outcome.session


def test_goodbye_closes_with_next_action_end(call: Conversation) -> None:
    outcome = call.say("감사합니다 수고하세요")
    assert outcome.messages == ["감사합니다. 좋은 하루 되세요!"]
    assert outcome.dialog_action == "Close"
    assert outcome.session["nextAction"] == "end"
    assert "queue" not in outcome.session
    assert outcome.record.action == "end"


def test_turn_numbers_count_up_through_the_session(call: Conversation) -> None:
    turns = [call.say("안녕하세요").record.turn for _ in range(3)]
    assert turns == [1, 2, 3]


def test_stale_routing_attributes_are_removed_on_a_continuing_turn(engine: BotEngine) -> None:
    call = Conversation(engine, session={**FLOW_INPUTS, "nextAction": "escalate", "queue": "payment"})
    outcome = call.say("안녕하세요")
    assert "nextAction" not in outcome.session and "queue" not in outcome.session
    assert outcome.session["contactId"] == "contact-1"


# --- FAQ -------------------------------------------------------------------------------------------


def test_faq_answer_is_verbatim_and_asks_for_more(call: Conversation) -> None:
    outcome = call.say("영업시간이 어떻게 되나요?")
    assert outcome.messages == [HOURS.answer, "더 궁금하신 점이 있으신가요?"]
    assert outcome.dialog_action == "ElicitIntent"
    assert (outcome.record.faq_id, outcome.record.resolved) == ("hours", True)


def test_faq_answers_a_question_the_classifier_is_unsure_about(call: Conversation) -> None:
    outcome = call.say("몇 시까지 해요")
    assert outcome.messages[0] == HOURS.answer
    assert outcome.record.understood is True


def test_no_more_questions_ends_the_call(call: Conversation) -> None:
    call.say("영업시간이 어떻게 되나요?")
    outcome = call.say("아니요, 없어요. 감사합니다")
    assert outcome.messages == [messages.GOODBYE]
    assert outcome.session["nextAction"] == "end"


def test_yes_more_questions_invites_the_question(call: Conversation) -> None:
    call.say("영업시간이 어떻게 되나요?")
    outcome = call.say("네")
    assert outcome.messages == [messages.HOW_CAN_I_HELP]
    assert outcome.dialog_action == "ElicitIntent"


def test_short_no_without_a_pending_question_is_not_a_goodbye(call: Conversation) -> None:
    outcome = call.say("아니요")
    assert outcome.dialog_action == "ElicitIntent"
    assert outcome.record.understood is False


def test_question_no_faq_answers_is_not_made_up(call: Conversation) -> None:
    outcome = call.say("해외 배송도 하나요?")
    assert outcome.messages == [messages.NO_FAQ_ANSWER]
    assert outcome.record.faq_id is None
    assert outcome.record.understood is False


def test_action_request_the_faq_answers_strongly_gets_the_faq_first(call: Conversation) -> None:
    # Changed deliberately by FAQ first (issue 14): this used to escalate at once; the FAQ answers it.
    outcome = call.say("주문 취소해 주세요")
    assert outcome.messages == [ORDER_CANCEL.answer, messages.FAQ_FIRST_FOLLOW_UP]
    assert outcome.dialog_action == "ElicitIntent"
    assert outcome.record.faq_id == "order_cancel"


def test_action_request_is_not_answered_from_the_faq_with_faq_first_off(
    classifier: FakeClassifier, orders: InMemoryOrderRepository, reservations: InMemoryReservationRepository
) -> None:
    engine = BotEngine(
        classifier=classifier,
        faq_matcher=FakeFaqMatcher(),
        orders=orders,
        reservations=reservations,
        faq_entries=[HOURS, ORDER_CANCEL],
        faq_first_enabled=False,
    )
    outcome = Conversation(engine).say("주문 취소해 주세요")  # the FAQ knows about cancelling
    assert_escalated(outcome, queue="payment", reason="payment_security")
    assert "보안을 위해 전문 상담원에게 연결해드리겠습니다." in outcome.messages[-1]
    assert outcome.record.faq_id is None


# --- routing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "queue", "reason"),
    [
        ("결제가 두 번 됐어요", "payment", "payment_security"),
        ("환불해 주세요", "payment", "payment_security"),
        ("앱이 자꾸 꺼져요", "tech_support", "tech_support"),
        ("직원이 너무 불친절해요", "complaint", "complaint"),
        ("상담원 연결해 주세요", "general", "agent_request"),
    ],
)
def test_intent_routing(call: Conversation, text: str, queue: str, reason: str) -> None:
    assert_escalated(call.say(text), queue=queue, reason=reason)


def test_complaint_apologizes(call: Conversation) -> None:
    outcome = call.say("직원이 너무 불친절해요")
    assert outcome.messages == ["불편을 끼쳐드려 죄송합니다. 전문 상담원에게 연결해드리겠습니다."]


def test_anger_outranks_an_faq_answer(call: Conversation) -> None:
    outcome = call.say("영업시간이 왜 이렇게 짧아요 짜증나")
    assert_escalated(outcome, queue="complaint", reason="complaint")
    assert outcome.record.faq_id is None


@pytest.mark.parametrize("text", ["긴급 상황이에요", "지금 당장 처리해 주세요", "빨리요 빨리"])
def test_urgent_words_go_to_priority_with_critical(call: Conversation, text: str) -> None:
    assert_escalated(call.say(text), queue="priority", reason="urgent", priority="CRITICAL")


@pytest.mark.parametrize(
    ("text", "reason", "priority"),
    [
        ("앱이 자꾸 꺼져요", "tech_support", "HIGH"),
        ("직원이 너무 불친절해요", "complaint", "HIGH"),
        ("상담원 연결해 주세요", "agent_request", "HIGH"),
        ("즉시 연결해 주세요", "urgent", "CRITICAL"),
    ],
)
def test_vip_escalations_go_to_priority(engine: BotEngine, text: str, reason: str, priority: str) -> None:
    call = Conversation(engine, tier=CustomerTier.VIP)
    outcome = call.say(text)
    assert_escalated(outcome, queue="priority", reason=reason, priority=priority)
    assert outcome.record.vip_routed is True


def test_vip_bot_limitation_goes_to_priority(engine: BotEngine) -> None:
    call = Conversation(engine, tier=CustomerTier.VIP)
    for text in ("어", "음", "그게"):
        outcome = call.say(text)
    assert_escalated(outcome, queue="priority", reason="bot_limitation", priority="HIGH")


def test_vip_greeting_does_not_escalate(engine: BotEngine) -> None:
    outcome = Conversation(engine, tier=CustomerTier.VIP).say("안녕하세요")
    assert outcome.dialog_action == "ElicitIntent"


def test_escalation_resets_the_conversation_state(call: Conversation) -> None:
    call.say("어")
    call.say("상담원 연결해 주세요")
    state = call.state()
    assert (state.turn, state.not_understood, state.unresolved, state.dialog) == (2, 0, 0, None)


# --- not understood and limits ---------------------------------------------------------------------


def test_three_turns_not_understood_escalate(call: Conversation) -> None:
    first, second, third = call.say("어"), call.say("뭐라고"), call.say("그러니까")
    assert first.messages == [messages.NOT_UNDERSTOOD]
    assert "다른 표현으로 말씀해 주시겠어요?" in first.messages[0]
    assert second.messages == [messages.CLARIFY_WITH_EXAMPLES]
    assert second.messages[0].startswith("좀 더 자세히 말씀해 주시겠어요?")
    assert [first.record.understood, second.record.understood] == [False, False]
    assert_escalated(third, queue="general", reason="bot_limitation")
    assert third.messages == [messages.ESCALATE_BOT_LIMITATION]


def test_silence_counts_as_not_understood(call: Conversation, classifier: FakeClassifier) -> None:
    outcomes = [call.say(text) for text in ("", "   ", "\u200b")]
    assert outcomes[0].messages == [messages.SILENCE]
    assert outcomes[0].record.classifier_source is None
    assert_escalated(outcomes[-1], queue="general", reason="bot_limitation")
    assert classifier.calls == []  # silence is not sent to the classifier


def test_an_understood_turn_resets_the_count(call: Conversation) -> None:
    call.say("어")
    call.say("음")
    call.say("안녕하세요")
    call.say("어")
    outcome = call.say("음")
    assert outcome.dialog_action == "ElicitIntent"
    assert call.state().not_understood == 2


def test_eight_turns_without_resolution_escalate(call: Conversation) -> None:
    outcomes = [call.say("안녕하세요") for _ in range(8)]
    assert all(outcome.dialog_action == "ElicitIntent" for outcome in outcomes[:7])
    assert_escalated(outcomes[7], queue="general", reason="bot_limitation")


def test_a_resolution_restarts_the_eight_turn_count(call: Conversation) -> None:
    for _ in range(7):
        call.say("안녕하세요")
    assert call.say("영업시간이 어떻게 되나요?").dialog_action == "ElicitIntent"
    assert call.state().unresolved == 0
    assert call.say("안녕하세요").dialog_action == "ElicitIntent"


# --- dialogs through the engine --------------------------------------------------------------------


def test_product_inquiry_end_to_end(call: Conversation) -> None:
    assert call.say("상품 문의하려고요").messages == [messages.PRODUCT_CATEGORY_PROMPT]
    assert call.outcomes[-1].record.action == "dialog"
    assert call.outcomes[-1].record.dialog == "product_inquiry"
    call.say("이번이요")
    call.say("겨울 패딩 점퍼요")
    outcome = call.say("재고 확인이요")
    assert outcome.messages[-2:] == [messages.COMPLETE, messages.ANYTHING_ELSE]
    assert outcome.record.action == "continue"
    assert outcome.record.resolved is True
    assert dict(outcome.record.dialog_result) == {
        "category": "의류",
        "product": "겨울 패딩 점퍼",
        "question": "재고 확인",
    }
    assert call.state().dialog is None


def test_product_inquiry_other_escalates_general(call: Conversation) -> None:
    for text in ("상품 문의하려고요", "1", "노트북", "기타요"):
        outcome = call.say(text)
    assert_escalated(outcome, queue="general", reason="product_other")
    assert outcome.messages == [messages.ESCALATE]


def test_dialog_consumes_an_answer_even_when_it_sounds_like_another_intent(call: Conversation) -> None:
    call.say("상품 문의하려고요")
    call.say("1")
    outcome = call.say("결제용 카드 케이스")  # classified payment_inquiry, but it is the product name
    assert outcome.messages == [messages.PRODUCT_QUESTION_PROMPT]


def test_three_validation_failures_in_a_dialog_escalate(call: Conversation) -> None:
    call.say("예약하고 싶어요")
    call.say("1번")
    reprompts = [call.say("아무 때나요"), call.say("글쎄요")]
    assert all(outcome.messages == [messages.RESERVATION_DATE_REPROMPT] for outcome in reprompts)
    assert all(outcome.record.action == "dialog" for outcome in reprompts)
    assert_escalated(call.say("잘 모르겠어요"), queue="general", reason="validation_failed")


def test_complaint_in_the_middle_of_a_dialog(call: Conversation) -> None:
    call.say("예약하고 싶어요")
    outcome = call.say("직원이 너무 불친절해요")
    assert_escalated(outcome, queue="complaint", reason="complaint")
    assert call.state().dialog is None


def test_agent_request_in_the_middle_of_a_dialog(call: Conversation) -> None:
    call.say("상품 문의하려고요")
    call.say("1")
    assert_escalated(call.say("상담원 연결해 주세요"), queue="general", reason="agent_request")


def test_urgent_word_in_the_middle_of_a_dialog(call: Conversation) -> None:
    call.say("예약하고 싶어요")
    assert_escalated(call.say("빨리 좀 해주세요"), queue="priority", reason="urgent", priority="CRITICAL")


def test_a_new_confident_request_replaces_the_dialog(call: Conversation) -> None:
    call.say("예약하고 싶어요")
    outcome = call.say("주문 조회하고 싶어요")
    assert outcome.messages == [messages.ORDER_NUMBER_PROMPT]
    assert outcome.record.dialog == "order_inquiry"


def test_goodbye_in_the_middle_of_a_dialog_ends_the_call(call: Conversation) -> None:
    call.say("예약하고 싶어요")
    outcome = call.say("그냥 끊을게요")
    assert outcome.session["nextAction"] == "end"


def test_faq_question_in_the_middle_of_a_dialog_is_answered_and_the_step_asked_again(
    call: Conversation,
) -> None:
    call.say("예약하고 싶어요")
    call.say("2번")
    outcome = call.say("영업시간이 어떻게 되나요?")
    assert outcome.messages == [HOURS.answer, messages.RESERVATION_DATE_PROMPT]
    assert outcome.record.faq_id == "hours"
    state = call.state()
    assert state.dialog is not None and state.dialog.step.value == "date" and state.dialog.failures == 0
    assert call.say("내일").messages[-1] == messages.RESERVATION_PHONE_PROMPT


def test_faq_question_at_the_free_text_step_is_not_taken_as_the_product_name(call: Conversation) -> None:
    call.say("상품 문의하려고요")
    call.say("1")
    outcome = call.say("영업시간이 어떻게 되나요?")
    assert outcome.messages == [HOURS.answer, messages.PRODUCT_NAME_PROMPT]
    state = call.state()
    assert state.dialog is not None and "product" not in state.dialog.values


def test_silence_in_a_dialog_reprompts_the_step(call: Conversation) -> None:
    call.say("예약하고 싶어요")
    outcome = call.say("")
    assert outcome.messages == [messages.RESERVATION_SERVICE_REPROMPT]
    assert outcome.record.action == "dialog"


def test_order_found(call: Conversation) -> None:
    outcome = call.say("주문번호 20261123001 배송 조회해 주세요")
    assert outcome.messages == [
        "주문번호 2 0 2 6, 1 1 2 3, 0 0 1 주문은 현재 배송 중 상태입니다. 내일 도착 예정입니다.",
        messages.ANYTHING_ELSE,
    ]
    assert outcome.record.resolved is True


def test_order_not_found_twice_escalates(call: Conversation) -> None:
    assert call.say("주문 조회하고 싶어요").messages == [messages.ORDER_NUMBER_PROMPT]
    miss = call.say("12345678")
    assert "찾지 못했습니다" in miss.messages[0]
    assert miss.dialog_action == "ElicitIntent"
    assert_escalated(call.say("87654321"), queue="general", reason="order_not_found")


def test_reservation_end_to_end_and_retried_turn_stores_one_booking(
    call: Conversation, engine: BotEngine, reservations: InMemoryReservationRepository
) -> None:
    call.say("예약하고 싶어요")
    call.say("전화 상담이요")
    call.say("다음 주 화요일")
    final_input = call.input("공일공 일이삼사 오육칠팔")
    first = engine.handle_turn(final_input)
    retried = engine.handle_turn(final_input)  # Lex retries with the same session and text
    assert first == retried
    [booking] = reservations.all()
    assert (booking.service, booking.reservation_date.isoformat(), booking.phone_number) == (
        "전화 상담",
        "2026-12-01",
        "+821012345678",
    )
    assert f"예약번호는 {booking.reference}입니다." in first.messages[0]
    assert first.messages[-1] == messages.ANYTHING_ELSE
    assert first.record.dialog_result["reference"] == booking.reference
    assert "01012345678" not in first.session[BOT_STATE_KEY]


def test_storage_failure_keeps_no_phone_number_in_the_session_and_escalates_on_repeat() -> None:
    class Failing:
        def save(self, reservation: Reservation) -> Reservation:
            raise ConnectionError("down")

    failing_engine = BotEngine(
        classifier=FakeClassifier(),
        faq_matcher=FakeFaqMatcher(),
        orders=InMemoryOrderRepository(),
        reservations=Failing(),
    )
    call = Conversation(failing_engine)
    for text in ("예약하고 싶어요", "1", "내일"):
        call.say(text)
    outcome = call.say("010-1234-5678")
    assert outcome.messages == [messages.TEMPORARY_ERROR, messages.RESERVATION_PHONE_PROMPT]
    assert "01012345678" not in json.dumps(outcome.session)
    assert_escalated(call.say("010-1234-5678"), queue="general", reason="system_error")


# --- resident registration and card numbers are never taken ---------------------------------------

RESIDENT_NUMBER = "900101-1234567"
CARD = "4111-1111-1111-1111"


def _nowhere(outcome: TurnOutcome, *digits: str) -> None:
    """None of ``digits`` in the session (botState included) or the record."""
    kept = json.dumps(outcome.session, ensure_ascii=False) + repr(outcome.record)
    for number in digits:
        assert number.replace("-", "") not in kept.replace("-", "")


def test_a_number_said_alone_is_not_needed_and_the_question_is_asked_again(call: Conversation) -> None:
    call.say("예약하고 싶어요")
    call.say("1")

    outcome = call.say(f"제 주민번호는 {RESIDENT_NUMBER}")

    assert outcome.messages == [messages.PERSONAL_DATA_NOT_NEEDED, messages.RESERVATION_DATE_PROMPT]
    assert outcome.dialog_action == "ElicitIntent"
    assert call.state().dialog is not None and call.state().dialog.failures == 0  # not counted
    assert call.state().not_understood == 0
    _nowhere(outcome, RESIDENT_NUMBER)
    # The dialog goes on where it was.
    assert call.say("다음 주 화요일").messages[-1] == messages.RESERVATION_PHONE_PROMPT


def test_outside_a_dialog_the_caller_is_asked_what_they_need(call: Conversation) -> None:
    outcome = call.say(CARD.replace("-", " "))
    assert outcome.messages == [messages.PERSONAL_DATA_NOT_NEEDED, messages.ASK_WHAT_FOR]
    assert outcome.record.intent is None
    _nowhere(outcome, CARD)


def test_the_rest_of_the_words_are_still_handled_without_the_number(
    call: Conversation, classifier: FakeClassifier
) -> None:
    classifier.answers = {"제 카드번호 인데 결제가 두 번 됐어요": confident(Intent.PAYMENT_INQUIRY)}

    outcome = call.say(f"제 카드번호 {CARD}인데 결제가 두 번 됐어요")

    assert outcome.messages[0] == messages.PERSONAL_DATA_NOT_NEEDED
    assert_escalated(outcome, queue="payment", reason="payment_security")
    assert classifier.calls == ["제 카드번호 인데 결제가 두 번 됐어요"]  # the classifier never saw it
    _nowhere(outcome, CARD)


def test_at_the_phone_step_the_number_beside_it_still_books(
    call: Conversation, reservations: InMemoryReservationRepository
) -> None:
    for text in ("예약하고 싶어요", "1", "내일"):
        call.say(text)

    outcome = call.say(f"주민번호 {RESIDENT_NUMBER} 이고 전화번호는 ０１０－９８７６－５４３２입니다")

    assert outcome.messages[0] == messages.PERSONAL_DATA_NOT_NEEDED
    [booking] = reservations.all()
    assert booking.phone_number == "+821098765432"
    assert RESIDENT_NUMBER.replace("-", "") not in repr(booking).replace("-", "")
    _nowhere(outcome, RESIDENT_NUMBER)


def test_a_product_name_keeps_no_personal_data(call: Conversation) -> None:
    call.say("상품 문의하려고요")
    call.say("1")

    outcome = call.say("노트북 010-1234-5678")

    assert "010-****-5678" in call.session[BOT_STATE_KEY]
    _nowhere(outcome, "1234-5678")


def test_the_classifier_gets_phone_numbers_masked(call: Conversation, classifier: FakeClassifier) -> None:
    call.say("제 번호는 010-1234-5678이에요")
    assert classifier.calls == ["제 번호는 010-****-5678이에요"]


# --- robustness ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bot_state",
    [
        "not json",
        "{",
        "[]",
        "null",
        '{"v": 99, "t": 4}',
        '{"v": 1, "t": -1}',
        '{"v": 1, "t": "4"}',
        '{"v": 1, "t": true}',
        '{"v": 1, "t": 2, "d": {"n": "reservation", "s": "phone", "v": {"service": "7"}}}',
        '{"v": 1, "t": 2, "d": "reservation"}',
        '{"v": 1, "t": 2, "nu": 1e400}',
        '{"v": 1, "t": 1000000000}',
        "[" * 100_000,
        json.dumps({"v": 1, "t": 3, "pad": "x" * MAX_STATE_CHARS}),
    ],
)
def test_corrupt_bot_state_starts_fresh(engine: BotEngine, bot_state: str) -> None:
    call = Conversation(engine, session={**FLOW_INPUTS, BOT_STATE_KEY: bot_state})
    outcome = call.say("안녕하세요")
    assert outcome.messages == [messages.GREETING]
    assert outcome.record.turn == 1
    assert ConversationState.decode(outcome.session[BOT_STATE_KEY]).turn == 1


def test_state_round_trips_compactly(call: Conversation) -> None:
    call.say("예약하고 싶어요")
    call.say("방문 서비스요")
    raw = call.session[BOT_STATE_KEY]
    assert len(raw.encode()) < 200
    assert ConversationState.decode(raw).encode() == raw
    assert json.loads(raw)["v"] == 1


def test_classifier_failure_is_a_turn_not_understood(
    orders: InMemoryOrderRepository, reservations: InMemoryReservationRepository
) -> None:
    class Broken:
        def classify(self, text: str, *, remaining_time_seconds: float | None = None) -> FakeChainResult:
            raise RuntimeError("bug")

    class BrokenFaq:
        def match(self, text: str) -> FaqMatch | None:
            raise RuntimeError("bug")

    engine = BotEngine(classifier=Broken(), faq_matcher=BrokenFaq(), orders=orders, reservations=reservations)
    outcome = Conversation(engine).say("영업시간이 어떻게 되나요?")
    assert outcome.messages == [messages.NOT_UNDERSTOOD]
    assert (outcome.record.intent, outcome.record.fallback_reason) == (None, "error")


def test_naive_time_is_korea_time(engine: BotEngine) -> None:
    call = Conversation(engine, now=datetime(2026, 11, 23, 23, 30))
    for text in ("예약하고 싶어요", "1"):
        call.say(text)
    assert call.say("오늘").messages == [messages.RESERVATION_DATE_TODAY]


def test_non_string_session_values_are_dropped(engine: BotEngine) -> None:
    session: dict[str, object] = {**FLOW_INPUTS, "weird": 3}
    outcome = engine.handle_turn(
        TurnInput("안녕하세요", "contact-1", "VOICE", CustomerTier.STANDARD, NOW, session)  # type: ignore[arg-type]
    )
    assert "weird" not in outcome.session
    assert outcome.session["customerTier"] == "STANDARD"


# --- with the real classifier chain and FAQ matcher ------------------------------------------------


@pytest.fixture(scope="module")
def real_engine_parts() -> tuple[ClassifierChain, FaqMatcher]:
    return ClassifierChain(default_classifier(), None), FaqMatcher(load_faq_entries())


@pytest.fixture
def real_call(
    real_engine_parts: tuple[ClassifierChain, FaqMatcher],
    orders: InMemoryOrderRepository,
    reservations: InMemoryReservationRepository,
) -> Conversation:
    chain, matcher = real_engine_parts
    # No faq_entries: the answers come from the matcher's own entries.
    engine = BotEngine(classifier=chain, faq_matcher=matcher, orders=orders, reservations=reservations)
    return Conversation(engine)


def test_real_faq_paraphrase_is_answered_verbatim(real_call: Conversation) -> None:
    answers = {entry.faq_id: entry.answer for entry in load_faq_entries()}
    outcome = real_call.say("배송 보통 며칠 걸려요?")
    assert outcome.record.faq_id == "delivery_time"
    assert outcome.messages == [answers["delivery_time"], messages.ANYTHING_ELSE]
    assert real_call.say("아니요 감사합니다").session["nextAction"] == "end"


def test_real_request_to_act_gets_the_faq_first_then_escalates_on_no(real_call: Conversation) -> None:
    # Changed deliberately by FAQ first (issue 14): the request used to escalate at once.
    assert real_call.say("주문 취소는 어떻게 하나요?").record.faq_id == "order_cancel"
    assert real_call.say("주문 취소해 주세요").messages[-1] == messages.FAQ_FIRST_FOLLOW_UP
    assert_escalated(real_call.say("아니요"), queue="payment", reason="payment_security")


def test_real_anger_outranks_the_topic(real_call: Conversation) -> None:
    assert_escalated(
        real_call.say("배송이 일주일째 안 와서 정말 화나요"), queue="complaint", reason="complaint"
    )


def test_real_reservation_conversation(
    real_call: Conversation, reservations: InMemoryReservationRepository
) -> None:
    real_call.say("안녕하세요")
    real_call.say("방문 서비스 예약하고 싶어요")
    real_call.say("다음 주 화요일이요")
    outcome = real_call.say("공일공 일이삼사 오육칠팔")
    [booking] = reservations.all()
    assert (booking.service, booking.reservation_date.isoformat()) == ("방문 서비스", "2026-12-01")
    assert booking.reference in outcome.messages[0]


def test_real_order_inquiry(real_call: Conversation) -> None:
    assert real_call.say("주문한 거 배송 조회하고 싶어요").messages == [messages.ORDER_NUMBER_PROMPT]
    assert "배송 중" in real_call.say("20261123001").messages[0]


# --- tests.support.memory: the in-memory ports these tests run on ----------------------------------


def test_memory_conversation_log_keeps_the_first_write_of_a_turn() -> None:
    log = InMemoryConversationLog()
    first = ConversationTurn(
        "c1", 1, NOW, "VOICE", "안녕하세요", "greeting", 0.9, "local", None, "안녕하세요!", "continue"
    )
    log.record(first)
    log.record(replace(first, bot_reply="different"))
    log.record(replace(first, turn=2))
    log.record(replace(first, contact_id="c2"))
    assert log.turns("c1") == [first, replace(first, turn=2)]
    assert len(log.turns()) == 3


def test_memory_reservations_and_callbacks_are_idempotent() -> None:
    reservations = InMemoryReservationRepository()
    booking = Reservation("R-2026-1201-0001", "c1", "상담 예약", NOW.date(), "01012345678", NOW)
    assert reservations.save(booking) == booking
    assert reservations.save(replace(booking, contact_id="c2")) == booking
    assert reservations.all() == [booking]
    callbacks = InMemoryCallbackRepository()
    request = CallbackRequest("c1", "+821012345678", NOW, "CB-1")
    assert callbacks.save(request) == request
    assert callbacks.save(replace(request, reference="CB-2")) == request
    assert callbacks.get("c1") == request and callbacks.all() == [request]


def test_memory_lookups() -> None:
    customers = InMemoryCustomerRepository([CustomerProfile("+821012345678", CustomerTier.VIP, "김고객")])
    assert customers.get("+821012345678") is not None
    assert customers.get("+821000000000") is None
    faq = InMemoryFaqRepository([ORDER_CANCEL, HOURS])
    assert [entry.faq_id for entry in faq.all_entries()] == ["hours", "order_cancel"]
    orders = InMemoryOrderRepository()
    orders.put(Order("ORD1", "배송 완료"))
    assert orders.get("ORD1") == Order("ORD1", "배송 완료") and orders.get("ORD2") is None


# --- any input -------------------------------------------------------------------------------------


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    texts=st.lists(st.text(max_size=300), min_size=1, max_size=6),
    bot_state=st.one_of(
        st.none(), st.text(max_size=200), st.just('{"v":1,"t":1,"d":{"n":"reservation","s":"phone"}}')
    ),
)
def test_any_text_and_state_gives_a_valid_outcome(
    engine: BotEngine, texts: list[str], bot_state: str | None
) -> None:
    session = dict(FLOW_INPUTS) if bot_state is None else {**FLOW_INPUTS, BOT_STATE_KEY: bot_state}
    call = Conversation(engine, session=session)
    for text in texts:
        outcome = call.say(text)
        assert outcome.messages and all(message.strip() for message in outcome.messages)
        assert outcome.dialog_action in ("ElicitIntent", "Close")
        assert all(isinstance(value, str) for value in outcome.session.values())
        assert len(outcome.session[BOT_STATE_KEY]) <= MAX_STATE_CHARS
        if outcome.dialog_action == "Close":
            assert outcome.session["nextAction"] in ("end", "escalate")
            break
