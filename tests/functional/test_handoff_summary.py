"""The Lex hook hands the agent's summary to Connect (``bot.handoff`` through the real handler)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.handoff import FAQ_ANSWERED_KEY
from bot.models import KST
from contract import HANDOFF_ATTRIBUTES, ContactAttribute
from handlers import lex_hook
from handlers.settings import LexHookSettings
from tests.functional.conftest import FakeLambdaContext, assert_valid_lex_response, load_event

NOW = datetime(2025, 11, 24, 10, 0, tzinfo=KST)


def _attributes(response: dict[str, Any]) -> dict[str, str]:
    attributes: dict[str, str] = response["sessionState"]["sessionAttributes"]
    return attributes


def _turn(previous: dict[str, str], text: str) -> dict[str, Any]:
    event = load_event("lex_greeting")
    event["inputTranscript"] = text
    event["sessionState"]["intent"]["name"] = "FallbackIntent"
    event["sessionState"]["sessionAttributes"] = dict(previous)
    return event


def test_the_hook_answers_an_escalation_with_the_summary_and_remembers_faq_answers(
    dynamodb: Any, lambda_context: FakeLambdaContext
) -> None:
    app = lex_hook.build_app(LexHookSettings.from_env(), clock=lambda: NOW)
    first = lex_hook.handle_event(
        _turn({}, "영업시간이 어떻게 되나요?"), lambda_context, app_provider=lambda: app
    )
    session = _attributes(first)
    assert session[FAQ_ANSWERED_KEY] == "hours"
    assert not set(HANDOFF_ATTRIBUTES) & set(session)

    second = lex_hook.handle_event(
        _turn(session, "상담원 연결해 주세요 제 번호는 010-2222-3333"),
        lambda_context,
        app_provider=lambda: app,
    )

    assert_valid_lex_response(second)
    summary = _attributes(second)
    assert summary["nextAction"] == "escalate"
    assert summary[ContactAttribute.HANDOFF_WHISPER] == "상담원 요청으로 연결된 일반 고객입니다."
    assert summary[ContactAttribute.HANDOFF_FAQ] == "영업시간이 어떻게 되나요?"
    assert summary[ContactAttribute.HANDOFF_LAST_WORDS] == "상담원 연결해 주세요 제 번호는 010-****-3333"
    assert all(summary[key] for key in HANDOFF_ATTRIBUTES)


class _ExplodingEngine:
    def handle_turn(self, turn: Any) -> Any:
        raise RuntimeError("engine bug")


def test_the_safe_answer_to_a_failure_carries_a_system_error_summary(
    dynamodb: Any, lambda_context: FakeLambdaContext
) -> None:
    wired = lex_hook.build_app(LexHookSettings.from_env())
    broken = lex_hook.LexHookApp(
        engine=_ExplodingEngine(),  # type: ignore[arg-type]
        conversation_log=wired._conversation_log,
        metrics=wired.metrics,
    )
    event = _turn({"customerTier": "VIP", FAQ_ANSWERED_KEY: "delivery_time"}, "주민번호 900101-1234567 이요")

    response = lex_hook.handle_event(event, lambda_context, app_provider=lambda: broken)

    assert_valid_lex_response(response)
    summary = _attributes(response)
    assert summary["reason"] == "system_error"
    assert summary[ContactAttribute.HANDOFF_WHISPER] == "시스템 오류로 연결된 VIP 고객입니다."
    assert summary[ContactAttribute.HANDOFF_FAQ] == "배송기간은 얼마나 걸리나요?"
    assert summary[ContactAttribute.HANDOFF_LAST_WORDS] == "주민번호 [주민등록번호] 이요"
    assert "1234567" not in str(summary)
