"""Stateful stack: KMS key, tables and the recordings bucket, per environment."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match

from contract import TABLE_DEFINITIONS
from tests.infrastructure.conftest import SynthResult


def _resources(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {key: value for key, value in template["Resources"].items() if value["Type"] == resource_type}


def test_customer_managed_key_rotates(synth: SynthResult, environment: str) -> None:
    template = synth.template(environment, "stateful")
    template.resource_count_is("AWS::KMS::Key", 1)
    template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


def test_every_table_is_on_demand_kms_encrypted_with_pitr(synth: SynthResult, environment: str) -> None:
    raw = synth.raw(environment, "stateful")
    tables = _resources(raw, "AWS::DynamoDB::Table")
    assert len(tables) == len(TABLE_DEFINITIONS) == 7
    key_id = next(iter(_resources(raw, "AWS::KMS::Key")))
    for table in tables.values():
        properties = table["Properties"]
        assert properties["BillingMode"] == "PAY_PER_REQUEST"
        assert properties["SSESpecification"] == {
            "SSEEnabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]},
        }
        assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


@pytest.mark.parametrize("definition", TABLE_DEFINITIONS, ids=lambda definition: definition.key)
def test_table_keys_match_the_shared_definitions(synth: SynthResult, definition: Any) -> None:
    expected_keys = [{"AttributeName": definition.partition_key.name, "KeyType": "HASH"}]
    if definition.sort_key:
        expected_keys.append({"AttributeName": definition.sort_key.name, "KeyType": "RANGE"})
    properties: dict[str, Any] = {"KeySchema": expected_keys}
    if definition.ttl_attribute:
        properties["TimeToLiveSpecification"] = {"AttributeName": definition.ttl_attribute, "Enabled": True}
    if definition.indexes:
        properties["GlobalSecondaryIndexes"] = [
            Match.object_like(
                {
                    "IndexName": index.name,
                    "KeySchema": [
                        {"AttributeName": index.partition_key.name, "KeyType": "HASH"},
                        {"AttributeName": index.sort_key.name, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            )
            for index in definition.indexes
        ]
    synth.template("dev", "stateful").has_resource_properties("AWS::DynamoDB::Table", properties)


def test_conversation_turns_are_keyed_by_contact_and_numeric_turn(synth: SynthResult) -> None:
    synth.template("dev", "stateful").has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [
                {"AttributeName": "contact_id", "KeyType": "HASH"},
                {"AttributeName": "turn", "KeyType": "RANGE"},
            ],
            "AttributeDefinitions": Match.array_with([{"AttributeName": "turn", "AttributeType": "N"}]),
            "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
        },
    )


@pytest.mark.parametrize(
    ("environment", "protected", "policy"),
    [("dev", False, "Delete"), ("staging", False, "Delete"), ("prod", True, "Retain")],
)
def test_prod_tables_are_deletion_protected_and_retained(
    synth: SynthResult, environment: str, protected: bool, policy: str
) -> None:
    raw = synth.raw(environment, "stateful")
    for table in _resources(raw, "AWS::DynamoDB::Table").values():
        assert table["Properties"].get("DeletionProtectionEnabled", False) is protected
        assert table["DeletionPolicy"] == policy
        assert table["UpdateReplacePolicy"] == policy
    for key in _resources(raw, "AWS::KMS::Key").values():
        assert key["DeletionPolicy"] == policy
    for bucket in _resources(raw, "AWS::S3::Bucket").values():
        assert bucket["DeletionPolicy"] == policy


def _recordings_bucket(raw: dict[str, Any]) -> dict[str, Any]:
    buckets = [
        bucket
        for bucket in _resources(raw, "AWS::S3::Bucket").values()
        if "LoggingConfiguration" in bucket["Properties"]
    ]
    assert len(buckets) == 1
    properties: dict[str, Any] = buckets[0]["Properties"]
    return properties


def test_recordings_bucket_is_kms_encrypted_private_and_logged(synth: SynthResult, environment: str) -> None:
    raw = synth.raw(environment, "stateful")
    properties = _recordings_bucket(raw)
    key_id = next(iter(_resources(raw, "AWS::KMS::Key")))
    encryption = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert encryption["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]},
    }
    assert encryption["BucketKeyEnabled"] is True
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    log_bucket_id = properties["LoggingConfiguration"]["DestinationBucketName"]["Ref"]
    assert raw["Resources"][log_bucket_id]["Type"] == "AWS::S3::Bucket"


def test_every_bucket_denies_plain_http_and_old_tls(synth: SynthResult, environment: str) -> None:
    raw = synth.raw(environment, "stateful")
    policies = _resources(raw, "AWS::S3::BucketPolicy")
    buckets = _resources(raw, "AWS::S3::Bucket")
    assert len(policies) == len(buckets) == 2
    for policy in policies.values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        denies = [statement for statement in statements if statement["Effect"] == "Deny"]
        conditions = [statement["Condition"] for statement in denies]
        assert {"Bool": {"aws:SecureTransport": "false"}} in conditions
        assert {"NumericLessThan": {"s3:TlsVersion": 1.2}} in conditions


@pytest.mark.parametrize(("environment", "days"), [("dev", 30), ("staging", 90), ("prod", 1825)])
def test_recordings_expire_after_the_configured_retention(
    synth: SynthResult, environment: str, days: int
) -> None:
    rules = _recordings_bucket(synth.raw(environment, "stateful"))["LifecycleConfiguration"]["Rules"]
    assert len(rules) == 1
    rule = rules[0]
    assert rule["ExpirationInDays"] == days
    assert rule["Status"] == "Enabled"
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    # Infrequent access only pays off when objects live longer than the 30-day minimum.
    assert ("Transitions" in rule) is (days > 30)


def test_outputs_name_every_table_bucket_and_key(synth: SynthResult) -> None:
    outputs = synth.raw("dev", "stateful")["Outputs"]
    for definition in TABLE_DEFINITIONS:
        assert f"{definition.key.title().replace('_', '')}TableName" in outputs
    assert {"RecordingsBucketName", "DataKeyArn"} <= set(outputs)


def test_cloudwatch_logs_may_use_the_data_key_for_this_accounts_log_groups_only(
    synth: SynthResult, environment: str
) -> None:
    raw = synth.raw(environment, "stateful")
    (key,) = _resources(raw, "AWS::KMS::Key").values()
    (statement,) = [
        statement
        for statement in key["Properties"]["KeyPolicy"]["Statement"]
        if statement["Principal"] == {"Service": "logs.ap-northeast-2.amazonaws.com"}
    ]
    assert statement["Condition"] == {
        "ArnLike": {
            "kms:EncryptionContext:aws:logs:arn": {
                "Fn::Join": [
                    "",
                    ["arn:aws:logs:ap-northeast-2:", {"Ref": "AWS::AccountId"}, ":log-group:*"],
                ]
            }
        }
    }
    assert not any("*" in action for action in statement["Action"])


def test_prod_backs_up_every_table_and_the_recordings_bucket_into_a_locked_vault(
    synth: SynthResult, configs: dict[str, Any]
) -> None:
    raw = synth.raw("prod", "stateful")
    (key_id,) = _resources(raw, "AWS::KMS::Key")
    (vault,) = _resources(raw, "AWS::Backup::BackupVault").values()
    assert vault["Properties"]["EncryptionKeyArn"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert vault["Properties"]["LockConfiguration"] == {
        "MinRetentionDays": configs["prod"].backup.retention_days
    }
    assert "ChangeableForDays" not in vault["Properties"]["LockConfiguration"]  # governance mode
    assert vault["DeletionPolicy"] == "Retain"
    (plan,) = _resources(raw, "AWS::Backup::BackupPlan").values()
    (rule,) = plan["Properties"]["BackupPlan"]["BackupPlanRule"]
    assert (rule["ScheduleExpression"], rule["ScheduleExpressionTimezone"]) == (
        "cron(0 3 * * ? *)",
        "Asia/Seoul",
    )
    assert rule["Lifecycle"] == {"DeleteAfterDays": configs["prod"].backup.retention_days}
    (selection,) = _resources(raw, "AWS::Backup::BackupSelection").values()
    selected = {
        resource["Fn::GetAtt"][0] for resource in selection["Properties"]["BackupSelection"]["Resources"]
    }
    tables = set(_resources(raw, "AWS::DynamoDB::Table"))
    buckets = {
        name
        for name, bucket in _resources(raw, "AWS::S3::Bucket").items()
        if "ServerSideEncryptionConfiguration" in bucket["Properties"].get("BucketEncryption", {})
        and bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
            "ServerSideEncryptionByDefault"
        ]["SSEAlgorithm"]
        == "aws:kms"
    }
    assert len(buckets) == 1  # the recordings bucket (the access-log bucket holds no recordings)
    assert selected == tables | buckets


@pytest.mark.parametrize("environment", ["dev", "staging"])
def test_dev_and_staging_have_no_backup_plan(synth: SynthResult, environment: str) -> None:
    raw = synth.raw(environment, "stateful")
    assert not [r for r in raw["Resources"].values() if r["Type"].startswith("AWS::Backup::")]


def test_the_access_log_bucket_is_versioned(synth: SynthResult, environment: str) -> None:
    raw = synth.raw(environment, "stateful")
    buckets = _resources(raw, "AWS::S3::Bucket").values()
    assert all(bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"} for bucket in buckets)
