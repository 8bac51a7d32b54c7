"""What the scripted calls leave in Connect's flow logs, as the simulator keeps them (``Trace.flow_log``).

Flow logs record each block that runs while flow logging is on, with its parameters (a function's
included) and what it produced. The inbound flow turns logging off right before a chat customer
types the callback number and back on once the contact-flow function has had it
(``contact_flows/README.md``). The simulated log is generous on purpose (every resolved parameter,
the function's answer, the stored input, the bot's session attributes): no number a caller gave —
read digit by digit by the oracle of ``tests/support/personal_data_forms.py`` — may be in it.
"""

from __future__ import annotations

import pytest

from scenarios.calls import SCRIPTED_CALLS, ScriptedCall
from simulator.world import DEFAULT_CALLER
from tests.calls.test_scripted_calls import quiet_environment, run_scripted
from tests.support.personal_data_forms import digit_projection, strings_in

pytestmark = pytest.mark.xdist_group("scripted_calls")
__all__ = ["quiet_environment"]  # the autouse fixture of the scripted calls applies here too

#: The blocks that hold the typed number: never in a flow log.
NUMBER_BLOCKS = ("chat-ask-number", "chat-check-number", "chat-register-callback", "chat-create-task")
#: The voice blocks that hand the caller's number to Connect (callback number, the task's reference).
VOICE_NUMBER_BLOCKS = ("set-callback-number", "create-task")
#: The blocks that turn logging off before them.
VOICE_LOGGING_OFF = ("callback-logging-off", "task-logging-off")
#: Digits of a phone, resident registration or card number are at least this long (a number said
#: is checked by its last eight digits, as the stored-records test checks E.164 numbers).
LONG_NUMBER = 10


def numbers_said(scripted: ScriptedCall) -> set[str]:
    """The digits of every long number the caller said or typed, and of the caller's own number."""
    found = set(scripted.never_stored) | {(scripted.caller or DEFAULT_CALLER)[-8:]}
    for text in scripted.says:
        for run in digit_projection(text).split("|"):
            if len(run) >= LONG_NUMBER:
                found.add(run[-8:])
    return found


def test_the_calls_give_numbers_to_look_for() -> None:
    typed = [scripted for scripted in SCRIPTED_CALLS if scripted.channel == "CHAT" and "1" in scripted.says]
    assert sum("98765432" in numbers_said(scripted) for scripted in typed) >= 3
    assert "27384619" in numbers_said(
        next(s for s in SCRIPTED_CALLS if "chat callback number typed full-width" in s.name)
    )
    said = {digits for scripted in SCRIPTED_CALLS for digits in numbers_said(scripted)}
    assert {"8506122734819", "5438127340965815", DEFAULT_CALLER[-8:]} <= said


@pytest.mark.parametrize("scripted", SCRIPTED_CALLS, ids=lambda scripted: scripted.name)
def test_no_number_a_caller_gave_reaches_the_flow_log(
    scripted: ScriptedCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, result = run_scripted(scripted, monkeypatch)
    log = result.trace.flow_log
    assert log and log[0].identifier == "set-logging"  # logging is on from the first block
    for entry in log:
        for text in strings_in([entry.parameters, dict(entry.results)]):
            for digits in numbers_said(scripted):
                assert digits not in digit_projection(text), (
                    f"{digits} in {entry.flow}/{entry.identifier}: {text!r}"
                )


@pytest.mark.parametrize(
    "scripted",
    [scripted for scripted in SCRIPTED_CALLS if scripted.channel == "CHAT"],
    ids=lambda scripted: scripted.name,
)
def test_a_chat_callback_is_logged_except_while_the_number_is_in_play(
    scripted: ScriptedCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    record, result = run_scripted(scripted, monkeypatch)
    logged = [entry.identifier for entry in result.trace.flow_log]
    assert not set(logged) & set(NUMBER_BLOCKS)
    path = record["path"]
    if "chat-logging-off" in path:
        # Everything else the call ran is logged: logging came back on, whatever happened.
        unlogged = [identifier for identifier in path if identifier not in logged]
        assert set(unlogged) <= {"chat-logging-off", *NUMBER_BLOCKS}, unlogged
        assert path[-1] in logged


@pytest.mark.parametrize(
    "scripted",
    [
        scripted
        for scripted in SCRIPTED_CALLS
        if scripted.channel == "VOICE" and scripted.outcome == "callback"
    ],
    ids=lambda scripted: scripted.name,
)
def test_a_voice_callback_hands_connect_the_number_with_logging_off(
    scripted: ScriptedCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    record, result = run_scripted(scripted, monkeypatch)
    logged = [entry.identifier for entry in result.trace.flow_log]
    path = record["path"]
    assert set(path) & set(VOICE_NUMBER_BLOCKS) or "rejected-create-task" in path
    assert not set(logged) & set(VOICE_NUMBER_BLOCKS)
    unlogged = [identifier for identifier in path if identifier not in logged]
    assert set(unlogged) <= {*VOICE_LOGGING_OFF, *VOICE_NUMBER_BLOCKS}, unlogged
