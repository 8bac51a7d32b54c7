"""Every scripted call converts to a test case the checker accepts, safe to run on production."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from config.settings import load_all_environments
from flowlang.actions import ACTION_TYPES
from flowlang.model import Ending
from scenarios.calls import SCRIPTED_CALLS, ScriptedCall
from scenarios.test_cases import (
    METRIC_CHECK,
    TEST_INITIATED,
    ConvertedTestCase,
    anchor,
    convert,
    current_transcript,
    guard_id,
    load_transcripts,
    slug,
)
from simulator.test_case_runner import local_resources
from testlang.checker import check_document, errors_of
from testlang.model import (
    CONTACT_CREATING_ACTIONS,
    LANGUAGE_GAPS,
    MAX_NAME_CHARS,
    STAFFING_GAPS,
    STAFFING_REASON,
    TestStatus,
)

TRANSCRIPTS = load_transcripts()
RESOURCES = local_resources("dev")


def converted(scripted: Any, *, production: bool = False) -> ConvertedTestCase:
    transcript = current_transcript(scripted, TRANSCRIPTS)
    return convert(scripted, resources=RESOURCES, transcript=transcript, production=production)


def overrides(content: dict[str, Any], action_type: str) -> list[dict[str, Any]]:
    start = next(obs for obs in content["Observations"] if obs["Identifier"] == TEST_INITIATED)
    return [
        action["Parameters"]["Behavior"]["Properties"]
        for action in start["Actions"]
        if action["Type"] == "OverrideSystemBehavior"
        and action["Parameters"]["Behavior"]["Properties"]["ActionType"] == action_type
    ]


def test_every_scripted_call_has_a_transcript_recorded_from_it_as_it_is() -> None:
    stale = [
        scripted.name for scripted in SCRIPTED_CALLS if current_transcript(scripted, TRANSCRIPTS) is None
    ]
    assert stale == [], (
        f"{len(stale)} scripted call(s) changed or new since the transcripts were recorded: "
        "run `.venv/bin/python -m simulator test-case --record`"
    )


@pytest.mark.parametrize("production", [False, True], ids=["dev", "prod"])
def test_every_scripted_call_converts_to_a_document_the_checker_accepts(production: bool) -> None:
    for scripted in SCRIPTED_CALLS:
        document = converted(scripted, production=production)
        assert errors_of(check_document(document.content)) == [], scripted.name
        assert check_document(document.content_json()) == [], scripted.name
        assert document.content["Metadata"]["Production"] is production


def test_a_korean_only_name_still_gets_an_ascii_slug() -> None:
    assert slug("상담원 연결").startswith("scenario-") and slug("상담원 연결").isascii()


def test_names_are_ascii_unique_and_short_enough_in_every_environment() -> None:
    slugs = [slug(scripted.name) for scripted in SCRIPTED_CALLS]
    assert len(set(slugs)) == len(slugs)
    for config in load_all_environments().values():
        for value in slugs:
            name = f"{config.name_prefix}-{value}"
            assert name.isascii() and len(name) <= MAX_NAME_CHARS, name


def test_contact_creating_actions_are_the_flow_models_queueing_and_creating_actions() -> None:
    # Defined once (testlang.model); every name is a Flow-language action, and every action of the
    # flow model that ends by queueing the contact is in it (a new one cannot be forgotten).
    assert set(ACTION_TYPES) >= CONTACT_CREATING_ACTIONS
    queueing = {name for name, spec in ACTION_TYPES.items() if spec.ending is Ending.QUEUE}
    assert queueing <= CONTACT_CREATING_ACTIONS
    assert {"CreateCallbackContact", "CreateTask", "TransferContactToQueue"} <= CONTACT_CREATING_ACTIONS
    # And every one the inbound flow uses is guarded.
    inbound = json.loads(Path("contact_flows/inbound.json").read_text(encoding="utf-8"))
    used = {action["Type"] for action in inbound["Actions"]}
    assert {"CreateCallbackContact", "CreateTask", "TransferContactToQueue"} <= used


@pytest.mark.parametrize("production", [False, True], ids=["dev", "prod"])
def test_every_document_ends_before_any_contact_is_created_and_mocks_every_function_run(
    production: bool,
) -> None:
    for scripted in SCRIPTED_CALLS:
        content = converted(scripted, production=production).content
        targets = {
            t
            for obs in content["Observations"]
            for t in obs.get("Transitions", {}).get("NextObservations", [])
        }
        transcript = current_transcript(scripted, TRANSCRIPTS)
        assert transcript is not None, (
            f"{scripted.name}: no current transcript (python -m simulator test-case --record)"
        )
        events = transcript.events
        cut = next(
            (i for i, e in enumerate(events) if e.get("flow_action") in CONTACT_CREATING_ACTIONS), len(events)
        )
        reached = events[cut]["flow_action"] if cut < len(events) else None
        for action_type in CONTACT_CREATING_ACTIONS:
            guard = next(obs for obs in content["Observations"] if obs["Identifier"] == guard_id(action_type))
            assert guard["Identifier"] not in targets, "a guard must be active from the start"
            assert guard["Event"]["Properties"]["ActionType"] == action_type
            assert [action["Parameters"]["Command"]["Type"] for action in guard["Actions"]] == ["EndTest"]
            expected = "EXACTLY" if action_type == reached else "ANY"
            assert guard["Usage"]["Type"] == expected, (scripted.name, action_type)
        runs = [e for e in events[:cut] if e.get("flow_action") == "InvokeLambdaFunction"]
        mocks = overrides(content, "InvokeLambdaFunction")
        if content["Metadata"]["Gaps"].get("bot_writes") is None:
            assert len(mocks) == len(runs), scripted.name
        assert all(mock["Strategy"]["Type"] == "MockResponse" for mock in mocks)


def test_a_callback_scenario_ends_as_the_callback_or_task_is_created() -> None:
    for action_type in ("CreateCallbackContact", "CreateTask"):
        scripted = next(
            call
            for call in SCRIPTED_CALLS
            if any(e.get("flow_action") == action_type for e in TRANSCRIPTS[call.name].events)
        )
        content = converted(scripted, production=True).content
        guard = next(obs for obs in content["Observations"] if obs["Identifier"] == guard_id(action_type))
        assert guard["Usage"] == {"Type": "EXACTLY", "Times": 1}, scripted.name
        assert "after_queue" in content["Metadata"]["Gaps"], scripted.name


@pytest.mark.parametrize("production", [False, True], ids=["dev", "prod"])
def test_published_test_cases_never_depend_on_live_staffing(production: bool) -> None:
    statuses: dict[str, int] = {}
    for scripted in SCRIPTED_CALLS:
        document = converted(scripted, production=production)
        metadata = document.content["Metadata"]
        staffing = STAFFING_GAPS & set(metadata["Gaps"])
        events = TRANSCRIPTS[scripted.name].events
        cut = next(
            (i for i, e in enumerate(events) if e.get("flow_action") in CONTACT_CREATING_ACTIONS), len(events)
        )
        if any(e.get("flow_action") == METRIC_CHECK for e in events[:cut]):
            assert staffing, f"{scripted.name}: the flow reads live metrics before the test ends"
        statuses[document.status] = statuses.get(document.status, 0) + 1
        if document.status == TestStatus.PUBLISHED:
            assert not staffing and document.not_run_reason is None, scripted.name
            assert "NotRunReason" not in metadata
        else:
            assert document.status == TestStatus.SAVED and staffing, scripted.name
            assert document.not_run_reason == metadata["NotRunReason"] == STAFFING_REASON
            assert STAFFING_REASON in document.description
    assert statuses.get(TestStatus.PUBLISHED) and statuses.get(TestStatus.SAVED), statuses


def test_the_readme_reports_the_published_and_saved_counts() -> None:
    documents = [converted(scripted, production=True) for scripted in SCRIPTED_CALLS]
    published = sum(document.status == TestStatus.PUBLISHED for document in documents)
    readme = Path("README.md").read_text(encoding="utf-8")
    assert f"{published} of the {len(documents)} scripted calls are published" in readme, (
        "update the count in the README section 'Scripted calls as Connect test cases'"
    )


def test_every_gap_a_document_names_is_described() -> None:
    for scripted in SCRIPTED_CALLS:
        assert set(converted(scripted).content["Metadata"]["Gaps"]) <= set(LANGUAGE_GAPS)


def test_the_callback_function_is_mocked_with_what_it_answered_offline() -> None:
    scripted = next(call for call in SCRIPTED_CALLS if call.outcome == "callback" and call.channel == "VOICE")
    mocks = overrides(converted(scripted, production=True).content, "InvokeLambdaFunction")
    answers = [json.loads(mock["Strategy"]["Response"]["ExecutionResult"]["LoadedData"]) for mock in mocks]
    assert [answer.get("result") for answer in answers] == ["ok", "ok"]
    assert "reference" in answers[1] and "callbackTime" in answers[1]


def test_a_failing_function_is_mocked_slower_than_the_flow_waits() -> None:
    scripted = next(call for call in SCRIPTED_CALLS if "contact_flow" in call.failing)
    mocks = overrides(converted(scripted).content, "InvokeLambdaFunction")
    assert mocks and all(
        mock["Strategy"]["Response"]["ExecutionResult"]["DelaySeconds"] > 8 for mock in mocks
    )


def test_the_hours_are_substituted_as_the_scenario_found_them() -> None:
    closed = next(call for call in SCRIPTED_CALLS if call.name.startswith("weekend:"))
    opened = next(call for call in SCRIPTED_CALLS if call.name == "agent request goes to the general queue")
    for scripted, substitute in (
        (closed, RESOURCES.always_closed_hours_arn),
        (opened, RESOURCES.always_open_hours_arn),
    ):
        hours = overrides(converted(scripted).content, "CheckHoursOfOperation")
        assert hours and {h["Strategy"]["SubstituteArn"] for h in hours} == {substitute}
        assert {h["ActionParameters"]["HoursOfOperationId"] for h in hours} == {RESOURCES.hours_arn}


def test_inputs_are_korean_utterances_and_keypad_digits() -> None:
    scripted = next(
        call
        for call in SCRIPTED_CALLS
        if call.name == "a wrong key is asked again, then the callback is taken"
    )
    content = converted(scripted).content
    instructions = [
        action["Parameters"]["Instruction"]
        for obs in content["Observations"]
        for action in obs["Actions"]
        if action["Type"] == "SendInstruction"
    ]
    assert instructions[0] == {
        "Type": "TextUtterance",
        "Properties": {"Text": "상담원 연결해 주세요", "LanguageCode": "ko-KR"},
    }
    assert [i["Properties"].get("Value") for i in instructions[1:]] == ["3", "1"]


def test_fields_the_converter_does_not_know_are_ignored() -> None:
    @dataclasses.dataclass(frozen=True)
    class FutureCall(ScriptedCall):
        whisper: str = "상담원에게만 들리는 안내"
        summary: tuple[str, ...] = ("요약",)

    scripted = SCRIPTED_CALLS[0]
    future = FutureCall(**{f.name: getattr(scripted, f.name) for f in dataclasses.fields(ScriptedCall)})
    assert converted(future).content == converted(scripted).content


def test_a_scenario_without_a_transcript_still_converts_and_says_so() -> None:
    scripted = dataclasses.replace(SCRIPTED_CALLS[0], name="a brand new scenario", says=("안녕하세요",))
    document = convert(scripted, resources=RESOURCES, transcript=None, production=True)
    assert document.content["Metadata"]["Transcript"] == "missing"
    assert errors_of(check_document(document.content)) == []


def test_an_anchor_skips_dynamic_digits() -> None:
    assert (
        anchor("콜백 예약이 완료되었습니다. 예약 번호는 1 2 3 4 입니다.")
        == "콜백 예약이 완료되었습니다. 예약 번호는"
    )
    assert anchor("3월 20일 금요일 상담 예약이 완료되었습니다") == "일 금요일 상담 예약이 완료되었습니다"


def test_keys_typed_inside_the_bot_are_sent_as_keypad_input_words_as_utterances() -> None:
    scripted = next(call for call in SCRIPTED_CALLS if call.name.startswith("keypad in the bot: menu key"))
    content = converted(scripted).content
    instructions = [
        action["Parameters"]["Instruction"]
        for obs in content["Observations"]
        for action in obs["Actions"]
        if action["Type"] == "SendInstruction"
    ]
    assert [(i["Type"], i["Properties"].get("Value") or i["Properties"]["Text"]) for i in instructions] == [
        ("TextUtterance", "예약하고 싶어요"),
        ("DtmfInput", "1"),
        ("DtmfInput", "0320#"),
        ("DtmfInput", "01024681357#"),
        ("TextUtterance", "감사합니다"),
    ]
