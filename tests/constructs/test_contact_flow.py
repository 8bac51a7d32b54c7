"""TemplatedContactFlow: a checked template, placeholders resolved at synth (CDK tokens too)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, CfnParameter, Stack
from aws_cdk.assertions import Template

import flowlang.templates
from constructs_lib.contact_flow import TemplatedContactFlow
from flowlang import (
    CONTACT_FLOW,
    FLOWS,
    FlowCheckError,
    FlowSpec,
    PlaceholderError,
    check_flow,
    load_template,
    placeholders_in,
    read_template,
)

ENV = {"account": "111122223333", "region": "ap-northeast-2"}
INSTANCE_ARN = "arn:aws:connect:ap-northeast-2:111122223333:instance/11111111-2222-3333-4444-555555555555"
INBOUND = next(spec for spec in FLOWS if spec.key == "inbound")
CUSTOMER_QUEUE = next(spec for spec in FLOWS if spec.key == "customer_queue")


def dummy_arn(name: str) -> str:
    return f"arn:aws:connect:ap-northeast-2:111122223333:instance/1111/{name.lower()}"


def placeholders_for(spec: FlowSpec) -> dict[str, str]:
    return {name: dummy_arn(name) for name in placeholders_in(read_template(spec))}


def synth(
    spec: FlowSpec, placeholders: Mapping[str, str], **kwargs: Any
) -> tuple[Template, TemplatedContactFlow]:
    stack = Stack(App(), "FlowProbe", env=ENV)
    flow = TemplatedContactFlow(
        stack,
        "Flow",
        instance_arn=INSTANCE_ARN,
        spec=spec,
        flow_name=f"aicc-dev-{spec.key}",
        placeholders=placeholders,
        **kwargs,
    )
    return Template.from_stack(stack), flow


def only_flow(template: Template) -> dict[str, Any]:
    flows = template.find_resources("AWS::Connect::ContactFlow")
    assert len(flows) == 1
    return next(iter(flows.values()))["Properties"]


def with_placeholders(document: Any, values: Mapping[str, str]) -> Any:
    """The template document with every placeholder replaced, structurally (the expected Content)."""
    if isinstance(document, dict):
        return {key: with_placeholders(value, values) for key, value in document.items()}
    if isinstance(document, list):
        return [with_placeholders(item, values) for item in document]
    if isinstance(document, str):
        return re.sub(r"%([A-Za-z][A-Za-z0-9_]*)%", lambda m: values[m.group(1)], document)
    return document


@pytest.mark.parametrize("spec", FLOWS, ids=lambda spec: spec.key)
def test_content_is_the_template_with_every_placeholder_resolved(spec: FlowSpec) -> None:
    values = placeholders_for(spec)
    template, _flow = synth(spec, values)
    properties = only_flow(template)
    assert properties["State"] == "ACTIVE"
    assert properties["Type"] == spec.flow_type
    assert properties["Name"] == f"aicc-dev-{spec.key}"
    assert properties["InstanceArn"] == INSTANCE_ARN
    assert properties["Description"] == spec.description
    content = properties["Content"]
    assert isinstance(content, str)
    assert "%" not in content
    assert json.loads(content) == with_placeholders(load_template(spec), values)
    # Compact JSON, Korean kept as text.
    assert "\n" not in content and len(content) < len(read_template(spec))
    korean = re.compile(r"[가-힣]+")
    assert set(korean.findall(read_template(spec))) <= set(korean.findall(content))


def test_flow_arn_and_description_override() -> None:
    template, flow = synth(CUSTOMER_QUEUE, placeholders_for(CUSTOMER_QUEUE), description="대기 안내")
    assert only_flow(template)["Description"] == "대기 안내"
    resolved = Stack.of(flow).resolve(flow.flow_arn)
    assert resolved == {"Fn::GetAtt": [Stack.of(flow).get_logical_id(flow.flow), "ContactFlowArn"]}


def test_token_values_become_a_join_that_resolves_to_valid_json() -> None:
    stack = Stack(App(), "TokenProbe", env=ENV)
    parameters = {
        name: CfnParameter(stack, f"P{name.replace('_', '')}", type="String").value_as_string
        for name in placeholders_in(read_template(INBOUND))
    }
    TemplatedContactFlow(
        stack,
        "Flow",
        instance_arn=INSTANCE_ARN,
        spec=INBOUND,
        flow_name="aicc-dev-inbound",
        placeholders=parameters,
    )
    content = only_flow(Template.from_stack(stack))["Content"]
    assert set(content) == {"Fn::Join"}
    separator, parts = content["Fn::Join"]
    assert separator == ""
    references = {part["Ref"] for part in parts if isinstance(part, dict)}
    assert references == {f"P{name.replace('_', '')}" for name in parameters}
    # What CloudFormation will join: each Ref replaced by an ARN must be the valid, checked flow.
    joined = "".join(part if isinstance(part, str) else dummy_arn(part["Ref"]) for part in parts)
    document = json.loads(joined)
    assert check_flow(document, flow_name="joined", flow_type=CONTACT_FLOW) == []
    queue_ids = {
        a["Parameters"].get("QueueId") for a in document["Actions"] if a["Type"] == "UpdateContactTargetQueue"
    }
    assert dummy_arn("PQueueArngeneral") in queue_ids


def test_values_are_escaped_for_json() -> None:
    values = placeholders_for(CUSTOMER_QUEUE)
    values["HoursOfOperationArn"] = 'arn:with"quote\\and\nnewline'
    template, _flow = synth(CUSTOMER_QUEUE, values)
    document = json.loads(only_flow(template)["Content"])
    hours = {a["Parameters"].get("HoursOfOperationId") for a in document["Actions"]}
    assert values["HoursOfOperationArn"] in hours


def test_a_missing_placeholder_fails_synth_naming_flow_and_token() -> None:
    values = placeholders_for(INBOUND)
    del values["LexBotAliasArn"]
    with pytest.raises(PlaceholderError, match=r"aicc-dev-inbound.*%LexBotAliasArn%"):
        synth(INBOUND, values)


def test_an_unused_value_fails_synth_naming_flow_and_token() -> None:
    values = {**placeholders_for(CUSTOMER_QUEUE), "LexBotAliasArn": dummy_arn("bot")}
    with pytest.raises(PlaceholderError, match=r"aicc-dev-customer_queue.*%LexBotAliasArn%"):
        synth(CUSTOMER_QUEUE, values)


def test_a_flow_that_breaks_a_rule_fails_synth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = load_template(CUSTOMER_QUEUE)
    broken["Actions"][0]["Transitions"]["NextAction"] = "nowhere"
    (tmp_path / CUSTOMER_QUEUE.file_name).write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(flowlang.templates, "FLOW_DIR", tmp_path)
    with pytest.raises(FlowCheckError, match=r"aicc-dev-customer_queue: action 'queue-set-voice'.*nowhere"):
        synth(CUSTOMER_QUEUE, placeholders_for(CUSTOMER_QUEUE))


def test_an_unknown_placeholder_in_a_template_fails_synth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = load_template(CUSTOMER_QUEUE)
    broken["Actions"][1]["Parameters"]["HoursOfOperationId"] = "%HolidayHoursArn%"
    (tmp_path / CUSTOMER_QUEUE.file_name).write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(flowlang.templates, "FLOW_DIR", tmp_path)
    with pytest.raises(
        PlaceholderError, match=r"aicc-dev-customer_queue: unknown placeholder.*%HolidayHoursArn%"
    ):
        synth(CUSTOMER_QUEUE, {"HolidayHoursArn": dummy_arn("holiday")})
