"""Bad input: whatever arrives, both handlers answer validly and never raise (property-based)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.models import KST
from handlers import contact_flow, lex_hook
from handlers.settings import LexHookSettings
from tests.functional.conftest import FakeLambdaContext, assert_valid_lex_response, load_event

NOW = datetime(2025, 11, 24, 10, 0, tzinfo=KST)

# The moto backend and the wired app are shared by the examples of one test on purpose: a warm
# container also serves many different events. Examples are independent (no assertion depends on
# what an earlier example stored), so the function-scoped fixtures are safe here.
PROPERTY_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Caller text as it really goes wrong: Hangul, jamo, emoji (with modifiers and joiners), control
# and format characters, surrogates are impossible in JSON so they are left out.
CALLER_TEXT = st.one_of(
    st.text(max_size=200),
    st.text(
        alphabet=st.sampled_from(
            [
                *"가나다라마바사아자차카타파하ㄱㅏ 0123456789-+.,?!",
                *("😡", "👍", "\U0001f3fd", "\u200d", "\ufe0f"),  # emoji, skin tone, joiner, selector
                *("\x00", "\x07", "\x1b", "\u202e", "\ufeff", "\r", "\n", "\t"),  # control and format
            ]
        ),
        max_size=300,
    ),
    st.sampled_from(["", " ", "\x00" * 50, "😀" * 2500, "가" * 5000, "010-1234-5678 " * 300]),
)

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=50),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=12,
)


def _maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Either a plausible value or any JSON value of the wrong type."""
    return st.one_of(value, JSON_VALUES)


@st.composite
def lex_events(draw: st.DrawFn) -> Any:
    """Lex V2 events with every field possibly missing, mistyped or absurd."""
    event: dict[str, Any] = load_event("lex_greeting")
    event["inputTranscript"] = draw(_maybe(CALLER_TEXT))
    session_attributes = draw(
        _maybe(
            st.dictionaries(
                st.sampled_from(["contactId", "channel", "customerTier", "botState", "nextAction", "x"]),
                _maybe(st.text(max_size=3000)),
                max_size=6,
            )
        )
    )
    event["sessionState"]["sessionAttributes"] = session_attributes
    event["sessionState"]["intent"] = draw(
        _maybe(
            st.fixed_dictionaries(
                {"name": _maybe(st.sampled_from(["Greeting", "FallbackIntent", "x" * 500]))}
            )
        )
    )
    for field in ("sessionId", "inputMode", "invocationSource", "bot", "interpretations"):
        if draw(st.booleans()):
            event[field] = draw(JSON_VALUES)
    if draw(st.booleans()):
        event["sessionState"] = draw(JSON_VALUES)
    return draw(st.one_of(st.just(event), JSON_VALUES))


@st.composite
def connect_events(draw: st.DrawFn) -> Any:
    """Connect events with a random action, caller number and contact data."""
    event: dict[str, Any] = load_event("connect_register_callback")
    details = event["Details"]
    details["Parameters"] = draw(
        _maybe(
            st.fixed_dictionaries(
                {
                    "action": _maybe(
                        st.sampled_from(["lookup_customer", "register_callback", "", "drop_tables"])
                    )
                },
                optional={"phoneNumber": _maybe(st.sampled_from(["010-1234-5678", "+82", "😀", "0" * 5000]))},
            )
        )
    )
    contact = details["ContactData"]
    contact["CustomerEndpoint"] = draw(
        _maybe(
            st.fixed_dictionaries({"Address": _maybe(st.sampled_from(["+821012345678", "anonymous", ""]))})
        )
    )
    contact["Channel"] = draw(_maybe(st.sampled_from(["VOICE", "CHAT", "TASK", "EMAIL", "SMS"])))
    contact["ContactId"] = draw(_maybe(st.text(max_size=400)))
    if draw(st.booleans()):
        event["Details"] = draw(JSON_VALUES)
    return draw(st.one_of(st.just(event), JSON_VALUES))


@pytest.fixture
def lex_runner(dynamodb: Any) -> Callable[[Any], dict[str, Any]]:
    app = lex_hook.build_app(LexHookSettings.from_env(), clock=lambda: NOW)
    context = FakeLambdaContext()
    return lambda event: lex_hook.handle_event(event, context, app_provider=lambda: app)


@PROPERTY_SETTINGS
@given(event=lex_events())
@example(event=None)
@example(event=[])
@example(event="inputTranscript")
@example(event={"inputTranscript": "가" * 5000})
@example(event={"inputTranscript": "😡😡😡 \x00\x1b[31m 환불 \u202e"})
@example(event={"sessionState": {"sessionAttributes": {"botState": "{" * 3000}}, "inputTranscript": "네"})
def test_lex_hook_always_answers_validly(lex_runner: Callable[[Any], dict[str, Any]], event: Any) -> None:
    response = lex_runner(event)

    assert_valid_lex_response(response)


@PROPERTY_SETTINGS
@given(event=lex_events())
def test_lex_lambda_handler_never_raises(
    dynamodb: Any, lambda_context: FakeLambdaContext, event: Any
) -> None:
    assert_valid_lex_response(lex_hook.lambda_handler(event, lambda_context))


@PROPERTY_SETTINGS
@given(event=connect_events())
@example(event=None)
@example(event={"Details": {"Parameters": {"action": "register_callback"}, "ContactData": None}})
@example(event={"Details": {"Parameters": {"action": "lookup_customer", "phoneNumber": 1012345678}}})
def test_contact_flow_always_answers_a_flat_string_map(
    dynamodb: Any, lambda_context: FakeLambdaContext, event: Any
) -> None:
    app = contact_flow.build_app_from_env(clock=lambda: NOW)
    for response in (contact_flow.lambda_handler(event, lambda_context), app.handle(event)):
        assert isinstance(response, dict)
        assert response["result"] in {"ok", "error"}
        assert all(isinstance(key, str) and isinstance(value, str) for key, value in response.items())
        assert len(json.dumps(response, ensure_ascii=False).encode("utf-8")) < 32 * 1024
        if response["result"] == "error":
            assert response["reason"]


def test_lex_hook_survives_a_context_without_lambda_methods(dynamodb: Any) -> None:
    assert_valid_lex_response(lex_hook.lambda_handler(load_event("lex_greeting"), None))
    assert_valid_lex_response(lex_hook.lambda_handler(load_event("lex_greeting"), object()))
