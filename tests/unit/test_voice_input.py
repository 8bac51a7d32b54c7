"""Voice turn-taking (bot.voice_input): listening profiles per prompt and keypad digits."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.dialogs import Step
from bot.entities import parse_date
from bot.models import KST
from bot.voice_input import (
    KEYPAD_HINT_DATE,
    KEYPAD_HINT_MENU,
    KEYPAD_HINT_NUMBER,
    MAX_SPEECH_MS,
    PROFILES,
    PromptKind,
    input_settings,
    keyed_text,
    keypad_hint,
    prompt_kind,
)
from contract import DTMF_DELETION_KEY, DTMF_END_KEY, LEX_INPUT_SETTINGS, LexInputSetting

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=KST)
TODAY = NOW.date()


# --- profiles ---------------------------------------------------------------------------------------


def test_every_dialog_step_has_a_prompt_kind_and_every_kind_a_profile() -> None:
    assert {prompt_kind(dialog_step=step.value, read_back=False) for step in Step} == {
        PromptKind.MENU,
        PromptKind.OPEN,
        PromptKind.DATE,
        PromptKind.PHONE,
        PromptKind.ORDER_NUMBER,
    }
    assert set(PROFILES) == set(PromptKind)


def test_settings_are_every_lex_input_setting_as_strings_within_lex_and_connect_limits() -> None:
    for kind in PromptKind:
        settings = input_settings(kind)
        assert tuple(settings) == LEX_INPUT_SETTINGS
        assert all(isinstance(value, str) for value in settings.values())
        assert settings[LexInputSetting.DTMF_END_CHARACTER] == DTMF_END_KEY == "#"
        assert settings[LexInputSetting.DTMF_DELETION_CHARACTER] == DTMF_DELETION_KEY == "*"
        # Connect takes the Error branch above 15 s of speech; Lex caps keys at 1024.
        assert 0 < int(settings[LexInputSetting.AUDIO_MAX_LENGTH_MS]) <= MAX_SPEECH_MS
        assert 1 <= int(settings[LexInputSetting.DTMF_MAX_LENGTH]) <= 1024
        assert settings[LexInputSetting.ALLOW_INTERRUPT] in {"true", "false"}


def test_numbers_get_more_time_than_open_questions_and_menus_take_one_key() -> None:
    open_question = PROFILES[PromptKind.OPEN]
    for kind in (PromptKind.DATE, PromptKind.PHONE, PromptKind.ORDER_NUMBER):
        profile = PROFILES[kind]
        assert profile.start_timeout_ms > open_question.start_timeout_ms
        # Korean callers pause between digit groups (공일공, 일이삼사): longer end-of-speech silence.
        assert profile.end_timeout_ms > open_question.end_timeout_ms
        assert profile.dtmf_max_length >= 12  # the longest order number fits, and a wrong one is re-prompted
    assert PROFILES[PromptKind.MENU].dtmf_max_length == 1


def test_questions_can_be_interrupted_read_backs_cannot() -> None:
    assert not PROFILES[PromptKind.READ_BACK].allow_interrupt
    assert all(PROFILES[kind].allow_interrupt for kind in PromptKind if kind is not PromptKind.READ_BACK)
    assert prompt_kind(dialog_step=None, read_back=True) is PromptKind.READ_BACK
    assert prompt_kind(dialog_step=None, read_back=False) is PromptKind.OPEN


def test_keypad_notes_follow_number_date_and_menu_prompts_only() -> None:
    assert keypad_hint(PromptKind.PHONE) == keypad_hint(PromptKind.ORDER_NUMBER) == KEYPAD_HINT_NUMBER
    assert keypad_hint(PromptKind.DATE) == KEYPAD_HINT_DATE
    assert keypad_hint(PromptKind.MENU) == KEYPAD_HINT_MENU
    assert keypad_hint(PromptKind.OPEN) is None and keypad_hint(PromptKind.READ_BACK) is None
    for hint in (KEYPAD_HINT_NUMBER, KEYPAD_HINT_DATE, KEYPAD_HINT_MENU):
        assert hint.endswith("주세요.") or hint.endswith("됩니다.")
        assert "#" not in hint  # text-to-speech would read the symbol; callers know "우물정자"


# --- keyed text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "step", "expected"),
    [
        ("0320", "date", date(2026, 3, 20)),
        ("20260320", "date", date(2026, 3, 20)),
        ("0320#", "date", date(2026, 3, 20)),
        ("1399", "date", None),
        ("123", "date", None),
    ],
)
def test_a_keyed_date_becomes_a_written_date(keys: str, step: str, expected: date | None) -> None:
    assert parse_date(keyed_text(keys, input_mode="DTMF", dialog_step=step), today=TODAY) == expected


def test_other_keys_are_read_as_typed_and_speech_is_untouched() -> None:
    assert keyed_text("01012345678", input_mode="DTMF", dialog_step="phone") == "01012345678"
    assert keyed_text("20260001#", input_mode="DTMF", dialog_step="order_number") == "20260001"
    assert keyed_text("0320", input_mode="Speech", dialog_step="date") == "0320"
    assert keyed_text("0320", input_mode="DTMF", dialog_step=None) == "0320"
