"""The handoff summary: what the agent who takes a transferred contact hears and sees.

Why: the bot's reason, the caller's intent, what it already answered and where a dialog stood
lived in session attributes nobody showed, so an agent had to ask the caller everything again.
When the bot escalates it now also sets the contact attributes of ``contract.HANDOFF_ATTRIBUTES``:
Korean display strings the agent whisper flow plays ("불만 접수로 연결된 VIP 고객입니다.") and the
agent's guide view shows (tier, intent, reason, priority, FAQ answers given, dialog progress, the
caller's last words).

Rules: pure (no clock, no I/O); every value is a non-empty Korean string of at most
:data:`MAX_VALUE_CHARS` characters (9 attributes × 200 Hangul × 3 bytes stay far below Connect's
32 KB of contact attributes and the 16 KB a view's inputs may take); the caller's words and the
dialog's free text go through ``bot.personal_data`` — the one definition — before they are shown,
so the summary never holds a number the conversations table would not. The FAQ answers given are
remembered between turns in the bot's own session attribute :data:`FAQ_ANSWERED_KEY` (FAQ ids,
never the caller's words). On any turn that does not escalate the summary is removed from the
session, so a stale summary never reaches a later transfer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from bot import personal_data
from bot.dialogs import CATEGORIES, QUESTION_TYPES, SERVICES, DialogName, DialogState, Step
from bot.engine import BOT_STATE_KEY, ConversationState, TurnRecord
from bot.entities import Choice
from contract import (
    HANDOFF_ATTRIBUTES,
    ContactAttribute,
    CustomerTier,
    EscalationReason,
    FaqFirstOutcome,
    Intent,
)

#: Longest value of one summary attribute, in characters (an ellipsis ends a cut value).
MAX_VALUE_CHARS: Final = 200
#: Longest caller utterance shown as the last words.
MAX_LAST_WORDS_CHARS: Final = 100
#: The bot's own session attribute: the FAQ ids answered so far in the contact, comma-separated.
FAQ_ANSWERED_KEY: Final = "faqAnswered"
#: At most this many FAQ ids are remembered (the FAQ has ten entries).
MAX_FAQ_IDS: Final = 10

NOT_UNDERSTOOD: Final = "파악되지 않음"
NONE_GIVEN: Final = "없음"
NO_WORDS: Final = "(말씀 없음)"

TIER_LABELS: Final[Mapping[CustomerTier, str]] = {CustomerTier.VIP: "VIP", CustomerTier.STANDARD: "일반"}
REASON_LABELS: Final[Mapping[EscalationReason, str]] = {
    EscalationReason.COMPLAINT: "불만 접수",
    EscalationReason.URGENT: "긴급 요청",
    EscalationReason.AGENT_REQUEST: "상담원 요청",
    EscalationReason.PAYMENT_SECURITY: "결제·환불 문의",
    EscalationReason.TECH_SUPPORT: "기술 지원 요청",
    EscalationReason.PRODUCT_OTHER: "상품 기타 문의",
    EscalationReason.BOT_LIMITATION: "자동 응대 한계",
    EscalationReason.VALIDATION_FAILED: "입력 확인 실패",
    EscalationReason.ORDER_NOT_FOUND: "주문 조회 실패",
    EscalationReason.SYSTEM_ERROR: "시스템 오류",
}
INTENT_LABELS: Final[Mapping[Intent, str]] = {
    Intent.GREETING: "인사",
    Intent.GOODBYE: "끝인사",
    Intent.PRODUCT_INQUIRY: "상품 문의",
    Intent.ORDER_INQUIRY: "주문·배송 조회",
    Intent.RESERVATION: "예약",
    Intent.CANCEL_REQUEST: "취소·환불 요청",
    Intent.PAYMENT_INQUIRY: "결제 문의",
    Intent.TECHNICAL_SUPPORT: "기술 지원",
    Intent.COMPLAINT: "불만",
    Intent.AGENT_REQUEST: "상담원 연결 요청",
    Intent.GENERAL_INQUIRY: "일반 문의",
}
PRIORITY_LABELS: Final[Mapping[str, str]] = {"CRITICAL": "긴급", "HIGH": "높음", "NORMAL": "보통"}
DIALOG_LABELS: Final[Mapping[DialogName, str]] = {
    DialogName.PRODUCT_INQUIRY: "상품 문의",
    DialogName.RESERVATION: "예약",
    DialogName.ORDER_INQUIRY: "주문 조회",
}
STEP_LABELS: Final[Mapping[Step, str]] = {
    Step.CATEGORY: "분류",
    Step.PRODUCT: "상품",
    Step.QUESTION: "문의 내용",
    Step.SERVICE: "서비스",
    Step.DATE: "희망 날짜",
    Step.PHONE: "연락처",
    Step.ORDER_NUMBER: "주문번호",
}
_MENUS: Final[Mapping[Step, tuple[Choice, ...]]] = {
    Step.CATEGORY: CATEGORIES,
    Step.QUESTION: QUESTION_TYPES,
    Step.SERVICE: SERVICES,
}
_SPACES_RE: Final = re.compile(r"\s+")
_FAQ_ID_RE: Final = re.compile(r"^[a-z0-9_]{1,40}$")


@dataclass(frozen=True, slots=True)
class HandoffFacts:
    """What the bot knows when it hands a contact over."""

    tier: CustomerTier
    reason: EscalationReason
    priority: str  # CRITICAL, HIGH or NORMAL
    intent: str | None  # an Intent value when understood, else None
    faq_ids: tuple[str, ...] = ()
    dialog: DialogState | None = None  # the dialog running when the caller was handed over
    last_words: str = ""  # as the caller said them: masked here


def whisper(reason: EscalationReason, tier: CustomerTier) -> str:
    """The short sentence the agent hears: "불만 접수로 연결된 VIP 고객입니다."."""
    label = REASON_LABELS[reason]
    return f"{label}{_euro(label)} 연결된 {TIER_LABELS[tier]} 고객입니다."


def _euro(word: str) -> str:
    """The particle 로/으로 after ``word``: 으로 after a final consonant other than ㄹ."""
    last = ord(word[-1]) - 0xAC00
    if not 0 <= last < 11172:
        return "로"
    final = last % 28
    return "로" if final in (0, 8) else "으로"


def summary_attributes(facts: HandoffFacts, *, faq_questions: Mapping[str, str]) -> dict[str, str]:
    """The contact attributes of ``contract.HANDOFF_ATTRIBUTES`` for ``facts``, every one non-empty."""
    intent = _intent(facts.intent)
    values = {
        ContactAttribute.HANDOFF_WHISPER: whisper(facts.reason, facts.tier),
        ContactAttribute.HANDOFF_TIER: TIER_LABELS[facts.tier],
        ContactAttribute.HANDOFF_INTENT: INTENT_LABELS[intent] if intent is not None else NOT_UNDERSTOOD,
        ContactAttribute.HANDOFF_REASON: REASON_LABELS[facts.reason],
        ContactAttribute.HANDOFF_PRIORITY: PRIORITY_LABELS.get(facts.priority, PRIORITY_LABELS["NORMAL"]),
        ContactAttribute.HANDOFF_FAQ: _faq_given(facts.faq_ids, faq_questions),
        ContactAttribute.HANDOFF_PROGRESS: progress(facts.dialog),
        ContactAttribute.HANDOFF_LAST_WORDS: last_words(facts.last_words),
    }
    return {key: _bounded(values[key]) for key in HANDOFF_ATTRIBUTES}


def last_words(text: object) -> str:
    """The caller's words for the agent: personal data masked, spaces collapsed, at most 100 characters."""
    masked = _SPACES_RE.sub(" ", personal_data.mask_personal_data(text)).strip()
    return _bounded(masked, MAX_LAST_WORDS_CHARS) if masked else NO_WORDS


def progress(dialog: DialogState | None) -> str:
    """Where a dialog stood: "예약 — 서비스: 상담 예약, 희망 날짜: 2026-12-01 (연락처 확인 중)"."""
    if dialog is None:
        return NONE_GIVEN
    collected = [
        f"{STEP_LABELS[step]}: {_value(step, dialog.values[step.value])}"
        for step in Step
        if step is not Step.PHONE and step.value in dialog.values
    ]
    done = ", ".join(collected) if collected else "입력 전"
    return f"{DIALOG_LABELS[dialog.name]} — {done} ({STEP_LABELS[dialog.step]} 확인 중)"


def answered_faq_ids(session: Mapping[str, str]) -> tuple[str, ...]:
    """The FAQ ids remembered in ``session`` (anything malformed is ignored)."""
    raw = session.get(FAQ_ANSWERED_KEY, "")
    ids = [part for part in raw.split(",") if _FAQ_ID_RE.match(part)] if isinstance(raw, str) else []
    return tuple(dict.fromkeys(ids))[:MAX_FAQ_IDS]


def remember_faq(faq_ids: tuple[str, ...], faq_id: str | None) -> tuple[str, ...]:
    """``faq_ids`` with ``faq_id`` added once (at most :data:`MAX_FAQ_IDS`, the first kept)."""
    if faq_id is None or not _FAQ_ID_RE.match(faq_id) or faq_id in faq_ids:
        return faq_ids
    return (*faq_ids, faq_id)[:MAX_FAQ_IDS]


def carry_faq(session: dict[str, str], faq_ids: tuple[str, ...]) -> None:
    """Write ``faq_ids`` into ``session`` (or remove the key when there are none)."""
    if faq_ids:
        session[FAQ_ANSWERED_KEY] = ",".join(faq_ids)
    else:
        session.pop(FAQ_ANSWERED_KEY, None)


def without_summary(session: Mapping[str, str]) -> dict[str, str]:
    """``session`` without any handoff attribute (a turn that does not escalate carries none)."""
    return {key: value for key, value in session.items() if key not in HANDOFF_ATTRIBUTES}


def session_after_turn(
    before: Mapping[str, str],
    after: Mapping[str, str],
    *,
    text: str,
    tier: CustomerTier,
    record: TurnRecord,
    faq_questions: Mapping[str, str],
) -> dict[str, str]:
    """The session to answer Lex with: the FAQ ids remembered and, when the turn escalates, the summary.

    ``before`` is the session the turn started with (its ``botState`` says where a dialog stood:
    the engine drops the dialog when it hands over), ``after`` the engine's.
    """
    session = without_summary(after)
    faq_ids = remember_faq(answered_faq_ids(before), record.faq_id)
    carry_faq(session, faq_ids)
    if record.action != "escalate" or record.escalation_reason is None:
        return session
    state = ConversationState.decode(before.get(BOT_STATE_KEY))
    reason = _reason(record.escalation_reason)
    facts = HandoffFacts(
        tier=tier,
        reason=reason,
        priority=record.escalation_priority or "NORMAL",
        intent=_original_intent(state, record, reason),
        faq_ids=faq_ids,
        dialog=state.dialog,
        last_words=text,
    )
    session.update(summary_attributes(facts, faq_questions=faq_questions))
    return session


def _original_intent(state: ConversationState, record: TurnRecord, reason: EscalationReason) -> str | None:
    """The intent the agent sees: the one that led to the escalation.

    After an FAQ answered first, "아니요, 상담원 연결해 주세요" escalates with the original reason and
    queue (``bot.faq_first``); the last turn's intent (an agent request, or none for a bare "아니요")
    would hide what the caller called about, so the pending FAQ's intent is shown instead. An
    escalation for another reason (anger, urgency) keeps the last turn's intent.
    """
    pending = state.pending_faq
    if record.faq_first is FaqFirstOutcome.ESCALATED and pending is not None and pending.reason is reason:
        return pending.intent.value
    return record.intent if record.understood else None


def system_error_summary(
    session: Mapping[str, str],
    *,
    text: str,
    tier: CustomerTier,
    priority: str,
    faq_questions: Mapping[str, str],
) -> dict[str, str]:
    """The summary of the hook's safe answer (``system_error``): what is known without the engine."""
    facts = HandoffFacts(
        tier=tier,
        reason=EscalationReason.SYSTEM_ERROR,
        priority=priority,
        intent=None,
        faq_ids=answered_faq_ids(session),
        dialog=ConversationState.decode(session.get(BOT_STATE_KEY)).dialog,
        last_words=text,
    )
    return summary_attributes(facts, faq_questions=faq_questions)


def _reason(value: str) -> EscalationReason:
    try:
        return EscalationReason(value)
    except ValueError:
        return EscalationReason.SYSTEM_ERROR


def _intent(value: str | None) -> Intent | None:
    try:
        return Intent(value) if value is not None else None
    except ValueError:
        return None


def _faq_given(faq_ids: tuple[str, ...], faq_questions: Mapping[str, str]) -> str:
    if not faq_ids:
        return NONE_GIVEN
    return " / ".join(faq_questions.get(faq_id, faq_id) for faq_id in faq_ids)


def _value(step: Step, raw: str) -> str:
    menu = _MENUS.get(step)
    if menu is not None:
        if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= len(menu):
            return menu[int(raw) - 1].label
        return NOT_UNDERSTOOD
    return _bounded(_SPACES_RE.sub(" ", personal_data.mask_personal_data(raw)).strip(), 40) or NONE_GIVEN


def _bounded(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
