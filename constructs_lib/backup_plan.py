"""AWS Backup of the contact center's data: the tables and the recordings bucket.

Point-in-time recovery already keeps each table's last 35 days, and the recordings bucket keeps
overwritten and deleted versions for a while; neither survives a mistake or an attacker that
deletes the table or the bucket itself, or that reaches the account's data with the rights to
do so. A backup plan keeps recovery points apart from them, in a vault of its own:

* a daily backup at ``backup.daily_at`` (Korea time) of every table and the recordings bucket,
  kept ``backup.retention_days`` — short enough that what the tables' TTL and the bucket's
  lifecycle delete (callers' personal data) is gone from the backups within that many days;
* the vault encrypted with the environment's customer-managed key;
* with ``backup.vault_lock`` (required in production), a vault lock in governance mode: no
  recovery point can be deleted, nor its retention shortened, before ``retention_days``. Compliance
  mode (irreversible once its grace period ends) is deliberately not offered by configuration.

Restores run as an operator decides (AWS Backup's console or API with a restore role of their
choosing); the plan's role may only back up. DynamoDB backups in a vault with its own key need
AWS Backup's "advanced features for Amazon DynamoDB" turned on for the account (a one-time
account setting, no CloudFormation resource).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, Final

from aws_cdk import Duration, RemovalPolicy, TimeZone
from aws_cdk import aws_backup as backup
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from config.settings import BackupSettings
from constructs_lib.compliance import AWS_SOLUTIONS, HIPAA_NIST, acknowledge

#: The AWS-managed service-role policies of AWS Backup: backing up DynamoDB (and other services),
#: and backing up S3, which the first does not cover.
BACKUP_MANAGED_POLICIES: Final = (
    "service-role/AWSBackupServiceRolePolicyForBackup",
    "service-role/AWSBackupServiceRolePolicyForS3Backup",
)


class DataBackup(Construct):
    """A daily AWS Backup plan of the tables and the recordings bucket, into an encrypted vault.

    Attributes:
        vault: the backup vault (the data key; locked where ``settings.vault_lock``).
        plan: the backup plan and its one daily rule.
        role: what AWS Backup assumes to back the resources up (AWS Backup's managed policies).
        selection: the tables and the bucket in the plan.
    """

    RULE_NAME: ClassVar[str] = "daily"
    #: A backup that has not started within the hour waits for the next day.
    START_WINDOW: ClassVar[Duration] = Duration.hours(1)
    COMPLETION_WINDOW: ClassVar[Duration] = Duration.hours(8)

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name_prefix: str,
        settings: BackupSettings,
        encryption_key: kms.IKey,
        tables: Iterable[dynamodb.ITable],
        buckets: Iterable[s3.IBucket],
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)
        retention = Duration.days(settings.retention_days)
        self.vault = backup.BackupVault(
            self,
            "Vault",
            backup_vault_name=f"{name_prefix}-data",
            encryption_key=encryption_key,
            removal_policy=removal_policy,
            # Governance mode (no changeable_for): the lock holds every recovery point until its
            # retention ends; the vault's own policy cannot be used to delete one earlier.
            lock_configuration=(
                backup.LockConfiguration(min_retention=retention) if settings.vault_lock else None
            ),
        )
        hour, minute = settings.hour_minute
        self.plan = backup.BackupPlan(
            self,
            "Plan",
            backup_plan_name=f"{name_prefix}-data",
            backup_vault=self.vault,
            backup_plan_rules=[
                backup.BackupPlanRule(
                    rule_name=self.RULE_NAME,
                    schedule_expression=events.Schedule.cron(hour=str(hour), minute=str(minute)),
                    schedule_expression_timezone=TimeZone.ASIA_SEOUL,
                    start_window=self.START_WINDOW,
                    completion_window=self.COMPLETION_WINDOW,
                    delete_after=retention,
                )
            ],
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("backup.amazonaws.com"),
            description=f"AWS Backup of the {name_prefix} tables and recordings bucket",
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(name) for name in BACKUP_MANAGED_POLICIES
            ],
        )
        for name in BACKUP_MANAGED_POLICIES:
            acknowledge(
                self.role,
                f"IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{name}]",
                packs=(AWS_SOLUTIONS,),
                reason=(
                    "AWS Backup's own service-role policy: AWS maintains exactly what AWS Backup needs "
                    "to back up DynamoDB and S3 (their backup APIs, KMS grants for AWS resources only) "
                    "as those services change; a copy written out here would drift from it."
                ),
            )
        self.selection = self.plan.add_selection(
            "Data",
            backup_selection_name=f"{name_prefix}-data",
            role=self.role,
            resources=[
                *(backup.BackupResource.from_dynamo_db_table(table) for table in tables),
                *(backup.BackupResource.from_arn(bucket.bucket_arn) for bucket in buckets),
            ],
        )


def acknowledge_tables_without_backup(tables: Iterable[dynamodb.ITable], *, environment: str) -> None:
    """Acknowledge, on each table, that ``environment`` runs no backup plan (``backup.enabled`` false)."""
    for table in tables:
        acknowledge(
            table,
            "DynamoDBInBackupPlan",
            packs=HIPAA_NIST,
            reason=(
                f"{environment} holds test data only, and backup.enabled is false for it: point-in-time "
                "recovery (35 days) covers mistakes there. Production runs the AWS Backup plan "
                "(config validation requires it)."
            ),
        )
