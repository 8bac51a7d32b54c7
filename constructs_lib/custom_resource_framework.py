"""What CDK's custom-resource machinery gets from us: a role, a log group and a dead-letter queue.

The FAQ loader (a ``custom_resources.Provider``) and the phone-number-to-flow link (an
``AwsCustomResource``) let CDK's own functions answer CloudFormation. Left to their defaults,
those functions would run under a role with the AWS managed ``AWSLambdaBasicExecutionRole``
(write access to every log group of the account) and log into a group without retention.
:func:`framework_logging` gives them instead a log group like every function of the app
(the environment's retention, retained where data is retained) and a role that may write
to that group and nothing else; CDK then adds exactly the permissions its function needs.

CloudFormation invokes a custom resource's function *asynchronously* (the Lambda event carries
the URL to answer on). CDK's function answers CloudFormation in every case it can see — our
function's error or timeout included — but should the function itself crash or time out, Lambda
retries it twice and then drops the event, and CloudFormation waits an hour for an answer that
never comes. :func:`framework_logging` therefore also gives the function a dead-letter queue
(KMS-encrypted, TLS only, 14 days): the dropped event lands there with its ``ResponseURL``, an
alarm fires (``ContactCenterMonitoring``), and an operator can read it and answer CloudFormation.
:func:`harden_framework_function` attaches the queue and acknowledges, on CDK's function and its
role's policies, what the rule packs ask of an application function but is not real for a
deploy-time relay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.bot_functions import create_log_group
from constructs_lib.compliance import (
    HIPAA_NIST,
    HIPAA_NIST_PCI,
    INLINE_POLICY_REASON,
    NO_VPC_REASON,
    SERVERLESS,
    acknowledge,
)

#: How long a dropped CloudFormation event stays readable (SQS's maximum).
DEAD_LETTER_RETENTION: Final = Duration.days(14)
#: What sending to a KMS-encrypted queue takes from the sender (SQS calls KMS on its behalf).
QUEUE_KEY_ACTIONS: Final = ("kms:GenerateDataKey", "kms:Decrypt")


@dataclass(frozen=True)
class FrameworkLogging:
    """A framework function's execution role, its log group and its dead-letter queue.

    Attributes:
        role: assumed by Lambda; its own permissions write to ``log_group`` and send to
            ``dead_letter_queue``.
        log_group: the environment's retention and removal policy, encrypted with the data key.
        dead_letter_queue: where Lambda puts a CloudFormation event the function failed on.
    """

    role: iam.Role
    log_group: logs.LogGroup
    dead_letter_queue: sqs.Queue

    #: What CDK's framework functions are told they are, for the acknowledgements' reasons.
    DEPLOY_TIME_ONLY: ClassVar[str] = (
        "CDK's custom-resource function runs only while CloudFormation deploys this stack, once "
        "per custom-resource event"
    )


def framework_logging(
    scope: Construct,
    construct_id: str,
    *,
    config: EnvironmentConfig,
    description: str,
    encryption_key: kms.IKey,
) -> FrameworkLogging:
    """A role (``<construct_id>Role``), a log group (``<construct_id>Logs``) and a dead-letter queue
    (``<construct_id>DeadLetters``) inside ``scope``, the group and the queue encrypted with
    ``encryption_key``.

    The log and dead-letter permissions are inline policies of the role, so a function using the
    role never runs before it may log, and Lambda (which checks a dead-letter target's permission
    when the function is created) finds them in place.
    """
    log_group = create_log_group(scope, f"{construct_id}Logs", config=config, encryption_key=encryption_key)
    dead_letter_queue = sqs.Queue(
        scope,
        f"{construct_id}DeadLetters",
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=encryption_key,
        enforce_ssl=True,
        retention_period=DEAD_LETTER_RETENTION,
    )
    acknowledge(
        dead_letter_queue,
        "SQSRedrivePolicy",
        packs=(SERVERLESS,),
        reason=(
            "This queue is itself the dead-letter queue of a custom-resource function; what lands "
            "here is read by an operator (an alarm fires), never consumed and redriven."
        ),
    )
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
            ),
            "DeadLetters": iam.PolicyDocument(
                statements=[
                    iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[dead_letter_queue.queue_arn]),
                    iam.PolicyStatement(actions=list(QUEUE_KEY_ACTIONS), resources=[encryption_key.key_arn]),
                ]
            ),
        },
    )
    return FrameworkLogging(role=role, log_group=log_group, dead_letter_queue=dead_letter_queue)


def harden_framework_function(function: lambda_.CfnFunction, framework: FrameworkLogging) -> None:
    """Send ``function``'s dropped events to the framework's dead-letter queue; acknowledge the rest.

    Call it once CDK has built the function and granted its role what it needs (the role's
    default policy, if CDK made one, is acknowledged with the role's inline policies).
    """
    function.dead_letter_config = lambda_.CfnFunction.DeadLetterConfigProperty(
        target_arn=framework.dead_letter_queue.queue_arn
    )
    deploy_time = FrameworkLogging.DEPLOY_TIME_ONLY
    acknowledge(
        function,
        "LambdaConcurrency",
        packs=HIPAA_NIST,
        reason=(
            f"{deploy_time}: nothing can make it scale, and a reservation would only take "
            "concurrency from the functions callers depend on."
        ),
    )
    acknowledge(function, "LambdaInsideVPC", packs=HIPAA_NIST_PCI, reason=NO_VPC_REASON)
    acknowledge(
        function,
        "LambdaDefaultMemorySize",
        packs=(SERVERLESS,),
        reason=(
            f"{deploy_time}: a small Node.js relay between CloudFormation and an API call or our "
            "function, which CDK sizes; its default memory is enough."
        ),
    )
    acknowledge(
        function,
        "LambdaTracing",
        packs=(SERVERLESS,),
        reason=(
            f"{deploy_time}: its log group records every request, call and answer; a trace of a "
            "one-hop relay adds nothing (the FAQ loader it may relay to is traced itself)."
        ),
    )
    # The role's own inline policies (logs, dead letters), and the default policy CDK's grants made.
    policies = [framework.role.node.default_child, framework.role.node.try_find_child("DefaultPolicy")]
    for policy in policies:
        if policy is not None:
            acknowledge(policy, "IAMNoInlinePolicy", packs=HIPAA_NIST_PCI, reason=INLINE_POLICY_REASON)
