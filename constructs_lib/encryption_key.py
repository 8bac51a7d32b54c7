"""Customer-managed KMS key for the contact center's data at rest."""

from __future__ import annotations

from typing import ClassVar

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from constructs import Construct


class DataEncryptionKey(Construct):
    """A symmetric customer-managed key with yearly rotation, used by every table and bucket.

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
