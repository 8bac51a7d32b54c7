"""The agent queues of the contact center: one per queue key of the contract.

Queues dial callbacks (``CreateCallbackContact``) from their outbound caller id: with a claimed
number every queue gets it and the outbound whisper flow (the called-back customer hears who is
calling and why). Without one, synth warns (an annotation on the queues) and the contact-flow
function plans every callback as a task for agents (``bot.callback_plan``, ``CALLBACK_DIALING``).
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Annotations
from aws_cdk import aws_connect as connect
from constructs import Construct

from config.settings import QueueSettings
from contract import QUEUE_DESCRIPTIONS, Queue


class AgentQueues(Construct):
    """One ``AWS::Connect::Queue`` per :class:`contract.Queue`, named by its key, on the agents' hours.

    Attributes:
        queues: queue by key (``general``, ``complaint``, ``tech_support``, ``payment``, ``priority``).
        queue_arns: queue ARN by key.
        dials_callbacks: whether the queues have an outbound caller id (queued callbacks can dial).
    """

    #: The id of the synth warning when no number is claimed.
    NO_CALLER_ID_WARNING = "aicc:callbacksWithoutCallerId"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        instance_arn: str,
        hours_of_operation_arn: str,
        settings: Mapping[str, QueueSettings],
        outbound_caller_id_number_arn: str | None = None,
        outbound_flow_arn: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dials_callbacks = outbound_caller_id_number_arn is not None
        outbound = (
            connect.CfnQueue.OutboundCallerConfigProperty(
                outbound_caller_id_number_arn=outbound_caller_id_number_arn,
                outbound_flow_arn=outbound_flow_arn,
            )
            if outbound_caller_id_number_arn is not None
            else None
        )
        if outbound is None:
            Annotations.of(self).add_warning_v2(
                self.NO_CALLER_ID_WARNING,
                "no phone number is claimed (phone_number.claim): the queues have no outbound caller id, "
                "so Connect cannot dial callbacks; every callback becomes a task for agents",
            )
        self.queues: dict[str, connect.CfnQueue] = {}
        for queue in Queue:
            key = queue.value
            self.queues[key] = connect.CfnQueue(
                self,
                key.title().replace("_", ""),
                instance_arn=instance_arn,
                name=key,
                description=QUEUE_DESCRIPTIONS[queue],
                hours_of_operation_arn=hours_of_operation_arn,
                max_contacts=settings[key].max_contacts,
                status="ENABLED",
                outbound_caller_config=outbound,
            )
        self.queue_arns = {key: queue.attr_queue_arn for key, queue in self.queues.items()}
