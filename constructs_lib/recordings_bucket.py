"""S3 storage for call recordings and chat transcripts, with its access-log bucket."""

from __future__ import annotations

from typing import ClassVar

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct


class RecordingsBucket(Construct):
    """KMS-encrypted, TLS-only, private bucket with server access logs and lifecycle rules.

    Attributes:
        bucket: recordings and transcripts (Connect writes under ``RECORDINGS_PREFIX`` and
            ``TRANSCRIPTS_PREFIX``).
        access_log_bucket: receives the bucket's server access logs.
    """

    RECORDINGS_PREFIX: ClassVar[str] = "recordings"
    TRANSCRIPTS_PREFIX: ClassVar[str] = "chat-transcripts"
    INFREQUENT_ACCESS_AFTER: ClassVar[Duration] = Duration.days(30)
    NONCURRENT_VERSION_EXPIRY: ClassVar[Duration] = Duration.days(30)
    ACCESS_LOG_RETENTION: ClassVar[Duration] = Duration.days(365)

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        encryption_key: kms.IKey,
        retention_days: int,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)
        self.access_log_bucket = s3.Bucket(
            self,
            "AccessLogs",
            # S3 server access logging can only deliver to SSE-S3 buckets, not SSE-KMS.
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-access-logs",
                    expiration=self.ACCESS_LOG_RETENTION,
                    abort_incomplete_multipart_upload_after=Duration.days(7),
                )
            ],
            removal_policy=removal_policy,
        )
        Validations.of(self.access_log_bucket).acknowledge(
            Acknowledgment(
                id="AwsSolutions-S1",
                reason="This is the access-log bucket itself; logging it into itself would loop.",
            )
        )

        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=encryption_key,
            bucket_key_enabled=True,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=True,
            server_access_logs_bucket=self.access_log_bucket,
            server_access_logs_prefix="recordings-bucket/",
            lifecycle_rules=self._lifecycle_rules(retention_days),
            removal_policy=removal_policy,
        )

    @classmethod
    def _lifecycle_rules(cls, retention_days: int) -> list[s3.LifecycleRule]:
        transitions = []
        if retention_days > cls.INFREQUENT_ACCESS_AFTER.to_days():
            transitions.append(
                s3.Transition(
                    storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                    transition_after=cls.INFREQUENT_ACCESS_AFTER,
                )
            )
        return [
            s3.LifecycleRule(
                id="expire-recordings-and-transcripts",
                expiration=Duration.days(retention_days),
                transitions=transitions or None,
                noncurrent_version_expiration=cls.NONCURRENT_VERSION_EXPIRY,
                abort_incomplete_multipart_upload_after=Duration.days(7),
            )
        ]
