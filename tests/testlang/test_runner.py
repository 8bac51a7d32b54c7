"""Every scripted call's test case passes in the offline runner; the runner fails what it should."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from scenarios.calls import SCRIPTED_CALLS, ScriptedCall
from scenarios.test_cases import QUEUE_GUARD, convert, current_transcript, guard_id, load_transcripts
from simulator import cli
from simulator.commands.test_case import document_settings
from simulator.test_case_runner import (
    TestCase,
    TestCaseResult,
    local_resources,
    message_matches,
    record_events,
)
from simulator.test_case_runner import run_test_case as run_with_settings

TRANSCRIPTS = load_transcripts()
RESOURCES = local_resources("dev")


@pytest.fixture(autouse=True)
def quiet_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No real AWS profile or credentials may leak into a simulated call."""
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    yield


def run_test_case(test_case: TestCase) -> TestCaseResult:
    """Run a document with the settings its CallOptions give (as the command line does)."""
    return run_with_settings(test_case, document_settings(test_case))


def document_of(scripted: ScriptedCall, *, production: bool = False) -> TestCase:
    transcript = current_transcript(scripted, TRANSCRIPTS)
    document = convert(scripted, resources=RESOURCES, transcript=transcript, production=production)
    return TestCase(name=document.slug, entry_point_type=document.entry_point_type, content=document.content)


@pytest.mark.parametrize("scripted", SCRIPTED_CALLS, ids=lambda scripted: scripted.name)
def test_every_scripted_call_passes_as_a_test_case(scripted: ScriptedCall) -> None:
    result = run_test_case(document_of(scripted))
    hint = "flows or prompts changed? .venv/bin/python -m simulator test-case --record"
    assert result.passed, (result.summary()["FailedObservation"], result.messages, hint)
    # What production needs: no contact waits in a queue or is created for agents, no contact-flow
    # function runs for real.
    assert not result.queued and result.created == []
    assert result.real_invocations == []


def test_production_test_cases_end_before_the_bot_books_anything() -> None:
    booking = [call for call in SCRIPTED_CALLS if TRANSCRIPTS[call.name].bot_write_input is not None]
    assert booking, "the reservation dialogs write: some scenario must book"
    for scripted in booking:
        seeded = record_events(document_settings(document_of(scripted)), ())[1]  # before any input
        assert run_test_case(document_of(scripted)).bot_rows != seeded  # the full call books
        result = run_test_case(document_of(scripted, production=True))
        assert result.passed and result.ended_by_test, (scripted.name, result.summary())
        assert result.bot_rows == seeded, scripted.name
        assert not result.queued and result.created == [] and result.real_invocations == []


@pytest.mark.parametrize("action_type", ["CreateCallbackContact", "CreateTask"])
def test_without_its_guard_a_production_callback_creates_a_contact(action_type: str) -> None:
    # The negative proof: the guard is what keeps the callback or task from being created.
    scripted = next(
        call
        for call in SCRIPTED_CALLS
        if not call.failing
        and any(e.get("flow_action") == action_type for e in TRANSCRIPTS[call.name].events)
        and TRANSCRIPTS[call.name].bot_write_input is None
    )
    test_case = document_of(scripted, production=True)
    guarded = run_test_case(test_case)
    assert guarded.passed and guarded.ended_by_test and guarded.created == [], guarded.summary()
    content = copy.deepcopy(dict(test_case.content))
    content["Observations"] = [
        obs for obs in content["Observations"] if obs["Identifier"] != guard_id(action_type)
    ]
    unguarded = run_test_case(TestCase(test_case.name, test_case.entry_point_type, content))
    assert action_type in unguarded.created, (scripted.name, unguarded.created)


def test_a_message_that_is_not_heard_fails_naming_its_observation() -> None:
    scripted = next(call for call in SCRIPTED_CALLS if call.name.startswith("weekend:"))
    test_case = document_of(scripted)
    content = copy.deepcopy(dict(test_case.content))
    target = next(obs for obs in content["Observations"] if obs["Event"]["Type"] == "MessageReceived")
    target["Event"]["Properties"]["Text"] = "영업시간이 아닙니다"
    result = run_test_case(TestCase(test_case.name, test_case.entry_point_type, content))
    summary = result.summary()
    assert summary["Status"] == "FAILED"
    assert summary["FailedObservation"] == target["Identifier"]
    assert summary["ObservationSummary"]["ObservationsFailed"] >= 1


def test_without_the_guard_the_contact_would_be_queued() -> None:
    scripted = next(call for call in SCRIPTED_CALLS if call.outcome == "transferred" and not call.failing)
    test_case = document_of(scripted)
    guarded = run_test_case(test_case)
    assert guarded.passed and guarded.ended_by_test and not guarded.queued
    content = copy.deepcopy(dict(test_case.content))
    content["Observations"] = [obs for obs in content["Observations"] if obs["Identifier"] != QUEUE_GUARD]
    unguarded = run_test_case(TestCase(test_case.name, test_case.entry_point_type, content))
    assert unguarded.queued and not unguarded.ended_by_test


def test_without_its_mocks_the_callback_function_runs_for_real() -> None:
    scripted = next(call for call in SCRIPTED_CALLS if call.outcome == "callback" and call.channel == "VOICE")
    test_case = document_of(scripted)
    content = copy.deepcopy(dict(test_case.content))
    start = content["Observations"][0]
    start["Actions"] = [action for action in start["Actions"] if not action["Identifier"].startswith("mock-")]
    for index, action in enumerate(start["Actions"]):
        following = start["Actions"][index + 1]["Identifier"] if index + 1 < len(start["Actions"]) else ""
        action["Transitions"] = {"NextAction": following}
    result = run_test_case(TestCase(test_case.name, test_case.entry_point_type, content))
    assert "register_callback" in result.real_invocations


def test_inputs_are_sent_only_when_their_observation_matches() -> None:
    scripted = next(call for call in SCRIPTED_CALLS if call.name.startswith("weekend:"))
    test_case = document_of(scripted)
    content = copy.deepcopy(dict(test_case.content))
    for obs in content["Observations"]:
        obs["Actions"] = [action for action in obs["Actions"] if action["Type"] != "SendInstruction"]
    result: TestCaseResult = run_test_case(TestCase(test_case.name, test_case.entry_point_type, content))
    assert not result.passed  # a silent caller books no callback
    assert "콜백 예약이 완료되었습니다" not in " ".join(result.messages)


@pytest.mark.parametrize(
    ("expected", "message", "criteria", "matches"),
    [
        ("콜백 예약이 완료되었습니다", "네. 콜백 예약이 완료되었습니다. 감사합니다.", "Inclusion", True),
        ("콜백  예약이 완료되었습니다", "콜백 예약이\n완료되었습니다", "Inclusion", True),
        ("ＡＢＣ 고객센터", "ABC 고객센터입니다", "Inclusion", True),
        ("콜백 예약이 취소되었습니다", "콜백 예약이 완료되었습니다", "Inclusion", False),
        (
            "오후 6시까지 평일 오전 9시부터 운영합니다",
            "평일 오전 9시부터 오후 6시까지 운영합니다",
            "Similarity",
            True,
        ),
        ("콜백 예약이 취소되었습니다", "콜백 예약이 완료되었습니다", "Similarity", False),
    ],
)
def test_matching_criteria(expected: str, message: str, criteria: str, matches: bool) -> None:
    assert message_matches(expected, message, criteria) is matches


# --- the command line ------------------------------------------------------------------------------


def run_cli(*argv: str) -> tuple[int, str]:
    stdout = io.BytesIO()
    status = cli.main(list(argv), stdin=io.BytesIO(), stdout=stdout)
    return status, stdout.getvalue().decode("utf-8")


def test_the_command_line_runs_a_scenario_and_a_printed_file(tmp_path: Path) -> None:
    name = next(call.name for call in SCRIPTED_CALLS if call.outcome == "callback")
    status, out = run_cli("test-case", "--scenario", name, "--json")
    assert status == 0, out
    assert json.loads(out)["Status"] == "PASSED"
    status, printed = run_cli("test-case", "--scenario", name, "--print")
    assert status == 0
    path = tmp_path / "case.json"
    path.write_text(printed, encoding="utf-8")
    status, out = run_cli("test-case", str(path))
    assert status == 0 and out.startswith("PASSED "), out


def test_bad_input_is_one_line_and_exit_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"Name": "x", "Content": {"Version": "2019-10-30", "Observations": []}}))
    for argv in (("test-case", str(path)), ("test-case", "--scenario", "no such call")):
        status, out = run_cli(*argv)
        error = capsys.readouterr().err
        assert status == 2 and out == ""
        assert error.count("\n") == 1 and error.startswith("python -m simulator test-case: error:"), error
