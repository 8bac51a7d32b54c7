"""A function's permission to one Amazon Connect action on the contacts of one instance.

Contact ids exist only once a contact does, so such a permission names ``<instance ARN>/contact/*``:
the one wildcard resource, alone in a policy of its own and acknowledged there (cdk-nag's IAM5, with
the id it reports for that very ARN, :func:`constructs_lib.compliance.as_nag_renders`). The start-chat
function and the contact-records function both need one; this keeps the two from drifting apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Acknowledgment, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from constructs_lib.compliance import HIPAA_NIST_PCI, INLINE_POLICY_REASON, acknowledge, as_nag_renders


def connect_contact_policy(
    scope: Construct,
    *,
    function: lambda_.Function,
    action: str,
    instance_arn: str,
    other_resources: Sequence[str] = (),
    reason: str,
) -> iam.Policy:
    """``action`` on ``other_resources`` and the instance's contacts, in policy ``ConnectPermissions``.

    ``reason`` says why ``<instance ARN>/contact/*`` is as narrow as the action allows.
    """
    role = function.role
    if role is None:
        raise ValueError(f"{function.node.path} has no role")
    contacts = f"{instance_arn}/contact/*"
    policy = iam.Policy(
        scope,
        "ConnectPermissions",
        roles=[role],
        statements=[iam.PolicyStatement(actions=[action], resources=[*other_resources, contacts])],
    )
    function.node.add_dependency(policy)
    acknowledge(policy, "IAMNoInlinePolicy", packs=HIPAA_NIST_PCI, reason=INLINE_POLICY_REASON)
    Validations.of(policy).acknowledge(
        Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::{as_nag_renders(scope, instance_arn)}/contact/*]", reason=reason
        )
    )
    return policy
