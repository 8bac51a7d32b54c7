"""Voice turn-taking: how Lex listens for the caller's next input, chosen per prompt.

Why here: phone numbers, order numbers and dates said aloud are what speech recognition gets
wrong most, and a Korean caller reading "공일공, 일이삼사, 오육칠팔" pauses between the groups —
with Lex's default end-of-speech silence (600 ms) the number is cut after "공일공". So the bot
listens differently per question, and takes keypad digits inside the Lex conversation:

* **Where the setting lives.** The bot never elicits slots (``lexbot.definition``); every prompt
  is a message of the code hook's ``ElicitIntent``. The one place that knows which question is
  being asked is therefore the hook's response: it sets Lex's ``*:*`` input session attributes
  (names in :class:`contract.LexInputSetting`) for the prompt it is about to play, on every voice
  turn. Lex documents that a Lambda function may overwrite these attributes and that Lambda-set
  values take precedence over the contact flow's (Connect "Get customer input" block page); the
  inbound flow's Lex block sets :data:`OPEN` for the first prompt (a test keeps them equal).
* **Profiles** (:data:`PROFILES`): open questions wait 5 s for speech and 0.8 s of silence;
  menus take one key (``max-length`` 1: no end key needed); dates, phone and order numbers wait
  longer (6-7 s to start, 1.2-1.5 s of silence between digit groups, 15 s at most — the largest
  value Connect accepts) and take up to 20 keys ended by ``#`` (``*`` clears them).
* **Barge-in** (``allow-interrupt``) is on for questions — a caller who knows the menu or has the
  number ready may speak or key over the prompt — and off for read-backs (an order's status, a
  booking's reference number), which the caller must hear whole.
* **Keypad digits** reach the hook as Lex's ``DTMF`` input mode with the digits as the transcript
  (the end key is not part of it). Phone numbers, order numbers and menu numbers typed are read by
  the same parsers as words (``bot.entities``); a date typed as ``MMDD`` or ``YYYYMMDD`` is
  rewritten here to a written date first (:func:`keyed_text`). A typed number that is no valid
  answer is a failed step like a spoken one: re-prompt, and the third failure goes to an agent.
* On voice the number and menu prompts end with a short note that the keypad works
  (:func:`keypad_hint`), since callers do not expect it inside a conversation.

Chat gets none of this: Lex ignores audio and DTMF settings on text, and the notes would confuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from contract import DTMF_DELETION_KEY, DTMF_END_KEY, LexInputSetting


class PromptKind(StrEnum):
    """What the bot's next prompt asks for, which decides how Lex listens."""

    OPEN = "open"  # "무엇을 도와드릴까요?", FAQ answers, a product name
    MENU = "menu"  # a choice of 1-4
    DATE = "date"
    PHONE = "phone"
    ORDER_NUMBER = "order_number"
    READ_BACK = "read_back"  # an order status or booking confirmation, then "더 궁금하신 점이…"


@dataclass(frozen=True, slots=True)
class InputProfile:
    """Lex's listening settings for one kind of prompt (milliseconds and key counts)."""

    allow_interrupt: bool
    start_timeout_ms: int
    end_timeout_ms: int
    max_length_ms: int
    dtmf_max_length: int
    dtmf_end_timeout_ms: int

    def session_attributes(self) -> dict[str, str]:
        """The profile as Lex session attributes (every value a string)."""
        return {
            LexInputSetting.ALLOW_INTERRUPT: "true" if self.allow_interrupt else "false",
            LexInputSetting.AUDIO_START_TIMEOUT_MS: str(self.start_timeout_ms),
            LexInputSetting.AUDIO_END_TIMEOUT_MS: str(self.end_timeout_ms),
            LexInputSetting.AUDIO_MAX_LENGTH_MS: str(self.max_length_ms),
            LexInputSetting.DTMF_END_CHARACTER: DTMF_END_KEY,
            LexInputSetting.DTMF_DELETION_CHARACTER: DTMF_DELETION_KEY,
            LexInputSetting.DTMF_END_TIMEOUT_MS: str(self.dtmf_end_timeout_ms),
            LexInputSetting.DTMF_MAX_LENGTH: str(self.dtmf_max_length),
        }


#: Connect routes the contact to the Error branch above 15 s of speech ("Get customer input").
MAX_SPEECH_MS: Final = 15_000
#: Keys a number prompt takes: more than any valid answer, so a wrong one is re-prompted, not cut.
NUMBER_KEYS: Final = 20

PROFILES: Final[dict[PromptKind, InputProfile]] = {
    PromptKind.OPEN: InputProfile(True, 5_000, 800, 13_000, NUMBER_KEYS, 3_000),
    PromptKind.MENU: InputProfile(True, 5_000, 800, 8_000, 1, 3_000),
    PromptKind.DATE: InputProfile(True, 6_000, 1_200, 10_000, NUMBER_KEYS, 5_000),
    PromptKind.PHONE: InputProfile(True, 7_000, 1_500, MAX_SPEECH_MS, NUMBER_KEYS, 5_000),
    PromptKind.ORDER_NUMBER: InputProfile(True, 7_000, 1_500, MAX_SPEECH_MS, NUMBER_KEYS, 5_000),
    PromptKind.READ_BACK: InputProfile(False, 5_000, 800, 13_000, NUMBER_KEYS, 3_000),
}

#: Dialog steps (``bot.dialogs.Step`` values) and the kind of their prompt.
_STEP_KINDS: Final = {
    "category": PromptKind.MENU,
    "question": PromptKind.MENU,
    "service": PromptKind.MENU,
    "product": PromptKind.OPEN,
    "date": PromptKind.DATE,
    "phone": PromptKind.PHONE,
    "order_number": PromptKind.ORDER_NUMBER,
}

KEYPAD_HINT_NUMBER: Final = "휴대폰 키패드로 누르셔도 됩니다. 번호를 누르신 뒤 끝에 우물정자를 눌러 주세요."
KEYPAD_HINT_DATE: Final = (
    "키패드로는 3월 20일이면 공삼이공처럼 월과 일 네 자리를 누르신 뒤 우물정자를 눌러 주세요."
)
KEYPAD_HINT_MENU: Final = "번호를 눌러 선택하셔도 됩니다."
_HINTS: Final = {
    PromptKind.MENU: KEYPAD_HINT_MENU,
    PromptKind.DATE: KEYPAD_HINT_DATE,
    PromptKind.PHONE: KEYPAD_HINT_NUMBER,
    PromptKind.ORDER_NUMBER: KEYPAD_HINT_NUMBER,
}

_KEYED_DATE_RE: Final = re.compile(r"(?P<y>\d{4})?(?P<m>\d{2})(?P<d>\d{2})")


def prompt_kind(*, dialog_step: str | None, read_back: bool) -> PromptKind:
    """The kind of the prompt a turn ends with: the running dialog's step, else open or read-back."""
    if dialog_step is not None:
        return _STEP_KINDS.get(dialog_step, PromptKind.OPEN)
    return PromptKind.READ_BACK if read_back else PromptKind.OPEN


def input_settings(kind: PromptKind) -> dict[str, str]:
    """Lex session attributes for listening after a prompt of ``kind``."""
    return PROFILES[kind].session_attributes()


def keypad_hint(kind: PromptKind) -> str | None:
    """The note that the keypad works, said after a number, date or menu prompt on voice."""
    return _HINTS.get(kind)


def keyed_text(text: str, *, input_mode: str, dialog_step: str | None) -> str:
    """The caller's keypad digits as the dialogs read them; any other input unchanged.

    Lex hands over the digits without the end key; should one reach the hook anyway it is
    dropped. At the date step ``MMDD`` and ``YYYYMMDD`` become a written date ("03/20",
    "2026-03-20"); everything else (phone, order and menu numbers) is read as typed.
    """
    if input_mode != "DTMF":
        return text
    keys = text.strip().replace(DTMF_END_KEY, "").replace(DTMF_DELETION_KEY, "")
    if dialog_step == "date" and (match := _KEYED_DATE_RE.fullmatch(keys)):
        if match["y"]:
            return f"{match['y']}-{match['m']}-{match['d']}"
        return f"{match['m']}/{match['d']}"
    return keys
