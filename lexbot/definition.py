"""The versioned ko_KR Lex V2 bot definition: load it, validate it, fingerprint it.

``bot_definition.json`` is the single source of the bot's language model (intents, sample
utterances, slot types, locale and voice). The CDK construct renders it into
``AWS::Lex::Bot`` and the local simulator reads it to know which intents exist, so a mistake
here must stop ``cdk synth`` and the tests with one message naming the field, not fail a
CloudFormation deploy twenty minutes later.

Validation follows Lex V2's own rules (CloudFormation schema of ``AWS::Lex::Bot`` and the Lex V2
quotas) plus the project's rules: 8-20 sample utterances per intent, no utterance in two intents,
every slot optional (the code hook never elicits slots) and ``FallbackIntent`` present with no
utterances or slots (Lex does not allow them on the fallback intent).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from contract import FALLBACK_INTENT

DEFAULT_DEFINITION_PATH: Final = Path(__file__).with_name("bot_definition.json")

#: Lex signature the fallback intent is built from.
FALLBACK_PARENT_SIGNATURE: Final = "AMAZON.FallbackIntent"

#: Project rule: enough examples to train the model, few enough to keep them reviewed.
MIN_SAMPLE_UTTERANCES: Final = 8
MAX_SAMPLE_UTTERANCES: Final = 20
#: Lex V2 quota "Characters per sample utterance".
MAX_UTTERANCE_CHARS: Final = 500
#: CloudFormation schema of AWS::Lex::Bot SampleValue (stricter than the 500 of the quotas page).
MAX_SLOT_VALUE_CHARS: Final = 140
#: CloudFormation schema: Description of a bot or an intent.
MAX_DESCRIPTION_CHARS: Final = 2000
#: CloudFormation schema: IdleSessionTTLInSeconds.
MIN_IDLE_SESSION_TTL: Final = 60
MAX_IDLE_SESSION_TTL: Final = 86400
#: Lex V2 quota "Slots per intent".
MAX_SLOTS_PER_INTENT: Final = 100

#: Built-in slot types Lex V2 documents for every locale. AMAZON.AlphaNumeric and
#: AMAZON.Confirmation are left out on purpose: they were long unavailable in ko_KR.
KO_KR_BUILT_IN_SLOT_TYPES: Final = frozenset(
    {
        "AMAZON.City",
        "AMAZON.Country",
        "AMAZON.Date",
        "AMAZON.Duration",
        "AMAZON.EmailAddress",
        "AMAZON.FirstName",
        "AMAZON.FreeFormInput",
        "AMAZON.LastName",
        "AMAZON.Number",
        "AMAZON.Percentage",
        "AMAZON.PhoneNumber",
        "AMAZON.State",
        "AMAZON.StreetName",
        "AMAZON.Time",
    }
)
#: CloudFormation schema enum of VoiceSettings.Engine.
VOICE_ENGINES: Final = ("standard", "neural", "long-form", "generative")

# Lex names (bot, intent, slot, slot type): letters and digits, single "_"/"-" separators.
_LEX_NAME = re.compile(r"^(?:[0-9a-zA-Z][_-]?)+$")
_MAX_NAME_CHARS = 100
_LOCALE_ID = re.compile(r"^[a-z]{2}_[A-Z]{2}$")
_VOICE_ID = re.compile(r"^[A-Z][A-Za-z]+$")
_SLOT_REFERENCE = re.compile(r"\{([^{}]*)\}")
# Trailing punctuation does not make a different utterance for Lex's model.
_TRAILING_PUNCTUATION = "?!.~,。？！ "


class BotDefinitionError(ValueError):
    """The bot definition is invalid; the message starts with the offending field's path."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class SlotValue:
    """One value of a custom slot type and the words callers use for it."""

    value: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SlotTypeDefinition:
    """A custom slot type; Lex resolves a match to ``value`` (TOP_RESOLUTION)."""

    name: str
    values: tuple[SlotValue, ...]


@dataclass(frozen=True, slots=True)
class SlotDefinition:
    """A slot of an intent. ``required`` is always False here: the hook never elicits slots."""

    name: str
    slot_type: str
    required: bool


@dataclass(frozen=True, slots=True)
class IntentDefinition:
    """An intent with its Korean sample utterances (``{slotName}`` marks a slot)."""

    name: str
    description: str
    sample_utterances: tuple[str, ...]
    slots: tuple[SlotDefinition, ...]

    @property
    def is_fallback(self) -> bool:
        """True for Lex's built-in fallback intent."""
        return self.name == FALLBACK_INTENT


@dataclass(frozen=True, slots=True)
class BotDefinition:
    """The whole bot: one locale, its voice, slot types and intents (``FallbackIntent`` included)."""

    name: str
    description: str
    locale_id: str
    voice_id: str
    voice_engine: str
    nlu_confidence_threshold: float
    idle_session_ttl_seconds: int
    slot_types: tuple[SlotTypeDefinition, ...]
    intents: tuple[IntentDefinition, ...]

    def intent(self, name: str) -> IntentDefinition:
        """The intent called ``name``; KeyError naming it when the bot has no such intent."""
        for intent in self.intents:
            if intent.name == name:
                return intent
        raise KeyError(f"the bot definition has no intent {name!r}")

    @property
    def intent_names(self) -> tuple[str, ...]:
        """Every intent name, in definition order."""
        return tuple(intent.name for intent in self.intents)

    def content_hash(self) -> str:
        """SHA-256 hex digest of the definition's canonical JSON.

        Computed from the parsed content, not the file bytes, so re-indenting the JSON file does
        not create a new bot version, while any change of meaning does. Stable across runs and
        machines: sorted keys, fixed separators, UTF-8, no dependence on hash seeds.
        """
        canonical = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_bot_definition(path: Path | None = None) -> BotDefinition:
    """Read and validate the bot definition (default: ``lexbot/bot_definition.json``).

    Raises:
        BotDefinitionError: naming the field, for any invalid or missing value.
    """
    source = path or DEFAULT_DEFINITION_PATH
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise BotDefinitionError(str(source), f"not valid JSON ({error})") from error
    return parse_bot_definition(data)


def parse_bot_definition(data: Any) -> BotDefinition:
    """Validate an already-parsed definition (the JSON document as Python data)."""
    root = _mapping(data, "definition")
    _only_keys(
        root,
        "definition",
        required=(
            "name",
            "description",
            "locale_id",
            "voice_id",
            "voice_engine",
            "nlu_confidence_threshold",
            "idle_session_ttl_seconds",
            "slot_types",
            "intents",
        ),
    )
    slot_types = tuple(
        _slot_type(item, f"slot_types[{index}]")
        for index, item in enumerate(_sequence(root["slot_types"], "slot_types"))
    )
    _unique((slot_type.name for slot_type in slot_types), "slot_types", "slot type")
    intents = tuple(
        _intent(item, f"intents[{index}]", {slot_type.name for slot_type in slot_types})
        for index, item in enumerate(_sequence(root["intents"], "intents"))
    )
    _unique((intent.name for intent in intents), "intents", "intent")
    if FALLBACK_INTENT not in {intent.name for intent in intents}:
        raise BotDefinitionError("intents", f"{FALLBACK_INTENT} is required by Lex and missing")
    _check_utterances_distinct(intents)

    return BotDefinition(
        name=_name(root["name"], "name"),
        description=_text(root["description"], "description", MAX_DESCRIPTION_CHARS),
        locale_id=_matching(root["locale_id"], "locale_id", _LOCALE_ID, "a Lex locale id such as ko_KR"),
        voice_id=_matching(root["voice_id"], "voice_id", _VOICE_ID, "a Polly voice id such as Seoyeon"),
        voice_engine=_choice(root["voice_engine"], "voice_engine", VOICE_ENGINES),
        nlu_confidence_threshold=_threshold(root["nlu_confidence_threshold"], "nlu_confidence_threshold"),
        idle_session_ttl_seconds=_integer(
            root["idle_session_ttl_seconds"],
            "idle_session_ttl_seconds",
            MIN_IDLE_SESSION_TTL,
            MAX_IDLE_SESSION_TTL,
        ),
        slot_types=slot_types,
        intents=intents,
    )


def normalized_utterance(utterance: str) -> str:
    """The form two utterances are compared in: NFC, single spaces, case and end punctuation ignored."""
    text = " ".join(unicodedata.normalize("NFC", utterance).split())
    return text.rstrip(_TRAILING_PUNCTUATION).casefold()


def _slot_type(data: Any, field: str) -> SlotTypeDefinition:
    item = _mapping(data, field)
    _only_keys(item, field, required=("name", "values"))
    name = _name(item["name"], f"{field}.name")
    if name.startswith("AMAZON"):
        raise BotDefinitionError(f"{field}.name", "custom slot type names must not start with AMAZON")
    raw_values = _sequence(item["values"], f"{field}.values")
    if not raw_values:
        raise BotDefinitionError(f"{field}.values", "a slot type needs at least one value")
    values = tuple(_slot_value(value, f"{field}.values[{index}]") for index, value in enumerate(raw_values))
    # Lex resolves a spoken word to exactly one value: a word may appear once per slot type.
    _unique(
        (word.casefold() for value in values for word in (value.value, *value.synonyms)),
        f"{field}.values",
        "value or synonym",
    )
    return SlotTypeDefinition(name=name, values=values)


def _slot_value(data: Any, field: str) -> SlotValue:
    item = _mapping(data, field)
    _only_keys(item, field, required=("value",), optional=("synonyms",))
    synonyms = _sequence(item.get("synonyms", []), f"{field}.synonyms")
    return SlotValue(
        value=_text(item["value"], f"{field}.value", MAX_SLOT_VALUE_CHARS),
        synonyms=tuple(
            _text(synonym, f"{field}.synonyms[{index}]", MAX_SLOT_VALUE_CHARS)
            for index, synonym in enumerate(synonyms)
        ),
    )


def _intent(data: Any, field: str, custom_slot_types: set[str]) -> IntentDefinition:
    item = _mapping(data, field)
    _only_keys(item, field, required=("name", "description", "sample_utterances"), optional=("slots",))
    name = _name(item["name"], f"{field}.name")
    field = f"intents.{name}"  # from here on, the intent's name says more than its index
    raw_slots = _sequence(item.get("slots", []), f"{field}.slots")
    slots = tuple(
        _slot(slot, f"{field}.slots[{index}]", custom_slot_types) for index, slot in enumerate(raw_slots)
    )
    _unique((slot.name for slot in slots), f"{field}.slots", "slot")
    if len(slots) > MAX_SLOTS_PER_INTENT:
        raise BotDefinitionError(f"{field}.slots", f"at most {MAX_SLOTS_PER_INTENT} slots per intent")
    raw_utterances = _sequence(item["sample_utterances"], f"{field}.sample_utterances")
    utterances = tuple(
        _utterance(utterance, f"{field}.sample_utterances[{index}]", {slot.name for slot in slots})
        for index, utterance in enumerate(raw_utterances)
    )

    if name == FALLBACK_INTENT:
        # Lex V2: "You can't add utterances, slots or a confirmation prompt to a fallback intent."
        if utterances:
            raise BotDefinitionError(f"{field}.sample_utterances", "the fallback intent takes no utterances")
        if slots:
            raise BotDefinitionError(f"{field}.slots", "the fallback intent takes no slots")
    elif not MIN_SAMPLE_UTTERANCES <= len(utterances) <= MAX_SAMPLE_UTTERANCES:
        raise BotDefinitionError(
            f"{field}.sample_utterances",
            f"needs {MIN_SAMPLE_UTTERANCES}-{MAX_SAMPLE_UTTERANCES} utterances, has {len(utterances)}",
        )
    return IntentDefinition(
        name=name,
        description=_text(item["description"], f"{field}.description", MAX_DESCRIPTION_CHARS),
        sample_utterances=utterances,
        slots=slots,
    )


def _slot(data: Any, field: str, custom_slot_types: set[str]) -> SlotDefinition:
    item = _mapping(data, field)
    _only_keys(item, field, required=("name", "slot_type", "required"))
    name = _name(item["name"], f"{field}.name")
    slot_type = _text(item["slot_type"], f"{field}.slot_type", _MAX_NAME_CHARS)
    if slot_type not in custom_slot_types and slot_type not in KO_KR_BUILT_IN_SLOT_TYPES:
        raise BotDefinitionError(
            f"{field}.slot_type", f"unknown slot type {slot_type!r} (not defined and not a ko_KR built-in)"
        )
    required = item["required"]
    if not isinstance(required, bool):
        raise BotDefinitionError(f"{field}.required", "must be true or false")
    if required:
        raise BotDefinitionError(
            f"{field}.required", "slots must be optional: the code hook answers every turn and never elicits"
        )
    return SlotDefinition(name=name, slot_type=slot_type, required=required)


def _utterance(data: Any, field: str, slot_names: set[str]) -> str:
    utterance = _text(data, field, MAX_UTTERANCE_CHARS)
    for reference in _SLOT_REFERENCE.findall(utterance):
        if reference not in slot_names:
            raise BotDefinitionError(field, f"references undefined slot {{{reference}}}")
    if "{" in _SLOT_REFERENCE.sub("", utterance) or "}" in _SLOT_REFERENCE.sub("", utterance):
        raise BotDefinitionError(field, "has an unbalanced '{' or '}'")
    return utterance


def _check_utterances_distinct(intents: Sequence[IntentDefinition]) -> None:
    """An utterance in two intents (or twice in one) teaches Lex nothing but confusion."""
    seen: dict[str, str] = {}
    for intent in intents:
        for index, utterance in enumerate(intent.sample_utterances):
            key = normalized_utterance(utterance)
            if key in seen:
                raise BotDefinitionError(
                    f"intents.{intent.name}.sample_utterances[{index}]",
                    f"{utterance!r} also appears in intent {seen[key]!r}",
                )
            seen[key] = intent.name


def _mapping(data: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise BotDefinitionError(field, "must be a JSON object")
    return data


def _sequence(data: Any, field: str) -> Sequence[Any]:
    if not isinstance(data, list):
        raise BotDefinitionError(field, "must be a JSON array")
    return data


def _only_keys(
    item: Mapping[str, Any], field: str, *, required: Sequence[str], optional: Sequence[str] = ()
) -> None:
    for key in required:
        if key not in item:
            raise BotDefinitionError(f"{field}.{key}", "is required")
    unknown = sorted(set(item) - set(required) - set(optional))
    if unknown:
        raise BotDefinitionError(f"{field}.{unknown[0]}", "is not a known field (a typo?)")


def _text(data: Any, field: str, max_chars: int) -> str:
    if not isinstance(data, str) or not data.strip():
        raise BotDefinitionError(field, "must be a non-empty string")
    if data != data.strip():
        raise BotDefinitionError(field, "must not start or end with whitespace")
    if len(data) > max_chars:
        raise BotDefinitionError(field, f"is {len(data)} characters long, at most {max_chars} allowed")
    return data


def _name(data: Any, field: str) -> str:
    name = _text(data, field, _MAX_NAME_CHARS)
    if not _LEX_NAME.fullmatch(name):
        raise BotDefinitionError(
            field, f"{name!r} is not a Lex name (letters, digits, single '_' or '-' between them)"
        )
    return name


def _matching(data: Any, field: str, pattern: re.Pattern[str], expected: str) -> str:
    text = _text(data, field, _MAX_NAME_CHARS)
    if not pattern.fullmatch(text):
        raise BotDefinitionError(field, f"{text!r} is not {expected}")
    return text


def _choice(data: Any, field: str, choices: Sequence[str]) -> str:
    if data not in choices:
        raise BotDefinitionError(field, f"{data!r} is not one of {', '.join(choices)}")
    return str(data)


def _threshold(data: Any, field: str) -> float:
    if isinstance(data, bool) or not isinstance(data, int | float) or not 0 <= data <= 1:
        raise BotDefinitionError(field, "must be a number from 0 to 1")
    return float(data)


def _integer(data: Any, field: str, minimum: int, maximum: int) -> int:
    if isinstance(data, bool) or not isinstance(data, int) or not minimum <= data <= maximum:
        raise BotDefinitionError(field, f"must be an integer from {minimum} to {maximum}")
    return data


def _unique(names: Any, field: str, what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise BotDefinitionError(field, f"duplicate {what} {name!r}")
        seen.add(name)
