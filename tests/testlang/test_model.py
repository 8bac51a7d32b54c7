"""The Testing-language model is consistent and every entry names its documentation page."""

from __future__ import annotations

from testlang.model import (
    ACTIONS,
    DOCS,
    EVENTS,
    FLOW_ACTIONS,
    LANGUAGE_GAPS,
    STRATEGIES,
    TESTING_LANGUAGE_VERSION,
    MatchingCriteria,
    UsageType,
)


def test_the_version_is_the_documented_one() -> None:
    assert TESTING_LANGUAGE_VERSION == "2025-06-21"


def test_every_event_action_and_flow_action_names_its_documentation_page() -> None:
    pages = [spec.doc for spec in EVENTS.values()] + [spec.doc for spec in ACTIONS.values()]
    pages += [spec.doc for spec in FLOW_ACTIONS.values()]
    assert all(page.startswith(DOCS) and page.endswith(".html") for page in pages), pages


def test_every_override_strategy_of_a_flow_action_is_a_known_strategy() -> None:
    for spec in FLOW_ACTIONS.values():
        assert spec.strategies <= set(STRATEGIES), spec


def test_observable_things_are_the_documented_ones() -> None:
    assert set(EVENTS) == {"TestInitiated", "TestCompleted", "MessageReceived", "FlowActionStarted"}
    assert set(ACTIONS) == {"SendInstruction", "OverrideSystemBehavior", "TestControl"}
    assert {spec.actor for spec in EVENTS.values()} == {"System"}
    assert ACTIONS["SendInstruction"].actor == "Customer"
    assert set(ACTIONS["SendInstruction"].variants) == {"DtmfInput", "TextUtterance"}
    assert set(MatchingCriteria) == {"Inclusion", "Similarity"}
    assert set(UsageType) == {"EXACTLY", "ANY"}


def test_what_the_language_cannot_express_is_written_down() -> None:
    assert {"time", "agents", "lex_hook", "after_queue"} <= set(LANGUAGE_GAPS)
    assert all(text.strip() for text in LANGUAGE_GAPS.values())
