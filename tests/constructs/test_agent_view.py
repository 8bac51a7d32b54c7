"""AgentSummaryView: the ``AWS::Connect::View`` the agent guide flow shows, in a scratch stack."""

from __future__ import annotations

import re

from aws_cdk import App, Stack
from aws_cdk.assertions import Template

from constructs_lib.agent_view import ACKNOWLEDGE, SUMMARY_FIELDS, AgentSummaryView, summary_template

ENV = {"account": "111122223333", "region": "ap-northeast-2"}
INSTANCE_ARN = "arn:aws:connect:ap-northeast-2:111122223333:instance/11111111-2222-3333-4444-555555555555"
#: AWS::Connect::View patterns (CloudFormation resource reference).
NAME_RE = re.compile(r"^[\w.:/=+\-@]+[\w\s.:/=+\-@]*$")
DESCRIPTION_RE = re.compile(r"^[\w.:/=+\-@,]+[\w\s.:/=+\-@,]*$")


def test_the_view_is_published_with_its_template_and_one_action() -> None:
    stack = Stack(App(), "ViewProbe", env=ENV)
    view = AgentSummaryView(stack, "View", instance_arn=INSTANCE_ARN, view_name="aicc-dev-handoff-summary")
    template = Template.from_stack(stack)

    template.resource_count_is("AWS::Connect::View", 1)
    properties = template.find_resources("AWS::Connect::View")[stack.get_logical_id(view.view)]["Properties"]
    assert properties["InstanceArn"] == INSTANCE_ARN
    assert properties["Actions"] == [ACKNOWLEDGE]
    assert properties["Template"] == summary_template()
    assert NAME_RE.match(properties["Name"]) and len(properties["Name"]) <= 512
    assert DESCRIPTION_RE.match(properties["Description"]) and len(properties["Description"]) <= 4096
    assert stack.resolve(view.view_arn) == {"Fn::GetAtt": [stack.get_logical_id(view.view), "ViewArn"]}


def test_every_summary_field_is_one_card_in_the_template() -> None:
    cards = summary_template()["Body"][0]["Content"]
    assert [(card["Props"]["Heading"], card["Props"]["Description"]) for card in cards] == [
        (label, f"$.{key}") for key, label in SUMMARY_FIELDS
    ]
    button = summary_template()["Body"][1]
    assert button["Props"] == {"Action": ACKNOWLEDGE}
    assert button["Content"] == ["확인했습니다"]
