"""App-wide checks: cdk-nag, feature flags, termination protection, IAM hygiene, determinism."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from config import EnvironmentConfig
from constructs_lib.compliance import HIPAA_NIST_PCI
from constructs_lib.recordings_bucket import RecordingsBucket
from tests.infrastructure.conftest import REPO_ROOT, SynthResult, cdk_context, synthesize
from tests.support.cdk_nag import DOCUMENTED_WARNINGS, nag_findings


def test_cdk_nag_reports_zero_findings_for_the_whole_app(synth: SynthResult) -> None:
    reports = synth.validation_report["pluginReports"]
    findings = [violation for report in reports for violation in report.get("violations", [])]
    # The one warning on purpose: no environment claims a number yet, so no queue dials callbacks.
    assert {finding["ruleName"] for finding in findings} <= DOCUMENTED_WARNINGS
    assert all(finding["severity"] == "warning" for finding in findings)
    assert all(report["conclusion"] == "success" for report in reports)


def _findings_of_the_bucket(outdir: Path, *, with_plain_bucket: bool) -> list[str]:
    """Synthesize one RecordingsBucket under the five rule packs and list "rule path" findings."""
    app = App(context=cdk_context(), outdir=str(outdir), analytics_reporting=False)
    stack = Stack(app, "NagProbe")
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    RecordingsBucket(
        stack, "Recordings", encryption_key=key, retention_days=30, removal_policy=RemovalPolicy.DESTROY
    )
    if with_plain_bucket:
        # Control: configured like the access-log bucket, but without its acknowledgements and
        # receiving no bucket's access logs.
        s3.Bucket(
            stack,
            "PlainLogBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        )
    return nag_findings(app)


def test_the_log_bucket_acknowledgements_really_take_effect(tmp_path: Path) -> None:
    assert _findings_of_the_bucket(tmp_path / "acknowledged", with_plain_bucket=False) == []
    findings = _findings_of_the_bucket(tmp_path / "control", with_plain_bucket=True)
    path = "NagProbe/PlainLogBucket/Resource"
    assert sorted(findings) == sorted(
        [
            # Receiving the recordings bucket's access logs is what makes the real one compliant.
            f"AwsSolutions-S1 {path}",
            *(f"{pack}-S3BucketLoggingEnabled {path}" for pack in HIPAA_NIST_PCI),
            # The acknowledgements silence these on the real one.
            *(f"{pack}-S3BucketReplicationEnabled {path}" for pack in HIPAA_NIST_PCI),
            *(f"{pack}-S3DefaultEncryptionKMS {path}" for pack in HIPAA_NIST_PCI),
        ]
    )


def test_validate_against_default_rules_flag_is_on() -> None:
    context = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    assert context["@aws-cdk/core:validateAgainstDefaultRules"] is True


@pytest.mark.parametrize(("environment", "protected"), [("dev", False), ("staging", False), ("prod", True)])
def test_prod_stacks_are_termination_protected(synth: SynthResult, environment: str, protected: bool) -> None:
    for stack_name in synth.stack_names[environment].values():
        properties = synth.manifest["artifacts"][stack_name]["properties"]
        assert properties.get("terminationProtection", False) is protected


def test_stacks_target_seoul_and_carry_environment_tags(synth: SynthResult, environment: str) -> None:
    for stack_name in synth.stack_names[environment].values():
        artifact = synth.manifest["artifacts"][stack_name]
        assert artifact["environment"].endswith("/ap-northeast-2")
        assert artifact["properties"]["tags"] == {"Environment": environment, "Project": "aicc"}


def _iam_statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    statements = []
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        documents = [properties.get("PolicyDocument"), properties.get("AssumeRolePolicyDocument")]
        documents += [policy.get("PolicyDocument") for policy in properties.get("Policies", [])]
        documents.append(properties.get("KeyPolicy"))
        for document in documents:
            if document:
                statements.extend(document["Statement"])
    return statements


def test_no_iam_statement_allows_a_wildcard_action(synth: SynthResult) -> None:
    for name, template in synth.templates.items():
        for statement in _iam_statements(template):
            if statement["Effect"] != "Allow":
                continue
            actions = statement.get("Action", [])
            actions = [actions] if isinstance(actions, str) else actions
            wildcard = [action for action in actions if action == "*" or action.endswith(":*")]
            # The KMS key policy's account-root statement is CDK's default delegation to IAM.
            is_key_root_delegation = wildcard == ["kms:*"] and "root" in json.dumps(statement["Principal"])
            assert not wildcard or is_key_root_delegation, f"{name}: {statement}"


def test_synthesis_is_deterministic(
    tmp_path: Path, synth: SynthResult, configs: dict[str, EnvironmentConfig]
) -> None:
    again = synthesize(tmp_path, [configs["prod"]])
    for role in ("stateful", "connect", "bot"):
        assert again.raw("prod", role) == synth.raw("prod", role)
