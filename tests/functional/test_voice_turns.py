"""The Lex hook on voice: Lex's listening settings per prompt, keypad digits inside the bot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from bot import messages
from bot.models import KST
from bot.voice_input import KEYPAD_HINT_DATE, KEYPAD_HINT_MENU, KEYPAD_HINT_NUMBER, PromptKind, input_settings
from contract import LEX_INPUT_SETTINGS, LexInputSetting
from handlers import lex_hook
from handlers.settings import LexHookSettings
from tests.functional.conftest import FakeLambdaContext, assert_valid_lex_response, load_event

#: Tuesday 10:00 in Seoul: "0320" typed is Friday 2026-03-20.
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=KST)
Runner = Callable[[dict[str, Any]], dict[str, Any]]


@pytest.fixture
def run(dynamodb: Any, lambda_context: FakeLambdaContext) -> Runner:
    app = lex_hook.build_app(LexHookSettings.from_env(), clock=lambda: NOW)

    def runner(event: dict[str, Any]) -> dict[str, Any]:
        return lex_hook.handle_event(event, lambda_context, app_provider=lambda: app)

    return runner


def turn(
    text: str, *, previous: dict[str, Any] | None = None, mode: str = "Speech", channel: str = "VOICE"
) -> dict[str, Any]:
    event = load_event("lex_greeting")
    event["inputTranscript"] = text
    event["inputMode"] = mode
    session = dict(previous["sessionState"]["sessionAttributes"]) if previous else {}
    event["sessionState"]["sessionAttributes"] = {**session, "channel": channel, "contactId": "voice-1"}
    return event


def contents(response: dict[str, Any]) -> list[str]:
    return [message["content"] for message in response["messages"]]


def listening(response: dict[str, Any]) -> dict[str, str]:
    session = response["sessionState"]["sessionAttributes"]
    return {key: session[key] for key in LEX_INPUT_SETTINGS if key in session}


def test_a_voice_reservation_typed_on_the_keypad_sets_each_prompts_listening_and_books(
    run: Runner, dynamodb: Any
) -> None:
    asked = run(turn("예약하고 싶어요"))
    assert listening(asked) == input_settings(PromptKind.MENU)
    assert contents(asked)[-2:] == [messages.RESERVATION_SERVICE_PROMPT, KEYPAD_HINT_MENU]

    service = run(turn("1", previous=asked, mode="DTMF"))
    assert listening(service) == input_settings(PromptKind.DATE)
    assert contents(service)[-1] == KEYPAD_HINT_DATE

    day = run(turn("0320", previous=service, mode="DTMF"))
    assert "3월 20일 금요일로 확인했습니다." in contents(day)
    assert listening(day) == input_settings(PromptKind.PHONE)
    assert contents(day)[-2:] == [messages.RESERVATION_PHONE_PROMPT, KEYPAD_HINT_NUMBER]

    booked = run(turn("01024681357", previous=day, mode="DTMF"))
    assert_valid_lex_response(booked)
    assert "끝자리 1357" in " ".join(contents(booked))
    # The read-back of the reference number is heard whole.
    assert listening(booked) == input_settings(PromptKind.READ_BACK)
    assert listening(booked)[LexInputSetting.ALLOW_INTERRUPT] == "false"


def test_a_typed_number_that_is_no_order_number_re_prompts_then_the_third_goes_to_an_agent(
    run: Runner,
) -> None:
    response = run(turn("주문 조회하고 싶어요"))
    assert listening(response) == input_settings(PromptKind.ORDER_NUMBER)
    for _ in range(2):
        response = run(turn("1234", previous=response, mode="DTMF"))
        assert messages.ORDER_NUMBER_REPROMPT in contents(response)
        assert listening(response) == input_settings(PromptKind.ORDER_NUMBER)
    response = run(turn("1234", previous=response, mode="DTMF"))
    session = response["sessionState"]["sessionAttributes"]
    assert response["sessionState"]["dialogAction"]["type"] == "Close"
    assert (session["nextAction"], session["reason"]) == ("escalate", "validation_failed")


def test_chat_gets_no_listening_settings_and_no_keypad_note(run: Runner) -> None:
    response = run(turn("주문 조회하고 싶어요", mode="Text", channel="CHAT"))
    assert listening(response) == {}
    assert KEYPAD_HINT_NUMBER not in contents(response)
