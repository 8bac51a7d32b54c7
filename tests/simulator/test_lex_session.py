"""The Lex simulation: intent matching, code-hook events, session attributes, Close vs ElicitIntent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from contract import FALLBACK_INTENT, LexInputSetting
from lexbot import load_bot_definition
from simulator.flow_data import ActionFailed, InputTimeout
from simulator.lex_session import (
    MAX_BOT_TURNS,
    BotConversationError,
    BotIdentity,
    IntentMatcher,
    LexBotSimulator,
    keypad_input,
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


# --- keypad inside the bot and turn-taking (bot.voice_input) ---------------------------------------


class KeypadScript(Script):
    """A caller who notes whether each input could be keys."""

    def __init__(self, *inputs: str | None) -> None:
        super().__init__(*inputs)
        self.keypad: list[bool] = []

    def next_input(self, keypad: bool = False) -> str | None:
        self.keypad.append(keypad)
        return super().next_input(keypad)


@pytest.mark.parametrize(
    ("keys", "session", "digits", "ended_by", "ignored"),
    [
        ("20260001#", {}, "20260001", "end_key", 0),
        ("01012345678", {}, "01012345678", "timeout", 0),
        ("123*", {}, "", "deletion", 0),
        ("12*34#", {}, "", "deletion", 3),
        ("2#", {LexInputSetting.DTMF_MAX_LENGTH: "1"}, "2", "max_length", 1),
        (
            "12*",
            {LexInputSetting.DTMF_END_CHARACTER: "*", LexInputSetting.DTMF_DELETION_CHARACTER: "#"},
            "12",
            "end_key",
            0,
        ),
        ("1234", {LexInputSetting.DTMF_MAX_LENGTH: "junk"}, "1234", "timeout", 0),
    ],
)
def test_keys_are_collected_as_lex_does_with_the_sessions_settings(
    keys: str, session: dict[str, str], digits: str, ended_by: str, ignored: int
) -> None:
    keyed = keypad_input(keys, session)
    assert (keyed.digits, keyed.ended_by, keyed.ignored) == (digits, ended_by, ignored)


def test_keys_inside_the_bot_reach_the_hook_as_dtmf_digits_without_the_end_key() -> None:
    hook = Hook(elicit("주문번호를 말씀해 주세요", {}), close("끝", {}))
    caller = KeypadScript("주문 조회", "20260001#")
    bot = simulator(hook, caller)
    bot.converse(None, {})
    event = hook.events[1]
    assert (event["inputMode"], event["inputTranscript"]) == ("DTMF", "20260001")
    assert "transcriptions" not in event  # Lex transcribes speech only
    assert caller.keypad == [True, True]  # the keypad is live at every prompt of the bot on voice
    assert bot.turns[1]["keypad"] == {"ended_by": "end_key", "digits": 8, "ignored": 0}


def test_a_cleared_entry_is_heard_as_silence() -> None:
    hook = Hook(close("끝", {}))
    simulator(hook, Script("123*")).converse(None, {})
    assert (hook.events[0]["inputMode"], hook.events[0]["inputTranscript"]) == ("Speech", "")


def test_chat_has_no_keypad_and_keeps_the_text_as_typed() -> None:
    hook = Hook(close("끝", {}))
    caller = KeypadScript("20260001#")
    simulator(hook, caller, channel="CHAT").converse(None, {})
    assert (hook.events[0]["inputMode"], hook.events[0]["inputTranscript"]) == ("Text", "20260001#")
    assert caller.keypad == [False]


def test_the_trace_shows_how_lex_listened_after_each_prompt_never_the_words() -> None:
    read_back = {
        LexInputSetting.ALLOW_INTERRUPT: "false",
        LexInputSetting.AUDIO_START_TIMEOUT_MS: "7000",
        LexInputSetting.AUDIO_END_TIMEOUT_MS: "1500",
        LexInputSetting.AUDIO_MAX_LENGTH_MS: "15000",
        LexInputSetting.DTMF_MAX_LENGTH: "1",
    }
    hook = Hook(elicit("예약이 완료되었습니다", read_back), close("끝", {}))
    bot = simulator(hook, Script("예약할게요", "23"))
    bot.converse(None, {})
    first, second = bot.turns
    # Before the hook set anything: Lex's defaults, prompts interruptible.
    assert first == {
        "interruptible": True,
        "start_timeout_ms": "4000",
        "end_timeout_ms": "600",
        "max_length_ms": "13000",
        "input_mode": "Speech",
    }
    assert second["interruptible"] is False
    assert (second["start_timeout_ms"], second["end_timeout_ms"]) == ("7000", "1500")
    # One key was taken (max-length 1); the second was pressed after the input had ended.
    assert second["keypad"] == {"ended_by": "max_length", "digits": 1, "ignored": 1}
    assert hook.events[1]["inputTranscript"] == "2"
    assert "예약할게요" not in repr(bot.turns)
