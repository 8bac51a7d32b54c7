"""What CDK's custom-resource machinery gets from us: an execution role and a log group.

The FAQ loader (a ``custom_resources.Provider``) and the phone-number-to-flow link (an
``AwsCustomResource``) let CDK's own functions answer CloudFormation. Left to their defaults,
those functions would run under a role with the AWS managed ``AWSLambdaBasicExecutionRole``
(write access to every log group of the account) and log into a group without retention.
:func:`framework_logging` gives them instead a log group like every function of the app
(the environment's retention, retained where data is retained) and a role that may write
to that group and nothing else; CDK then adds exactly the permissions its function needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.bot_functions import create_log_group


@dataclass(frozen=True)
class FrameworkLogging:
    """A framework function's execution role and its log group.

    Attributes:
        role: assumed by Lambda; its only own permission writes to ``log_group``.
        log_group: the environment's retention and removal policy.
    """

    role: iam.Role
    log_group: logs.LogGroup


def framework_logging(
    scope: Construct, construct_id: str, *, config: EnvironmentConfig, description: str
) -> FrameworkLogging:
    """A role (``<construct_id>Role``) and a log group (``<construct_id>Logs``) inside ``scope``.

    The log permissions are an inline policy of the role, so a function using the role never
    runs before it may log.
    """
    log_group = create_log_group(scope, f"{construct_id}Logs", config=config)
    role = iam.Role(
        scope,
        f"{construct_id}Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"Execution role of {description}",
        inline_policies={
            "Logs": iam.PolicyDocument(
                statements=[
                    iam.PolicyStatement(
                        actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                        # LogGroup.log_group_arn ends in ":*", which covers the group's log streams.
                        resources=[log_group.log_group_arn],
                    )
                ]
            )
        },
    )
    return FrameworkLogging(role=role, log_group=log_group)
