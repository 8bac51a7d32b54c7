"""S3 storage for call recordings and chat transcripts, with its access-log bucket."""

from __future__ import annotations

from typing import ClassVar, Final

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from constructs_lib.access_log_bucket import access_log_bucket
from constructs_lib.compliance import HIPAA_NIST_PCI, acknowledge

#: Why neither bucket replicates to another region (HIPAA, NIST and PCI ``S3BucketReplicationEnabled``).
NO_REPLICATION_REASON: Final = (
    "Callers' recordings, transcripts and the logs of access to them stay in the Seoul region "
    "(ap-northeast-2): replicating them would copy personal data out of Korea. S3 already keeps "
    "every object across several availability zones, versioning keeps overwritten and deleted "
    "objects, and in production AWS Backup keeps a separate, vault-locked copy of the recordings."
)


class RecordingsBucket(Construct):
    """KMS-encrypted, TLS-only, versioned, private bucket with server access logs and lifecycle rules.

    The access-log bucket is versioned too, so an access log cannot be overwritten or deleted
    without a trace before it expires.

    Attributes:
        bucket: recordings and transcripts (Connect writes under ``RECORDINGS_PREFIX`` and
            ``TRANSCRIPTS_PREFIX``).
        access_log_bucket: receives the bucket's server access logs.
    """

    RECORDINGS_PREFIX: ClassVar[str] = "recordings"
    TRANSCRIPTS_PREFIX: ClassVar[str] = "chat-transcripts"
    INFREQUENT_ACCESS_AFTER: ClassVar[Duration] = Duration.days(30)
    NONCURRENT_VERSION_EXPIRY: ClassVar[Duration] = Duration.days(30)

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
        self.access_log_bucket = access_log_bucket(self, "AccessLogs", removal_policy=removal_policy)
        # No access logs of its own (it would log into itself): cdk-nag's S1 accepts a bucket that
        # receives another bucket's access logs, so this needs no acknowledgement.
        acknowledge(
            self.access_log_bucket,
            "S3DefaultEncryptionKMS",
            packs=HIPAA_NIST_PCI,
            reason=(
                "S3 server access logging delivers only to buckets encrypted with SSE-S3, not SSE-KMS; "
                "the logs hold request metadata (keys, requesters), no recording content."
            ),
        )
        acknowledge(
            self.access_log_bucket,
            "S3BucketReplicationEnabled",
            packs=HIPAA_NIST_PCI,
            reason=NO_REPLICATION_REASON,
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
        acknowledge(
            self.bucket, "S3BucketReplicationEnabled", packs=HIPAA_NIST_PCI, reason=NO_REPLICATION_REASON
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
