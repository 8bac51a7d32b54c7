"""The Lex simulation: intent matching, code-hook events, session attributes, Close vs ElicitIntent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from contract import FALLBACK_INTENT
from lexbot import load_bot_definition
from simulator.flow_data import ActionFailed, InputTimeout
from simulator.lex_session import (
    MAX_BOT_TURNS,
    BotConversationError,
    BotIdentity,
    IntentMatcher,
    LexBotSimulator,
    matcher_from_definition,
    similarity,
)

IDENTITY = BotIdentity("BOT", "aicc-bot", "ALIAS", "live", "ko_KR", "1")


class Script:
    def __init__(self, *inputs: str | None) -> None:
        self.inputs = list(inputs)

    def next_input(self, keypad: bool = False) -> str | None:
        return self.inputs.pop(0) if self.inputs else None


def elicit(message: str, session: Mapping[str, str]) -> dict[str, Any]:
    return {
        "sessionState": {"sessionAttributes": dict(session), "dialogAction": {"type": "ElicitIntent"}},
        "messages": [{"contentType": "PlainText", "content": message}],
    }


def close(message: str, session: Mapping[str, str], intent: str = "agent_request") -> dict[str, Any]:
    return {
        "sessionState": {
            "sessionAttributes": dict(session),
            "dialogAction": {"type": "Close"},
            "intent": {"name": intent, "state": "Fulfilled"},
        },
        "messages": [{"contentType": "PlainText", "content": message}],
    }


class Hook:
    """A code hook answering from a list, recording every event."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        self.events.append(event)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer(event) if callable(answer) else answer


def simulator(
    hook: Hook, caller: Script, *, channel: str = "VOICE", played: list[str] | None = None
) -> LexBotSimulator:
    matcher = IntentMatcher(
        {"greeting": ["안녕하세요"], "agent_request": ["상담원 연결해 주세요"]}, threshold=0.5
    )
    return LexBotSimulator(
        matcher=matcher,
        identity=IDENTITY,
        code_hook=hook,
        context_factory=lambda: None,
        caller=caller,
        play=(played if played is not None else []).append,
        channel=channel,
        session_id="contact-1",
    )


def test_the_best_sample_wins_and_weak_matches_fall_back() -> None:
    matcher = IntentMatcher(
        {"greeting": ["안녕하세요"], "agent_request": ["상담원 연결해 주세요"], FALLBACK_INTENT: []},
        threshold=0.5,
    )
    assert matcher.interpret("상담원 연결해주세요")[0].intent_name == "agent_request"
    fallback_first = matcher.interpret("날씨가 좋네요")
    assert fallback_first[0].intent_name == FALLBACK_INTENT
    assert fallback_first[0].confidence is None


def test_similarity_ignores_spaces_punctuation_and_slot_names() -> None:
    assert similarity("상담원 연결!", "상담원연결") == 1.0
    assert similarity("{orderNumber} 조회", "조회") == 1.0
    assert similarity("", "조회") == 0.0


def test_every_intent_of_the_bot_definition_recognises_its_own_samples() -> None:
    definition = load_bot_definition()
    matcher = matcher_from_definition(definition.intents, definition.nlu_confidence_threshold)
    for intent in definition.intents:
        if intent.name == FALLBACK_INTENT:
            continue
        for sample in intent.sample_utterances:
            assert matcher.interpret(sample)[0].intent_name == intent.name, sample


def test_elicit_intent_keeps_the_caller_and_close_returns_with_attributes() -> None:
    hook = Hook(
        lambda event: elicit(
            "무엇을 도와드릴까요?", {**event["sessionState"]["sessionAttributes"], "turn": "1"}
        ),
        lambda event: close(
            "연결해드리겠습니다.", {**event["sessionState"]["sessionAttributes"], "nextAction": "escalate"}
        ),
    )
    played: list[str] = []
    result = simulator(hook, Script("안녕하세요", "상담원 연결해 주세요"), played=played).converse(
        "안내 말씀", {"channel": "VOICE", "customerTier": "VIP"}
    )
    assert played == ["안내 말씀", "무엇을 도와드릴까요?", "연결해드리겠습니다."]
    assert result.intent_name == "agent_request"
    assert result.session_attributes == {
        "channel": "VOICE",
        "customerTier": "VIP",
        "turn": "1",
        "nextAction": "escalate",
    }
    # Session attributes persist across turns as Lex keeps them.
    assert hook.events[1]["sessionState"]["sessionAttributes"]["turn"] == "1"
    assert [event["sessionState"]["intent"]["name"] for event in hook.events] == ["greeting", "agent_request"]


def test_a_second_bot_block_continues_the_same_session_with_the_flows_attributes_on_top() -> None:
    hook = Hook(
        close("a", {"kept": "yes", "channel": "VOICE"}),
        lambda event: close("b", event["sessionState"]["sessionAttributes"]),
    )
    bot = simulator(hook, Script("안녕하세요", "안녕하세요"))
    bot.converse(None, {"channel": "VOICE"})
    bot.converse(None, {"channel": "CHAT"})
    assert hook.events[1]["sessionState"]["sessionAttributes"] == {"kept": "yes", "channel": "CHAT"}


@pytest.mark.parametrize(
    ("channel", "said", "mode"),
    [
        ("VOICE", "안녕하세요", "Speech"),
        ("CHAT", "안녕하세요", "Text"),
        ("VOICE", "1234", "DTMF"),
        ("CHAT", "1234", "Text"),
    ],
)
def test_input_mode_follows_channel_and_key_presses(channel: str, said: str, mode: str) -> None:
    hook = Hook(close("끝", {}))
    simulator(hook, Script(said), channel=channel).converse(None, {})
    event = hook.events[0]
    assert event["inputMode"] == mode
    assert event["inputTranscript"] == said
    assert event["bot"]["localeId"] == "ko_KR"
    assert event["invocationSource"] == "DialogCodeHook"


def test_a_silent_voice_caller_reaches_the_hook_as_an_empty_turn() -> None:
    hook = Hook(close("끝", {}))
    simulator(hook, Script(None)).converse(None, {})
    assert hook.events[0]["inputTranscript"] == ""
    assert hook.events[0]["interpretations"][0]["intent"]["name"] == FALLBACK_INTENT


def test_a_silent_chat_customer_times_the_block_out() -> None:
    with pytest.raises(InputTimeout):
        simulator(Hook(), Script(None), channel="CHAT").converse(None, {})


def test_a_failing_hook_is_an_error_for_the_flow() -> None:
    with pytest.raises(ActionFailed):
        simulator(Hook(RuntimeError("boom")), Script("안녕하세요")).converse(None, {})


def test_a_dialog_action_the_hook_never_uses_is_refused() -> None:
    answer = {"sessionState": {"dialogAction": {"type": "ElicitSlot", "slotToElicit": "x"}}, "messages": []}
    with pytest.raises(BotConversationError, match="ElicitSlot"):
        simulator(Hook(answer), Script("안녕하세요")).converse(None, {})


def test_a_bot_that_never_closes_is_stopped() -> None:
    hook = Hook(*[elicit("다시 말씀해 주세요", {})] * MAX_BOT_TURNS)
    with pytest.raises(BotConversationError, match=str(MAX_BOT_TURNS)):
        simulator(hook, Script()).converse(None, {})
