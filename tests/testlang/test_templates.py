"""Every environment's bot template holds one Connect test case per scripted call.

Published unless its outcome depends on live staffing (saved, with the reason in its description).
"""

from __future__ import annotations

import json
from typing import Any

from scenarios.calls import SCRIPTED_CALLS
from scenarios.test_cases import QUEUE_GUARD, slug
from testlang.checker import check_document, errors_of
from testlang.model import STAFFING_GAPS, STAFFING_REASON
from tests.infrastructure.conftest import SynthResult


def resources_of(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {key: value for key, value in template["Resources"].items() if value["Type"] == resource_type}


def with_tokens_as_arns(content: Any) -> str:
    """The Content as the deploy resolves it, every reference replaced by a stand-in ARN."""
    if isinstance(content, str):
        return content
    parts = content["Fn::Join"][1]
    return "".join(
        part if isinstance(part, str) else "arn:aws:connect:ap-northeast-2:1:instance/x" for part in parts
    )


def test_one_test_case_per_scripted_call_published_unless_staffing_decides(
    synth: SynthResult, environment: str, configs: Any
) -> None:
    template = synth.raw(environment, "verification")
    cases = resources_of(template, "AWS::Connect::TestCase")
    prefix = configs[environment].name_prefix
    names = {case["Properties"]["Name"] for case in cases.values()}
    assert names == {f"{prefix}-{slug(scripted.name)}" for scripted in SCRIPTED_CALLS}
    by_scenario = {}
    for case in cases.values():
        properties = case["Properties"]
        content = json.loads(with_tokens_as_arns(properties["Content"]))
        staffing = STAFFING_GAPS & set(content["Metadata"]["Gaps"])
        if staffing:
            assert properties["Status"] == "SAVED", properties["Name"]
            assert STAFFING_REASON in properties["Description"]
        else:
            assert properties["Status"] == "PUBLISHED", properties["Name"]
        assert errors_of(check_document(content)) == [], properties["Name"]
        assert content["Metadata"]["Production"] is (environment == "prod")
        by_scenario[content["Metadata"]["Scenario"]] = (properties, content)
    for scripted in SCRIPTED_CALLS:
        properties, content = by_scenario[scripted.name]
        entry = properties["EntryPoint"]
        if scripted.channel == "CHAT":
            assert entry["Type"] == "CHAT" and "FlowId" in entry["ChatEntryPointParameters"]
        else:
            assert entry["Type"] == "VOICE_CALL" and "FlowId" in entry["VoiceCallEntryPointParameters"]
        assert any(obs["Identifier"] == QUEUE_GUARD for obs in content["Observations"])


def test_test_cases_enter_by_the_inbound_flow_and_substitute_the_test_hours(
    synth: SynthResult, environment: str
) -> None:
    template = synth.raw(environment, "verification")
    bot = synth.raw(environment, "bot")
    (inbound,) = [
        key for key, value in resources_of(bot, "AWS::Connect::ContactFlow").items()
        if value["Properties"]["Name"].endswith("-inbound")
    ]  # fmt: skip
    # The bot stack exports the inbound flow's id; the test cases import it by that name.
    export = bot["Outputs"]["InboundFlowId"]
    assert inbound in json.dumps(export["Value"])
    flows = {json.dumps(export["Export"]["Name"])}
    hours = resources_of(template, "AWS::Connect::HoursOfOperation")
    assert sorted(value["Properties"]["Name"].rsplit("-", 2)[-1] for value in hours.values()) == [
        "closed",
        "open",
    ]
    for case in resources_of(template, "AWS::Connect::TestCase").values():
        entry = case["Properties"]["EntryPoint"]
        parameters = entry.get("VoiceCallEntryPointParameters") or entry.get("ChatEntryPointParameters")
        flow_id = json.dumps(parameters["FlowId"])
        assert any(flow in flow_id for flow in flows), flow_id
        content = json.dumps(case["Properties"]["Content"])
        assert any(key in content for key in hours) or "CheckHoursOfOperation" not in content


def test_the_always_closed_hours_are_closed_every_configured_year(synth: SynthResult, configs: Any) -> None:
    template = synth.raw("prod", "verification")
    closed = next(
        value["Properties"] for value in resources_of(template, "AWS::Connect::HoursOfOperation").values()
        if value["Properties"]["Name"].endswith("always-closed")
    )  # fmt: skip
    years = [override["EffectiveFrom"][:4] for override in closed["HoursOfOperationOverrides"]]
    assert years == [str(year) for year in configs["prod"].holiday_years]
    assert all(override["OverrideType"] == "CLOSED" for override in closed["HoursOfOperationOverrides"])
