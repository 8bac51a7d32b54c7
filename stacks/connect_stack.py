"""Connect stack: the instance, its storage, hours, queues, routing and security profiles."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from constructs import Construct

from config.calendar import korean_public_holidays
from config.settings import EnvironmentConfig
from constructs_lib.agent_queues import AgentQueues
from constructs_lib.business_hours import KoreanBusinessHours
from constructs_lib.connect_instance import ContactCenterInstance
from constructs_lib.contact_flow import TemplatedContactFlow
from constructs_lib.evaluation_form import AgentEvaluationForm
from constructs_lib.phone_number import ClaimedPhoneNumber
from constructs_lib.recordings_bucket import RecordingsBucket
from constructs_lib.routing_profile import AgentRoutingProfile
from constructs_lib.security_profiles import ContactCenterSecurityProfiles
from flowlang.templates import OUTBOUND_WHISPER_FLOW


class ConnectStack(Stack):
    """The Amazon Connect configuration of one environment.

    Attributes:
        instance: the instance construct (``instance_arn``, ``instance_id``).
        hours: agents' hours with holiday closures.
        queues: the five agent queues.
        routing_profile: the agents' routing profile.
        security_profiles: agent, supervisor and admin profiles.
        evaluation_form: the agents' Korean quality-assurance form.
        phone_number: the claimed number, or None when claiming is off: the queues' outbound caller id.
        outbound_whisper: the queues' outbound whisper flow (callbacks, ``flowlang.CONNECT_FLOWS``).
        flows: every flow this stack deploys, by flow key (``flowlang.CONNECT_FLOWS``): the bot
            stack's monitoring alarms on them with its own flows.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        recordings: RecordingsBucket,
        data_key: kms.IKey,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        removal_policy = RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY

        self.instance = ContactCenterInstance(
            self,
            "ContactCenter",
            alias=config.connect_instance_alias,
            bucket=recordings.bucket,
            encryption_key=data_key,
            recordings_prefix=RecordingsBucket.RECORDINGS_PREFIX,
            transcripts_prefix=RecordingsBucket.TRANSCRIPTS_PREFIX,
            removal_policy=removal_policy,
        )
        self.hours = KoreanBusinessHours(
            self,
            "AgentHours",
            instance_arn=self.instance.instance_arn,
            name="agent-hours",
            description="상담원 운영시간: 평일 09:00-18:00 (한국 시간), 주말·공휴일 휴무",
            business_hours=config.business_hours,
            holidays_by_date=korean_public_holidays(config.holiday_years),
        )
        self.phone_number = (
            ClaimedPhoneNumber(
                self,
                "PhoneNumber",
                instance_arn=self.instance.instance_arn,
                number_type=config.phone_number.type,
                prefix=config.phone_number.prefix,
                description=f"{config.name_prefix} 고객센터 대표번호",
            )
            if config.phone_number.claim
            else None
        )
        # What a called-back customer hears first; here, not in the bot stack, because the queues
        # name it (the bot stack references the queues).
        self.outbound_whisper = TemplatedContactFlow(
            self,
            "FlowOutboundWhisper",
            instance_arn=self.instance.instance_arn,
            spec=OUTBOUND_WHISPER_FLOW,
            flow_name=f"{config.name_prefix}-{OUTBOUND_WHISPER_FLOW.key.replace('_', '-')}",
            placeholders={},
        )
        self.flows: dict[str, TemplatedContactFlow] = {OUTBOUND_WHISPER_FLOW.key: self.outbound_whisper}
        self.queues = AgentQueues(
            self,
            "Queues",
            instance_arn=self.instance.instance_arn,
            hours_of_operation_arn=self.hours.hours_arn,
            settings=config.queues,
            outbound_caller_id_number_arn=(
                self.phone_number.phone_number.attr_phone_number_arn
                if self.phone_number is not None
                else None
            ),
            outbound_flow_arn=self.outbound_whisper.flow_arn,
        )
        self.routing_profile = AgentRoutingProfile(
            self,
            "AgentRouting",
            instance_arn=self.instance.instance_arn,
            name="agents",
            queue_arns=self.queues.queue_arns,
        )
        self.security_profiles = ContactCenterSecurityProfiles(
            self, "SecurityProfiles", instance_arn=self.instance.instance_arn, name_prefix=config.name_prefix
        )
        # Supervisors score agents' contacts with it (Korean, published, scored by section).
        self.evaluation_form = AgentEvaluationForm(
            self, "AgentEvaluationForm", instance_arn=self.instance.instance_arn
        )

        CfnOutput(self, "InstanceId", value=self.instance.instance_id)
        CfnOutput(self, "InstanceArn", value=self.instance.instance_arn)
        CfnOutput(self, "HoursOfOperationArn", value=self.hours.hours_arn)
        CfnOutput(self, "RoutingProfileArn", value=self.routing_profile.routing_profile_arn)
        for key, arn in self.queues.queue_arns.items():
            CfnOutput(self, f"{key.title().replace('_', '')}QueueArn", value=arn)
        if self.phone_number is not None:
            CfnOutput(self, "PhoneNumberAddress", value=self.phone_number.phone_number.attr_address)
