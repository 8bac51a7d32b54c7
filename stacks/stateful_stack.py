"""Stateful stack: the KMS key, the DynamoDB tables, the recordings bucket and their backup plan."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, RemovalPolicy, Stack
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.backup_plan import DataBackup, acknowledge_tables_without_backup
from constructs_lib.data_tables import DataTables
from constructs_lib.encryption_key import DataEncryptionKey
from constructs_lib.recordings_bucket import RecordingsBucket


class StatefulStack(Stack):
    """Everything that holds customer data; it changes rarely and is retained in production.

    Attributes:
        data_key: the customer-managed KMS key of every table and bucket.
        tables: DynamoDB table by logical key.
        recordings: the recordings/transcripts bucket construct.
        backup: the AWS Backup plan of the tables and the bucket (None where ``backup.enabled`` is
            false: then each table acknowledges the backup-plan rules).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, config: EnvironmentConfig, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        removal_policy = RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY

        self.data_key = DataEncryptionKey(
            self, "DataKey", alias=f"alias/{config.name_prefix}-data", removal_policy=removal_policy
        ).key
        self.tables = DataTables(
            self,
            "Tables",
            encryption_key=self.data_key,
            removal_policy=removal_policy,
            deletion_protection=config.retain_data,
        ).tables
        self.recordings = RecordingsBucket(
            self,
            "Recordings",
            encryption_key=self.data_key,
            retention_days=config.recording_retention_days,
            removal_policy=removal_policy,
        )
        self.backup: DataBackup | None = None
        if config.backup.enabled:
            self.backup = DataBackup(
                self,
                "Backup",
                name_prefix=config.name_prefix,
                settings=config.backup,
                encryption_key=self.data_key,
                tables=self.tables.values(),
                buckets=[self.recordings.bucket],
                removal_policy=removal_policy,
            )
        else:
            acknowledge_tables_without_backup(self.tables.values(), environment=config.name)

        for key, table in self.tables.items():
            CfnOutput(self, f"{key.title().replace('_', '')}TableName", value=table.table_name)
        CfnOutput(self, "RecordingsBucketName", value=self.recordings.bucket.bucket_name)
        CfnOutput(self, "DataKeyArn", value=self.data_key.key_arn)
