"""Every caller-facing sentence the bot speaks or writes, in polite Korean (존댓말).

The fixed messages of CONTENT.md are kept word for word (greeting, complete, escalate, complaint,
clarify, goodbye, temporary error and the payment security sentence); prompts are polished for
the phone, where a caller cannot see a numbered list and answers with a number or a word.

Messages are plain text (Lex ``PlainText``): the same sentence serves voice (read by Polly's
Seoyeon voice) and chat, so nothing here uses SSML. Sentences that need values are small
functions next to the constants, so that the wording lives in one place.
"""

from __future__ import annotations

from datetime import date
from typing import Final

# --- fixed messages of CONTENT.md ------------------------------------------------------------------

GREETING: Final = "안녕하세요! 무엇을 도와드릴까요?"
COMPLETE: Final = "요청이 완료되었습니다. 담당자가 검토 후 연락드리겠습니다."
ESCALATE: Final = "상담원에게 연결해드리겠습니다. 잠시만 기다려주세요."
COMPLAINT: Final = "불편을 끼쳐드려 죄송합니다. 전문 상담원에게 연결해드리겠습니다."
CLARIFY: Final = "좀 더 자세히 말씀해 주시겠어요?"
GOODBYE: Final = "감사합니다. 좋은 하루 되세요!"
TEMPORARY_ERROR: Final = "죄송합니다. 일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요."
PAYMENT_SECURITY: Final = "보안을 위해 전문 상담원에게 연결해드리겠습니다."

# --- conversation ----------------------------------------------------------------------------------

ANYTHING_ELSE: Final = "더 궁금하신 점이 있으신가요?"
HOW_CAN_I_HELP: Final = "네, 무엇을 도와드릴까요?"
NOT_UNDERSTOOD: Final = "죄송합니다. 잘 이해하지 못했습니다. 다시 한 번 다른 표현으로 말씀해 주시겠어요?"
#: Second miss in a row: the CONTENT.md clarify sentence plus examples of what the bot can do.
CLARIFY_WITH_EXAMPLES: Final = (
    f"{CLARIFY} 예를 들어 '주문 배송 조회', '상담 예약', '영업시간 문의', "
    "'상담원 연결'처럼 말씀해 주시면 됩니다."
)
SILENCE: Final = "죄송합니다. 말씀이 잘 들리지 않았습니다. 다시 한 번 말씀해 주시겠어요?"
#: Said before anything else when a caller reads out a resident registration or card number: the
#: bot never needs them and takes them out of what it hears (``bot.personal_data``).
PERSONAL_DATA_NOT_NEEDED: Final = "개인정보 보호를 위해 주민등록번호나 카드번호는 말씀하지 않으셔도 됩니다."
#: The question after that note when no dialog is running.
ASK_WHAT_FOR: Final = "무엇을 도와드릴까요?"
NO_FAQ_ANSWER: Final = (
    "죄송합니다. 문의하신 내용은 제가 안내해 드리기 어렵습니다. "
    "다른 문의를 말씀해 주시거나, 상담원 연결을 원하시면 '상담원'이라고 말씀해 주세요."
)
#: After an FAQ answered before an escalation (``bot.faq_first``): did it solve the problem?
FAQ_FIRST_FOLLOW_UP: Final = (
    "안내해 드린 내용으로 해결되셨을까요? 더 도움이 필요하시면 '상담원'이라고 말씀해 주세요."
)
#: The caller said nothing after that question: the call ends politely (then the goodbye).
FAQ_FIRST_SILENT_END: Final = "추가로 도움이 필요하지 않으신 것으로 알고 상담을 마치겠습니다."

# --- escalation ------------------------------------------------------------------------------------

ESCALATE_PAYMENT: Final = f"결제 관련 문의는 {PAYMENT_SECURITY} 잠시만 기다려주세요."
ESCALATE_TECH_SUPPORT: Final = "기술 지원 담당 상담원에게 연결해드리겠습니다. 잠시만 기다려주세요."
ESCALATE_URGENT: Final = "급한 용무로 확인되어 우선 상담원에게 바로 연결해드리겠습니다. 잠시만 기다려주세요."
ESCALATE_URGENT_ANGRY: Final = f"불편을 끼쳐드려 죄송합니다. {ESCALATE_URGENT}"
ESCALATE_BOT_LIMITATION: Final = f"죄송합니다. 더 정확한 안내를 위해 {ESCALATE}"
ESCALATE_VALIDATION_FAILED: Final = f"입력하신 내용을 확인하지 못했습니다. 정확한 안내를 위해 {ESCALATE}"
ESCALATE_ORDER_NOT_FOUND: Final = f"죄송합니다. 주문 정보를 찾지 못했습니다. 확인을 위해 {ESCALATE}"
ESCALATE_SYSTEM_ERROR: Final = f"죄송합니다. 일시적인 오류가 발생했습니다. {ESCALATE}"

# --- product inquiry dialog ------------------------------------------------------------------------

PRODUCT_CATEGORY_PROMPT: Final = (
    "어떤 종류의 상품에 대해 문의하시나요? "
    "1번 전자제품, 2번 의류, 3번 생활용품, 4번 기타 중에서 말씀해 주세요."
)
PRODUCT_CATEGORY_REPROMPT: Final = (
    "죄송합니다. 상품 종류를 확인하지 못했습니다. "
    "1번 전자제품, 2번 의류, 3번 생활용품, 4번 기타 중에서 번호나 이름으로 말씀해 주세요."
)
PRODUCT_NAME_PROMPT: Final = "구체적으로 어떤 상품에 대해 문의하시나요?"
PRODUCT_NAME_TOO_SHORT: Final = (
    "상품 이름을 조금 더 구체적으로 말씀해 주세요. 예를 들어 '무선 청소기'처럼 말씀해 주시면 됩니다."
)
PRODUCT_NAME_TOO_LONG: Final = "상품 이름을 100자 이내로 간단히 말씀해 주세요."
PRODUCT_QUESTION_PROMPT: Final = (
    "어떤 내용을 문의하시나요? "
    "1번 가격 정보, 2번 재고 확인, 3번 상품 상세정보, 4번 기타 중에서 말씀해 주세요."
)
PRODUCT_QUESTION_REPROMPT: Final = (
    "죄송합니다. 문의 내용을 확인하지 못했습니다. "
    "1번 가격 정보, 2번 재고 확인, 3번 상품 상세정보, 4번 기타 중에서 번호나 이름으로 말씀해 주세요."
)


def product_category_selected(category: str) -> str:
    """Acknowledge the product category before asking for the product."""
    return f"{category} 문의로 확인했습니다."


def product_inquiry_received(product: str, question: str) -> str:
    """Confirm what was taken down, before the CONTENT.md complete message."""
    return f"'{product}' 상품의 {question} 문의를 접수했습니다."


# --- reservation dialog ----------------------------------------------------------------------------

RESERVATION_SERVICE_PROMPT: Final = (
    "어떤 서비스 예약을 원하시나요? "
    "1번 상담 예약, 2번 방문 서비스, 3번 전화 상담, 4번 기타 중에서 말씀해 주세요."
)
RESERVATION_SERVICE_REPROMPT: Final = (
    "죄송합니다. 원하시는 서비스를 확인하지 못했습니다. "
    "1번 상담 예약, 2번 방문 서비스, 3번 전화 상담, 4번 기타 중에서 번호나 이름으로 말씀해 주세요."
)
RESERVATION_DATE_PROMPT: Final = "희망하시는 날짜를 알려주세요."
RESERVATION_DATE_REPROMPT: Final = (
    "날짜를 정확히 확인하지 못했습니다. "
    "'12월 1일'이나 '다음 주 화요일'처럼 희망하시는 날짜를 다시 말씀해 주세요."
)
RESERVATION_DATE_TODAY: Final = (
    "죄송합니다. 오늘 날짜로는 예약하실 수 없습니다. 내일 이후의 날짜로 다시 말씀해 주세요."
)
RESERVATION_DATE_PAST: Final = "말씀하신 날짜는 이미 지난 날짜입니다. 내일 이후의 날짜로 다시 말씀해 주세요."
RESERVATION_PHONE_PROMPT: Final = "연락 가능한 전화번호를 알려주세요."
RESERVATION_PHONE_REPROMPT: Final = (
    "전화번호를 확인하지 못했습니다. 010-1234-5678처럼 휴대전화 번호 11자리를 다시 말씀해 주세요."
)

#: Korean weekday names in ``date.weekday()`` order (Monday = 0).
WEEKDAY_NAMES: Final = ("월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일")


def spoken_date(day: date, *, today: date) -> str:
    """A date as a caller hears it: "12월 1일 화요일", with the year only when it is not this year."""
    year = f"{day.year}년 " if day.year != today.year else ""
    return f"{year}{day.month}월 {day.day}일 {WEEKDAY_NAMES[day.weekday()]}"


def reservation_service_selected(service: str) -> str:
    """Acknowledge the chosen service before asking for the date."""
    return f"{service} 예약을 도와드리겠습니다."


def reservation_date_selected(day_spoken: str) -> str:
    """Acknowledge the date before asking for the phone number (every spoken date ends in 일)."""
    return f"{day_spoken}로 확인했습니다."


def spell_out(reference: str) -> str:
    """Read a reference character by character, keeping its groups: "R-2026" → "R, 2 0 2 6".

    Text-to-speech reads "2026" as a quantity (이천이십육); spaced digits are read one by one,
    which is what a caller writing the number down needs.
    """
    groups = [group for group in reference.split("-") if group]
    return ", ".join(" ".join(group) for group in groups)


def reservation_confirmed(
    *, service: str, day_spoken: str, reference: str, phone_last4: str, voice: bool
) -> str:
    """The read-back after a reservation was stored; on the phone the reference is also spelled out."""
    spelled = f" 한 자리씩 다시 불러드리면 {spell_out(reference)}입니다." if voice else ""
    return (
        f"{day_spoken} {service} 예약이 완료되었습니다. 예약번호는 {reference}입니다.{spelled} "
        f"담당자가 확인 후 끝자리 {phone_last4} 번호로 연락드리겠습니다."
    )


# --- order inquiry dialog --------------------------------------------------------------------------

ORDER_NUMBER_PROMPT: Final = "주문 조회를 도와드리겠습니다. 주문번호를 말씀해 주세요."
ORDER_NUMBER_REPROMPT: Final = (
    "주문번호를 확인하지 못했습니다. 주문 내역에 있는 8자리에서 12자리 숫자의 주문번호를 다시 말씀해 주세요."
)


def spoken_order_number(order_id: str, *, voice: bool) -> str:
    """An order number as the caller hears it.

    In chat the canonical form is shown ("ORD20261123001"). On the phone the ``ORD`` prefix is
    dropped (callers say only the digits) and the digits are read one by one in groups of four.
    """
    if not voice:
        return order_id
    digits = order_id.removeprefix("ORD")
    groups = [digits[start : start + 4] for start in range(0, len(digits), 4)]
    return spell_out("-".join(groups))


def order_not_found(order_id: str, *, voice: bool) -> str:
    """First miss: the number is read back so the caller can spot a mistake."""
    return (
        f"주문번호 {spoken_order_number(order_id, voice=voice)}에 해당하는 주문을 찾지 못했습니다. "
        "주문번호를 다시 한 번 확인해서 말씀해 주시겠어요?"
    )


def order_status(order_id: str, status: str, detail: str | None, *, voice: bool) -> str:
    """The status sentence for a found order; ``status`` is speakable Korean such as "배송 중"."""
    sentence = f"주문번호 {spoken_order_number(order_id, voice=voice)} 주문은 현재 {status} 상태입니다."
    if detail:
        sentence = f"{sentence} {detail}"
    return sentence


# --- callbacks an agent receives (bot.callback_plan) ------------------------------------------------

#: What the callback is about, as the outbound and agent whispers say it: one label per
#: ``contract.EscalationReason`` value (a test keeps them complete).
CALLBACK_REASON_LABELS: Final = {
    "complaint": "불편 사항 접수",
    "urgent": "긴급 문의",
    "agent_request": "상담원 연결 요청",
    "payment_security": "결제 관련 문의",
    "tech_support": "기술 지원 요청",
    "product_other": "상품 문의",
    "bot_limitation": "상담원 확인이 필요한 문의",
    "validation_failed": "상담원 확인이 필요한 문의",
    "order_not_found": "주문 확인 요청",
    "system_error": "상담원 연결 요청",
}
#: The label when the reason is unknown.
CALLBACK_REASON_DEFAULT: Final = "상담 요청"


def callback_reason_label(reason: str | None) -> str:
    """The Korean label of an escalation reason for the whispers (a default for anything else)."""
    return CALLBACK_REASON_LABELS.get(reason or "", CALLBACK_REASON_DEFAULT)
