"""Scripted calls: the caller's inputs and what the contact center must do with them.

Each :class:`ScriptedCall` is one call through ``python -m simulator call``: the caller's inputs
(``--say`` values; digits at a keypad prompt are key presses), the time and channel of the call,
the caller's tier and the state of the contact center, and what must come out — the outcome, the
queue, fragments of the prompts the caller hears (in order) and contact attributes.

Times are fixed: a Tuesday during business hours, a Saturday, a weekday night, and a Korean
public holiday taken from the environment's holiday calendar (``config.calendar``), never "today".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Final

from config.calendar import korean_public_holidays
from config.settings import load_environment
from simulator.world import FOUND_ORDER_ID, MISSING_ORDER_ID

#: Tuesday 10:00 Korea time: agents at work.
OPEN: Final = "2026-03-10T10:00:00+09:00"
#: Saturday 10:00: closed for the weekend.
WEEKEND: Final = "2026-03-14T10:00:00+09:00"
#: Tuesday 21:00: closed for the night.
NIGHT: Final = "2026-03-10T21:00:00+09:00"


def _weekday_holiday() -> date:
    """The first Korean public holiday of the dev environment's years that falls on a weekday."""
    config = load_environment("dev")
    return next(day for day in korean_public_holidays(config.holiday_years) if day.weekday() < 5)


HOLIDAY_DATE: Final = _weekday_holiday()
#: 10:00 on that holiday: a business hour on any other weekday.
HOLIDAY: Final = f"{HOLIDAY_DATE.isoformat()}T10:00:00+09:00"


def _chuseok() -> tuple[str, str]:
    """19:00 on the eve of the dev environment's first Chuseok closure, and the opening after it.

    The opening is worked out here without the business calendar (the next weekday 09:00 that is
    no holiday): the scripted calls check the contact-flow function against it.
    """
    config = load_environment("dev")
    holidays = korean_public_holidays(config.holiday_years)
    first = min(day for day, name in holidays.items() if "추석" in name)
    eve = first - timedelta(days=1)
    opening = first
    while opening.weekday() >= 5 or opening in holidays:
        opening += timedelta(days=1)
    kst = datetime.fromisoformat(OPEN).tzinfo
    return (
        datetime.combine(eve, time(19, 0), tzinfo=kst).isoformat(),
        datetime.combine(opening, time(9, 0), tzinfo=kst).isoformat(),
    )


#: The evening before Chuseok (a long holiday) and the first opening after it.
CHUSEOK_EVE, AFTER_CHUSEOK = _chuseok()

# Prompts of the flows and the bot, as callers hear them.
WELCOME: Final = "고객센터에 연락해 주셔서 감사합니다"
IN_QUEUE_VOICE: Final = "상담원 연결을 기다리고 계십니다. 순서대로 연결해 드리겠습니다"
IN_QUEUE_CHAT: Final = "순서대로 연결해 드릴 테니 잠시만 기다려 주세요"
AFTER_HOURS: Final = "지금은 상담원 연결이 어려운 시간입니다"
ALL_AGENTS_BUSY: Final = "모든 상담원이 다른 고객님과 상담 중"
CALLBACK_OFFER: Final = "콜백 예약을 원하시면 1번"
CALLBACK_DONE: Final = "콜백 예약이 완료되었습니다"
GOODBYE: Final = "감사합니다. 좋은 하루 되세요!"
NO_CHOICE_END: Final = "선택이 확인되지 않아 상담을 종료하겠습니다"
INVALID_CHOICE: Final = "올바른 선택이 아닙니다. 다시 한 번 선택해 주세요."
CHAT_CALLBACK_OFFER: Final = "콜백 예약을 원하시면 1, 대화를 종료하시려면 2를 입력해 주세요"
CHAT_ASK_NUMBER: Final = "연락받으실 휴대전화 번호를"
CALLBACK_FAILED: Final = "콜백 예약을 완료하지 못했습니다"
CALL_US_INSTEAD: Final = "1588-0000번으로 전화 주시면"
ESCALATE: Final = "상담원에게 연결해드리겠습니다. 잠시만 기다려주세요."
#: The note after a number prompt on voice that the keypad works (bot.voice_input).
KEYPAD_NOTE: Final = "번호를 누르신 뒤 끝에 우물정자를 눌러 주세요"
NOT_NEEDED: Final = "개인정보 보호를 위해 주민등록번호나 카드번호는 말씀하지 않으셔도 됩니다."
BOOKED: Final = "3월 20일 금요일 상담 예약이 완료되었습니다"
#: The bot's apology when storage fails in a dialog (before it asks again).
STORAGE_APOLOGY: Final = "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요."
NUMBER_NOT_DIALABLE: Final = "지금 전화하신 번호로는 저희가 다시 전화를 드릴 수 없습니다"
#: FAQ before escalation (bot.faq_first): answers of lambda_src/bot/data/faq.json and the question.
RESET_LINK_ANSWER: Final = (
    '로그인 페이지에서 "비밀번호 찾기"를 클릭하여 이메일로 재설정 링크를 받으실 수 있습니다.'
)
ORDER_CANCEL_ANSWER: Final = (
    "주문 취소는 배송 준비 전까지 가능합니다. 마이페이지에서 직접 취소하거나 고객센터로 연락주세요."
)
FAQ_FIRST_FOLLOW_UP: Final = "안내해 드린 내용으로 해결되셨을까요?"
#: Tuesday 10:00 plus the queued callback's static delay (bot.callback_plan): when Connect queues it.
OPEN_PLUS_DELAY: Final = "2026-03-10T10:01:00+09:00"


@dataclass(frozen=True)
class ScriptedCall:
    """One scripted call and its expected result."""

    name: str
    says: tuple[str, ...]
    outcome: str
    queue: str | None = None
    at: str = OPEN
    channel: str = "VOICE"
    tier: str = "STANDARD"
    agents: int = 1
    contacts_in_queue: int = 0
    bedrock: str = "off"
    failing: tuple[str, ...] = ()
    #: Tables that stall or fail for the handlers (``--fault TABLE:stall|error``).
    faults: tuple[str, ...] = ()
    #: How chat input blocks behave (``--chat-input``).
    chat_input: str = "typed"
    #: Fragments that must appear in the prompts, in this order.
    prompts: tuple[str, ...] = ()
    #: Contact attributes the call must end with (a subset).
    attributes: dict[str, str] = field(default_factory=dict)
    #: Fragments the caller must hear exactly once (e.g. the goodbye, never said twice).
    heard_once: tuple[str, ...] = ()
    #: Digits the caller said that no table may hold, in any form, when the call ends (``records``
    #: of ``--json``, read digit by digit), except in the attributes ``stored`` expects them in.
    never_stored: tuple[str, ...] = ()
    #: Attributes some row of a table must hold when the call ends: {table key: {name: value}}.
    stored: dict[str, dict[str, str]] = field(default_factory=dict)
    #: The caller's number (``--caller``; None: the simulator's default caller).
    caller: str | None = None
    #: ``--callback-dialing on|off`` (None: as the environment deploys, dev claims no number).
    callback_dialing: bool | None = None
    #: What the call must create in Connect (``callback`` of ``--json``): ``kind``, ``queue``,
    #: ``release_at`` and ``released_to`` compared exactly, ``attributes`` as a subset.
    callback: dict[str, Any] | None = None
    #: Callback actions Connect refuses (``--connect-refuses``).
    connect_refuses: tuple[str, ...] = ()
    #: What the agent who answers hears, exactly (the agent whisper flow's prompts; ``"agent"`` of
    #: ``--json``). Every transferred call with an agent hears a whisper whether or not it is listed.
    agent_whisper: tuple[str, ...] = ()
    #: What the agent's handoff summary view must show (a subset of ``"agent"."summary"``).
    agent_summary: dict[str, str] = field(default_factory=dict)
    #: Lex's ``inputMode`` of each caller turn in the bot, in order (``"bot_turns"`` of ``--json``):
    #: ``DTMF`` proves keys typed inside the bot reached the hook as key presses.
    bot_input_modes: tuple[str, ...] = ()
    #: The caller's need is one the FAQ content answers and no anger, urgency or VIP rule needs an
    #: agent: the calls whose containment ``benchmarks/bench_containment.py`` reports.
    faq_answerable: bool = False

    def argv(self) -> list[str]:
        """The command line of the call (``--json`` output)."""
        args = [
            "call", "--json", "--env", "dev", "--at", self.at, "--channel", self.channel,
            "--customer-tier", self.tier, "--agents-available", str(self.agents),
            "--contacts-in-queue", str(self.contacts_in_queue), "--bedrock", self.bedrock,
        ]  # fmt: skip
        if self.chat_input != "typed":
            args += ["--chat-input", self.chat_input]
        for name in self.failing:
            args += ["--fail-function", name]
        for fault in self.faults:
            args += ["--fault", fault]
        if self.caller is not None:
            args += ["--caller", self.caller]
        for action in self.connect_refuses:
            args += ["--connect-refuses", action]
        if self.callback_dialing is not None:
            args += ["--callback-dialing", "on" if self.callback_dialing else "off"]
        for text in self.says:
            args += ["--say", text]
        return args


SCRIPTED_CALLS: Final[tuple[ScriptedCall, ...]] = (
    # --- each queue ---------------------------------------------------------------------------
    ScriptedCall(
        "agent request goes to the general queue",
        says=("상담원 연결해 주세요",),
        outcome="transferred",
        queue="general",
        prompts=(WELCOME, "무엇을 도와드릴까요?", ESCALATE, IN_QUEUE_VOICE),
        attributes={
            "nextAction": "escalate",
            "queue": "general",
            "reason": "agent_request",
            "customerTier": "STANDARD",
        },
        agent_whisper=("상담원 요청으로 연결된 일반 고객입니다.",),
        agent_summary={
            "Tier": "일반",
            "Intent": "상담원 연결 요청",
            "Reason": "상담원 요청",
            "Priority": "보통",
            "FaqGiven": "없음",
            "Progress": "없음",
            "LastWords": "상담원 연결해 주세요",
        },
    ),
    ScriptedCall(
        "anger goes to the complaint queue",
        says=("배송이 일주일째 안 와서 정말 화나요",),
        outcome="transferred",
        queue="complaint",
        prompts=("불편을 끼쳐드려 죄송합니다. 전문 상담원에게 연결해드리겠습니다.", IN_QUEUE_VOICE),
        attributes={"queue": "complaint", "reason": "complaint"},
        agent_whisper=("불만 접수로 연결된 일반 고객입니다.",),
        agent_summary={"Reason": "불만 접수", "LastWords": "배송이 일주일째 안 와서 정말 화나요"},
    ),
    ScriptedCall(
        "an app error goes to technical support",
        says=("앱이 자꾸 꺼져요",),
        outcome="transferred",
        queue="tech_support",
        prompts=("기술 지원 담당 상담원에게 연결해드리겠습니다", IN_QUEUE_VOICE),
        attributes={"queue": "tech_support"},
    ),
    ScriptedCall(
        "a payment problem goes to the payment queue",
        says=("결제가 두 번 됐어요",),
        outcome="transferred",
        queue="payment",
        prompts=("보안을 위해 전문 상담원에게 연결해드리겠습니다",),
        attributes={"queue": "payment"},
    ),
    ScriptedCall(
        # FAQ first (issue 14) changed this call deliberately: the FAQ on cancelling is answered
        # first, and the caller's "아니요" sends the cancellation to the payment queue as before.
        "a cancellation goes to the payment queue",
        says=("주문 취소해 주세요", "아니요"),
        outcome="transferred",
        queue="payment",
        prompts=(ORDER_CANCEL_ANSWER, FAQ_FIRST_FOLLOW_UP, "보안을 위해 전문 상담원에게 연결해드리겠습니다"),
        attributes={"queue": "payment", "reason": "payment_security"},
        faq_answerable=True,
    ),
    ScriptedCall(
        "a VIP caller goes to the priority queue",
        says=("상담원 연결해 주세요",),
        tier="VIP",
        outcome="transferred",
        queue="priority",
        prompts=(ESCALATE,),
        attributes={"customerTier": "VIP", "queue": "priority"},
        agent_whisper=("상담원 요청으로 연결된 VIP 고객입니다.",),
        agent_summary={"Tier": "VIP", "Priority": "높음"},
    ),
    ScriptedCall(
        "urgent words go to the priority queue",
        says=("긴급이에요 당장 처리해 주세요",),
        outcome="transferred",
        queue="priority",
        prompts=("우선 상담원에게 바로 연결해드리겠습니다",),
        attributes={"queue": "priority", "reason": "urgent"},
        agent_whisper=("긴급 요청으로 연결된 일반 고객입니다.",),
        agent_summary={"Reason": "긴급 요청", "Priority": "긴급"},
    ),
    # --- after hours and callbacks ------------------------------------------------------------
    ScriptedCall(
        "weekend: hours, callback accepted",
        says=("결제가 두 번 됐어요", "1"),
        at=WEEKEND,
        outcome="callback",
        prompts=(
            AFTER_HOURS,
            "평일 오전 9시부터 오후 6시까지",
            CALLBACK_OFFER,
            CALLBACK_DONE,
            "3월 16일 월요일 오전 9시",
        ),
        attributes={"queue": "payment"},
    ),
    ScriptedCall(
        "Korean public holiday: hours, callback declined",
        says=("상담원 연결해 주세요", "2"),
        at=HOLIDAY,
        outcome="disconnected",
        prompts=(AFTER_HOURS, CALLBACK_OFFER, GOODBYE),
        heard_once=(GOODBYE,),
    ),
    ScriptedCall(
        "night: the caller presses nothing at the callback offer",
        says=("상담원 연결해 주세요",),
        at=NIGHT,
        outcome="disconnected",
        prompts=(AFTER_HOURS, CALLBACK_OFFER, NO_CHOICE_END),
    ),
    ScriptedCall(
        "a wrong key is asked again, then the callback is taken",
        says=("상담원 연결해 주세요", "3", "1"),
        at=WEEKEND,
        outcome="callback",
        prompts=(
            CALLBACK_OFFER,
            INVALID_CHOICE,
            CALLBACK_OFFER,
            CALLBACK_DONE,
        ),
    ),
    ScriptedCall(
        "two wrong keys end the call politely",
        says=("상담원 연결해 주세요", "3", "9"),
        at=WEEKEND,
        outcome="disconnected",
        prompts=(INVALID_CHOICE, CALLBACK_OFFER, NO_CHOICE_END),
    ),
    ScriptedCall(
        "open but no agent staffed: callback offer",
        says=("상담원 연결해 주세요", "1"),
        agents=0,
        outcome="callback",
        prompts=(ALL_AGENTS_BUSY, CALLBACK_OFFER, CALLBACK_DONE),
    ),
    ScriptedCall(
        "queue at capacity: callback offer, declined",
        says=("상담원 연결해 주세요", "2"),
        contacts_in_queue=50,
        outcome="disconnected",
        prompts=(ALL_AGENTS_BUSY, CALLBACK_OFFER, GOODBYE),
    ),
    # --- the bot ------------------------------------------------------------------------------
    ScriptedCall(
        "three turns not understood go to the general queue",
        says=("음 그러니까 그게", "어 저기요", "뭐라고 해야 하지"),
        outcome="transferred",
        queue="general",
        prompts=("잘 이해하지 못했습니다", "더 정확한 안내를 위해 상담원에게 연결해드리겠습니다"),
        attributes={"reason": "bot_limitation"},
        agent_whisper=("자동 응대 한계로 연결된 일반 고객입니다.",),
        agent_summary={
            "Intent": "파악되지 않음",
            "Reason": "자동 응대 한계",
            "LastWords": "뭐라고 해야 하지",
        },
    ),
    ScriptedCall(
        "a silent voice caller is escalated after the bot's retries",
        says=(),
        outcome="transferred",
        queue="general",
        prompts=("말씀이 잘 들리지 않았습니다", "상담원에게 연결해드리겠습니다"),
        attributes={"reason": "bot_limitation"},
    ),
    ScriptedCall(
        "FAQ: delivery time answered verbatim, then goodbye",
        faq_answerable=True,
        says=("배송 보통 며칠 걸려요?", "감사합니다"),
        outcome="disconnected",
        prompts=("일반 배송은 주문 후 2-3일, 당일배송은 오후 2시 이전 주문 시 당일 배송됩니다.", GOODBYE),
        # The bot says goodbye as it closes; the flow hangs up without repeating it.
        heard_once=(GOODBYE,),
    ),
    ScriptedCall(
        "greeting, then the business-hours FAQ",
        faq_answerable=True,
        says=("안녕하세요", "영업시간이 어떻게 되나요", "네 감사합니다"),
        outcome="disconnected",
        prompts=(
            "안녕하세요! 무엇을 도와드릴까요?",
            "평일 오전 9시부터 오후 6시까지 운영합니다. 주말 및 공휴일은 휴무입니다.",
            GOODBYE,
        ),
    ),
    ScriptedCall(
        "product inquiry dialog completes",
        says=("노트북 가격 좀 알려주세요", "삼성 갤럭시북", "1", "감사합니다"),
        outcome="disconnected",
        prompts=(
            "전자제품 문의로 확인했습니다",
            "구체적으로 어떤 상품에 대해 문의하시나요?",
            "어떤 내용을 문의하시나요?",
            "요청이 완료되었습니다. 담당자가 검토 후 연락드리겠습니다.",
            GOODBYE,
        ),
    ),
    ScriptedCall(
        "reservation dialog books and reads the reference back",
        says=("예약하고 싶어요", "1", "2026-03-20", "010-1234-5678", "감사합니다"),
        outcome="disconnected",
        prompts=(
            "어떤 서비스 예약을 원하시나요?",
            "희망하시는 날짜를 알려주세요.",
            "연락 가능한 전화번호를 알려주세요.",
            "3월 20일 금요일 상담 예약이 완료되었습니다",
            "예약번호는",
            GOODBYE,
        ),
    ),
    ScriptedCall(
        "handoff: the agent hears why and sees the FAQ given, the booking so far and the masked words",
        says=(
            "영업시간이 어떻게 되나요?",
            "예약하고 싶어요",
            "1",
            "2026-03-20",
            "아 진짜 짜증나네요 010-2468-1357",
        ),
        tier="VIP",
        outcome="transferred",
        queue="priority",
        prompts=(
            "평일 오전 9시부터 오후 6시까지 운영합니다",
            "연락 가능한 전화번호를 알려주세요.",
            "불편을 끼쳐드려",
        ),
        attributes={"reason": "complaint", "handoffReason": "불만 접수"},
        never_stored=("24681357",),
        agent_whisper=("불만 접수로 연결된 VIP 고객입니다.",),
        agent_summary={
            "Tier": "VIP",
            "Intent": "불만",
            "Reason": "불만 접수",
            "Priority": "높음",
            "FaqGiven": "영업시간이 어떻게 되나요?",
            "Progress": "예약 — 서비스: 상담 예약, 희망 날짜: 2026-03-20 (연락처 확인 중)",
            "LastWords": "아 진짜 짜증나네요 010-****-1357",
        },
    ),
    ScriptedCall(
        "order lookup: found",
        says=("주문 조회하고 싶어요", FOUND_ORDER_ID, "감사합니다"),
        outcome="disconnected",
        prompts=("주문번호를 말씀해 주세요", "배송 중 상태입니다", GOODBYE),
    ),
    ScriptedCall(
        "order lookup: not found twice goes to an agent",
        says=("주문 조회하고 싶어요", MISSING_ORDER_ID, "ORD99999998"),
        outcome="transferred",
        queue="general",
        prompts=("해당하는 주문을 찾지 못했습니다", "주문 정보를 찾지 못했습니다"),
        attributes={"reason": "order_not_found"},
        agent_whisper=("주문 조회 실패로 연결된 일반 고객입니다.",),
        agent_summary={"Reason": "주문 조회 실패", "Progress": "주문 조회 — 입력 전 (주문번호 확인 중)"},
    ),
    ScriptedCall(
        "Bedrock failing: the local classifier still answers the FAQ",
        faq_answerable=True,
        says=("배송 보통 며칠 걸려요?", "감사합니다"),
        bedrock="fail",
        outcome="disconnected",
        prompts=("일반 배송은 주문 후 2-3일", GOODBYE),
    ),
    # --- chat ---------------------------------------------------------------------------------
    ScriptedCall(
        "chat: technical support transfer",
        says=("앱이 자꾸 꺼져요",),
        channel="CHAT",
        outcome="transferred",
        queue="tech_support",
        prompts=("기술 지원 담당 상담원에게 연결해드리겠습니다", IN_QUEUE_CHAT),
        attributes={"queue": "tech_support"},
    ),
    ScriptedCall(
        "chat: order found",
        says=("주문 조회하고 싶어요", FOUND_ORDER_ID, "감사합니다"),
        channel="CHAT",
        outcome="disconnected",
        prompts=("배송 중 상태입니다", GOODBYE),
        heard_once=(GOODBYE,),
    ),
    ScriptedCall(
        "chat after hours: typed 1 and a number book a callback",
        says=("상담원 연결해 주세요", "1", "010-9876-5432"),
        channel="CHAT",
        at=WEEKEND,
        outcome="callback",
        prompts=(
            AFTER_HOURS,
            CHAT_CALLBACK_OFFER,
            CHAT_ASK_NUMBER,
            CALLBACK_DONE,
            "예약 번호는 ",
            "3월 16일",
        ),
        heard_once=(GOODBYE,),
    ),
    ScriptedCall(
        "chat with no agent staffed: typed 2 declines the callback",
        says=("상담원 연결해 주세요", "2"),
        channel="CHAT",
        agents=0,
        outcome="disconnected",
        prompts=(ALL_AGENTS_BUSY, CHAT_CALLBACK_OFFER, GOODBYE),
        heard_once=(GOODBYE,),
    ),
    ScriptedCall(
        "chat: a number that is not a phone number cannot be booked",
        says=("상담원 연결해 주세요", "1", "123"),
        channel="CHAT",
        at=NIGHT,
        outcome="disconnected",
        prompts=(CHAT_CALLBACK_OFFER, CHAT_ASK_NUMBER, CALLBACK_FAILED),
    ),
    ScriptedCall(
        "chat: a wrong choice is asked again, then no number is typed",
        says=("상담원 연결해 주세요", "네", "1"),
        channel="CHAT",
        at=WEEKEND,
        outcome="disconnected",
        prompts=(CHAT_CALLBACK_OFFER, INVALID_CHOICE, CHAT_CALLBACK_OFFER, CHAT_ASK_NUMBER, NO_CHOICE_END),
    ),
    ScriptedCall(
        "chat where Connect takes no typed input: the hours and the phone number instead",
        says=("상담원 연결해 주세요",),
        channel="CHAT",
        at=WEEKEND,
        chat_input="unsupported",
        outcome="disconnected",
        prompts=(AFTER_HOURS, CALL_US_INSTEAD),
    ),
    ScriptedCall(
        "chat where Connect takes a typed choice but no stored input: the hours and the phone number",
        says=("상담원 연결해 주세요", "1", "010-9876-5432"),
        channel="CHAT",
        at=WEEKEND,
        chat_input="stored-unsupported",
        outcome="disconnected",
        prompts=(AFTER_HOURS, CHAT_CALLBACK_OFFER, CALL_US_INSTEAD),
    ),
    ScriptedCall(
        "chat: a customer who types nothing times out politely",
        says=(),
        channel="CHAT",
        outcome="disconnected",
        prompts=("응답이 없으셔서 상담을 종료하겠습니다",),
    ),
    # --- failures end somewhere safe ----------------------------------------------------------
    ScriptedCall(
        "contact-flow function down: default tier, callback cannot be registered",
        says=("상담원 연결해 주세요", "1"),
        at=WEEKEND,
        failing=("contact_flow",),
        outcome="disconnected",
        prompts=(CALLBACK_OFFER, "콜백 예약을 완료하지 못했습니다"),
        attributes={"customerTier": "STANDARD"},
    ),
    ScriptedCall(
        "contact-flow function down on chat: the typed number cannot be booked, said politely",
        says=("상담원 연결해 주세요", "1", "010-9876-5432"),
        channel="CHAT",
        at=WEEKEND,
        failing=("contact_flow",),
        outcome="disconnected",
        prompts=(CHAT_CALLBACK_OFFER, CHAT_ASK_NUMBER, CALLBACK_FAILED),
        attributes={"customerTier": "STANDARD"},
    ),
    ScriptedCall(
        "bot down during business hours: apology and the general queue",
        says=("상담원 연결해 주세요",),
        failing=("lex_hook",),
        outcome="transferred",
        queue="general",
        prompts=("일시적인 오류가 발생했습니다. 상담원에게 연결해 드리겠습니다.", IN_QUEUE_VOICE),
        agent_whisper=("시스템 오류로 연결된 고객입니다. 상담 요약을 확인해 주세요.",),
        agent_summary={"Reason": "시스템 오류"},
    ),
    ScriptedCall(
        "bot down on the weekend: the queue flow says the hours and hangs up",
        says=("상담원 연결해 주세요",),
        at=WEEKEND,
        failing=("lex_hook",),
        outcome="disconnected",
        prompts=("일시적인 오류가 발생했습니다", "상담 가능 시간에 다시 연락해 주세요"),
    ),
    ScriptedCall(
        "bot down and the general queue full: polite end",
        says=("상담원 연결해 주세요",),
        failing=("lex_hook",),
        contacts_in_queue=50,
        outcome="disconnected",
        prompts=("일시적인 오류가 발생했습니다", "지금은 상담원 연결이 어렵습니다"),
    ),
    # --- a table stalls or fails: every function still answers in time ---------------------------
    ScriptedCall(
        "callbacks table stalls: the function answers an error in time, the callback-failed path",
        says=("상담원 연결해 주세요", "1"),
        at=WEEKEND,
        faults=("callbacks:stall",),
        outcome="disconnected",
        prompts=(AFTER_HOURS, CALLBACK_OFFER, CALLBACK_FAILED),
        attributes={"customerTier": "STANDARD"},
    ),
    ScriptedCall(
        "callbacks table fails on chat: the typed number cannot be booked, said politely",
        says=("상담원 연결해 주세요", "1", "010-9876-5432"),
        channel="CHAT",
        at=WEEKEND,
        faults=("callbacks:error",),
        outcome="disconnected",
        prompts=(CHAT_CALLBACK_OFFER, CHAT_ASK_NUMBER, CALLBACK_FAILED),
    ),
    ScriptedCall(
        "customers table stalls: a VIP caller is served as STANDARD and the call goes on",
        says=("상담원 연결해 주세요",),
        tier="VIP",
        faults=("customers:stall",),
        outcome="transferred",
        queue="general",
        prompts=(WELCOME, ESCALATE, IN_QUEUE_VOICE),
        attributes={"customerTier": "STANDARD", "queue": "general"},
    ),
    ScriptedCall(
        "conversations table fails: the bot still answers the FAQ and says goodbye",
        faq_answerable=True,
        says=("배송 보통 며칠 걸려요?", "감사합니다"),
        faults=("conversations:error",),
        outcome="disconnected",
        prompts=("일반 배송은 주문 후 2-3일", GOODBYE),
        heard_once=(GOODBYE,),
    ),
    ScriptedCall(
        "conversations table stalls: the bot still routes an angry caller to the complaint queue",
        says=("배송이 일주일째 안 와서 정말 화나요",),
        faults=("conversations:stall",),
        outcome="transferred",
        queue="complaint",
        attributes={"queue": "complaint", "reason": "complaint"},
    ),
    ScriptedCall(
        "faq table stalls: the bundled FAQ answers",
        faq_answerable=True,
        says=("영업시간이 어떻게 되나요", "네 감사합니다"),
        faults=("faq:stall",),
        outcome="disconnected",
        prompts=("평일 오전 9시부터 오후 6시까지 운영합니다", GOODBYE),
    ),
    ScriptedCall(
        "orders table stalls: an apology, the number asked again, then an agent",
        says=("주문 조회하고 싶어요", FOUND_ORDER_ID, FOUND_ORDER_ID),
        faults=("orders:stall",),
        outcome="transferred",
        queue="general",
        prompts=(STORAGE_APOLOGY, "주문번호를 말씀해 주세요", "상담원에게 연결해드리겠습니다"),
        attributes={"reason": "system_error"},
    ),
    ScriptedCall(
        "reservations table fails: an apology, the number asked again, then an agent",
        says=("예약하고 싶어요", "1", "2026-03-20", "010-1234-5678", "010-1234-5678"),
        faults=("reservations:error",),
        outcome="transferred",
        queue="general",
        prompts=(STORAGE_APOLOGY, "연락 가능한 전화번호를 알려주세요", "상담원에게 연결해드리겠습니다"),
        attributes={"reason": "system_error"},
    ),
    # --- personal data: said in any form, stored only where needed, in E.164 ----------------------
    ScriptedCall(
        "personal data: a full-width number books the reservation, stored in E.164 only",
        says=(
            "예약하고 싶어요",
            "1",
            "2026-03-20",
            "제 번호는 ０１０－９８７６－５４３２입니다",
            "감사합니다",
        ),
        outcome="disconnected",
        prompts=("연락 가능한 전화번호를 알려주세요.", BOOKED, "끝자리 5432", GOODBYE),
        never_stored=("98765432",),
        stored={"reservations": {"phone_number": "+821098765432"}},
    ),
    ScriptedCall(
        "personal data: a number with spaced hyphens books the reservation",
        says=("예약하고 싶어요", "1", "2026-03-20", "010 - 2345 - 6789", "감사합니다"),
        outcome="disconnected",
        prompts=(BOOKED, "끝자리 6789", GOODBYE),
        never_stored=("23456789",),
        stored={"reservations": {"phone_number": "+821023456789"}},
    ),
    ScriptedCall(
        "personal data: an international +82 number with its trunk 0 books the reservation",
        says=("예약하고 싶어요", "1", "2026-03-20", "+82 010 3456 7890", "감사합니다"),
        outcome="disconnected",
        prompts=(BOOKED, "끝자리 7890", GOODBYE),
        never_stored=("34567890",),
        stored={"reservations": {"phone_number": "+821034567890"}},
    ),
    ScriptedCall(
        "personal data: a resident registration number is not needed, then a spoken number books",
        says=(
            "예약하고 싶어요",
            "1",
            "제 주민등록번호는 850612-2734819입니다",
            "2026-03-20",
            "공일공 사오육칠 팔구공일이에요",
            "감사합니다",
        ),
        outcome="disconnected",
        prompts=(
            "희망하시는 날짜를 알려주세요.",
            NOT_NEEDED,
            "희망하시는 날짜를 알려주세요.",
            BOOKED,
            "끝자리 8901",
            GOODBYE,
        ),
        never_stored=("8506122734819", "2734819", "45678901"),
        stored={"reservations": {"phone_number": "+821045678901"}},
    ),
    ScriptedCall(
        "personal data: a card number read out is not needed, the payment question still routed",
        says=("결제가 두 번 됐어요 카드번호는 5438 1273 4096 5815 이에요",),
        outcome="transferred",
        queue="payment",
        prompts=(NOT_NEEDED, "보안을 위해 전문 상담원에게 연결해드리겠습니다", IN_QUEUE_VOICE),
        attributes={"queue": "payment"},
        never_stored=("5438127340965815", "543812734096"),
    ),
    ScriptedCall(
        "personal data: chat callback number typed full-width in a sentence, stored in E.164",
        says=("상담원 연결해 주세요", "1", "제 번호는 ０１０－２７３８－４６１９"),
        channel="CHAT",
        at=WEEKEND,
        outcome="callback",
        prompts=(CHAT_ASK_NUMBER, CALLBACK_DONE),
        never_stored=("27384619",),
        stored={"callbacks": {"phone_number": "+821027384619"}},
    ),
    # --- callbacks agents receive (bot.callback_plan) -----------------------------------------
    ScriptedCall(
        "agents working but none free: a queued callback in the bot's queue, queued a minute later",
        says=("결제가 두 번 됐어요", "1"),
        agents=0,
        callback_dialing=True,
        outcome="callback",
        prompts=(ALL_AGENTS_BUSY, CALLBACK_OFFER, CALLBACK_DONE),
        callback={
            "kind": "queued_callback",
            "queue": "payment",
            "release_at": OPEN_PLUS_DELAY,
            "released_to": "payment",
            "attributes": {
                "callbackKind": "queued_callback",
                "callbackQueue": "payment",
                "callbackReason": "payment_security",
                "callbackNumberMasked": "010-****-5678",
                "callbackReleaseAt": OPEN_PLUS_DELAY,
            },
        },
    ),
    ScriptedCall(
        "Chuseok eve on the phone: a task released at the first opening after the long holiday",
        says=("상담원 연결해 주세요", "1"),
        at=CHUSEOK_EVE,
        callback_dialing=True,
        outcome="callback",
        prompts=(AFTER_HOURS, CALLBACK_OFFER, CALLBACK_DONE),
        callback={
            "kind": "task",
            "queue": "general",
            "release_at": AFTER_CHUSEOK,
            "released_to": "general",
            "attributes": {
                "callbackKind": "task",
                "callbackQueue": "general",
                "callbackReleaseAt": AFTER_CHUSEOK,
            },
        },
    ),
    ScriptedCall(
        "Chuseok eve on chat: the typed number's callback is a task released after the holiday",
        says=("상담원 연결해 주세요", "1", "010-2222-3333"),
        channel="CHAT",
        at=CHUSEOK_EVE,
        outcome="callback",
        prompts=(CHAT_ASK_NUMBER, CALLBACK_DONE),
        callback={
            "kind": "task",
            "queue": "general",
            "release_at": AFTER_CHUSEOK,
            "released_to": "general",
            "attributes": {"callbackKind": "task", "callbackNumberMasked": "010-****-3333"},
        },
        stored={"callbacks": {"phone_number": "+821022223333", "kind": "task"}},
    ),
    ScriptedCall(
        "a number Connect cannot dial: said politely, a task for agents instead, recorded once",
        says=("상담원 연결해 주세요", "1"),
        agents=0,
        caller="+14155550100",
        callback_dialing=True,
        outcome="callback",
        prompts=(CALLBACK_OFFER, NUMBER_NOT_DIALABLE, GOODBYE),
        heard_once=(GOODBYE,),
        callback={
            "kind": "task",
            "queue": "general",
            "release_at": OPEN_PLUS_DELAY,
            "released_to": "general",
            "attributes": {"callbackKind": "task", "callbackNumberMasked": "+1-****-0100"},
        },
        stored={"callbacks": {"kind": "task", "phone_number": "+14155550100"}},
    ),
    ScriptedCall(
        "every queue full: the callback becomes a task, which comes back later when it finds no room",
        says=("상담원 연결해 주세요", "1"),
        contacts_in_queue=50,
        callback_dialing=True,
        outcome="callback",
        prompts=(ALL_AGENTS_BUSY, CALLBACK_OFFER, CALLBACK_DONE),
        callback={
            "kind": "task",
            "queue": "general",
            "release_at": OPEN_PLUS_DELAY,
            "released_to": None,
            "attributes": {"callbackKind": "task"},
        },
        stored={"callbacks": {"kind": "task"}},
    ),
    ScriptedCall(
        "Connect refuses the task (a quota): the caller is told, the row says nothing was created",
        says=("상담원 연결해 주세요", "1"),
        at=WEEKEND,
        connect_refuses=("CreateTask",),
        outcome="disconnected",
        prompts=(CALLBACK_OFFER, CALLBACK_FAILED),
        stored={"callbacks": {"status": "NOT_CREATED"}},
    ),
    # --- FAQ before escalation (bot.faq_first) ---------------------------------------------------
    ScriptedCall(
        "FAQ first: a password-like sentence is answered and the silent caller is let go politely",
        says=("로그인 비밀번호가 기억이 안 나요",),
        outcome="disconnected",
        prompts=(RESET_LINK_ANSWER, FAQ_FIRST_FOLLOW_UP, "상담을 마치겠습니다", GOODBYE),
        heard_once=(GOODBYE,),
        faq_answerable=True,
    ),
    ScriptedCall(
        "FAQ first: the answer did not help, '아니요, 상담원 연결해 주세요' reaches technical support",
        says=("로그인 비밀번호가 기억이 안 나요", "아니요, 상담원 연결해 주세요"),
        outcome="transferred",
        queue="tech_support",
        prompts=(RESET_LINK_ANSWER, FAQ_FIRST_FOLLOW_UP, "기술 지원 담당 상담원에게 연결해드리겠습니다"),
        attributes={"queue": "tech_support", "reason": "tech_support"},
        agent_whisper=("기술 지원 요청으로 연결된 일반 고객입니다.",),
        agent_summary={
            "Intent": "기술 지원",
            "Reason": "기술 지원 요청",
            "FaqGiven": "비밀번호를 잊어버렸어요.",
        },
        faq_answerable=True,
    ),
    ScriptedCall(
        "FAQ first: a cancellation answered by the FAQ, thanks end the call politely",
        says=("주문 취소하고 싶어요", "감사합니다"),
        outcome="disconnected",
        prompts=(ORDER_CANCEL_ANSWER, FAQ_FIRST_FOLLOW_UP, GOODBYE),
        heard_once=(GOODBYE,),
        faq_answerable=True,
    ),
    ScriptedCall(
        "FAQ first: an angry caller with FAQ words still goes to the complaint queue at once",
        says=("비밀번호를 잊어버려서 너무 화나요",),
        outcome="transferred",
        queue="complaint",
        prompts=("불편을 끼쳐드려 죄송합니다. 전문 상담원에게 연결해드리겠습니다.",),
        attributes={"queue": "complaint", "reason": "complaint"},
    ),
    ScriptedCall(
        "FAQ first: a VIP caller with FAQ words still goes to the priority queue at once",
        says=("로그인 비밀번호가 기억이 안 나요",),
        tier="VIP",
        outcome="transferred",
        queue="priority",
        prompts=("기술 지원 담당 상담원에게 연결해드리겠습니다",),
        attributes={"queue": "priority", "reason": "tech_support", "priority": "HIGH"},
    ),
    ScriptedCall(
        "FAQ first: urgent words with FAQ words still go to the priority queue at once",
        says=("비밀번호를 잊어버렸어요 급해요 당장 해결해 주세요",),
        outcome="transferred",
        queue="priority",
        prompts=("우선 상담원에게 바로 연결해드리겠습니다",),
        attributes={"queue": "priority", "reason": "urgent", "priority": "CRITICAL"},
    ),
    # --- voice: keypad inside the bot (bot.voice_input) -----------------------------------------
    ScriptedCall(
        "keypad in the bot: the order number typed, # ends it",
        says=("주문 조회하고 싶어요", "20260001#", "감사합니다"),
        outcome="disconnected",
        prompts=("주문번호를 말씀해 주세요", KEYPAD_NOTE, "배송 중 상태입니다", GOODBYE),
        bot_input_modes=("Speech", "DTMF", "Speech"),
    ),
    ScriptedCall(
        "keypad in the bot: menu key, date as MMDD# and the reservation's phone number typed",
        says=("예약하고 싶어요", "1", "0320#", "01024681357#", "감사합니다"),
        outcome="disconnected",
        prompts=(
            "공삼이공처럼",
            "연락 가능한 전화번호를 알려주세요.",
            KEYPAD_NOTE,
            BOOKED,
            "끝자리 1357",
            GOODBYE,
        ),
        never_stored=("24681357",),
        stored={"reservations": {"phone_number": "+821024681357"}},
        bot_input_modes=("Speech", "DTMF", "DTMF", "DTMF", "Speech"),
    ),
    ScriptedCall(
        "keypad in the bot: a typed number that is no order number re-prompts, the third goes to an agent",
        says=("주문 조회하고 싶어요", "1234#", "0000#", "5#"),
        outcome="transferred",
        queue="general",
        prompts=(
            KEYPAD_NOTE,
            "주문번호를 확인하지 못했습니다",
            "입력하신 내용을 확인하지 못했습니다",
            ESCALATE,
        ),
        attributes={"reason": "validation_failed"},
        bot_input_modes=("Speech", "DTMF", "DTMF", "DTMF"),
    ),
)
