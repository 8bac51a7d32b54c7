"""The one way this app makes a bucket for S3 server access logs (and CloudFront's standard logs).

Two places keep access logs — the recordings bucket and the chat page — and both need the same
guarantees: SSE-S3 (server access logging delivers only to SSE-S3 buckets, not SSE-KMS), TLS-only,
no public access, versioned, a year of logs and old versions gone after 30 days. One function keeps
them from drifting apart; each caller acknowledges its own cdk-nag findings with its own reasons.
"""

from __future__ import annotations

from typing import Final

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

#: How long access logs are kept.
ACCESS_LOG_RETENTION: Final = Duration.days(365)
#: How long an overwritten or deleted log object's old version is kept.
NONCURRENT_LOG_EXPIRY: Final = Duration.days(30)


def access_log_bucket(
    scope: Construct,
    construct_id: str,
    *,
    removal_policy: RemovalPolicy,
    object_ownership: s3.ObjectOwnership = s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
) -> s3.Bucket:
    """A bucket for access logs. ``object_ownership``: CloudFront's standard logs need ACLs
    (``BUCKET_OWNER_PREFERRED``); S3 server access logs alone need none (the default)."""
    return s3.Bucket(
        scope,
        construct_id,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=object_ownership,
        versioned=True,
        lifecycle_rules=[
            s3.LifecycleRule(
                id="expire-access-logs",
                expiration=ACCESS_LOG_RETENTION,
                noncurrent_version_expiration=NONCURRENT_LOG_EXPIRY,
                abort_incomplete_multipart_upload_after=Duration.days(7),
            )
        ],
        removal_policy=removal_policy,
    )
