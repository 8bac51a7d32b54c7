"""DataBackup: the AWS Backup plan of the tables and the recordings bucket, its vault and its role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import App, Environment, RemovalPolicy, Stack
from aws_cdk.assertions import Template

from config.settings import BackupSettings
from constructs_lib.backup_plan import BACKUP_MANAGED_POLICIES, DataBackup
from constructs_lib.data_tables import DataTables
from constructs_lib.encryption_key import DataEncryptionKey
from constructs_lib.recordings_bucket import RecordingsBucket
from contract import TABLE_DEFINITIONS
from tests.infrastructure.conftest import cdk_context
from tests.support.cdk_nag import nag_findings

SETTINGS = BackupSettings(enabled=True, daily_at="02:30", retention_days=60, vault_lock=True)


def build(settings: BackupSettings = SETTINGS, *, app: App | None = None) -> tuple[Stack, DataBackup]:
    """DataBackup over the tables and the recordings bucket, as the stateful stack builds it."""
    app = app or App(context=cdk_context(), analytics_reporting=False)
    stack = Stack(app, "Probe", env=Environment(account="123456789012", region="ap-northeast-2"))
    key = DataEncryptionKey(stack, "DataKey", alias="alias/probe", removal_policy=RemovalPolicy.DESTROY).key
    tables = DataTables(
        stack, "Tables", encryption_key=key, removal_policy=RemovalPolicy.DESTROY, deletion_protection=False
    )
    recordings = RecordingsBucket(
        stack, "Recordings", encryption_key=key, retention_days=30, removal_policy=RemovalPolicy.DESTROY
    )
    backup = DataBackup(
        stack,
        "Backup",
        name_prefix="aicc-probe",
        settings=settings,
        encryption_key=key,
        tables=tables.tables.values(),
        buckets=[recordings.bucket],
        removal_policy=RemovalPolicy.RETAIN,
    )
    return stack, backup


def _only(template: dict[str, Any], resource_type: str) -> dict[str, Any]:
    (resource,) = [r for r in template["Resources"].values() if r["Type"] == resource_type]
    return resource


def test_a_daily_plan_in_korea_time_kept_for_the_configured_days() -> None:
    stack, _ = build()
    template = Template.from_stack(stack).to_json()
    (rule,) = _only(template, "AWS::Backup::BackupPlan")["Properties"]["BackupPlan"]["BackupPlanRule"]
    assert rule["ScheduleExpression"] == "cron(30 2 * * ? *)"
    assert rule["ScheduleExpressionTimezone"] == "Asia/Seoul"
    assert rule["Lifecycle"] == {"DeleteAfterDays": 60}
    assert (rule["StartWindowMinutes"], rule["CompletionWindowMinutes"]) == (60, 480)


def test_the_vault_is_encrypted_with_the_data_key_and_locked_for_the_retention() -> None:
    stack, backup = build()
    template = Template.from_stack(stack).to_json()
    vault = _only(template, "AWS::Backup::BackupVault")
    assert vault["Properties"]["BackupVaultName"] == "aicc-probe-data"
    assert vault["Properties"]["LockConfiguration"] == {"MinRetentionDays": 60}
    (key_id,) = [name for name, r in template["Resources"].items() if r["Type"] == "AWS::KMS::Key"]
    assert vault["Properties"]["EncryptionKeyArn"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert backup.vault.backup_vault_name is not None
    assert vault["DeletionPolicy"] == "Retain"


def test_without_vault_lock_there_is_no_lock() -> None:
    unlocked = BackupSettings(enabled=True, daily_at="03:00", retention_days=35, vault_lock=False)
    stack, _ = build(unlocked)
    vault = _only(Template.from_stack(stack).to_json(), "AWS::Backup::BackupVault")
    assert "LockConfiguration" not in vault["Properties"]


def test_the_role_backs_up_with_aws_backups_own_policies_only() -> None:
    stack, backup = build()
    template = Template.from_stack(stack).to_json()
    role = template["Resources"][stack.get_logical_id(backup.role.node.default_child)]["Properties"]  # type: ignore[arg-type]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "backup.amazonaws.com"
    }
    arns = [arn["Fn::Join"][1][-1] for arn in role["ManagedPolicyArns"]]
    assert arns == [f":iam::aws:policy/{name}" for name in BACKUP_MANAGED_POLICIES]
    assert "Policies" not in role
    assert not [r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Policy"]


def test_every_table_and_the_recordings_bucket_are_selected() -> None:
    stack, _ = build()
    template = Template.from_stack(stack).to_json()
    selection = _only(template, "AWS::Backup::BackupSelection")["Properties"]["BackupSelection"]
    selected = [resource["Fn::GetAtt"][0] for resource in selection["Resources"]]
    assert sum(name.startswith("Tables") for name in selected) == len(TABLE_DEFINITIONS) == 7
    assert [name for name in selected if not name.startswith("Tables")] == [
        name for name in selected if name.startswith("RecordingsBucket")
    ]
    assert len(selected) == len(TABLE_DEFINITIONS) + 1


def test_cdk_nag_finds_nothing_with_the_plan_in_place(tmp_path: Path) -> None:
    # With the plan the tables need no acknowledgement; the role's managed policies have theirs.
    app = App(context=cdk_context(), outdir=str(tmp_path), analytics_reporting=False)
    build(app=app)
    assert nag_findings(app) == []


def test_the_data_key_lets_cloudwatch_logs_encrypt_log_groups() -> None:
    stack, _ = build()
    template = Template.from_stack(stack).to_json()
    keys = [r for r in template["Resources"].values() if r["Type"] == "AWS::KMS::Key"]
    (key,) = keys
    principals = [statement["Principal"] for statement in key["Properties"]["KeyPolicy"]["Statement"]]
    assert {"Service": "logs.ap-northeast-2.amazonaws.com"} in principals
