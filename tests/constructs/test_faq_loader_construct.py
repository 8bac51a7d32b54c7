"""FaqLoader: the custom resource, its hash of the FAQ file, and the loader function's permissions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.faq_loader import FAQ_FILE, FaqLoader, faq_content_hash
from handlers.faq_loader import RESPONSE_RESERVE_SECONDS
from tests.constructs.test_bot_functions import (
    ScratchBuild,
    config_for,
    function_resource,
    permission_pairs,
    policies_of_role,
    resources_of_type,
    role_logical_id,
    scratch,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Loaded(ScratchBuild):
    loader: FaqLoader

    @property
    def function(self) -> dict[str, Any]:
        return function_resource(self.template, self.ref(self.loader.function))


def build(environment: str = "dev") -> Loaded:
    built = scratch(config_for(environment))
    loader = FaqLoader(
        built.stack,
        "FaqContent",
        code=built.functions.code,
        layer=built.functions.powertools_layer,
        faq_table=built.tables.tables["faq"],
        data_key=built.key,
        config=built.config,
    )
    return Loaded(scratch=built, template=built.template(), loader=loader)


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    """FaqLoader next to BotFunctions in dev."""
    return build()


def test_the_custom_resource_carries_the_faq_hash_and_table(loaded: Loaded) -> None:
    resources = resources_of_type(loaded.template, "Custom::FaqContent")
    assert list(resources) == [loaded.ref(loaded.loader.resource)]
    properties = next(iter(resources.values()))["Properties"]
    assert properties == {
        "ServiceToken": {"Fn::GetAtt": [loaded.ref(loaded.loader.function), "Arn"]},
        "ContentHash": hashlib.sha256((REPO_ROOT / "lambda_src/bot/data/faq.json").read_bytes()).hexdigest(),
        "TableName": {"Ref": loaded.ref(loaded.scratch.tables.tables["faq"])},
    }


def test_the_hash_follows_the_file_content(tmp_path: Path) -> None:
    edited = tmp_path / "faq.json"
    edited.write_bytes(FAQ_FILE.read_bytes().replace(b"1588-0000", b"1588-1111"))

    assert faq_content_hash() == faq_content_hash(FAQ_FILE)
    assert faq_content_hash(edited) != faq_content_hash()
    assert len(faq_content_hash()) == 64


def test_the_loader_runs_the_shared_asset_like_every_function(loaded: Loaded) -> None:
    function = loaded.function
    hook = function_resource(loaded.template, loaded.ref(loaded.scratch.functions.lex_hook))
    assert function["Handler"] == "handlers.faq_loader.lambda_handler"
    for same in ("Code", "Runtime", "Architectures", "Layers", "TracingConfig"):
        assert function[same] == hook[same], same
    assert function["Timeout"] == 120
    assert function["LoggingConfig"]["LogFormat"] == "JSON"
    log_group = loaded.template["Resources"][loaded.ref(loaded.loader.log_group)]
    assert log_group["Properties"]["RetentionInDays"] == 14


def test_the_loader_may_only_scan_and_batch_write_the_faq_table(loaded: Loaded) -> None:
    faq_arn = f"<{loaded.ref(loaded.scratch.tables.tables['faq'])}.Arn>"
    key_arn = f"<{loaded.ref(loaded.scratch.key)}.Arn>"
    log_arn = f"<{loaded.ref(loaded.loader.log_group)}.Arn>"

    assert permission_pairs(loaded.template, role_logical_id(loaded.function)) == {
        ("dynamodb:Scan", faq_arn),
        ("dynamodb:BatchWriteItem", faq_arn),
        ("kms:Decrypt", key_arn),
        ("kms:DescribeKey", key_arn),
        ("kms:GenerateDataKey", key_arn),
        ("logs:CreateLogStream", log_arn),
        ("logs:PutLogEvents", log_arn),
        ("xray:PutTraceSegments", "*"),
        ("xray:PutTelemetryRecords", "*"),
    }


def test_the_resource_runs_only_after_the_loader_has_its_permissions(loaded: Loaded) -> None:
    depends_on = loaded.template["Resources"][loaded.ref(loaded.loader.function)]["DependsOn"]
    permissions = policies_of_role(loaded.template, role_logical_id(loaded.function))
    assert permissions and set(permissions) <= set(depends_on)


def test_the_timeout_leaves_the_sync_time_after_the_reserve_for_answering() -> None:
    # The handler answers CloudFormation within the reserve; the rest is the sync's.
    assert FaqLoader.TIMEOUT.to_seconds() - RESPONSE_RESERVE_SECONDS >= 60


def test_prod_keeps_the_loader_logs() -> None:
    prod = build("prod")
    log_group = prod.template["Resources"][prod.ref(prod.loader.log_group)]
    assert log_group["DeletionPolicy"] == "Retain"
    assert log_group["Properties"]["RetentionInDays"] == 365
