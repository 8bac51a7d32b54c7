"""The deployed handoff: the summary view, the whisper and guide flows, and the inbound flow's hooks."""

from __future__ import annotations

import json
from typing import Any

from constructs_lib.agent_view import ACKNOWLEDGE, summary_template
from flowlang import FLOWS, check_flow, placeholders_in
from tests.infrastructure.conftest import SynthResult
from tests.infrastructure.test_bot_stack import _resolved_content, _resources


def _flows_by_key(template: dict[str, Any], prefix: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each deployed flow of ``flowlang.FLOWS`` by key (its name is ``<prefix>-<key with dashes>``)."""
    by_name = {
        flow["Properties"]["Name"]: (logical_id, flow["Properties"])
        for logical_id, flow in _resources(template, "AWS::Connect::ContactFlow").items()
    }
    return {spec.key: by_name[f"{prefix}-{spec.key.replace('_', '-')}"] for spec in FLOWS}


def test_the_view_the_whisper_and_the_guide_are_deployed_and_wired(
    synth: SynthResult, environment: str, configs: dict[str, Any]
) -> None:
    template = synth.raw(environment, "bot")
    prefix = configs[environment].name_prefix
    (view_id, view), *others = _resources(template, "AWS::Connect::View").items()
    assert not others
    assert view["Properties"]["Name"] == f"{prefix}-handoff-summary"
    assert view["Properties"]["Actions"] == [ACKNOWLEDGE]
    assert view["Properties"]["Template"] == summary_template()

    flows = _flows_by_key(template, prefix)
    whisper_id, whisper = flows["agent_whisper"]
    guide_id, guide = flows["agent_guide"]
    assert (whisper["Type"], guide["Type"]) == ("AGENT_WHISPER", "CONTACT_FLOW")
    guide_text = _resolved_content(guide["Content"])
    assert f"<GetAtt:{view_id}.ViewArn>" in guide_text

    inbound_text = _resolved_content(flows["inbound"][1]["Content"])
    actions = {action["Identifier"]: action for action in json.loads(inbound_text)["Actions"]}
    # The hooks every contact gets before the bot (a callback path may set its own whisper later).
    assert actions["set-agent-whisper"]["Parameters"]["EventHooks"] == {
        "AgentWhisper": f"<GetAtt:{whisper_id}.ContactFlowArn>"
    }
    assert actions["set-agent-guide"]["Parameters"]["EventHooks"] == {
        "DefaultAgentUI": f"<GetAtt:{guide_id}.ContactFlowArn>"
    }
    for spec in FLOWS:
        text = _resolved_content(flows[spec.key][1]["Content"])
        assert placeholders_in(text) == set()
        assert check_flow(json.loads(text), flow_name=spec.key, flow_type=spec.flow_type) == []
