"""The Amazon Connect instance and where it stores recordings and transcripts."""

from __future__ import annotations

from typing import ClassVar

from aws_cdk import RemovalPolicy
from aws_cdk import aws_connect as connect
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct


class ContactCenterInstance(Construct):
    """A CONNECT_MANAGED instance with inbound/outbound calls, flow logs and Contact Lens.

    Call recordings and chat transcripts go to ``bucket`` under the given prefixes, encrypted
    with ``encryption_key``.

    Attributes:
        instance: the ``AWS::Connect::Instance``.
        instance_arn / instance_id: its ARN and id.
        storage_configs: instance storage config by resource type.
    """

    IDENTITY_MANAGEMENT: ClassVar[str] = "CONNECT_MANAGED"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        alias: str,
        bucket: s3.IBucket,
        encryption_key: kms.IKey,
        recordings_prefix: str,
        transcripts_prefix: str,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)
        self.instance = connect.CfnInstance(
            self,
            "Instance",
            identity_management_type=self.IDENTITY_MANAGEMENT,
            # Deterministic alias from config: aliases are unique and instance creation is rate-limited.
            instance_alias=alias,
            attributes=connect.CfnInstance.AttributesProperty(
                inbound_calls=True,
                outbound_calls=True,
                contactflow_logs=True,
                contact_lens=True,
            ),
        )
        self.instance.apply_removal_policy(removal_policy)
        self.instance_arn = self.instance.attr_arn
        self.instance_id = self.instance.attr_id

        self.storage_configs: dict[str, connect.CfnInstanceStorageConfig] = {}
        for resource_type, prefix, logical_id in (
            ("CALL_RECORDINGS", recordings_prefix, "CallRecordingsStorage"),
            ("CHAT_TRANSCRIPTS", transcripts_prefix, "ChatTranscriptsStorage"),
        ):
            self.storage_configs[resource_type] = connect.CfnInstanceStorageConfig(
                self,
                logical_id,
                instance_arn=self.instance_arn,
                resource_type=resource_type,
                storage_type="S3",
                s3_config=connect.CfnInstanceStorageConfig.S3ConfigProperty(
                    bucket_name=bucket.bucket_name,
                    bucket_prefix=prefix,
                    encryption_config=connect.CfnInstanceStorageConfig.EncryptionConfigProperty(
                        encryption_type="KMS",
                        key_id=encryption_key.key_arn,
                    ),
                ),
            )
