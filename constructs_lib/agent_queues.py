"""The five agent queues of the contact center."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from aws_cdk import aws_connect as connect
from constructs import Construct

from config.settings import QUEUE_KEYS, QueueSettings


class AgentQueues(Construct):
    """One ``AWS::Connect::Queue`` per queue key, named by the key, on the agents' hours.

    Attributes:
        queues: queue by key (``general``, ``complaint``, ``tech_support``, ``payment``, ``priority``).
        queue_arns: queue ARN by key.
    """

    DESCRIPTIONS: ClassVar[Mapping[str, str]] = {
        "general": "일반 문의",
        "complaint": "불만 접수",
        "tech_support": "기술 지원",
        "payment": "결제·환불",
        "priority": "VIP·긴급",
    }

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
        for key in QUEUE_KEYS:
            self.queues[key] = connect.CfnQueue(
                self,
                key.title().replace("_", ""),
                instance_arn=instance_arn,
                name=key,
                description=self.DESCRIPTIONS[key],
                hours_of_operation_arn=hours_of_operation_arn,
                max_contacts=settings[key].max_contacts,
                status="ENABLED",
            )
        self.queue_arns = {key: queue.attr_queue_arn for key, queue in self.queues.items()}
