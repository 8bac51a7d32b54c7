"""Customer-managed KMS key for the contact center's data at rest."""

from __future__ import annotations

from typing import ClassVar, Final

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

#: What CloudWatch Logs does with a log group's key (CloudWatch Logs "Encrypt log data using
#: AWS KMS"), spelled out: the project allows no wildcard actions.
CLOUDWATCH_LOGS_KEY_ACTIONS: Final = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
)


def cloudwatch_logs_key_statement(scope: Construct) -> iam.PolicyStatement:
    """A key-policy statement: CloudWatch Logs may use the key for log groups of this account and region.

    The encryption-context condition names no particular log group: the groups live in other
    stacks (the bot stack's functions and bot), which the key's stack cannot reference without a
    dependency cycle.
    """
    stack = Stack.of(scope)
    return iam.PolicyStatement(
        principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
        actions=list(CLOUDWATCH_LOGS_KEY_ACTIONS),
        resources=["*"],  # in a key policy, "*" is the key itself
        conditions={
            "ArnLike": {
                "kms:EncryptionContext:aws:logs:arn": (
                    f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:*"
                )
            }
        },
    )


class DataEncryptionKey(Construct):
    """A symmetric customer-managed key with yearly rotation, used by every table and bucket.

    It also encrypts every log group of the environment (the functions', the custom-resource
    frameworks', the bot's conversation logs), the backup vault and the custom-resource
    frameworks' dead-letter queues: its policy lets CloudWatch Logs use it for this account's
    log groups in the stack's region, nothing else.

    Attributes:
        key: the KMS key.
    """

    PENDING_WINDOW: ClassVar[Duration] = Duration.days(30)

    def __init__(
        self, scope: Construct, construct_id: str, *, alias: str, removal_policy: RemovalPolicy
    ) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            alias=alias,
            description="Encrypts contact-center data at rest: tables, recordings and transcripts",
            enable_key_rotation=True,
            pending_window=self.PENDING_WINDOW,
            removal_policy=removal_policy,
        )
        self.key.add_to_resource_policy(cloudwatch_logs_key_statement(self))
