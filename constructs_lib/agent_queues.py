"""The agent queues of the contact center: one per queue key of the contract."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import aws_connect as connect
from constructs import Construct

from config.settings import QueueSettings
from contract import QUEUE_DESCRIPTIONS, Queue


class AgentQueues(Construct):
    """One ``AWS::Connect::Queue`` per :class:`contract.Queue`, named by its key, on the agents' hours.

    Attributes:
        queues: queue by key (``general``, ``complaint``, ``tech_support``, ``payment``, ``priority``).
        queue_arns: queue ARN by key.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        instance_arn: str,
        hours_of_operation_arn: str,
        settings: Mapping[str, QueueSettings],
    ) -> None:
        super().__init__(scope, construct_id)
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
            )
        self.queue_arns = {key: queue.attr_queue_arn for key, queue in self.queues.items()}
