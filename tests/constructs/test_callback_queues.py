"""Queues that dial callbacks: outbound caller id and whisper with a claimed number, a warning without."""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk.assertions import Annotations, Match, Template

from config.settings import load_environment
from constructs_lib.agent_queues import AgentQueues
from contract import QUEUE_KEYS

INSTANCE_ARN = "arn:aws:connect:ap-northeast-2:111122223333:instance/00000000-0000-4000-8000-000000000000"
NUMBER_ARN = "arn:aws:connect:ap-northeast-2:111122223333:phone-number/11111111-1111-4111-8111-111111111111"
WHISPER_ARN = f"{INSTANCE_ARN}/contact-flow/22222222-2222-4222-8222-222222222222"


def synth(number_arn: str | None) -> Stack:
    stack = Stack(App(), "Scratch")
    AgentQueues(
        stack,
        "Queues",
        instance_arn=INSTANCE_ARN,
        hours_of_operation_arn=f"{INSTANCE_ARN}/operating-hours/hours",
        settings=load_environment("dev").queues,
        outbound_caller_id_number_arn=number_arn,
        outbound_flow_arn=WHISPER_ARN,
    )
    return stack


def test_with_a_claimed_number_every_queue_dials_callbacks_from_it_with_the_outbound_whisper() -> None:
    stack = synth(NUMBER_ARN)
    queues = Template.from_stack(stack).find_resources(
        "AWS::Connect::Queue",
        {
            "Properties": {
                "OutboundCallerConfig": {
                    "OutboundCallerIdNumberArn": NUMBER_ARN,
                    "OutboundFlowArn": WHISPER_ARN,
                }
            }
        },
    )
    assert len(queues) == len(QUEUE_KEYS)
    Annotations.from_stack(stack).has_no_warning("*", Match.string_like_regexp("outbound caller id"))


def test_without_a_number_the_queues_cannot_dial_and_synth_warns_that_callbacks_become_tasks() -> None:
    stack = synth(None)
    for queue in Template.from_stack(stack).find_resources("AWS::Connect::Queue").values():
        assert "OutboundCallerConfig" not in queue["Properties"]
    Annotations.from_stack(stack).has_warning(
        "/Scratch/Queues", Match.string_like_regexp("no outbound caller id.*every callback becomes a task")
    )
