"""The scripted calls with a faulty table (``--fault``): each function answered within its limit.

``tests/calls/test_scripted_calls.py`` checks what the caller hears; here, that the flow never
had to give up on a function: no ``InvokeLambdaFunction`` and no Lex block took an error branch,
so every answer came from our code in time (a function slower than the flow's
``InvocationTimeLimitSeconds`` or a code hook slower than its timeout would take one). Stalls
run on the call's virtual clock, so these calls cost no real waiting.
"""

from __future__ import annotations

import pytest

from scenarios.calls import SCRIPTED_CALLS, ScriptedCall
from simulator.faults import FAULT_KINDS, FAULT_TABLES, parse_fault
from tests.calls.test_scripted_calls import run_scripted

pytestmark = pytest.mark.xdist_group("scripted_calls")

FAULT_CALLS = tuple(scripted for scripted in SCRIPTED_CALLS if scripted.faults)
#: The flow blocks that wait for our functions.
FUNCTION_BLOCKS = frozenset({"InvokeLambdaFunction", "ConnectParticipantWithLexBot"})


def test_every_table_and_every_kind_of_fault_has_a_scripted_call() -> None:
    faults = {parse_fault(fault) for scripted in FAULT_CALLS for fault in scripted.faults}
    assert {fault.table for fault in faults} == set(FAULT_TABLES)
    assert {fault.kind for fault in faults} == set(FAULT_KINDS)


@pytest.mark.parametrize("scripted", FAULT_CALLS, ids=lambda scripted: scripted.name)
def test_a_faulty_table_never_makes_the_flow_give_up_on_a_function(
    scripted: ScriptedCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, result = run_scripted(scripted, monkeypatch)
    types = {
        (flow_key, action.identifier): action.type
        for flow_key, flow in result.flows.items()
        for action in flow.actions.values()
    }
    waited = [
        (flow_key, identifier, branch)
        for flow_key, identifier, branch in result.trace.transitions
        if types.get((flow_key, identifier)) in FUNCTION_BLOCKS
    ]
    assert waited, "the call reached none of our functions"
    assert not [step for step in waited if step[2].startswith("Error")], waited
