"""What the agent hears and sees on a transfer: the whisper and guide flows, the view, the inbound hooks."""

from __future__ import annotations

import json
import re

import pytest

from constructs_lib.agent_view import ACKNOWLEDGE, HEADING_INPUT, SUMMARY_FIELDS, summary_template
from contract import HANDOFF_ATTRIBUTES, ContactAttribute
from flowlang import FLOWS, check_flow, load_template
from flowlang.templates import AGENT_GUIDE_FLOW, AGENT_WHISPER_FLOW
from simulator.connect import AGENT_VIEW_ACTION
from tests.flows.test_flows import FlowGraph

HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def inbound() -> FlowGraph:
    return FlowGraph(next(spec for spec in FLOWS if spec.key == "inbound"))


def test_both_agent_flows_are_deployed_and_check_clean() -> None:
    assert {AGENT_WHISPER_FLOW, AGENT_GUIDE_FLOW} <= set(FLOWS)
    assert AGENT_WHISPER_FLOW.flow_type == "AGENT_WHISPER"
    # Step-by-step guides are inbound flows with a Show view block (Show view block page).
    assert AGENT_GUIDE_FLOW.flow_type == "CONTACT_FLOW"
    for spec in (AGENT_WHISPER_FLOW, AGENT_GUIDE_FLOW):
        findings = check_flow(load_template(spec), flow_name=spec.key, flow_type=spec.flow_type)
        assert findings == [], spec.key


def test_the_whisper_plays_the_bots_sentence_and_ends() -> None:
    graph = FlowGraph(AGENT_WHISPER_FLOW)
    first = graph[graph.start]
    assert first["Type"] == "MessageParticipant"
    assert first["Parameters"] == {"Text": f"$.Attributes.{ContactAttribute.HANDOFF_WHISPER}"}
    for path in graph.walk():
        assert graph[path[-1]]["Type"] == "EndFlowExecution"


def test_the_guide_shows_the_summary_view_with_every_handoff_attribute() -> None:
    graph = FlowGraph(AGENT_GUIDE_FLOW)
    show = graph[graph.start]
    assert show["Type"] == "ShowView"
    parameters = show["Parameters"]
    assert parameters["ViewResource"]["Id"] == "%AgentSummaryViewArn%"
    data = parameters["ViewData"]
    assert set(data) == {HEADING_INPUT, *(key for key, _ in SUMMARY_FIELDS)}
    assert HANGUL_RE.search(data[HEADING_INPUT])
    shown = {value.removeprefix("$.Attributes.") for key, value in data.items() if key != HEADING_INPUT}
    # Everything the bot summarised but the whisper sentence itself, and the looked-up name.
    assert shown == (set(HANDOFF_ATTRIBUTES) - {ContactAttribute.HANDOFF_WHISPER}) | {
        ContactAttribute.CUSTOMER_NAME
    }
    assert graph.target(graph.start, f"Condition Equals {ACKNOWLEDGE}") == "guide-end"
    for error in ("NoMatchingCondition", "TimeLimitExceeded", "NoMatchingError"):
        assert graph.target(graph.start, f"Error {error}") == "guide-end"


def test_the_view_template_reads_exactly_the_guides_inputs_with_korean_labels() -> None:
    template = json.dumps(summary_template(), ensure_ascii=False)
    inputs = set(re.findall(r'"\$\.([A-Za-z]+)"', template))
    assert inputs == set(load_template(AGENT_GUIDE_FLOW)["Actions"][0]["Parameters"]["ViewData"])
    assert all(HANGUL_RE.search(label) for _, label in SUMMARY_FIELDS)
    assert f'"Action": "{ACKNOWLEDGE}"' in template
    # The simulated agent takes the view's own action.
    assert AGENT_VIEW_ACTION == ACKNOWLEDGE


def test_every_transfer_sets_the_agent_hooks_first(inbound: FlowGraph) -> None:
    transfers = 0
    for path in inbound.walk():
        for position, identifier in enumerate(path):
            if inbound[identifier]["Type"] == "TransferContactToQueue":
                transfers += 1
                before = path[:position]
                hooks = {
                    hook: target
                    for step in before
                    if inbound[step]["Type"] == "UpdateContactEventHooks"
                    for hook, target in inbound[step]["Parameters"]["EventHooks"].items()
                }
                assert hooks.get("AgentWhisper") == "%AgentWhisperFlowArn%", path
                assert hooks.get("DefaultAgentUI") == "%AgentGuideFlowArn%", path
    assert transfers


def test_every_transfer_carries_a_whisper_sentence(inbound: FlowGraph) -> None:
    # After the bot: the bot's summary is saved; on the error path: a system-error whisper is set.
    for path in inbound.walk():
        for position, identifier in enumerate(path):
            if inbound[identifier]["Type"] != "TransferContactToQueue":
                continue
            setters = [
                step
                for step in path[:position]
                if inbound[step]["Type"] == "UpdateContactAttributes"
                and ContactAttribute.HANDOFF_WHISPER in inbound[step]["Parameters"]["Attributes"]
            ]
            assert setters, path
            if "system-error" in path[:position]:
                assert setters[-1] == "fallback-handoff", path
                assert path.index("fallback-handoff") > path.index("system-error")


def test_the_error_path_tells_the_agent_it_was_a_system_error(inbound: FlowGraph) -> None:
    attributes = inbound["fallback-handoff"]["Parameters"]["Attributes"]
    assert attributes == {
        ContactAttribute.HANDOFF_WHISPER: "시스템 오류로 연결된 고객입니다. 상담 요약을 확인해 주세요.",
        ContactAttribute.HANDOFF_REASON: "시스템 오류",
    }
    assert inbound.target("system-error", "NextAction") == "fallback-handoff"
    assert inbound.target("fallback-handoff", "NextAction") == inbound.target(
        "fallback-handoff", "Error NoMatchingError"
    )
