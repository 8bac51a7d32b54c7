"""The versioned Lex bot definition: content, validation rules and the content hash."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contract import FALLBACK_INTENT, Intent
from lexbot import (
    DEFAULT_DEFINITION_PATH,
    BotDefinition,
    BotDefinitionError,
    load_bot_definition,
    normalized_utterance,
    parse_bot_definition,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def definition() -> BotDefinition:
    return load_bot_definition()


@pytest.fixture
def raw() -> dict[str, Any]:
    """A fresh copy of the definition file's JSON, for mutating into invalid variants."""
    data: dict[str, Any] = json.loads(DEFAULT_DEFINITION_PATH.read_text(encoding="utf-8"))
    return data


def _intent(data: dict[str, Any], name: str) -> dict[str, Any]:
    intent: dict[str, Any] = next(item for item in data["intents"] if item["name"] == name)
    return intent


# --- the shipped definition -------------------------------------------------------------------


def test_definition_has_the_intents_of_the_contract_and_the_fallback(definition: BotDefinition) -> None:
    assert sorted(definition.intent_names) == sorted([*(intent.value for intent in Intent), FALLBACK_INTENT])


def test_locale_voice_and_session_settings(definition: BotDefinition) -> None:
    assert definition.locale_id == "ko_KR"
    assert definition.voice_id == "Seoyeon"
    assert definition.voice_engine in {"standard", "neural"}  # the engines Seoyeon has
    assert 0 < definition.nlu_confidence_threshold < 1
    assert 60 <= definition.idle_session_ttl_seconds <= 86400


def test_every_intent_has_8_to_20_korean_utterances_and_the_fallback_none(definition: BotDefinition) -> None:
    for intent in definition.intents:
        if intent.name == FALLBACK_INTENT:
            assert intent.sample_utterances == ()
            assert intent.slots == ()
            continue
        assert 8 <= len(intent.sample_utterances) <= 20, intent.name
        assert all(any("\uac00" <= char <= "\ud7a3" for char in text) for text in intent.sample_utterances)


def test_no_utterance_belongs_to_two_intents(definition: BotDefinition) -> None:
    owners: dict[str, set[str]] = {}
    for intent in definition.intents:
        for utterance in intent.sample_utterances:
            owners.setdefault(normalized_utterance(utterance), set()).add(intent.name)
    assert {text: names for text, names in owners.items() if len(names) > 1} == {}


def test_how_to_questions_are_general_inquiry_and_requests_are_actions(definition: BotDefinition) -> None:
    # CONTENT.md: a policy question is general_inquiry, a request to act is the action intent.
    assert "주문 취소는 어떻게 하나요?" in definition.intent("general_inquiry").sample_utterances
    assert "주문 취소해 주세요" in definition.intent("cancel_request").sample_utterances
    assert "배송이 일주일째 안 와서 정말 화나요" in definition.intent("complaint").sample_utterances


def test_slots_are_optional_custom_types_used_in_utterances(definition: BotDefinition) -> None:
    slot_types = {slot_type.name: slot_type for slot_type in definition.slot_types}
    assert {value.value for value in slot_types["ProductCategory"].values} == {
        "전자제품",
        "의류",
        "생활용품",
        "기타",
    }
    assert {value.value for value in slot_types["ReservationService"].values} == {
        "상담 예약",
        "방문 서비스",
        "전화 상담",
        "기타",
    }
    for intent_name, slot_name in (
        ("product_inquiry", "productCategory"),
        ("reservation", "reservationService"),
    ):
        intent = definition.intent(intent_name)
        assert [(slot.name, slot.required) for slot in intent.slots] == [(slot_name, False)]
        assert any(f"{{{slot_name}}}" in utterance for utterance in intent.sample_utterances)
    assert all(not slot.required for intent in definition.intents for slot in intent.slots)


def test_intent_lookup_names_a_missing_intent(definition: BotDefinition) -> None:
    assert definition.intent("greeting").name == "greeting"
    with pytest.raises(KeyError, match="weather"):
        definition.intent("weather")


def test_definition_is_immutable(definition: BotDefinition) -> None:
    with pytest.raises(AttributeError):
        definition.voice_id = "Joanna"  # type: ignore[misc]


# --- content hash -----------------------------------------------------------------------------


def test_content_hash_is_sha256_hex_and_stable_across_loads(definition: BotDefinition) -> None:
    digest = definition.content_hash()
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert load_bot_definition().content_hash() == digest


def test_content_hash_ignores_file_formatting(raw: dict[str, Any], tmp_path: Path) -> None:
    reformatted = tmp_path / "bot.json"
    reformatted.write_text(json.dumps(raw, ensure_ascii=True, indent=7), encoding="utf-8")
    assert load_bot_definition(reformatted).content_hash() == load_bot_definition().content_hash()


def test_content_hash_is_the_same_in_another_interpreter(definition: BotDefinition) -> None:
    code = "from lexbot import load_bot_definition; print(load_bot_definition().content_hash())"
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=REPO_ROOT
    )
    assert result.stdout.strip() == definition.content_hash()


@pytest.mark.parametrize(
    "change",
    [
        lambda data: _intent(data, "greeting")["sample_utterances"].append("안녕하세요 반가워요"),
        lambda data: data.update(nlu_confidence_threshold=0.5),
        lambda data: data.update(voice_engine="standard"),
        lambda data: data.update(idle_session_ttl_seconds=600),
        lambda data: data["slot_types"][0]["values"][0]["synonyms"].append("전자 제품"),
        lambda data: _intent(data, "complaint").update(description="불만"),
    ],
    ids=["utterance", "threshold", "voice-engine", "session-ttl", "synonym", "description"],
)
def test_content_hash_changes_with_any_content_change(
    raw: dict[str, Any], change: Callable[[dict[str, Any]], None]
) -> None:
    original = parse_bot_definition(copy.deepcopy(raw)).content_hash()
    change(raw)
    assert parse_bot_definition(raw).content_hash() != original


# --- validation: each rule, with the offending field named ------------------------------------


def _set_utterance(name: str, index: int, text: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        _intent(data, name)["sample_utterances"][index] = text

    return change


def _set_slot(intent_name: str, **values: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        _intent(data, intent_name)["slots"][0].update(values)

    return change


def _remove_fallback(data: dict[str, Any]) -> None:
    data["intents"] = [item for item in data["intents"] if item["name"] != FALLBACK_INTENT]


def _fallback_with_utterance(data: dict[str, Any]) -> None:
    _intent(data, FALLBACK_INTENT)["sample_utterances"] = ["뭐라고요"]


def _fallback_with_slot(data: dict[str, Any]) -> None:
    _intent(data, FALLBACK_INTENT)["slots"] = [
        {"name": "anything", "slot_type": "ProductCategory", "required": False}
    ]


def _truncate_utterances(count: int) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        intent = _intent(data, "greeting")
        intent["sample_utterances"] = [f"안녕하세요 {number}번" for number in range(count)]

    return change


def _duplicate_intent(data: dict[str, Any]) -> None:
    utterances = [f"그럼 {number}번째로 인사드리고 끊을게요" for number in range(8)]
    data["intents"].append(copy.deepcopy(_intent(data, "goodbye")) | {"sample_utterances": utterances})


def _duplicate_synonym(data: dict[str, Any]) -> None:
    data["slot_types"][0]["values"][1]["synonyms"].append("가전")  # already 전자제품's synonym


INVALID_DEFINITIONS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "utterance-in-two-intents",
        _set_utterance("goodbye", 0, "안녕하세요"),
        r"intents\.goodbye\.sample_utterances\[0\]: '안녕하세요' also appears in intent 'greeting'",
    ),
    (
        "same-utterance-apart-from-punctuation",
        _set_utterance("complaint", 0, "감사합니다!"),
        r"intents\.complaint\.sample_utterances\[\d+\]: .* also appears in intent 'goodbye'",
    ),
    ("empty-utterance", _set_utterance("greeting", 1, ""), r"intents\.greeting\.sample_utterances\[1\]"),
    ("blank-utterance", _set_utterance("greeting", 1, "   "), r"intents\.greeting\.sample_utterances\[1\]"),
    ("non-string-utterance", _set_utterance("greeting", 1, 7), r"intents\.greeting\.sample_utterances\[1\]"),
    (
        "utterance-over-500-chars",
        _set_utterance("greeting", 1, "가" * 501),
        r"intents\.greeting\.sample_utterances\[1\]: is 501 characters long, at most 500",
    ),
    (
        "undefined-slot-reference",
        _set_utterance("order_inquiry", 0, "{orderNumber} 주문 어디쯤 왔어요"),
        r"intents\.order_inquiry\.sample_utterances\[0\]: references undefined slot \{orderNumber\}",
    ),
    (
        "slot-of-another-intent",
        _set_utterance("reservation", 1, "{productCategory} 예약할게요"),
        r"intents\.reservation\.sample_utterances\[1\]: references undefined slot \{productCategory\}",
    ),
    (
        "unbalanced-brace",
        _set_utterance("product_inquiry", 4, "{productCategory 가격이 궁금해요"),
        r"intents\.product_inquiry\.sample_utterances\[4\]: has an unbalanced",
    ),
    (
        "intent-name-with-space",
        lambda data: _intent(data, "greeting").update(name="greeting intent"),
        r"intents\[0\]\.name: 'greeting intent' is not a Lex name",
    ),
    (
        "intent-name-in-hangul",
        lambda data: _intent(data, "greeting").update(name="인사"),
        r"intents\[0\]\.name: '인사' is not a Lex name",
    ),
    (
        "intent-name-double-separator",
        lambda data: _intent(data, "greeting").update(name="greet__ing"),
        r"intents\[0\]\.name",
    ),
    ("bad-slot-name", _set_slot("product_inquiry", name="product category"), r"slots\[0\]\.name"),
    (
        "unknown-slot-type",
        _set_slot("product_inquiry", slot_type="Colour"),
        r"intents\.product_inquiry\.slots\[0\]\.slot_type: unknown slot type 'Colour'",
    ),
    (
        "alphanumeric-not-in-ko-kr",
        _set_slot("product_inquiry", slot_type="AMAZON.AlphaNumeric"),
        r"intents\.product_inquiry\.slots\[0\]\.slot_type: unknown slot type 'AMAZON.AlphaNumeric'",
    ),
    (
        "required-slot",
        _set_slot("reservation", required=True),
        r"intents\.reservation\.slots\[0\]\.required: slots must be optional",
    ),
    ("missing-fallback", _remove_fallback, r"^intents: FallbackIntent is required"),
    (
        "fallback-with-utterance",
        _fallback_with_utterance,
        r"intents\.FallbackIntent\.sample_utterances: the fallback intent takes no utterances",
    ),
    (
        "fallback-with-slot",
        _fallback_with_slot,
        r"intents\.FallbackIntent\.slots: the fallback intent takes no slots",
    ),
    (
        "seven-utterances",
        _truncate_utterances(7),
        r"intents\.greeting\.sample_utterances: needs 8-20 .* has 7",
    ),
    ("twenty-one-utterances", _truncate_utterances(21), r"intents\.greeting\.sample_utterances: .* has 21"),
    ("duplicate-intent", _duplicate_intent, r"^intents: duplicate intent 'goodbye'"),
    (
        "duplicate-synonym",
        _duplicate_synonym,
        r"slot_types\[0\]\.values: duplicate value or synonym '가전'",
    ),
    (
        "slot-type-named-like-a-built-in",
        lambda data: data["slot_types"][0].update(name="AMAZONColour"),
        r"slot_types\[0\]\.name: custom slot type names must not start with AMAZON",
    ),
    (
        "slot-value-over-140-chars",
        lambda data: data["slot_types"][0]["values"][0].update(value="가" * 141),
        r"slot_types\[0\]\.values\[0\]\.value: is 141 characters long",
    ),
    (
        "misspelt-field",
        lambda data: _intent(data, "greeting").update(sample_utterance=[]),
        r"intents\[0\]\.sample_utterance: is not a known field",
    ),
    ("missing-field", lambda data: data.pop("voice_id"), r"^definition\.voice_id: is required"),
    (
        "hyphenated-locale",
        lambda data: data.update(locale_id="ko-KR"),
        r"^locale_id: 'ko-KR' is not a Lex locale",
    ),
    (
        "unknown-engine",
        lambda data: data.update(voice_engine="turbo"),
        r"^voice_engine: 'turbo' is not one of",
    ),
    (
        "threshold-above-one",
        lambda data: data.update(nlu_confidence_threshold=1.5),
        r"^nlu_confidence_threshold",
    ),
    (
        "threshold-as-text",
        lambda data: data.update(nlu_confidence_threshold="0.4"),
        r"^nlu_confidence_threshold",
    ),
    (
        "session-ttl-too-short",
        lambda data: data.update(idle_session_ttl_seconds=30),
        r"^idle_session_ttl_seconds",
    ),
    ("bad-bot-name", lambda data: data.update(name="my bot"), r"^name: 'my bot' is not a Lex name"),
    ("intents-not-a-list", lambda data: data.update(intents={}), r"^intents: must be a JSON array"),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [pytest.param(change, message, id=name) for name, change, message in INVALID_DEFINITIONS],
)
def test_invalid_definition_is_rejected_naming_the_field(
    raw: dict[str, Any], change: Callable[[dict[str, Any]], None], message: str
) -> None:
    parse_bot_definition(copy.deepcopy(raw))  # the unchanged file is valid: the change is the cause
    change(raw)
    with pytest.raises(BotDefinitionError, match=message):
        parse_bot_definition(raw)


def test_load_reports_a_file_that_is_not_json(tmp_path: Path) -> None:
    broken = tmp_path / "bot.json"
    broken.write_text('{"name": ', encoding="utf-8")
    with pytest.raises(BotDefinitionError, match="not valid JSON"):
        load_bot_definition(broken)


def test_error_carries_field_and_problem(raw: dict[str, Any]) -> None:
    raw.update(locale_id="en-US")
    with pytest.raises(BotDefinitionError) as caught:
        parse_bot_definition(raw)
    assert caught.value.field == "locale_id"
    assert "Lex locale" in caught.value.problem
