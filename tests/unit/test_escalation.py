"""The escalation rules of CONTENT.md (bot.escalation)."""

from __future__ import annotations

import re

import pytest

from bot import messages
from bot.escalation import (
    MAX_CONSECUTIVE_NOT_UNDERSTOOD,
    MAX_STEP_FAILURES,
    MAX_TURNS_WITHOUT_RESOLUTION,
    NEGATIVE_KEYWORDS,
    URGENT_KEYWORDS,
    Escalation,
    escalate,
    for_customer,
    has_negative_word,
    has_urgent_word,
    intent_escalation,
    keyword_escalation,
    limit_escalation,
    validation_escalation,
)
from contract import CustomerTier, EscalationReason, Intent, Queue


def test_keyword_lists_are_the_ones_of_content_md() -> None:
    assert set(NEGATIVE_KEYWORDS) == {"화나", "짜증", "최악", "불만", "화가", "열받", "실망"}
    assert set(URGENT_KEYWORDS) == {"긴급", "당장", "즉시", "빨리", "응급"}
    assert (MAX_CONSECUTIVE_NOT_UNDERSTOOD, MAX_TURNS_WITHOUT_RESOLUTION, MAX_STEP_FAILURES) == (3, 8, 3)


@pytest.mark.parametrize(
    "text",
    [
        "긴급한 일이에요",
        "지금 당장 연결해 주세요",
        "즉시 처리 부탁드립니다",
        "빨리 좀 해주세요",
        "응급 상황이에요",
    ],
)
def test_urgent_words_go_to_the_priority_queue_with_critical_priority(text: str) -> None:
    escalation = keyword_escalation(text)
    assert escalation == Escalation(
        Queue.PRIORITY, EscalationReason.URGENT, "CRITICAL", messages.ESCALATE_URGENT
    )


@pytest.mark.parametrize(
    "text",
    [
        "정말 화나네요",
        "짜증나 죽겠어요",
        "서비스가 최악이에요",
        "불만 접수하려고요",
        "너무 화가 나요",
        "열 받아서 전화했어요",  # spaced: keywords are matched without spaces
        "많이 실망했습니다",
    ],
)
def test_negative_words_go_to_the_complaint_queue_with_the_apology(text: str) -> None:
    escalation = keyword_escalation(text)
    assert escalation is not None
    assert (escalation.queue, escalation.reason, escalation.priority) == (
        Queue.COMPLAINT,
        EscalationReason.COMPLAINT,
        "NORMAL",
    )
    assert (
        escalation.message
        == messages.COMPLAINT
        == "불편을 끼쳐드려 죄송합니다. 전문 상담원에게 연결해드리겠습니다."
    )


def test_urgent_and_angry_goes_to_priority_and_still_apologizes() -> None:
    escalation = keyword_escalation("배송이 안 와서 화나요, 당장 해결해 주세요")
    assert escalation is not None
    assert (escalation.queue, escalation.reason, escalation.priority) == (
        Queue.PRIORITY,
        EscalationReason.URGENT,
        "CRITICAL",
    )
    assert escalation.message.startswith("불편을 끼쳐드려 죄송합니다.")


@pytest.mark.parametrize("text", ["", "영업시간이 어떻게 되나요?", "주문 조회하고 싶어요", "안녕하세요"])
def test_calm_words_do_not_escalate(text: str) -> None:
    assert keyword_escalation(text) is None
    assert not has_urgent_word(text)
    assert not has_negative_word(text)


@pytest.mark.parametrize(
    ("intent", "queue", "reason"),
    [
        (Intent.COMPLAINT, Queue.COMPLAINT, EscalationReason.COMPLAINT),
        (Intent.TECHNICAL_SUPPORT, Queue.TECH_SUPPORT, EscalationReason.TECH_SUPPORT),
        (Intent.PAYMENT_INQUIRY, Queue.PAYMENT, EscalationReason.PAYMENT_SECURITY),
        (Intent.CANCEL_REQUEST, Queue.PAYMENT, EscalationReason.PAYMENT_SECURITY),
        (Intent.AGENT_REQUEST, Queue.GENERAL, EscalationReason.AGENT_REQUEST),
    ],
)
def test_routing_table(intent: Intent, queue: Queue, reason: EscalationReason) -> None:
    escalation = intent_escalation(intent)
    assert escalation is not None
    assert (escalation.queue, escalation.reason, escalation.priority) == (queue, reason, "NORMAL")


def test_payment_escalations_speak_the_security_message() -> None:
    for intent in (Intent.PAYMENT_INQUIRY, Intent.CANCEL_REQUEST):
        escalation = intent_escalation(intent)
        assert escalation is not None
        assert "보안을 위해 전문 상담원에게 연결해드리겠습니다." in escalation.message


def test_agent_request_speaks_the_escalate_message() -> None:
    escalation = intent_escalation(Intent.AGENT_REQUEST)
    assert escalation is not None
    assert escalation.message == "상담원에게 연결해드리겠습니다. 잠시만 기다려주세요."


@pytest.mark.parametrize(
    "intent",
    [Intent.GREETING, Intent.GOODBYE, Intent.GENERAL_INQUIRY, Intent.PRODUCT_INQUIRY, Intent.RESERVATION],
)
def test_intents_the_bot_handles_itself_are_not_routed(intent: Intent) -> None:
    assert intent_escalation(intent) is None


@pytest.mark.parametrize(
    ("not_understood", "unresolved", "escalates"),
    [(0, 0, False), (2, 7, False), (3, 0, True), (0, 8, True), (4, 9, True)],
)
def test_bot_limitation_after_three_misses_or_eight_unresolved_turns(
    not_understood: int, unresolved: int, escalates: bool
) -> None:
    escalation = limit_escalation(
        consecutive_not_understood=not_understood, turns_without_resolution=unresolved
    )
    if escalates:
        assert escalation is not None
        assert (escalation.queue, escalation.reason) == (Queue.GENERAL, EscalationReason.BOT_LIMITATION)
    else:
        assert escalation is None


def test_third_validation_failure_escalates_to_general() -> None:
    assert validation_escalation(2) is None
    escalation = validation_escalation(3)
    assert escalation is not None
    assert (escalation.queue, escalation.reason) == (Queue.GENERAL, EscalationReason.VALIDATION_FAILED)


@pytest.mark.parametrize("reason", list(EscalationReason))
def test_vip_callers_always_go_to_the_priority_queue_keeping_reason_and_message(
    reason: EscalationReason,
) -> None:
    original = escalate(reason)
    vip = for_customer(original, CustomerTier.VIP)
    assert vip.queue is Queue.PRIORITY
    assert vip.reason is reason
    assert vip.message == original.message
    assert vip.vip is True
    assert vip.priority == ("CRITICAL" if reason is EscalationReason.URGENT else "HIGH")


def test_standard_callers_keep_their_route() -> None:
    original = escalate(EscalationReason.COMPLAINT)
    assert for_customer(original, CustomerTier.STANDARD) == original
    assert for_customer(original, None) == original


def test_every_reason_of_the_contract_is_stable_snake_case_with_a_route_and_a_message() -> None:
    for reason in EscalationReason:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", reason.value), reason
        escalation = escalate(reason)
        assert escalation.reason is reason
        assert escalation.queue in Queue
        assert escalation.message.strip()
