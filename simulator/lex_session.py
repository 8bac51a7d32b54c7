"""Amazon Lex V2, simulated from the versioned bot definition, talking to the real code hook.

What Lex does for a contact flow's ``ConnectParticipantWithLexBot`` and how it is modelled here:

* **Recognition.** Each caller utterance is matched against the sample utterances of the bot
  definition (:class:`IntentMatcher`: character-bigram similarity, deterministic). The best
  intent wins when its score reaches the bot's ``nlu_confidence_threshold``; below it Lex picks
  ``FallbackIntent``. The hook does its own classification, so only the intent name Lex hands
  back to the flow depends on this.
* **Code hook.** Every turn becomes a Lex V2 code-hook event (``DialogCodeHook``): ``inputMode``
  ``Speech`` on voice and ``Text`` on chat, ``DTMF`` when a voice caller keys digits; the
  session attributes persist across turns as Lex keeps them. The hook's ``dialogAction`` decides:
  ``ElicitIntent`` plays its messages and waits for the next utterance, ``Close`` plays them and
  returns to the flow with the intent name and the session attributes.
* **Keypad inside the bot.** On voice a caller's input made only of keypad keys (``0-9``, ``#``,
  ``*``) is key presses, as a caller may press keys at any prompt of a Lex conversation
  (:func:`keypad_input`): Lex collects digits until the end key (``#``), the deletion key
  (``*``: clears the digits and ends the input — nothing was said) or ``max-length`` digits, or
  else until its end timeout after the last key; the hook gets ``inputMode`` ``DTMF`` and the
  digits as ``inputTranscript``, without the end key. Keys after the input ended are not heard.
  The end and deletion keys and ``max-length`` are the ones the session attributes set
  (``contract.LexInputSetting``; the hook changes them per prompt), else Lex's defaults.
* **Turn-taking trace.** :attr:`LexBotSimulator.turns` records per caller turn how Lex listened
  after the prompts just played: whether they could be interrupted (barge-in,
  ``allow-interrupt``), the speech timeouts in effect, the input mode and how keypad input ended
  (``end_key``, ``max_length``, ``deletion``, ``timeout``) — never what was said or typed.
* **Silence.** A voice caller who says nothing reaches the hook as an empty ``Speech`` turn (the
  engine counts it as not understood); a chat customer who types nothing makes the block time
  out (``InputTimeLimitExceeded``), as the chat inactivity timeout does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from bot.text import NOT_WORD_RE
from contract import DTMF_DELETION_KEY, DTMF_END_KEY, FALLBACK_INTENT, LexInputSetting
from simulator.flow_data import ActionFailed, BotResult, InputTimeout

#: Turns one bot conversation may take before the simulator calls it a loop.
MAX_BOT_TURNS: Final = 40
#: The hook answers only with these (see handlers.lex_hook); anything else is not modelled.
_MODELLED_DIALOG_ACTIONS: Final = frozenset({"ElicitIntent", "Close"})

#: Key presses on a phone pad (Lex's ``DTMF`` input mode; what a keypad prompt of a flow takes).
DTMF_RE: Final = re.compile(r"[0-9#*]+")
#: Lex's default for ``x-amz-lex:dtmf:max-length`` (and its ceiling).
DTMF_MAX_LENGTH_DEFAULT: Final = 1024
#: Lex's defaults of the settings the trace shows (Lex V2 guide; Connect's block page says 4000 ms too).
_LISTEN_DEFAULTS: Final = {
    LexInputSetting.ALLOW_INTERRUPT: "true",
    LexInputSetting.AUDIO_START_TIMEOUT_MS: "4000",
    LexInputSetting.AUDIO_END_TIMEOUT_MS: "600",
    LexInputSetting.AUDIO_MAX_LENGTH_MS: "13000",
}
# Sample utterances may name slots ("{orderNumber} 조회해 주세요"); the name is not caller text.
_SLOT_REFERENCE_RE = re.compile(r"\{[^{}]*\}")


class BotConversationError(RuntimeError):
    """The bot conversation cannot go on (a loop, or an answer the simulator does not model)."""


@dataclass(frozen=True, slots=True)
class KeypadInput:
    """Keys a caller pressed, as Lex collects them: the digits it hands over and why input ended."""

    digits: str
    ended_by: str  # end_key | deletion | max_length | timeout
    ignored: int = 0  # keys pressed after the input had ended


def keypad_input(keys: str, session: Mapping[str, str]) -> KeypadInput:
    """Collect ``keys`` as Lex does with the DTMF settings of ``session`` (defaults ``#``, ``*``, 1024)."""
    end_key = session.get(LexInputSetting.DTMF_END_CHARACTER) or DTMF_END_KEY
    deletion_key = session.get(LexInputSetting.DTMF_DELETION_CHARACTER) or DTMF_DELETION_KEY
    raw_length = session.get(LexInputSetting.DTMF_MAX_LENGTH, "")
    max_length = int(raw_length) if raw_length.isdigit() and int(raw_length) > 0 else DTMF_MAX_LENGTH_DEFAULT
    digits = ""
    for index, key in enumerate(keys):
        ended_by = ""
        if key == end_key:
            ended_by = "end_key"
        elif key == deletion_key:
            digits, ended_by = "", "deletion"
        else:
            digits += key
            if len(digits) >= max_length:
                ended_by = "max_length"
        if ended_by:
            return KeypadInput(digits, ended_by, ignored=len(keys) - index - 1)
    return KeypadInput(digits, "timeout")


# --- recognition ---------------------------------------------------------------------------------


def _bigrams(text: str) -> frozenset[str]:
    compact = NOT_WORD_RE.sub("", _SLOT_REFERENCE_RE.sub(" ", text).lower())
    if len(compact) < 2:
        return frozenset({compact}) if compact else frozenset()
    return frozenset(compact[index : index + 2] for index in range(len(compact) - 1))


def similarity(left: str, right: str) -> float:
    """Dice coefficient of the character bigrams of two texts (spaces and punctuation ignored)."""
    return _dice(_bigrams(left), _bigrams(right))


@dataclass(frozen=True, slots=True)
class Interpretation:
    """One candidate intent with Lex's confidence (None for ``FallbackIntent``, as Lex sends it)."""

    intent_name: str
    confidence: float | None


class IntentMatcher:
    """Picks intents by similarity to the sample utterances of the bot definition."""

    def __init__(self, samples: Mapping[str, Sequence[str]], *, threshold: float) -> None:
        self._samples = {
            name: [_bigrams(sample) for sample in utterances]
            for name, utterances in samples.items()
            if name != FALLBACK_INTENT
        }
        self._threshold = threshold

    def interpret(self, text: str, *, limit: int = 3) -> list[Interpretation]:
        """Best intents first; ``FallbackIntent`` first when nothing reaches the threshold."""
        grams = _bigrams(text)
        scored: list[tuple[float, str]] = []
        for name, sample_grams in self._samples.items():
            best = max((_dice(grams, sample) for sample in sample_grams), default=0.0)
            scored.append((round(best, 2), name))
        scored.sort(key=lambda item: (-item[0], item[1]))
        candidates = [Interpretation(name, score) for score, name in scored[:limit] if score > 0]
        fallback = Interpretation(FALLBACK_INTENT, None)
        if not candidates or (candidates[0].confidence or 0.0) < self._threshold:
            return [fallback, *candidates]
        return [*candidates, fallback]


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


# --- the conversation ----------------------------------------------------------------------------


class Caller(Protocol):
    """Where the caller's next words come from."""

    def next_input(self, keypad: bool = False) -> str | None:
        """The caller's next utterance or key presses (``keypad``: keys are heard); None for silence."""


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """The bot as the code hook sees it in ``event.bot``."""

    bot_id: str
    name: str
    alias_id: str
    alias_name: str
    locale_id: str
    version: str


CodeHook = Callable[[dict[str, Any], Any], Any]


class LexBotSimulator:
    """One contact's Lex session: recognition, code-hook turns and persistent session attributes."""

    def __init__(
        self,
        *,
        matcher: IntentMatcher,
        identity: BotIdentity,
        code_hook: CodeHook,
        context_factory: Callable[[], Any],
        caller: Caller,
        play: Callable[[str], None],
        channel: str,
        session_id: str,
    ) -> None:
        self._matcher = matcher
        self._identity = identity
        self._code_hook = code_hook
        self._context_factory = context_factory
        self._caller = caller
        self._play = play
        self._channel = channel
        self._session_id = session_id
        self._session: dict[str, str] = {}
        self._requests = 0
        #: How Lex listened at each caller turn (see the module docstring); no caller words in it.
        self.turns: list[dict[str, Any]] = []

    @property
    def session_attributes(self) -> dict[str, str]:
        """The session attributes Lex holds for the contact right now."""
        return dict(self._session)

    def converse(self, prompt: str | None, flow_attributes: Mapping[str, str]) -> BotResult:
        """Run the bot until the hook closes; ``InputTimeout`` when a chat customer stays silent."""
        # The flow's attributes are laid over what the session already holds (same session id).
        self._session = {**self._session, **flow_attributes}
        if prompt:
            self._play(prompt)
        for _ in range(MAX_BOT_TURNS):
            # On voice the keypad is live at every prompt of the bot, as it is in Connect.
            utterance = self._caller.next_input(keypad=self._channel == "VOICE")
            silent = utterance is None or not utterance.strip()
            if silent and self._channel != "VOICE":
                raise InputTimeout
            response = self._turn("" if silent else str(utterance))
            state = response["sessionState"]
            for message in response.get("messages") or []:
                content = message.get("content") if isinstance(message, Mapping) else None
                if isinstance(content, str) and content:
                    self._play(content)
            self._session = dict(state.get("sessionAttributes") or {})
            if state["dialogAction"]["type"] == "Close":
                intent = state.get("intent") or {}
                return BotResult(str(intent.get("name") or FALLBACK_INTENT), dict(self._session))
        raise BotConversationError(f"the bot did not return to the flow within {MAX_BOT_TURNS} turns")

    def _turn(self, utterance: str) -> Mapping[str, Any]:
        event = self.build_event(utterance)
        try:
            response = self._code_hook(event, self._context_factory())
        except Exception as error:
            # Lex answers the flow with an error when its code hook fails.
            raise ActionFailed(f"code hook failed: {type(error).__name__}") from error
        return self._checked(response)

    def build_event(self, utterance: str) -> dict[str, Any]:
        """The Lex V2 code-hook event for one utterance (shape of a recorded Connect turn)."""
        self._requests += 1
        turn = self._listening()
        if self._channel != "VOICE":
            input_mode = "Text"
        elif utterance and DTMF_RE.fullmatch(utterance.strip()):
            keyed = keypad_input(utterance.strip(), self._session)
            turn["keypad"] = {
                "ended_by": keyed.ended_by,
                "digits": len(keyed.digits),
                "ignored": keyed.ignored,
            }
            # A cleared entry is no input: the hook hears silence, as from a caller who said nothing.
            input_mode, utterance = ("DTMF", keyed.digits) if keyed.digits else ("Speech", "")
        else:
            input_mode = "Speech"
        turn["input_mode"] = input_mode
        self.turns.append(turn)
        interpretations = self._matcher.interpret(utterance)
        top = interpretations[0].intent_name
        intent = {"name": top, "slots": {}, "state": "InProgress", "confirmationState": "None"}
        event: dict[str, Any] = {
            "messageVersion": "1.0",
            "invocationSource": "DialogCodeHook",
            "inputMode": input_mode,
            "responseContentType": "text/plain; charset=utf-8",
            "sessionId": self._session_id,
            "inputTranscript": utterance.strip() if input_mode == "DTMF" else utterance,
            "bot": {
                "id": self._identity.bot_id,
                "name": self._identity.name,
                "aliasId": self._identity.alias_id,
                "aliasName": self._identity.alias_name,
                "localeId": self._identity.locale_id,
                "version": self._identity.version,
            },
            "interpretations": [_interpretation(item) for item in interpretations],
            "proposedNextState": None,
            "requestAttributes": {"x-amz-lex:channels:platform": "Connect"},
            "sessionState": {
                "activeContexts": [],
                "sessionAttributes": dict(self._session),
                "intent": intent,
                "originatingRequestId": f"{self._session_id}-{self._requests}",
            },
        }
        if input_mode == "Speech":
            event["transcriptions"] = [
                {
                    "transcription": utterance,
                    "transcriptionConfidence": 0.9 if utterance else 0.0,
                    "resolvedContext": {"intent": top},
                    "resolvedSlots": {},
                }
            ]
        return event

    def _listening(self) -> dict[str, Any]:
        """How Lex listens now: the session's settings over Lex's defaults (voice only matters)."""
        settings = {**_LISTEN_DEFAULTS, **self._session}
        return {
            "interruptible": settings[LexInputSetting.ALLOW_INTERRUPT].strip().lower() != "false",
            "start_timeout_ms": settings[LexInputSetting.AUDIO_START_TIMEOUT_MS],
            "end_timeout_ms": settings[LexInputSetting.AUDIO_END_TIMEOUT_MS],
            "max_length_ms": settings[LexInputSetting.AUDIO_MAX_LENGTH_MS],
        }

    @staticmethod
    def _checked(response: Any) -> Mapping[str, Any]:
        """The parts of a Lex V2 response the simulator relies on; Lex rejects anything else."""
        if not isinstance(response, Mapping) or not isinstance(response.get("sessionState"), Mapping):
            raise ActionFailed("code hook response has no sessionState")
        state = response["sessionState"]
        action = state.get("dialogAction")
        action_type = action.get("type") if isinstance(action, Mapping) else None
        if action_type not in _MODELLED_DIALOG_ACTIONS:
            raise BotConversationError(
                f"the code hook answered dialogAction {action_type!r}, which is not modelled"
            )
        attributes = state.get("sessionAttributes") or {}
        if not isinstance(attributes, Mapping) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in attributes.items()
        ):
            raise ActionFailed("session attributes must be strings")
        if action_type == "ElicitIntent" and not response.get("messages"):
            raise ActionFailed("ElicitIntent needs messages")
        return response


def _interpretation(item: Interpretation) -> dict[str, Any]:
    interpretation: dict[str, Any] = {
        "intent": {"name": item.intent_name, "slots": {}, "state": "InProgress", "confirmationState": "None"},
        "interpretationSource": "Lex",
    }
    if item.confidence is not None:
        interpretation["nluConfidence"] = item.confidence
    return interpretation


def matcher_from_definition(intents: Iterable[Any], threshold: float) -> IntentMatcher:
    """An ``IntentMatcher`` over ``lexbot`` intent definitions (``name``, ``sample_utterances``)."""
    return IntentMatcher(
        {intent.name: tuple(intent.sample_utterances) for intent in intents}, threshold=threshold
    )
