"""The handoff summary (``bot.handoff``): what the agent hears and sees when the bot hands over."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot import handoff
from bot.classifier_chain import ClassifierChain
from bot.dialogs import DialogName, DialogState, Step
from bot.engine import BOT_STATE_KEY, BotEngine, ConversationState, TurnInput, TurnOutcome
from bot.faq import FaqMatcher, load_faq_entries
from bot.handoff import FAQ_ANSWERED_KEY, HandoffFacts
from bot.local_classifier import default_classifier
from bot.models import KST
from contract import (
    HANDOFF_ATTRIBUTES,
    ContactAttribute,
    CustomerTier,
    EscalationReason,
    FaqFirstOutcome,
    Intent,
)
from tests.support.memory import InMemoryOrderRepository, InMemoryReservationRepository

FAQ_QUESTIONS = {entry.faq_id: entry.question for entry in load_faq_entries()}
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=KST)
HANGUL_RE_RANGE = range(0xAC00, 0xAC00 + 11172)


def facts(**changes: object) -> HandoffFacts:
    base: dict[str, object] = {
        "tier": CustomerTier.VIP,
        "reason": EscalationReason.COMPLAINT,
        "priority": "HIGH",
        "intent": Intent.COMPLAINT.value,
    }
    base.update(changes)
    return HandoffFacts(**base)  # type: ignore[arg-type]


# --- the whisper ---------------------------------------------------------------------------------


def test_the_whisper_names_the_reason_and_the_tier_in_polite_korean() -> None:
    assert (
        handoff.whisper(EscalationReason.COMPLAINT, CustomerTier.VIP) == "불만 접수로 연결된 VIP 고객입니다."
    )
    assert (
        handoff.whisper(EscalationReason.URGENT, CustomerTier.STANDARD)
        == "긴급 요청으로 연결된 일반 고객입니다."
    )


@pytest.mark.parametrize("reason", list(EscalationReason))
@pytest.mark.parametrize("tier", list(CustomerTier))
def test_every_reason_and_tier_has_a_short_whisper_with_the_right_particle(
    reason: EscalationReason, tier: CustomerTier
) -> None:
    said = handoff.whisper(reason, tier)
    label = handoff.REASON_LABELS[reason]
    final = (ord(label[-1]) - 0xAC00) % 28 if ord(label[-1]) in HANGUL_RE_RANGE else 0
    particle = "로" if final in (0, 8) else "으로"
    assert said == f"{label}{particle} 연결된 {handoff.TIER_LABELS[tier]} 고객입니다."
    assert len(said) <= 40


# --- the summary ---------------------------------------------------------------------------------


def test_the_summary_is_every_handoff_attribute_in_korean() -> None:
    dialog = DialogState(DialogName.RESERVATION, Step.PHONE, {"service": "1", "date": "2026-12-02"})
    summary = handoff.summary_attributes(
        facts(faq_ids=("hours", "delivery_time"), dialog=dialog, last_words="정말 화나요"),
        faq_questions=FAQ_QUESTIONS,
    )
    assert summary == {
        ContactAttribute.HANDOFF_WHISPER: "불만 접수로 연결된 VIP 고객입니다.",
        ContactAttribute.HANDOFF_TIER: "VIP",
        ContactAttribute.HANDOFF_INTENT: "불만",
        ContactAttribute.HANDOFF_REASON: "불만 접수",
        ContactAttribute.HANDOFF_PRIORITY: "높음",
        ContactAttribute.HANDOFF_FAQ: "영업시간이 어떻게 되나요? / 배송기간은 얼마나 걸리나요?",
        ContactAttribute.HANDOFF_PROGRESS: "예약 — 서비스: 상담 예약, 희망 날짜: 2026-12-02 (연락처 확인 중)",
        ContactAttribute.HANDOFF_LAST_WORDS: "정말 화나요",
    }
    assert list(summary) == list(HANDOFF_ATTRIBUTES)


def test_nothing_known_still_gives_a_value_for_every_attribute() -> None:
    summary = handoff.summary_attributes(
        facts(intent=None, priority="UNKNOWN", tier=CustomerTier.STANDARD), faq_questions={}
    )
    assert summary[ContactAttribute.HANDOFF_INTENT] == "파악되지 않음"
    assert summary[ContactAttribute.HANDOFF_PRIORITY] == "보통"
    assert summary[ContactAttribute.HANDOFF_FAQ] == "없음"
    assert summary[ContactAttribute.HANDOFF_PROGRESS] == "없음"
    assert summary[ContactAttribute.HANDOFF_LAST_WORDS] == "(말씀 없음)"
    assert all(summary.values())


def test_every_value_is_bounded_and_the_whole_summary_stays_small() -> None:
    # Connect: 32 KB of contact attributes in all, a view's inputs well under 16 KB (Hangul: 3 bytes).
    dialog = DialogState(DialogName.PRODUCT_INQUIRY, Step.QUESTION, {"category": "1", "product": "가" * 500})
    summary = handoff.summary_attributes(
        facts(faq_ids=tuple(FAQ_QUESTIONS), dialog=dialog, last_words="말씀 " * 400),
        faq_questions=dict.fromkeys(FAQ_QUESTIONS, "아주 긴 질문 " * 40),
    )
    assert all(0 < len(value) <= handoff.MAX_VALUE_CHARS for value in summary.values())
    assert len(summary[ContactAttribute.HANDOFF_LAST_WORDS]) <= handoff.MAX_LAST_WORDS_CHARS
    assert summary[ContactAttribute.HANDOFF_LAST_WORDS].endswith("…")
    assert sum(len(key) + len(value.encode("utf-8")) for key, value in summary.items()) < 6_000


@pytest.mark.parametrize(
    ("said", "digits", "shown"),
    [
        ("제 번호는 010-1234-5678이에요 화나요", "12345678", "010-****-5678"),
        ("주민번호 900101-1234567 불러드릴게요", "9001011234567", "[주민등록번호]"),
        ("카드 4111 1111 1111 1111 결제 오류요", "4111111111111111", "[카드번호]"),
        ("공일공 일이삼사 오육칠팔로 연락 주세요", "12345678", "010-****-5678"),
    ],
)
def test_the_last_words_are_masked_with_the_one_personal_data_definition(
    said: str, digits: str, shown: str
) -> None:
    words = handoff.last_words(said)
    assert shown in words
    assert digits not in "".join(char for char in words if char.isdigit())


def test_the_dialog_progress_never_shows_a_phone_number_and_masks_free_text() -> None:
    dialog = DialogState(
        DialogName.PRODUCT_INQUIRY,
        Step.QUESTION,
        {"category": "2", "product": "010-9876-5432 번으로 온 코트", "phone": "+821098765432"},
    )
    shown = handoff.progress(dialog)
    assert shown == "상품 문의 — 분류: 의류, 상품: 010-****-5432 번으로 온 코트 (문의 내용 확인 중)"
    assert "9876" not in shown and "+82" not in shown


def test_a_menu_value_the_dialog_did_not_write_is_not_shown_as_is() -> None:
    dialog = DialogState(DialogName.RESERVATION, Step.DATE, {"service": "9"})
    assert handoff.progress(dialog) == "예약 — 서비스: 파악되지 않음 (희망 날짜 확인 중)"
    assert handoff.progress(DialogState(DialogName.ORDER_INQUIRY, Step.ORDER_NUMBER)) == (
        "주문 조회 — 입력 전 (주문번호 확인 중)"
    )


# --- the FAQ answers remembered between turns ---------------------------------------------------


def test_faq_ids_are_remembered_once_bounded_and_malformed_values_ignored() -> None:
    assert handoff.answered_faq_ids({FAQ_ANSWERED_KEY: "hours,hours,BAD ID,phone"}) == ("hours", "phone")
    assert handoff.remember_faq(("hours",), "hours") == ("hours",)
    assert handoff.remember_faq(("hours",), None) == ("hours",)
    many = tuple(f"faq_{index}" for index in range(handoff.MAX_FAQ_IDS))
    assert handoff.remember_faq(many, "one_more") == many
    session: dict[str, str] = {FAQ_ANSWERED_KEY: "hours"}
    handoff.carry_faq(session, ())
    assert FAQ_ANSWERED_KEY not in session


# --- a conversation through the real engine ----------------------------------------------------


class Call:
    """Turns through the real engine and the session the Lex hook answers with."""

    def __init__(self, tier: CustomerTier = CustomerTier.STANDARD) -> None:
        entries = load_faq_entries()
        self.engine = BotEngine(
            classifier=ClassifierChain(default_classifier(), None, bedrock_budget_seconds=1.0),
            faq_matcher=FaqMatcher(entries),
            orders=InMemoryOrderRepository([]),
            reservations=InMemoryReservationRepository(),
            faq_entries=entries,
        )
        self.tier = tier
        self.session: dict[str, str] = {"customerTier": tier.value, "channel": "VOICE", "contactId": "c-1"}

    def say(self, text: str) -> TurnOutcome:
        turn = TurnInput(text, "c-1", "VOICE", self.tier, NOW, dict(self.session))
        outcome = self.engine.handle_turn(turn)
        self.session = handoff.session_after_turn(
            self.session,
            outcome.session,
            text=text,
            tier=self.tier,
            record=outcome.record,
            faq_questions=FAQ_QUESTIONS,
        )
        return outcome


def test_an_escalation_carries_the_faq_answers_the_dialog_and_the_masked_last_words() -> None:
    call = Call(CustomerTier.VIP)
    call.say("영업시간이 어떻게 되나요?")
    assert call.session[FAQ_ANSWERED_KEY] == "hours"
    assert not set(HANDOFF_ATTRIBUTES) & set(call.session)
    call.say("예약하고 싶어요")
    call.say("상담 예약")
    call.say("내일")
    outcome = call.say("정말 짜증나네요 010-1234-5678")

    assert outcome.record.action == "escalate"
    summary = {key: call.session[key] for key in HANDOFF_ATTRIBUTES}
    assert summary[ContactAttribute.HANDOFF_WHISPER] == "불만 접수로 연결된 VIP 고객입니다."
    assert summary[ContactAttribute.HANDOFF_FAQ] == "영업시간이 어떻게 되나요?"
    assert summary[ContactAttribute.HANDOFF_PROGRESS] == (
        "예약 — 서비스: 상담 예약, 희망 날짜: 2026-12-02 (연락처 확인 중)"
    )
    assert summary[ContactAttribute.HANDOFF_LAST_WORDS] == "정말 짜증나네요 010-****-5678"
    assert summary[ContactAttribute.HANDOFF_REASON] == "불만 접수"


def test_a_turn_that_does_not_escalate_drops_a_stale_summary() -> None:
    call = Call()
    call.session.update(dict.fromkeys(HANDOFF_ATTRIBUTES, "이전 요약"))
    outcome = call.say("안녕하세요")
    assert outcome.record.action != "escalate"
    assert not set(HANDOFF_ATTRIBUTES) & set(call.session)


def test_a_limit_escalation_says_the_intent_was_not_understood() -> None:
    call = Call()
    for _ in range(3):
        outcome = call.say("음 그러니까 저기 그게")
    assert outcome.record.escalation_reason == EscalationReason.BOT_LIMITATION.value
    assert call.session[ContactAttribute.HANDOFF_INTENT] == "파악되지 않음"
    assert call.session[ContactAttribute.HANDOFF_WHISPER] == "자동 응대 한계로 연결된 일반 고객입니다."


@pytest.mark.parametrize("answer", ["아니요, 상담원 연결해 주세요", "아니요"])
def test_after_an_faq_answered_first_the_summary_shows_the_original_intent(answer: str) -> None:
    call = Call()
    first = call.say("로그인 비밀번호가 기억이 안 나요")
    assert first.record.intent == Intent.TECHNICAL_SUPPORT.value and first.record.action != "escalate"
    outcome = call.say(answer)
    assert outcome.record.escalation_reason == EscalationReason.TECH_SUPPORT.value
    assert call.session[ContactAttribute.HANDOFF_INTENT] == "기술 지원"
    assert call.session[ContactAttribute.HANDOFF_REASON] == "기술 지원 요청"
    assert call.session[ContactAttribute.HANDOFF_FAQ] == "비밀번호를 잊어버렸어요."


def test_an_angry_no_after_an_faq_answered_first_keeps_the_last_turns_intent() -> None:
    call = Call()
    call.say("로그인 비밀번호가 기억이 안 나요")
    outcome = call.say("아니요 직원이 너무 불친절해서 화가 나요")
    assert outcome.record.escalation_reason == EscalationReason.COMPLAINT.value
    assert outcome.record.faq_first is FaqFirstOutcome.ESCALATED
    assert call.session[ContactAttribute.HANDOFF_INTENT] == "불만"


def test_the_system_error_summary_uses_what_the_session_knows() -> None:
    state = ConversationState(turn=2, dialog=DialogState(DialogName.ORDER_INQUIRY, Step.ORDER_NUMBER))
    session = {BOT_STATE_KEY: state.encode(), FAQ_ANSWERED_KEY: "phone"}
    summary = handoff.system_error_summary(
        session,
        text="주문번호는 ORD1",
        tier=CustomerTier.STANDARD,
        priority="NORMAL",
        faq_questions=FAQ_QUESTIONS,
    )
    assert summary[ContactAttribute.HANDOFF_WHISPER] == "시스템 오류로 연결된 일반 고객입니다."
    assert summary[ContactAttribute.HANDOFF_FAQ] == "고객센터 전화번호는 무엇인가요?"
    assert summary[ContactAttribute.HANDOFF_PROGRESS] == "주문 조회 — 입력 전 (주문번호 확인 중)"
    assert summary[ContactAttribute.HANDOFF_INTENT] == "파악되지 않음"
