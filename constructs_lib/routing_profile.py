"""The agents' routing profile: which queues agents serve, on which channels, in what order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from aws_cdk import aws_connect as connect
from constructs import Construct

from contract import DEFAULT_QUEUE, PRIORITY_QUEUE


class AgentRoutingProfile(Construct):
    """Voice one contact at a time, chat three; every queue, the priority queue served first.

    The priority queue and the default outbound queue are the contract's (``PRIORITY_QUEUE``,
    ``DEFAULT_QUEUE``).

    Attributes:
        routing_profile: the ``AWS::Connect::RoutingProfile``.
        routing_profile_arn: its ARN.
    """

    CONCURRENCY: ClassVar[Mapping[str, int]] = {"VOICE": 1, "CHAT": 3}
    # Lower number = served first. The priority queue (VIP, urgent) is ahead of all others.
    FIRST: ClassVar[int] = 1
    OTHERS: ClassVar[int] = 2

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        instance_arn: str,
        name: str,
        queue_arns: Mapping[str, str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.routing_profile = connect.CfnRoutingProfile(
            self,
            "Profile",
            instance_arn=instance_arn,
            name=name,
            description="상담원 기본 라우팅 프로필: 음성 1건, 채팅 3건 동시 처리, VIP·긴급 우선",
            default_outbound_queue_arn=queue_arns[DEFAULT_QUEUE.value],
            media_concurrencies=[
                connect.CfnRoutingProfile.MediaConcurrencyProperty(channel=channel, concurrency=concurrency)
                for channel, concurrency in self.CONCURRENCY.items()
            ],
            queue_configs=[
                connect.CfnRoutingProfile.RoutingProfileQueueConfigProperty(
                    delay=0,
                    priority=self.FIRST if key == PRIORITY_QUEUE else self.OTHERS,
                    queue_reference=connect.CfnRoutingProfile.RoutingProfileQueueReferenceProperty(
                        channel=channel, queue_arn=queue_arn
                    ),
                )
                for key, queue_arn in queue_arns.items()
                for channel in self.CONCURRENCY
            ],
        )
        self.routing_profile_arn = self.routing_profile.attr_routing_profile_arn
