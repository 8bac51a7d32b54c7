"""Scripted calls through ``python -m simulator call``, and the flow coverage they reach.

Every call of :mod:`scenarios.calls` runs through the real command-line entry point
(``simulator.cli.main``) in-process; a spy around ``simulate_call`` (as the ``call`` subcommand
sees it) keeps each call's trace for the coverage report. Two calls run in a subprocess to check
exit status and stdout for real.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from contract import QUEUE_KEYS
from scenarios.calls import SCRIPTED_CALLS, WEEKEND, ScriptedCall
from simulator import call as call_module
from simulator import cli
from simulator.call import CallResult
from simulator.commands import call as call_command
from simulator.coverage import FlowCoverage
from tests.support.simulator_process import run_simulator

pytestmark = pytest.mark.xdist_group("scripted_calls")

#: Results by call name, shared by the per-call tests and the coverage test of one worker.
_RESULTS: dict[str, tuple[dict[str, Any], CallResult]] = {}


def run_scripted(
    scripted: ScriptedCall, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], CallResult]:
    """Run one scripted call through ``cli.main``; the JSON printed and the full result."""
    if scripted.name in _RESULTS:
        return _RESULTS[scripted.name]
    captured: list[CallResult] = []
    real: Callable[..., CallResult] = call_module.simulate_call

    def spy(*args: Any, **kwargs: Any) -> CallResult:
        result = real(*args, **kwargs)
        captured.append(result)
        return result

    monkeypatch.setattr(call_command, "simulate_call", spy)
    stdout = io.BytesIO()
    status = cli.main(scripted.argv(), stdin=io.BytesIO(), stdout=stdout)
    assert status == 0
    lines = stdout.getvalue().decode("utf-8").splitlines()
    assert len(lines) == 1, "--json prints exactly one line"
    record = json.loads(lines[0])
    _RESULTS[scripted.name] = (record, captured[0])
    return _RESULTS[scripted.name]


def assert_in_order(prompts: list[str], fragments: tuple[str, ...]) -> None:
    """Every fragment is heard, each after the previous one (two may share a prompt)."""
    heard = "\n".join(prompts)
    position = 0
    for fragment in fragments:
        found = heard.find(fragment, position)
        assert found >= 0, f"{fragment!r} not heard after {heard[:position]!r}\nall prompts: {prompts}"
        position = found + len(fragment)


@pytest.fixture(autouse=True)
def quiet_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No real AWS profile or credentials may leak into a simulated call."""
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    yield


def test_there_are_at_least_twenty_scripted_calls_with_distinct_names() -> None:
    names = [scripted.name for scripted in SCRIPTED_CALLS]
    assert len(names) >= 20
    assert len(set(names)) == len(names)


def test_a_scripted_call_reaches_every_queue_of_the_contract() -> None:
    # Each scripted call checks the queue it is transferred to (test_scripted_call): together they
    # prove the bot, the inbound flow and the deployed queues route a caller to every queue.
    assert {scripted.queue for scripted in SCRIPTED_CALLS} >= set(QUEUE_KEYS)


@pytest.mark.parametrize("scripted", SCRIPTED_CALLS, ids=lambda scripted: scripted.name)
def test_scripted_call(scripted: ScriptedCall, monkeypatch: pytest.MonkeyPatch) -> None:
    record, _ = run_scripted(scripted, monkeypatch)
    assert set(record) == {
        "outcome",
        "queue",
        "prompts",
        "attributes",
        "path",
        "records",
        "agent",
        "callback",
        "bot_turns",
    }
    assert record["outcome"] == scripted.outcome, record["prompts"]
    if scripted.bot_input_modes:
        assert [turn["input_mode"] for turn in record["bot_turns"]] == list(scripted.bot_input_modes)
    assert record["queue"] == scripted.queue
    assert_in_order(record["prompts"], scripted.prompts)
    for fragment in scripted.heard_once:
        assert "\n".join(record["prompts"]).count(fragment) == 1, (fragment, record["prompts"])
    assert record["attributes"].items() >= scripted.attributes.items()
    assert record["path"][0] == "set-logging"
    assert all(isinstance(prompt, str) and prompt for prompt in record["prompts"])
    if scripted.agent_whisper or scripted.agent_summary:
        assert record["agent"] is not None, "no agent answered"
        assert record["agent"]["whisper"] == list(scripted.agent_whisper)
        assert record["agent"]["summary"].items() >= scripted.agent_summary.items(), record["agent"]
        # What the agent heard is never played to the caller.
        assert not set(record["agent"]["whisper"]) & set(record["prompts"])
    assert_callback(record["callback"], scripted, record["records"])


@pytest.mark.parametrize(
    "scripted",
    [scripted for scripted in SCRIPTED_CALLS if scripted.outcome == "transferred"],
    ids=lambda scripted: scripted.name,
)
def test_every_transferred_call_gives_the_agent_a_whisper_and_a_summary(
    scripted: ScriptedCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    record, _ = run_scripted(scripted, monkeypatch)
    agent = record["agent"]
    assert agent is not None, "every transferred scripted call has an agent who answers"
    assert agent["whisper"] and all(isinstance(said, str) and said.strip() for said in agent["whisper"])
    summary = agent["summary"]
    # The heading and why the caller was handed over, at least; every value a non-empty string.
    assert summary.get("Heading") == "상담 요약"
    assert summary.get("Reason"), summary
    assert all(isinstance(value, str) and value for value in summary.values())


def test_a_call_no_agent_answers_reports_no_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted = next(call for call in SCRIPTED_CALLS if call.outcome == "disconnected")
    record, _ = run_scripted(scripted, monkeypatch)
    assert record["agent"] is None
    assert_callback(record["callback"], scripted, record["records"])


def assert_callback(
    created: dict[str, Any] | None, scripted: ScriptedCall, records: dict[str, list[dict[str, Any]]]
) -> None:
    """What the call created in Connect (``callback`` of ``--json``) is what the script expects.

    A booked callback always becomes a queued callback or a task; a call that books none creates
    nothing in Connect. The callbacks row links a created task by its contact id (the flow's
    ``$.Task.ContactId``); a queued callback's id is not exposed to the flow, so none is linked.
    """
    if scripted.outcome != "callback":
        assert created is None
        return
    assert created is not None, "a booked callback must be created in Connect"
    assert created["kind"] in {"queued_callback", "task"}
    assert created["release_at"].endswith("+09:00")
    [row] = records["callbacks"]
    if created["kind"] == "task":
        assert created["contact_id"], created
        assert row.get("connect_contact_id") == created["contact_id"], row
    else:
        assert "connect_contact_id" not in row, row
    if scripted.callback is None:
        return
    expected = scripted.callback
    for key in ("kind", "queue", "release_at", "released_to"):
        if key in expected:
            assert created[key] == expected[key], (key, created)
    assert created["attributes"].items() >= expected.get("attributes", {}).items(), created["attributes"]


def test_every_flow_action_is_exercised_by_the_scripted_calls(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    coverage: FlowCoverage | None = None
    for scripted in SCRIPTED_CALLS:
        _, result = run_scripted(scripted, monkeypatch)
        coverage = coverage or FlowCoverage(result.flows)
        coverage.record(result.trace)
    assert coverage is not None
    with capsys.disabled():
        print("\n" + coverage.report())
    assert coverage.unexercised_actions() == []


def test_the_same_call_twice_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted = next(call for call in SCRIPTED_CALLS if call.outcome == "callback")
    first = cli_json(scripted.argv())
    assert first == cli_json(scripted.argv())


def cli_json(argv: list[str]) -> dict[str, Any]:
    stdout = io.BytesIO()
    assert cli.main(argv, stdin=io.BytesIO(), stdout=stdout) == 0
    parsed: dict[str, Any] = json.loads(stdout.getvalue())
    return parsed


# --- the real process --------------------------------------------------------------------------------


def test_a_completed_call_exits_zero_with_exactly_one_json_object_on_stdout() -> None:
    completed = run_simulator(
        "call", "--json", "--at", WEEKEND, "--say", "상담원 연결해 주세요", "--say", "1"
    )
    assert completed.returncode == 0, completed.stderr.decode()
    lines = completed.stdout.decode("utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["outcome"] == "callback"
    assert record["queue"] is None


def test_a_bad_option_is_one_line_on_stderr_and_exit_two() -> None:
    completed = run_simulator("call", "--channel", "FAX")
    assert completed.returncode == 2
    assert completed.stdout == b""
    error = completed.stderr.decode("utf-8")
    assert error.count("\n") == 1, error
    assert "--channel" in error and "FAX" in error


def test_chat_shows_the_reference_as_written_and_voice_spells_it_out(monkeypatch: pytest.MonkeyPatch) -> None:
    from handlers.contact_flow import REFERENCE_DIGITS

    by_channel = {
        scripted.channel: run_scripted(scripted, monkeypatch)[0]
        for scripted in SCRIPTED_CALLS
        if scripted.outcome == "callback" and scripted.name.startswith(("weekend:", "chat after hours:"))
    }
    chat = "\n".join(by_channel["CHAT"]["prompts"])
    voice = "\n".join(by_channel["VOICE"]["prompts"])
    assert re.search(rf"예약 번호는 [0-9]{{{REFERENCE_DIGITS}}} 입니다", chat), chat
    assert re.search(r"예약 번호는 [0-9]( [0-9]){3}, [0-9]", voice), voice
