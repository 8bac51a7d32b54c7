"""Security profiles for agents, supervisors and administrators, with explicit permissions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from aws_cdk import aws_connect as connect
from constructs import Construct

_AGENT = (
    "BasicAgentAccess",
    "OutboundCallAccess",
    "TransferDestinations.View",
    "MyContacts.View",
    "AudioDeviceSettings.Access",
)
_SUPERVISOR = (
    *_AGENT,
    "AccessMetrics",
    "AccessMetrics.RealTimeMetrics.Access",
    "RealtimeContactLens.View",
    "ContactSearch.View",
    "ListenCallRecordings",
    "ManagerListenIn",
    "ManagerBargeIn",
    "GraphTrends.View",
    "MetricsReports.View",
    "Queues.View",
    "RoutingPolicies.View",
    "HoursOfOperation.View",
    "Users.View",
)
_ADMIN = (
    *_SUPERVISOR,
    "Users.Create",
    "Users.Edit",
    "Users.EditPermission",
    "Users.Delete",
    "SecurityProfiles.View",
    "SecurityProfiles.Create",
    "SecurityProfiles.Edit",
    "SecurityProfiles.Delete",
    "AgentStates.View",
    "AgentStates.Create",
    "AgentStates.Edit",
    "Queues.Create",
    "Queues.Edit",
    "RoutingPolicies.Create",
    "RoutingPolicies.Edit",
    "HoursOfOperation.Create",
    "HoursOfOperation.Edit",
    "HoursOfOperation.Delete",
    "TransferDestinations.Create",
    "TransferDestinations.Edit",
    "TransferDestinations.Delete",
    "PhoneNumbers.View",
    "Prompts.View",
    "ContactFlows.View",
    "ContactFlowModules.View",
    "MetricsReports.Create",
    "MetricsReports.Edit",
)


class ContactCenterSecurityProfiles(Construct):
    """Agent, supervisor and admin profiles; each permission is listed, nothing is implied.

    Flows, prompts and phone numbers stay read-only for the admin profile: they are deployed by
    this CDK app, and console edits would drift from the versioned definitions.

    Attributes:
        profiles: security profile by role (``agent``, ``supervisor``, ``admin``).
    """

    PERMISSIONS: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "agent": _AGENT,
        "supervisor": _SUPERVISOR,
        "admin": _ADMIN,
    }
    DESCRIPTIONS: ClassVar[Mapping[str, str]] = {
        "agent": "상담원: 상담 처리, 발신, 본인 상담 이력 조회",
        "supervisor": "관리자: 실시간 모니터링, 녹취 청취, 지표 조회",
        "admin": "운영자: 사용자·큐·라우팅·운영시간 관리 (흐름은 CDK로만 배포)",
    }

    def __init__(self, scope: Construct, construct_id: str, *, instance_arn: str, name_prefix: str) -> None:
        super().__init__(scope, construct_id)
        self.profiles: dict[str, connect.CfnSecurityProfile] = {
            role: connect.CfnSecurityProfile(
                self,
                role.title(),
                instance_arn=instance_arn,
                security_profile_name=f"{name_prefix}-{role}",
                description=self.DESCRIPTIONS[role],
                permissions=sorted(set(permissions)),
            )
            for role, permissions in self.PERMISSIONS.items()
        }
